"""The reviewer's queue: submitted reports of the areas below her, oldest first."""
from portal.scoping import scoped
from reporting.models import Report


def waiting_for(user):
    """Submitted reports in the user's scope that she may review (a reviewer reviews the areas
    below her, not her own level's report); none for a role that does not review."""
    if not getattr(user, "can_review", False) or user.area is None:
        return Report.objects.none()
    reports = scoped(Report.objects.filter(status=Report.Status.SUBMITTED), user)
    if user.area.level > 0:
        reports = reports.exclude(area=user.area)
    return reports.order_by("submitted_at", "pk")
