"""The home page: what to do now, by role (home.selectors), above what every role has (the
plans covering the area, the map of the area). Data entry: the report due and the reports to
correct or send; reviewer: the queue, late units, reports returned; leader: the area's headline
figures and the latest documents; administrator: imports, accounts, data to check."""
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cooperatives.selectors import can_add_cooperative
from home import selectors
from plans.models import Plan
from portal.models import Area, User
from portal.scoping import require_role, scoped
from reporting.queue import late_units, waiting_for
from reporting.tasks import tasks_due_for

R = User.Role


@require_safe
def home(request):
    user = request.user
    today = timezone.localdate()
    plans = (scoped(Plan.objects.select_related("area"), user)
             .exclude(kind=Plan.Kind.REFERENCE).order_by("-issued_on")[:8])
    inside = scoped(Area.objects.all(), user)
    context = {
        "nav": "home", "today": today,
        "plans": plans,
        "area_counts": inside.aggregate(
            provinces=Count("pk", filter=Q(level=Area.Level.PROVINCE, valid_to__isnull=True)),
            communes=Count("pk", filter=Q(level=Area.Level.COMMUNE)),
            districts=Count("pk", filter=Q(level=Area.Level.DISTRICT)),
        ),
        "lineage": user.area.ancestors() if user.area else [],
        "reports_waiting": waiting_for(user).count() if user.can_review else None,
        "late": late_units(user, today),
    }
    if user.role == R.DATA_ENTRY:
        context["can_add_cooperative"] = can_add_cooperative(user)
        context.update(due=selectors.due_now(user.area, today), returned=selectors.returned_reports(user.area),
                       drafts=selectors.drafts(user.area))
    if user.role in (R.DATA_ENTRY, R.ADMIN) and user.area:
        context["tasks_due"] = tasks_due_for(user.area, today)  # the tasks her unit leads, due now
    if user.role == R.REVIEWER:
        context["queue"] = list(waiting_for(user).select_related("area", "period")[:5])
        context["returned_below"], context["returned_below_total"] = selectors.returned_below(user)
    if user.role == R.LEADER:
        context["headline_plan"], context["milestone"], context["headline"] = selectors.headline(user.area, today)
        context["documents"] = selectors.latest_documents(user)
    if user.role == R.ADMIN:
        context.update(imports=selectors.recent_imports(user), user_counts=selectors.user_counts(user))
    return render(request, "home/home.html", context)


@require_safe
def data_check(request):
    """Reports whose figures are far from the registry's (administrators). Asked by the home
    page's card with htmx: then only the list."""
    require_role(request.user, admin=True)
    rows = selectors.data_to_check(request.user)
    template = "home/_data_check.html" if request.headers.get("HX-Request") else "home/data_check.html"
    return render(request, template, {"nav": "home", "rows": rows, "limit": 20})
