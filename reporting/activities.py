"""The rules of activities (what a unit did under a plan's task): which period an activity falls
in, when it may be changed, which tasks a unit may record under, and what an attachment may be.
The pages (reporting.activity_views) and the import (reporting.activity_import) call these."""
from django.conf import settings
from django.db import transaction

from reporting.models import ActivityAttachment, Period, Report

ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def period_of(day):
    """The reporting period an activity of that day belongs to: the 6-month period for January
    to June, the annual one for July to December (the annual report adds the second half)."""
    code = f"{day.year}-H1" if day.month <= 6 else str(day.year)
    return Period.objects.filter(code=code).first()


def locked_reason(area, period):
    """Why activities of this area and period may not change (its report is sent or approved),
    or None."""
    report = Report.objects.filter(area=area, period=period).only("status").first()
    if report is not None and not report.is_editable:
        return "Báo cáo kỳ %s của đơn vị đã gửi hoặc đã duyệt: hoạt động của kỳ này không sửa được." % period.label
    return None


def tasks_for(area, year=None):
    """The tasks a unit may record under: those of the plans covering it (running in ``year``)."""
    from plans.models import Task
    from reporting.selectors import covering_plans

    plans = covering_plans(area, year=year)
    return Task.objects.filter(group__plan__in=plans).select_related("group__plan").order_by(
        "group__plan__year_start", "group__plan__key", "group__order", "order")


def sniff(head):
    """The type of a file by its first bytes (never by its name): PDF, JPEG, PNG or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def attachment_error(upload):
    """Why an uploaded file may not be attached (Vietnamese), or None."""
    limit = settings.ACTIVITY_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        return "Tệp “%s” lớn hơn %d MB." % (upload.name, settings.ACTIVITY_ATTACHMENT_MAX_MB)
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        return "Tệp “%s” không phải PDF, JPEG hoặc PNG." % upload.name
    return None


@transaction.atomic
def save_activity(activity, *, user, files=()):
    """Saves an activity (its period from its date) with its new attachments."""
    activity.period = period_of(activity.held_on)
    if activity.pk is None:
        activity.created_by = user
    activity.save()
    for upload in files:
        upload.seek(0)
        kind = sniff(upload.read(16))
        upload.seek(0)
        ActivityAttachment.objects.create(activity=activity, file=upload, name=upload.name[:200],
                                          content_type=kind, size=upload.size, uploaded_by=user)
    return activity
