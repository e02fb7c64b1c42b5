"""Who may edit and who may review a report: the one rule the report page (what it offers),
the workflow (reporting.services, what it allows) and the reviewer's queue (what it lists) all
use, so that the three cannot disagree.

Edit (save figures, send): data entry (or an administrator) of the report's own area, on a
draft or a returned report.

Review (approve, return): a reviewer (or an administrator) whose area holds the report's area,
on a submitted report, except
  - her own level's report (a province's own report is reviewed above it; the national level,
    with nothing above, reviews its own), and
  - a report she sent herself (its last submission is hers).

``editor_refusal`` and ``reviewer_refusal`` say who may act (a Vietnamese reason, or None);
``can_edit`` and ``can_review`` add the report's state; ``reviewable_reports`` is
``can_review`` as a query."""
from django.db.models import OuterRef, Q, Subquery

from portal.scoping import can_see_area, scoped
from reporting.models import Report, ReportTransition

S = Report.Status


def editor_refusal(user, report):
    """Why the user may not edit or send this report (whatever its state), or None."""
    if not getattr(user, "can_enter_data", False):
        return "Chỉ cán bộ nhập liệu mới sửa hoặc gửi được báo cáo."
    if user.area_id is None or report.area_id != user.area_id:
        return "Chỉ đơn vị báo cáo mới được sửa báo cáo của mình."
    return None


def can_edit(user, report):
    return editor_refusal(user, report) is None and report.status in (S.DRAFT, S.RETURNED)


def reviewer_refusal(user, report):
    """Why the user may not approve or return this report (whatever its state), or None."""
    if not getattr(user, "can_review", False):
        return "Chỉ cán bộ kiểm duyệt mới trả lại hoặc duyệt được báo cáo."
    if not can_see_area(user, report.area):
        return "Báo cáo nằm ngoài địa bàn của bạn."
    if user.area_id == report.area_id and user.area.level > 0:
        return "Báo cáo của chính cấp mình do cấp trên duyệt."
    if last_sender_id(report) == user.pk:
        return "Người gửi báo cáo không tự duyệt hoặc trả lại báo cáo của mình."
    return None


def can_review(user, report):
    return report.status == S.SUBMITTED and reviewer_refusal(user, report) is None


def _last_submissions():
    return ReportTransition.objects.filter(to_status=S.SUBMITTED).order_by("-at", "-pk")


def last_sender_id(report):
    """Who sent the report last (its latest "submitted" transition), or None."""
    return _last_submissions().filter(report=report).values_list("by_id", flat=True).first()


def last_sender_subquery():
    """``last_sender_id`` for each row of a Report query."""
    return Subquery(_last_submissions().filter(report=OuterRef("pk")).values("by")[:1])


def reviewable_reports(user):
    """The reports ``can_review`` allows the user, as a query (each annotated with
    ``sender_id``, its last sender)."""
    if not getattr(user, "can_review", False) or user.area is None:
        return Report.objects.none()
    reports = (scoped(Report.objects.filter(status=S.SUBMITTED), user)
               .annotate(sender_id=last_sender_subquery())
               .filter(Q(sender_id__isnull=True) | ~Q(sender_id=user.pk)))
    if user.area.level > 0:
        reports = reports.exclude(area=user.area)
    return reports
