"""The report workflow (DOMAIN.md §5): draft → submitted → approved, or submitted →
returned (with the reviewer's comment) → submitted again. Approved reports are locked; every
change of state is a ReportTransition (who, when, comment); two people saving the same report
cannot overwrite each other silently (optimistic locking on Report.version)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plans.models import Indicator
from portal.models import Area
from reporting import notices
from reporting.models import Report, ReportTransition, ReportValue
from reporting.permissions import editor_refusal, reviewer_refusal

S = Report.Status


class ConcurrentEdit(Exception):
    """Someone saved the report after this user opened it."""


def province_of(area):
    """The current province whose lineage holds the area (None for the country)."""
    pk = area.province_id
    if pk is None:
        return None
    return area if pk == area.pk else Area.objects.get(pk=pk)


def get_or_create_report(*, area, period, user=None):
    report, created = Report.objects.get_or_create(
        area=area, period=period, defaults={"created_by": user, "updated_by": user, "province": province_of(area),
                                            "period_province_id": area.province_id_in_year(period.year)})
    return report


def _transition(report, to_status, user, comment=""):
    ReportTransition.objects.create(report=report, from_status=report.status, to_status=to_status, by=user,
                                    comment=comment)
    report.status = to_status


def figure_error(indicator, figure):
    """The Vietnamese reason a figure cannot be saved, or None."""
    if indicator.kind == Indicator.Kind.RATIO:
        num, den = figure.get("numerator"), figure.get("denominator")
        if (num is None) != (den is None):
            return "Cần nhập cả tử số và mẫu số."
        if den is not None and (den <= 0 or num < 0):
            return "Mẫu số phải lớn hơn 0 và tử số không âm."
        if num is not None and num > den:
            return "Tử số không được lớn hơn mẫu số."
        return None
    v = figure.get("value")
    return "Số liệu không được âm." if v is not None and v < 0 else None


@transaction.atomic
def save_values(report, *, values, version, user, note=None):
    """values: {indicator code: {"value": x} or {"numerator": n, "denominator": d}}.
    Refuses a user who may not edit it (reporting.permissions), a locked report and a stale
    version (ConcurrentEdit)."""
    _check(editor_refusal(user, report))
    if not report.is_editable:
        raise PermissionDenied("Báo cáo đã gửi hoặc đã duyệt, không sửa được.")
    claimed = Report.objects.filter(pk=report.pk, version=version, status__in=[S.DRAFT, S.RETURNED]).update(
        version=F("version") + 1, updated_by=user, updated_at=timezone.now(),
        **({"note": note} if note is not None else {}))
    if not claimed:
        raise ConcurrentEdit()
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=values)}
    errors = {code: message for code, message in
              ((code, figure_error(indicators[code], figure)) for code, figure in values.items()) if message}
    if errors:  # nothing is written: the transaction rolls the version claim back too
        raise ValidationError(errors)
    existing = {v.indicator_id: v for v in report.values.all()}
    for code, figure in values.items():
        ind = indicators[code]
        row = existing.get(ind.pk) or ReportValue(report=report, indicator=ind)
        if ind.kind == Indicator.Kind.RATIO:
            row.value, row.numerator, row.denominator = None, figure.get("numerator"), figure.get("denominator")
        else:
            row.value, row.numerator, row.denominator = figure.get("value"), None, None
        if row.pk is None and row.value is None and row.numerator is None:
            continue
        row.save()
    report.refresh_from_db()
    return report


@transaction.atomic
def submit(report, *, user):
    report = _locked(report)
    _check(editor_refusal(user, report))
    if report.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError("Chỉ gửi được báo cáo đang là bản nháp hoặc bị trả lại.")
    now = timezone.now()
    _transition(report, S.SUBMITTED, user)
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.version += 1
    report.save(update_fields=["status", "submitted_at", "first_submitted_at", "version", "updated_at"])
    notices.report_submitted(report, user)
    return report


@transaction.atomic
def return_report(report, *, user, comment):
    report = _locked(report)
    _check(reviewer_refusal(user, report))
    if report.status != S.SUBMITTED:
        raise ValidationError("Chỉ trả lại được báo cáo đang chờ duyệt.")
    if not comment.strip():
        raise ValidationError("Hãy ghi lý do trả lại để người nhập biết cần sửa gì.")
    _transition(report, S.RETURNED, user, comment.strip())
    report.version += 1
    report.save(update_fields=["status", "version", "updated_at"])
    notices.report_returned(report, user, comment.strip())
    return report


@transaction.atomic
def approve(report, *, user, comment=""):
    report = _locked(report)
    _check(reviewer_refusal(user, report))
    if report.status != S.SUBMITTED:
        raise ValidationError("Chỉ duyệt được báo cáo đang chờ duyệt.")
    _transition(report, S.APPROVED, user, comment)
    report.approved_at = timezone.now()
    report.version += 1
    report.save(update_fields=["status", "approved_at", "version", "updated_at"])
    notices.report_approved(report, user)
    return report


def _locked(report):
    """The report re-read under a row lock: two reviewers acting at once cannot both succeed."""
    return Report.objects.select_for_update().select_related("area").get(pk=report.pk)


def _check(refusal):
    """Who may act is reporting.permissions' rule, the same the page and the queue use."""
    if refusal:
        raise PermissionDenied(refusal)

