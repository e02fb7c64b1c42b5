"""The reporting app's jobs (settings.JOB_RUNNERS names them for jobs.services): the progress
page's XLSX and PDF of a country or a province (settings.JOB_PROGRESS_LEVELS) and the browser
import of report figures (preview, then confirmation) above settings.JOB_THRESHOLD_ROWS.

Each runner calls the same functions as the immediate path (reporting.selectors.progress,
reporting.exports, reporting.pdf, reporting.importer), never a copy of them: it sets
``job.file``/``job.file_name`` (the file to download) or ``job.result`` (the preview's JSON), or
raises JobFailed with a Vietnamese reason."""
import datetime
import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from jobs.services import JobFailed

PREVIEW_ROWS = 200
MAX_ERRORS = 500


def progress_params(area, choice, fmt):
    """What a progress export job needs to compute the page's rollup again (the job's params)."""
    return {"area": area.pk, "plan": choice["plan"].pk, "milestone": choice["milestone"],
            "as_of": choice["as_of"].isoformat() if choice["as_of"] else None,
            "include_submitted": bool(choice["include_submitted"]), "fmt": fmt}


def progress_export(job, progress):
    from plans.models import Plan
    from portal.models import Area
    from portal.scoping import can_see_area
    from reporting.exports import export_progress
    from reporting.pdf import render_progress_pdf
    from reporting.selectors import progress as area_progress

    p = job.params
    area = Area.objects.filter(pk=p["area"]).first()
    if area is None or not can_see_area(job.owner, area):
        raise JobFailed(_("Không tìm thấy, hoặc nằm ngoài địa bàn của bạn."))
    plan = Plan.objects.filter(pk=p["plan"]).first()
    if plan is None:
        raise JobFailed(_("Kế hoạch đã bị xóa; hãy mở lại trang tiến độ."))
    progress.done(0, _("Đang tính số liệu của các đơn vị…"), force=True)
    prog = area_progress(area, plan=plan, milestone=p["milestone"],
                         as_of=datetime.date.fromisoformat(p["as_of"]) if p.get("as_of") else None,
                         include_submitted=p.get("include_submitted", False))
    progress.done(0, _("Đang ghi tệp…"), force=True)
    if p["fmt"] == "pdf":
        name, data = f"du-thao-tien-do-{area.code}.pdf", render_progress_pdf(prog)
    else:
        name, _mime, data = export_progress(prog, p["fmt"])
    job.file.save(name, ContentFile(data), save=False)
    job.file_name = name


def _stored_upload(job):
    from cooperatives.uploads import upload_storage

    try:
        return upload_storage(job.params["file"]).read()
    except (FileNotFoundError, OSError) as exc:
        raise JobFailed(_("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại.")) from exc


def _import(job, progress, dry_run):
    from reporting.importer import import_submissions

    data = _stored_upload(job)
    progress.done(0, _("Đang đọc và kiểm tra tệp…") if dry_run else _("Đang nhập…"), force=True)
    result = import_submissions(io.BytesIO(data), dry_run=dry_run, status=job.params["status"], user=job.owner,
                                within=job.owner.area, on_progress=progress)
    job.result = {**result.as_dict(PREVIEW_ROWS, MAX_ERRORS), "file": job.params["file"],
                  "original_name": job.params.get("original_name", "")}
    return result


def figures_preview(job, progress):
    _import(job, progress, dry_run=True)


def figures_confirm(job, progress):
    """All or nothing: the importer writes in one transaction; a failure (or a killed worker)
    rolls it back and nothing is written."""
    from cooperatives.uploads import upload_storage

    result = _import(job, progress, dry_run=False)
    if not result.ok:  # the database changed since the preview
        raise JobFailed(_("%(n)s lỗi: không ghi dữ liệu nào. Sửa tệp rồi nhập lại.") % {"n": len(result.errors)})
    upload_storage(job.params["file"]).remove()
