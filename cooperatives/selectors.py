"""Reads of the registry, every one starting from portal.scoping.scoped (DOMAIN.md §2)."""
from django.db.models import OuterRef, Q, Subquery

from cooperatives.models import Cadre, Cooperative, Manager, Training, Workforce
from portal.models import Area
from portal.scoping import scoped
from portal.text import search_key

YES, NO = "yes", "no"


def cooperative_list(*, user, filters=None):
    """The user's cooperatives matching ``filters`` (the cleaned data of CooperativeFilterForm):
    q (name without/with diacritics, or the start of the code), area (an Area in scope: all its
    lineage), kind, sector, status, women_managed and many_women_jobs ("yes"/"no").
    The commune and its parent come in the same query: a page costs the same whatever its rows."""
    f = filters or {}
    qs = scoped(Cooperative.objects.select_related("commune", "commune__parent"), user)
    q = (f.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(search_name__contains=search_key(q)) | Q(code__startswith=q))
    area = f.get("area")
    if area is not None:
        qs = qs.filter(Area.inside_q(area, "commune"))
    for field in ("kind", "sector", "status"):
        if f.get(field):
            qs = qs.filter(**{field: f[field]})
    if f.get("women_managed") == YES:
        qs = qs.filter(is_women_managed=True)
    elif f.get("women_managed") == NO:
        qs = qs.filter(is_women_managed=False)
    if f.get("many_women_jobs") == YES:
        qs = qs.filter(many_women_jobs=True)
    elif f.get("many_women_jobs") == NO:  # "no" includes "not known yet" (no workforce recorded)
        qs = qs.exclude(many_women_jobs=True)
    # By the diacritic-free name: "Đồng Tâm" sorts among the Ds on every database and collation.
    return qs.order_by("search_name", "code")


def with_latest_workforce(qs):
    """Annotates each cooperative with its latest workforce year, for a page of rows (the API's
    50): a sub-select per row is cheap there; whole-scope exports use latest_workforce()."""
    latest = Workforce.objects.filter(cooperative=OuterRef("pk")).order_by("-year")
    return qs.annotate(**{f"wf_{name}": Subquery(latest.values(name)[:1])
                          for name in ("year", "members", "female_members", "workers", "female_workers")})


def latest_workforce(cooperatives):
    """{cooperative id: (year, members, female members, workers, female workers)} of each
    cooperative's latest workforce year, for the cooperatives of a queryset: one query that
    reads their workforce rows newest first and keeps the first of each (no sub-select per row)."""
    rows = (Workforce.objects.filter(cooperative__in=cooperatives.order_by().values("pk"))
            .order_by("cooperative_id", "-year")
            .values_list("cooperative_id", "year", "members", "female_members", "workers", "female_workers"))
    latest = {}
    for coop_id, *values in rows.iterator(chunk_size=5000):
        if coop_id not in latest:
            latest[coop_id] = tuple(values)
    return latest


def current_communes(user):
    """The communes of today's map the user may record cooperatives in."""
    return scoped(Area.objects.filter(level=Area.Level.COMMUNE).current_map(), user).order_by("name")


def can_add_cooperative(user):
    """Whether "Thêm HTX/THT" can succeed: a data-entry role and at least one commune of today's
    map in her area (an account left on an old district before 1/7/2025 has none)."""
    return user.can_enter_data and current_communes(user).exists()


def scoped_managers(user):
    return scoped(Manager.objects.select_related("cooperative"), user).order_by(
        "cooperative__name", "full_name")


def scoped_cadres(user):
    return scoped(Cadre.objects.select_related("area"), user)


def readable_trainings(user):
    """Trainings of the user's area and below, and those organised above it (a commune officer
    ticks her managers who attended the province's course); only the former are editable."""
    return scoped(Training.objects.select_related("area"), user)
