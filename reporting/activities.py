"""The rules of activities (what a unit did under a plan's task): which period an activity falls
in, when it may be changed, which tasks a unit may record under, and what an attachment may be.
The pages (reporting.activity_views) and the import (reporting.activity_import) call these."""
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from reporting.entry import can_report_period
from reporting.models import ActivityAttachment, Period, Report

ATTACHMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def period_of(day, area=None):
    """The reporting period an activity of that day belongs to: the 6-month period for January
    to June, the annual one for July to December (the annual report adds the second half).

    With the unit (``area``), a period that unit reports (reporting.entry.can_report_period): a
    commune created on 1/7/2025 has no 6-month 2025 report, so its activities of January–June
    2025 go to the annual 2025 report; a unit that no longer exists on the day (an old district
    after 30/6/2025), or reports no period holding the day, gets None (``period_refusal`` says why)."""
    return _period_and_reason(day, area)[0]


def period_refusal(day, area=None):
    """Why an activity of that day cannot be recorded for the unit (Vietnamese), or None."""
    return _period_and_reason(day, area)[1]


def _period_and_reason(day, area):
    codes = [f"{day.year}-H1", str(day.year)] if day.month <= 6 else [str(day.year)]
    periods = {p.code: p for p in Period.objects.filter(code__in=codes)}
    natural = periods.get(codes[0])
    if natural is None:
        return None, _("Ngày này không thuộc kỳ báo cáo nào của Đề án (2023–2030).")
    if area is None:
        return natural, None
    if area.valid_to is not None and day > area.valid_to:
        return None, (_("Đơn vị %(name)s chỉ tồn tại đến ngày %(end)s: không ghi được hoạt động ngày %(day)s.")
                      % {"name": area.name, "end": f"{area.valid_to:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"})
    for code in codes:
        period = periods.get(code)
        if period is not None and can_report_period(area, period):
            return period, None
    return None, (_("Đơn vị %(name)s không có kỳ báo cáo nào chứa ngày %(day)s (đơn vị có hiệu lực từ %(start)s).")
                  % {"name": area.name, "day": f"{day:%d/%m/%Y}",
                     "start": f"{area.valid_from:%d/%m/%Y}" if area.valid_from else "—"})


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
    activity.period = period_of(activity.held_on, activity.area)
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
