"""The reviewer's queue: submitted reports of the areas below her, oldest first."""
from reporting.models import Report
from reporting.permissions import reviewable_reports


def waiting_for(user):
    """The reports she may review (reporting.permissions.can_review), oldest first; each
    annotated with ``sender_id``. None for a role that does not review."""
    return reviewable_reports(user).order_by("submitted_at", "pk")


def late_units(user, today=None):
    """The units below a reviewer that have not sent the latest report already due: (period,
    due date, [units]). Units are those existing on the period's last day (districts before
    1/7/2025, communes after); the due date is the most specific covering plan's. Three queries."""
    import datetime

    from portal.models import Area
    from reporting.models import Period, due_date
    from reporting.selectors import default_plan

    if not getattr(user, "can_review", False) or user.area is None:
        return None
    today = today or datetime.date.today()
    plan = default_plan(user.area, today.year)
    if plan is None:
        return None
    due = [(p, due_date(plan, p)) for p in Period.objects.filter(year__in=[today.year - 1, today.year])]
    due = [(p, d) for p, d in due if d < today]
    if not due:
        return None
    period, deadline = max(due, key=lambda pd: pd[1])
    units = (Area.objects.inside(user.area).exclude(pk=user.area.pk)
             .filter(level__in=[Area.Level.DISTRICT, Area.Level.COMMUNE]).valid_on(period.ends_on).order_by("code"))
    sent = set(Report.objects.filter(period=period, area__in=units, first_submitted_at__isnull=False)
               .values_list("area_id", flat=True))
    return period, deadline, [u for u in units if u.pk not in sent]
