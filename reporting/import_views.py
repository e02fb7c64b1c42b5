"""Report figures imported in the browser: upload → preview (what will be created, updated or
refused, nothing written) → confirm. Administrators only, limited to their own area.

The rows go through reporting.importer, the same code as `manage.py import_submissions`
(``within=`` the administrator's area: a row of another area is an error like any other; the
status chosen is the command's --status). A file of more than settings.JOB_THRESHOLD_ROWS rows
is checked, and then written, by a background job (reporting.jobs); the upload is kept between
the two steps as the registry import keeps its own (cooperatives.uploads).
"""
import io
from uuid import uuid4

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cooperatives.uploads import upload_storage
from jobs import services as job_services
from jobs.models import Job
from portal.scoping import require_area, require_role
from portal.spreadsheet_limits import measure_workbook
from reporting.figures_template import build_template
from reporting.forms import FiguresConfirmForm, FiguresUploadForm
from reporting.importer import import_submissions

PREVIEW_ROWS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs():
    return [(_("Báo cáo"), reverse("reporting:list")), (_("Nhập số liệu từ Excel"), None)]


def _require_admin(user):
    require_role(user, admin=True)
    require_area(user)


def _large(size):
    return bool(size and (size.rows or 0) > job_services.threshold())


def _done_message(result):
    r, v = result["reports"], result["values"]
    return _("Đã nhập: báo cáo tạo mới %(rc)s, cập nhật %(ru)s, không đổi %(rn)s; số liệu tạo mới %(vc)s, "
             "cập nhật %(vu)s, không đổi %(vn)s.") % {
        "rc": r["created"], "ru": r["updated"], "rn": r["unchanged"],
        "vc": v["created"], "vu": v["updated"], "vn": v["unchanged"]}


def _preview(request, result, file_name, context=None, stored=None):
    """The preview page from an import's result (ImportResult.as_dict), with the confirmation
    when nothing is wrong and the upload is kept (``stored``: its name)."""
    context = {**(context or {}), "nav": "reports", "result": result, "file_name": file_name,
               "status_label": dict(FiguresUploadForm.base_fields["status"].choices).get(result["status"], "")}
    context.setdefault("breadcrumbs", _crumbs())
    if result["ok"] and stored:
        context["confirm"] = FiguresConfirmForm(initial={"import_file_name": stored, "original_name": file_name,
                                                         "status": result["status"]})
    return render(request, "reporting/import_preview.html", context)


@require_safe
def import_template(request):
    _require_admin(request.user)
    return HttpResponse(build_template(request.user), content_type=XLSX, headers={
        "Content-Disposition": content_disposition_header(True, f"mau-nhap-so-lieu-{request.user.area.code}.xlsx")})


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_admin(request.user)
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, status = form.cleaned_data["file"], form.cleaned_data["status"]
        data = upload.read()
        if _large(form.size):  # checked by a job
            name = uuid4().hex
            upload_storage(name).save(data)
            job = job_services.start(request.user, Job.Kind.FIGURES_PREVIEW,
                                     _("Kiểm tra tệp số liệu %(name)s") % {"name": upload.name},
                                     file=name, original_name=upload.name, status=status)
            return redirect("jobs:detail", pk=job.pk)
        result = import_submissions(io.BytesIO(data), dry_run=True, status=status, user=request.user,
                                    within=request.user.area)
        stored = None
        if result.ok:
            stored = uuid4().hex
            upload_storage(stored).save(data)
        return _preview(request, result.as_dict(PREVIEW_ROWS), upload.name, stored=stored)
    return render(request, "reporting/import_upload.html",
                  {"nav": "reports", "form": form, "breadcrumbs": _crumbs()})


@require_POST
def import_confirm(request):
    _require_admin(request.user)
    form = FiguresConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phiên nhập không hợp lệ; hãy tải tệp lên lại."))
        return redirect("reporting:import")
    name, original, status = (form.cleaned_data[k] for k in ("import_file_name", "original_name", "status"))
    storage = upload_storage(name)
    try:
        data = storage.read()
    except (FileNotFoundError, OSError):
        messages.error(request, _("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại."))
        return redirect("reporting:import")
    if _large(measure_workbook(io.BytesIO(data))):  # written by a job, all or nothing
        job = job_services.start(request.user, Job.Kind.FIGURES_CONFIRM,
                                 _("Nhập tệp số liệu %(name)s") % {"name": original},
                                 file=name, original_name=original, status=status)
        return redirect("jobs:detail", pk=job.pk)
    result = import_submissions(io.BytesIO(data), status=status, user=request.user, within=request.user.area)
    storage.remove()
    if not result.ok:  # the database changed since the preview (a unit's own edit)
        return _preview(request, result.as_dict(PREVIEW_ROWS), original)
    messages.success(request, _done_message(result.as_dict(0)))
    return redirect("reporting:list")


def job_preview(request, job, context):
    """A finished preview job's page: the same preview as the immediate path, with the
    confirmation (settings.JOB_RESULT_VIEWS points the jobs pages here)."""
    return _preview(request, job.result, job.result["original_name"], context=context, stored=job.result["file"])
