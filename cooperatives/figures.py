"""What the registry can say about the indicators of DOMAIN.md §4, for an area and a date
window. The reporting pages show these beside what areas report, and report forms start
from them. One query per figure whatever the size of the area.

    registry_figures(area, start, end) -> {code: plans.figures.Figure}

Definitions (the registry's reading of each indicator):
  HTX_MOI            HTX and Liên hiệp HTX founded in the window with the Hội's support that
                     are women-managed or create many jobs for women
  THT_MOI            THT founded in the window with the Hội's support
  HTX_CUNG_CO        HTX (and Liên hiệp) whose consolidation the Hội supported in the window
  THT_CUNG_CO        the same for THT
  HTX_THT_CUNG_CO_TL of the HTX/THT the Hội helped found (by the window's end), those it also
                     helped consolidate
  LD_NU_ON_DINH_HTX  women workers of active HTX: each cooperative's latest workforce year up
                     to the window's end
  LD_NU_ON_DINH_THT  the same for THT
  NU_QL_DAO_TAO_TL   women managers in office at the window's end in active cooperatives, those
                     who attended a training that started by then ÷ all of them
  CB_HOI_TAP_HUAN_TL Hội cadres working on KTTT, those trained by the window's end ÷ all
"""
from django.db.models import Count, OuterRef, Q, Subquery, Sum

from cooperatives.models import Cadre, Cooperative, Manager, Workforce
from cooperatives.services import women_managed_q
from plans.figures import Figure  # one figure type: counts, or Σ numerators ÷ Σ denominators
from portal.models import Area

HTX_KINDS = [Cooperative.Kind.HTX, Cooperative.Kind.LHHTX]


def _in_area(area, lookup="commune"):
    return Area.inside_q(area, lookup)


def registry_figures(area: Area, start, end):
    coops = Cooperative.objects.filter(_in_area(area))
    # active at the window's end: active now, or suspended/dissolved only after the end
    active = coops.filter(Q(status=Cooperative.Status.ACTIVE) | Q(status_since__gt=end)).filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=end))
    htx = Q(kind__in=HTX_KINDS)
    tht = Q(kind=Cooperative.Kind.THT)
    founded = Q(hoi_supported_founding=True, founded_on__gte=start, founded_on__lte=end)
    consolidated = Q(hoi_supported_consolidation=True, consolidation_supported_on__gte=start,
                     consolidation_supported_on__lte=end)
    counts = coops.aggregate(
        htx_moi=Count("pk", filter=htx & founded & (Q(is_women_managed=True) | Q(many_women_jobs=True))),
        tht_moi=Count("pk", filter=tht & founded),
        htx_cc=Count("pk", filter=htx & consolidated),
        tht_cc=Count("pk", filter=tht & consolidated),
        helped=Count("pk", filter=Q(hoi_supported_founding=True, founded_on__lte=end)),
        helped_cc=Count("pk", filter=Q(hoi_supported_founding=True, founded_on__lte=end,
                                       hoi_supported_consolidation=True, consolidation_supported_on__lte=end)),
    )
    latest = Workforce.objects.filter(cooperative=OuterRef("cooperative"), year__lte=end.year).order_by("-year")
    women_jobs = Workforce.objects.filter(
        cooperative__in=active, year__lte=end.year, pk=Subquery(latest.values("pk")[:1]),
    ).aggregate(
        htx=Sum("female_workers", filter=Q(cooperative__kind__in=HTX_KINDS)),
        tht=Sum("female_workers", filter=Q(cooperative__kind=Cooperative.Kind.THT)),
    )
    women_managers = Manager.objects.filter(women_managed_q(end), cooperative__in=active).aggregate(
        total=Count("pk", distinct=True),
        trained=Count("pk", distinct=True, filter=Q(trainings__starts_on__lte=end)),
    )
    cadres = Cadre.objects.filter(_in_area(area, "area"), active=True, works_on_kttt=True).aggregate(
        total=Count("pk", distinct=True),
        trained=Count("pk", distinct=True, filter=Q(trainings__starts_on__lte=end)),
    )
    return {
        "HTX_MOI": Figure(value=counts["htx_moi"]),
        "THT_MOI": Figure(value=counts["tht_moi"]),
        "HTX_CUNG_CO": Figure(value=counts["htx_cc"]),
        "THT_CUNG_CO": Figure(value=counts["tht_cc"]),
        "HTX_THT_CUNG_CO_TL": Figure(numerator=counts["helped_cc"], denominator=counts["helped"]),
        "LD_NU_ON_DINH_HTX": Figure(value=women_jobs["htx"] or 0),
        "LD_NU_ON_DINH_THT": Figure(value=women_jobs["tht"] or 0),
        "NU_QL_DAO_TAO_TL": Figure(numerator=women_managers["trained"], denominator=women_managers["total"]),
        "CB_HOI_TAP_HUAN_TL": Figure(numerator=cadres["trained"], denominator=cadres["total"]),
    }


# Who the managers are, in counts: what a reviewer, a leader and the API read instead of each
# person's birth year and ethnicity (privacy.access). Managers in office on the day, in active
# cooperatives; "Kinh" or not, as typed; age in full years at the day's year.
AGE_BANDS = [("duoi_30", "Dưới 30 tuổi", None, 29), ("30_44", "Từ 30 đến 44", 30, 44),
             ("45_59", "Từ 45 đến 59", 45, 59), ("tu_60", "Từ 60 tuổi", 60, None)]
# A group of fewer people than this is shown as "dưới 3" to those who may not see the persons,
# so that a count of one in a small commune does not say who she is.
SMALL_GROUP = 3


def manager_profile(managers, on):
    """``managers``: an already scoped Manager queryset. One query."""
    in_office = managers.filter(cooperative__status=Cooperative.Status.ACTIVE).filter(
        Q(from_date__isnull=True) | Q(from_date__lte=on), Q(to_date__isnull=True) | Q(to_date__gte=on))
    year = on.year
    counts = {
        "total": Count("pk"),
        "women": Count("pk", filter=Q(gender="F")),
        "kinh": Count("pk", filter=Q(ethnicity__iexact="kinh")),
        "dan_toc_thieu_so": Count("pk", filter=~Q(ethnicity__iexact="kinh") & ~Q(ethnicity="")),
        "dan_toc_chua_ghi": Count("pk", filter=Q(ethnicity="")),
        "tuoi_chua_ghi": Count("pk", filter=Q(birth_year__isnull=True)),
    }
    for key, _label, low, high in AGE_BANDS:
        band = Q(birth_year__isnull=False)
        if low is not None:
            band &= Q(birth_year__lte=year - low)
        if high is not None:
            band &= Q(birth_year__gte=year - high)
        counts[f"tuoi_{key}"] = Count("pk", filter=band)
    return in_office.aggregate(**counts)


FAMILIES = [("kinh", "dan_toc_thieu_so", "dan_toc_chua_ghi"),
            ("tuoi_duoi_30", "tuoi_30_44", "tuoi_45_59", "tuoi_tu_60", "tuoi_chua_ghi")]


def suppress_small(profile):
    """The profile with every group of 1 or 2 people as None (shown "dưới 3"); totals stay. A
    family of groups adds up to the total, so where only one group of it is hidden the next
    smallest is hidden too (the whole family when the others are 0, or the total itself is under
    3): otherwise the total minus the others gives it away."""
    shown = dict(profile)
    for family in FAMILIES:
        hidden = [k for k in family if 0 < profile[k] < SMALL_GROUP]
        if len(hidden) == 1:
            others = sorted((profile[k], k) for k in family if k not in hidden and profile[k] > 0)
            # the next smallest group hidden too; with nothing else to hide (the others are 0),
            # the whole family
            hidden = hidden + [others[0][1]] if others else list(family)
        if 0 < profile["total"] < SMALL_GROUP:
            hidden = list(family)
        for k in hidden:
            shown[k] = None
    return shown
