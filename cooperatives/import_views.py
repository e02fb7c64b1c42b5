"""Spreadsheet import in the browser: upload → preview (what will be created, updated or
rejected, nothing written) → confirm. Administrators only, limited to their own area.

django-import-export keeps the uploaded file between the preview and the confirmation
(its MediaStorage, as its admin import does: cooperatives.uploads, which `manage.py daily` also
clears of abandoned uploads); the rows themselves go through
cooperatives.importer, the same code as `manage.py import_cooperatives`, because province
spreadsheets need whole-file handling (title rows, header search, cross-sheet checks, all or
nothing) and bulk writes to import 10 000 rows in seconds.
"""
import io
from uuid import uuid4

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cooperatives.importer import import_cooperatives
from cooperatives.template import build_template
from cooperatives.uploads import upload_storage
from portal.forms import SpreadsheetUploadForm, UploadConfirmForm
from portal.scoping import require_area, require_role
from jobs import services as job_services
from jobs.models import Job
from portal.spreadsheet_limits import measure_workbook

MAX_UPLOAD = 20 * 1024 * 1024
PREVIEW_ROWS = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAVED_MEANWHILE = "Các HTX/THT này vừa được người khác nhập; tải lại danh sách để xem."


class UploadForm(SpreadsheetUploadForm):
    max_bytes = MAX_UPLOAD
    background_job = True  # import_upload sends a file of more than JOB_THRESHOLD_ROWS rows to a job


ConfirmForm = UploadConfirmForm


def _crumbs(title):
    return [(_("Hợp tác xã"), reverse("cooperatives:list")), (title, None)]


@require_safe
def import_template(request):
    return HttpResponse(build_template(), content_type=XLSX,
                        headers={"Content-Disposition": content_disposition_header(True, "mau-nhap-hop-tac-xa.xlsx")})


@require_http_methods(["GET", "POST"])
def import_upload(request):
    require_role(request.user, admin=True)
    require_area(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"nav": "coops", "form": form, "breadcrumbs": _crumbs(_("Nhập từ Excel"))}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        if form.size and (form.size.rows or 0) > job_services.threshold():  # large: checked by a job
            name = uuid4().hex
            upload_storage(name).save(data)
            job = job_services.start(request.user, Job.Kind.IMPORT_PREVIEW,
                                     _("Kiểm tra tệp %(name)s") % {"name": form.cleaned_data["file"].name},
                                     file=name, original_name=form.cleaned_data["file"].name)
            return redirect("jobs:detail", pk=job.pk)
        result = import_cooperatives(io.BytesIO(data), dry_run=True, within=request.user.area)
        context.update(result=result, preview=result.preview[:PREVIEW_ROWS],
                       more=max(0, len(result.preview) - PREVIEW_ROWS), file_name=form.cleaned_data["file"].name)
        if result.ok:
            name = uuid4().hex
            upload_storage(name).save(data)
            context["confirm"] = ConfirmForm(initial={"import_file_name": name,
                                                      "original_name": form.cleaned_data["file"].name})
        return render(request, "cooperatives/import_preview.html", context)
    return render(request, "cooperatives/import_upload.html", context)


@require_http_methods(["POST"])
def import_confirm(request):
    require_role(request.user, admin=True)
    require_area(request.user)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phiên nhập không hợp lệ; hãy tải tệp lên lại."))
        return redirect("cooperatives:import")
    storage = upload_storage(form.cleaned_data["import_file_name"])
    try:
        data = storage.read()
    except (FileNotFoundError, OSError):
        messages.error(request, _("Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại."))
        return redirect("cooperatives:import")
    size = measure_workbook(io.BytesIO(data))
    if size and (size.rows or 0) > job_services.threshold():  # large: imported by a job, all or nothing
        job = job_services.start(request.user, Job.Kind.IMPORT_CONFIRM,
                                 _("Nhập tệp %(name)s") % {"name": form.cleaned_data["original_name"]},
                                 file=form.cleaned_data["import_file_name"],
                                 original_name=form.cleaned_data["original_name"])
        return redirect("jobs:detail", pk=job.pk)
    try:
        result = import_cooperatives(io.BytesIO(data), within=request.user.area)
    except IntegrityError:  # the same rows written by another confirmation at the same moment
        storage.remove()
        messages.error(request, _(SAVED_MEANWHILE))
        return render(request, "cooperatives/import_preview.html", {
            "nav": "coops", "result": None, "conflict": True, "preview": [], "more": 0,
            "file_name": form.cleaned_data["original_name"], "breadcrumbs": _crumbs(_("Nhập từ Excel"))}, status=409)
    storage.remove()
    if not result.ok:  # the database changed since the preview (someone else's edit)
        return render(request, "cooperatives/import_preview.html", {
            "nav": "coops", "result": result, "preview": [], "more": 0,
            "file_name": form.cleaned_data["original_name"], "breadcrumbs": _crumbs(_("Nhập từ Excel"))})
    messages.success(request, _("Đã nhập: HTX/THT tạo mới %(c)s, cập nhật %(u)s, không đổi %(n)s; "
                                "cán bộ quản lý tạo mới %(mc)s, cập nhật %(mu)s, không đổi %(mn)s.") % {
        "c": result.cooperatives.created, "u": result.cooperatives.updated, "n": result.cooperatives.unchanged,
        "mc": result.managers.created, "mu": result.managers.updated, "mn": result.managers.unchanged})
    return redirect("cooperatives:list")


def job_preview(request, job, context):
    """A finished preview job's page: the same preview as the immediate path, with the confirmation
    (settings.JOB_RESULT_VIEWS points the jobs pages here)."""
    result = job.result
    context.update(result=result, preview=result["preview"], more=result["more"],
                   file_name=result["original_name"])
    if result["ok"]:
        context["confirm"] = ConfirmForm(initial={"import_file_name": result["file"],
                                                  "original_name": result["original_name"]})
    return render(request, "cooperatives/import_preview.html", context)
