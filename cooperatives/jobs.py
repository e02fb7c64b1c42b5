"""The registry's jobs (settings.JOB_RUNNERS names them for jobs.services). What each kind does. A runner gets the Job (its owner, params) and a Progress; it sets
``job.result`` (a small JSON value for the page) and/or ``job.file``/``job.file_name`` (the file to
download), or raises services.JobFailed with a Vietnamese reason. It calls the same functions as
the immediate path (cooperatives.exports, cooperatives.importer), never a copy of them."""
import io
import tempfile

from django.core.files import File
from django.db import IntegrityError
from django.http import QueryDict
from django.utils.translation import gettext as _

from jobs.services import JobFailed

PREVIEW_ROWS = 200
MAX_ERRORS = 500


def registry_export(job, progress):
    from cooperatives import exports
    from cooperatives.forms import CooperativeFilterForm
    from cooperatives.selectors import cooperative_list

    fmt = job.params["fmt"]
    form = CooperativeFilterForm(QueryDict(job.params.get("query", "")) or None, user=job.owner)
    coops = cooperative_list(user=job.owner, filters=form.filters)
    progress.total(coops.count())
    count = 0

    def counted(rows):
        nonlocal count
        for i, row in enumerate(rows):
            if i:
                count = i
                if i % 1000 == 0:
                    progress.done(i, _("Đã ghi %(n)s dòng") % {"n": f"{i:,}".replace(",", ".")})
            yield row

    with tempfile.TemporaryFile() as out:
        with exports.planned_for_every_row():
            exports.write(counted(exports.cooperative_rows(coops)), fmt, out)
        out.seek(0)
        name = exports.filename("hop-tac-xa", fmt)
        job.file.save(name, File(out), save=False)
        job.file_name = name
    job.result = {"rows": count}


def _import_result(result):
    counts = lambda c: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}  # noqa: E731
    return {"ok": result.ok, "cooperatives": counts(result.cooperatives), "managers": counts(result.managers),
            "errors": [{"sheet": e.sheet, "row": e.row, "column": e.column, "reason": e.reason}
                       for e in result.errors[:MAX_ERRORS]],
            "error_count": len(result.errors), "preview": result.preview[:PREVIEW_ROWS],
            "more": max(0, len(result.preview) - PREVIEW_ROWS)}


def _stored_upload(job):
    from cooperatives.uploads import upload_storage as stored_upload

    try:
        return stored_upload(job.params["file"]).read()
    except (FileNotFoundError, OSError) as exc:
        raise JobFailed(_("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại.")) from exc


def import_preview(job, progress):
    from cooperatives.importer import import_cooperatives

    data = _stored_upload(job)
    progress.done(0, _("Đang đọc và kiểm tra tệp…"), force=True)
    result = import_cooperatives(io.BytesIO(data), dry_run=True, within=job.owner.area, on_progress=progress)
    job.result = {**_import_result(result), "file": job.params["file"],
                  "original_name": job.params.get("original_name", "")}


def import_confirm(job, progress):
    """All or nothing: the importer writes in one transaction; a failure (or a killed worker) rolls
    it back and nothing is written."""
    from cooperatives.uploads import upload_storage as stored_upload
    from cooperatives.importer import import_cooperatives

    data = _stored_upload(job)
    progress.done(0, _("Đang nhập…"), force=True)
    try:
        result = import_cooperatives(io.BytesIO(data), within=job.owner.area, on_progress=progress)
    except IntegrityError:  # the same rows written by another confirmation at the same moment
        stored_upload(job.params["file"]).remove()
        raise JobFailed(_("Các HTX/THT này vừa được người khác nhập; tải lại danh sách để xem.")) from None
    job.result = {**_import_result(result), "original_name": job.params.get("original_name", "")}
    if not result.ok:  # the database changed since the preview
        raise JobFailed(_("%(n)s lỗi: không ghi dữ liệu nào. Sửa tệp rồi nhập lại.") % {"n": len(result.errors)})
    stored_upload(job.params["file"]).remove()


