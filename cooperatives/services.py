"""Writes to the registry that must keep derived data true: the two classifications."""
import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from cooperatives import rules
from cooperatives.models import Cooperative, Manager, Workforce


def women_managed_q(on, prefix=""):
    """Managers who make their cooperative women-managed on a day (a Tổ trưởng only in a THT)."""
    team_leader_outside_tht = Q(**{f"{prefix}role": rules.TO_TRUONG_THT}) & ~Q(
        **{f"{prefix}cooperative__kind": "THT"})
    return Q(**{f"{prefix}gender": rules.FEMALE, f"{prefix}role__in": rules.MANAGEMENT_ROLES}) & ~team_leader_outside_tht & (
        Q(**{f"{prefix}from_date__isnull": True}) | Q(**{f"{prefix}from_date__lte": on})) & (
        Q(**{f"{prefix}to_date__isnull": True}) | Q(**{f"{prefix}to_date__gte": on}))


@transaction.atomic
def refresh_classification(cooperative_ids=None, on=None):
    """Recomputes is_women_managed and many_women_jobs for the given cooperatives (all when
    None) from their managers and their latest workforce; returns how many changed. A few
    queries whatever the number of cooperatives."""
    day = on or datetime.date.today()
    coops = Cooperative.objects.all()
    if cooperative_ids is not None:
        coops = coops.filter(pk__in=list(cooperative_ids))
    latest = Workforce.objects.filter(cooperative=OuterRef("pk")).order_by("-year")
    rows = coops.annotate(
        w_total=Subquery(latest.values("workers")[:1]),
        w_female=Subquery(latest.values("female_workers")[:1]),
    ).values_list("pk", "is_women_managed", "many_women_jobs", "w_total", "w_female")
    rows = list(rows)
    women_managed = set(Manager.objects.filter(women_managed_q(day), cooperative__in=coops.values("pk"))
                        .values_list("cooperative_id", flat=True))
    # One UPDATE per (women-managed, many jobs) pair and chunk, not one per cooperative.
    changed = defaultdict(list)
    for pk, old_wm, old_many, total, female in rows:
        wm, many = pk in women_managed, rules.creates_many_jobs_for_women(total, female)
        if (wm, many) != (old_wm, old_many):
            changed[(wm, many)].append(pk)
    for (wm, many), pks in changed.items():
        for i in range(0, len(pks), 5000):
            Cooperative.objects.filter(pk__in=pks[i:i + 5000]).update(is_women_managed=wm, many_women_jobs=many)
    return sum(len(pks) for pks in changed.values())
