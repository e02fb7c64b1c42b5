"""The home page: what each part of the portal has for the signed-in user (plans, reports
waiting for review, late units, the map of their area)."""
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.models import Plan
from portal.models import Area
from portal.scoping import scoped
from reporting.queue import late_units, waiting_for


@require_safe
def home(request):
    user = request.user
    plans = (scoped(Plan.objects.select_related("area"), user)
             .exclude(kind=Plan.Kind.REFERENCE).order_by("-issued_on")[:8])
    inside = scoped(Area.objects.all(), user)
    context = {
        "nav": "home",
        "plans": plans,
        "area_counts": inside.aggregate(
            provinces=Count("pk", filter=Q(level=Area.Level.PROVINCE, valid_to__isnull=True)),
            communes=Count("pk", filter=Q(level=Area.Level.COMMUNE)),
            districts=Count("pk", filter=Q(level=Area.Level.DISTRICT)),
        ),
        "lineage": user.area.ancestors() if user.area else [],
        "reports_waiting": waiting_for(user).count() if user.can_review else None,
        "late": late_units(user),
    }
    return render(request, "home/home.html", context)
