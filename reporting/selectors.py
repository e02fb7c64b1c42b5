"""The rollup's database work: a fixed handful of aggregate queries, whatever the size of the
area (the national page runs the same queries as a commune's). The arithmetic is in
reporting.rollup; pages, exports and `manage.py progress` all call ``progress()``.
"""
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import CharField, F, Q, Sum, Value, Window
from django.db.models.functions import RowNumber, StrIndex, Substr
from django.utils import timezone

from plans.models import Allocation, AreaGroup, Indicator, Plan, Target
from portal.models import Area
from reporting import rollup
from reporting import sums as province_sums
from reporting.models import Period, Report, ReportValue, counting_statuses, due_date

S = Report.Status


# Plans ----------------------------------------------------------------------------------

def covering_plans(area, year=None):
    """Plans issued for this area or one above it (the Đề án, the national plan, the province's
    plan ...), cited documents aside; only those running in ``year`` when given. Most specific
    first: the deepest area, then the shortest span (a yearly plan before a multi-year one),
    then the latest issued."""
    plans = Plan.objects.filter(area_id__in=[*area.ancestor_ids(), area.pk]).exclude(
        kind=Plan.Kind.REFERENCE).select_related("area")
    if year is not None:
        plans = plans.filter(year_start__lte=year, year_end__gte=year)
    return sorted(plans, key=lambda p: (-p.area.level, p.year_end - p.year_start,
                                        -(p.issued_on or datetime.date.min).toordinal()))


def default_plan(area, milestone, plans=None, milestones=None):
    """The most specific covering plan with targets for the milestone (else the Đề án).
    ``plans`` and ``milestones`` (``target_milestones(plans)``) when the caller has them."""
    plans = covering_plans(area) if plans is None else plans
    milestones = target_milestones(plans) if milestones is None else milestones
    for plan in plans:
        if milestone in milestones.get(plan.pk, ()):
            return plan
    return next((p for p in plans if p.kind == Plan.Kind.DE_AN), plans[0] if plans else None)


def target_milestones(plans):
    """{plan id: the sorted milestones its targets are set for}, for several plans in one query."""
    out = defaultdict(set)
    for pk, year in Target.objects.filter(plan__in=plans).values_list("plan_id", "milestone").distinct().order_by():
        out[pk].add(year)
    return {pk: sorted(years) for pk, years in out.items()}


def find_plan(number_or_key):
    plan = Plan.objects.filter(Q(number=number_or_key) | Q(key=number_or_key)).select_related("area").first()
    if plan is None:
        raise Plan.DoesNotExist(f"Không có kế hoạch số hoặc mã “{number_or_key}”")
    return plan


def plan_milestones(plan, milestones=None):
    """The milestones of a plan's targets (its last year if it has none); ``milestones``:
    ``target_milestones()`` of several plans, when the caller has it."""
    if milestones is None:
        milestones = target_milestones([plan])
    return milestones.get(plan.pk) or [plan.year_end]


# The map below an area --------------------------------------------------------------------

@dataclass
class Child:
    key: int
    area: Area | None      # None: the area's own report ("cấp mình")
    label: str


def children_of(area):
    """The units one level down in the lineage (old and new), keyed by id; one query."""
    depth = len(area.path.strip("/").split("/"))
    rows = Area.objects.inside(area).exclude(pk=area.pk)
    if area.level == Area.Level.COUNTRY:
        rows = rows.filter(level=Area.Level.PROVINCE)
    rows = rows.only("id", "code", "name", "path", "level",
                                                              "valid_from", "valid_to", "division_type")
    out = {}
    for a in rows:
        if len(a.path.strip("/").split("/")) == depth + 1:
            out[a.pk] = a
    return out


def child_key(area, path):
    """Which child of ``area`` a unit with this path belongs to (its own id for the area itself)."""
    parts = path.strip("/").split("/")
    depth = len(area.path.strip("/").split("/"))
    return int(parts[depth]) if len(parts) > depth else area.pk


# The rollup -----------------------------------------------------------------------------

@dataclass
class Progress:
    area: Area
    plan: Plan
    milestone: int
    as_of: datetime.date
    include_submitted: bool
    window_start: datetime.date
    window_end: datetime.date
    evaluation_date: datetime.date
    share: object
    lines: list
    periods: list
    children: dict = field(default_factory=dict)
    completeness: list = field(default_factory=list)
    closed: bool = False

    @property
    def own_plan(self):
        """The plan is this area's own (its count targets are this area's)."""
        return self.plan.area_id == self.area.pk

    def code_of(self, key):
        """A child key's unit code (the area's own for its own report)."""
        return self.area.code if key == self.area.pk else self.children[key].code

    def name_of(self, key):
        """A child key's unit name (the area's own for its own report)."""
        return self.area.name if key == self.area.pk else self.children[key].name

    def as_json(self):
        return {
            "area": self.area.code,
            "milestone": self.milestone,
            "plan": self.plan.number or self.plan.key,
            "as_of": self.as_of.isoformat(),
            "include_submitted": self.include_submitted,
            "indicators": [_line_json(line, self) for line in self.lines],
        }


def _target_json(t):
    return {"form": t.form, "low": rollup.number(t.low), "high": rollup.number(t.high)}


def _line_json(line, prog):
    t = line.target
    data = {
        "code": line.indicator.code,
        "actual": rollup.number(line.actual),
        "numerator": rollup.number(line.figure.numerator) if line.indicator.kind == "ratio" else None,
        "denominator": rollup.number(line.figure.denominator) if line.indicator.kind == "ratio" else None,
        # the area's own target (its plan's, or the share allocated to it), else null
        "target": None if t is None else _target_json(t),
        "achieved": line.achieved,
        "percent_of_target": rollup.number(line.percent_of_target),
        "status": line.status,
    }
    written = line.plan_target
    if t is not None and written is not None and (written.per_unit or written.area_group):
        data["target"].update(per_unit=written.per_unit or None, area_group=written.area_group or None)
    if line.parent_target is not None:
        data["parent_target"] = _target_json(line.parent_target)
        data["allocated"] = line.allocated
        if not line.allocated:
            data["contribution_percent"] = rollup.number(line.contribution)
    if line.units is not None:
        data["units_reached"] = len(line.units.reached)
        data["units_total"] = line.units.total
        data["units_failing"] = sorted(prog.code_of(k) for k in line.units.failing)
    if line.group is not None:
        g = line.group
        data["groups"] = [{"name": g.name, "actual": rollup.number(line.actual), "status": line.status,
                           "units": sorted(prog.code_of(k) for k in g.members)}]
        data["units_ungrouped"] = sorted(prog.code_of(k) for k in g.ungrouped)
    if line.allocation is not None:
        a = line.allocation
        data["allocation"] = {"allocated_low": rollup.number(a.low), "allocated_high": rollup.number(a.high),
                              "units": a.units, "short": a.short}
    return data


def progress(area, *, plan=None, milestone, as_of=None, include_submitted=False, breakdown=True):
    as_of = as_of or datetime.date.today()
    plan = plan or default_plan(area, milestone)
    start, end = rollup.window(plan, milestone)
    evaluation = rollup.evaluation_date(end, as_of, area.valid_to)
    share = rollup.elapsed_share(start, end, as_of)
    closed = rollup.is_closed(end, as_of)
    targets = list(Target.objects.filter(plan=plan, milestone=milestone).select_related("indicator")
                   .order_by("indicator__order", "indicator__code", "area_group", "per_unit"))
    if targets:
        indicators = list({t.indicator_id: t.indicator for t in targets}.values())
    else:
        indicators = list(Indicator.objects.filter(in_catalog=True).order_by("order"))
    periods = list(Period.objects.filter(year__gte=start.year, year__lte=end.year, starts_on__lte=as_of)
                   .order_by("ends_on"))
    statuses = counting_statuses(include_submitted)
    children = children_of(area)
    figures = _figures(area, indicators, periods, evaluation, statuses, as_of)

    own_plan = plan.area_id == area.pk
    allocations = {(a.target_id, a.area_id): a for a in Allocation.objects.filter(target__in=targets)} \
        if targets else {}
    groups = {}
    if any(t.area_group for t in targets):
        groups = dict(AreaGroup.objects.filter(area_id__in=[*area.ancestor_ids(), area.pk, *children])
                      .values_list("area_id", "name"))
    own_group = next((groups[pk] for pk in [area.pk, *reversed(area.ancestor_ids())]
                      if pk in groups and pk != plan.area_id), "")
    parent = None   # the figures of the area whose plan it is, for a unit's contribution
    if not own_plan and any(_is_parents(t, area, allocations) for t in targets):
        parent = _figures(plan.area, indicators, periods, rollup.evaluation_date(end, as_of, plan.area.valid_to),
                          statuses, as_of)
    in_existence = {k: c for k, c in children.items() if c.exists_on(evaluation)}

    lines = []
    for t in targets or [None] * len(indicators):
        ind = t.indicator if t is not None else indicators[len(lines)]
        total, child_figures, trend = figures[ind.pk]
        if t is None:
            line = rollup.evaluate(None, ind, total, share, closed)
        elif own_plan:
            line = _own_line(t, ind, total, child_figures, in_existence, children, groups, allocations, share, closed)
        else:
            line = _line_below(t, ind, total, area, own_group, allocations, share, closed,
                               parent[ind.pk][0] if parent else None)
        line.trend = trend
        for key, fig in child_figures.items():
            line.children[key] = _child_line(t, ind, fig, key, area, line, groups, allocations, share, closed)
        lines.append(line)
    result = Progress(area=area, plan=plan, milestone=milestone, as_of=as_of, include_submitted=include_submitted,
                      window_start=start, window_end=end, evaluation_date=evaluation, share=share, lines=lines,
                      periods=periods, children=children, closed=closed)
    if breakdown:
        result.completeness = completeness(area, plan, periods, children, area.level == Area.Level.COUNTRY, as_of)
    return result


def _is_parents(target, area, allocations):
    """A count target of a plan above, not allocated to this area: the area has no target of its
    own for it (its contribution to the parent's figure is shown instead)."""
    return not (target.area_group or target.per_unit or rollup.is_standard(target, target.indicator)
                or (target.pk, area.pk) in allocations)


def _own_line(t, ind, total, child_figures, in_existence, children, groups, allocations, share, closed):
    """The area whose plan sets the target: the target as written; a per-unit target over each
    unit below in existence on the evaluation date; an area-group target over the units of its
    group; a count target with the allocations handed down."""
    line = rollup.evaluate(t, ind, total, share, closed)
    if t.per_unit:
        units = rollup.evaluate_per_unit(t, ind, {k: child_figures.get(k, rollup.EMPTY) for k in in_existence},
                                         share, closed)
        line.status, line.units, line.percent_of_target, line.exceeded = units.status, units, None, False
    elif t.area_group:
        st, group = rollup.evaluate_group(t, ind, {k: child_figures.get(k, rollup.EMPTY) for k in children},
                                          {k: groups.get(k, "") for k in children}, share, closed)
        if st != rollup.UNGROUPED:
            line = rollup.evaluate(t, ind, group.figure, share, closed)
        line.status, line.group = st, group
        if st == rollup.UNGROUPED:
            line.percent_of_target, line.exceeded = None, False
    elif not rollup.is_standard(t, ind):
        line.allocation = rollup.allocation_summary(t, [a for (tid, _), a in allocations.items() if tid == t.pk])
    return line


def _line_below(t, ind, total, area, own_group, allocations, share, closed, parent_figure):
    """An area below the one whose plan it is: a percentage target (or a per-unit one) applies as
    written; an area-group target when the area is of that group; a count target only through the
    share allocated to the area, else none (its contribution to the parent's figure)."""
    if t.area_group:
        line = rollup.evaluate(t, ind, total, share, closed)
        if not own_group:
            line.status, line.percent_of_target, line.exceeded = rollup.UNGROUPED, None, False
        elif rollup.group_key(own_group) != rollup.group_key(t.area_group):
            line.status, line.percent_of_target, line.exceeded = rollup.NOT_APPLICABLE, None, False
        return line
    if t.per_unit or rollup.is_standard(t, ind):
        return rollup.evaluate(t, ind, total, share, closed)
    allocation = allocations.get((t.pk, area.pk))
    line = rollup.evaluate(allocation, ind, total, share, closed)
    line.plan_target, line.parent_target, line.allocated = t, t, allocation is not None
    if allocation is None and parent_figure is not None:
        line.contribution = rollup.share_of(line.actual, parent_figure.actual(ind.kind == "ratio"))
    return line


def _child_line(t, ind, fig, key, area, line, groups, allocations, share, closed):
    """A unit below in the breakdown, against its own target (as _line_below): its allocation,
    a percentage target as written, its group's target; else its share of the area's figure."""
    if t is None or key == area.pk:   # no target, or the area's own report ("cấp mình")
        child = rollup.evaluate(None, ind, fig, share, closed)
    elif t.area_group:
        child = rollup.evaluate(t, ind, fig, share, closed)
        group = groups.get(key, "")
        if not group:
            child.status, child.percent_of_target = rollup.UNGROUPED, None
        elif rollup.group_key(group) != rollup.group_key(t.area_group):
            child.status, child.percent_of_target = rollup.NOT_APPLICABLE, None
        return child
    elif t.per_unit or rollup.is_standard(t, ind):
        return rollup.evaluate(t, ind, fig, share, closed)
    else:
        allocation = allocations.get((t.pk, key))
        child = rollup.evaluate(allocation, ind, fig, share, closed)
        child.plan_target, child.parent_target, child.allocated = t, t, allocation is not None
        if allocation is not None:
            return child
    child.contribution = rollup.share_of(child.actual, line.actual if not ind.kind == "ratio" else None)
    return child


def _figures(area, indicators, periods, evaluation, statuses, as_of):
    """{indicator id: (total Figure, {child key: Figure}, trend)} of an area: the flows with the
    6-month/annual test per (province as it was that year, year) — for each child per (child,
    that province, year) — and the stocks on the evaluation date. The database adds up (one
    row per indicator and child, never per unit: ``_facts``); the rules are reporting.rollup's."""
    national = area.level == Area.Level.COUNTRY
    flows, stocks, stock_trend = _facts(area, indicators, periods, evaluation, statuses, national, as_of)

    def child_of(row):
        return row["child"] if national else child_key(area, row["child"])

    by_code = defaultdict(lambda: ([], [], []))
    for i, rows in enumerate((flows, stocks, stock_trend)):
        for r in rows:
            by_code[r["code"]][i].append(r)
    out = {}
    for ind in indicators:
        ind_flows, ind_stocks, ind_trend = by_code.get(ind.code, ([], [], []))
        if ind.over_time == Indicator.OverTime.FLOW:
            total, child_figures, trend = flow_figures(ind_flows, child_of)
        else:
            total, child_figures = stock_figures(ind_stocks, child_of)
            trend = _stock_trend(ind_trend)
        out[ind.pk] = (total, child_figures, trend)
    return out


def flow_figures(rows, child_of):
    """(total, {child: Figure}, {year: Figure}) of one flow indicator from its per-group sums
    (rows with period_province, child, year, kind and v/n/d) under rollup.flow_total's rule."""
    per_child = defaultdict(list)
    whole = []
    for r in rows:
        figure = _figure(r)
        whole.append(rollup.FlowRow(group=r["period_province"], year=r["year"], kind=r["kind"], figure=figure))
        child = child_of(r)
        per_child[child].append(rollup.FlowRow(group=(child, r["period_province"]), year=r["year"], kind=r["kind"],
                                               figure=figure))
    by_year = rollup.flow_by_year(whole)
    total = rollup.flow_total(whole)
    child_figures = {k: rollup.flow_total(v) for k, v in per_child.items()}
    return total, child_figures, {str(year): f for year, f in by_year.items()}


def stock_figures(rows, child_of):
    """(total, {child: Figure}) of one stock indicator from the sums of the latest reports per child."""
    per_child = defaultdict(list)
    for r in rows:
        per_child[child_of(r)].append(_figure(r))
    child_figures = {k: rollup.add(v) for k, v in per_child.items()}
    return rollup.add(child_figures.values()), child_figures


def _figure(r):
    return rollup.Figure(r["v"], r["n"], r["d"])


def _stock_trend(rows):
    """Stocks over time: per period, the sum of the values reported for that period."""
    by_period = defaultdict(list)
    for r in rows:
        by_period[(r["year"], r["kind"])].append(_figure(r))
    return {f"{y}-H1" if k == rollup.HALF else str(y): rollup.add(v) for (y, k), v in sorted(by_period.items())}


def _child_expression(area, national):
    """The child a report's area belongs to, in SQL: nationally the current province
    (Report.province); below, the lineage path cut after the child's id ("/1/25/300/" for any
    unit under 300, the area's own path for its own report; ``child_key`` reads the id)."""
    if national:
        return F("report__province")
    depth = len(area.path)
    rest = Substr("report__area__path", depth + 1)
    return Substr("report__area__path", 1, Value(depth) + StrIndex(rest, Value("/")),
                  output_field=CharField())


def _day_end(day):
    """The first instant after ``day``, local time: "sent by that day" is ``first_submitted_at <``
    it (a comparison, no time-zone cast per row)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def _decimal(value):
    """A SUM as Decimal with the field's two places: SQLite adds decimals as floats, so a sum of
    sums (reporting.sums) and a sum of the values could differ in a far digit without it."""
    if value is None:
        return value
    return (value if isinstance(value, Decimal) else Decimal(repr(value))).quantize(rollup.TWO)


def _facts(area, indicators, periods, evaluation, statuses, national, as_of):
    """Two aggregate queries bringing back per-group sums, never one row per unit: every value
    counted summed per (province as it was that year, child, period, indicator) — the flows'
    groups, and the stocks' trend —, and the stocks, of the latest report of each area in
    existence on the evaluation date (a window picks it), summed per (indicator, child).
    Nationally the first reads the provinces' sums where they are current (reporting.sums).
    Periods and indicators are named by id in SQL (no join for them) and read back from the
    lists. Returns (flows, stocks, stock trend), lists of dicts with the indicator's code."""
    base = ReportValue.objects.filter(report__status__in=statuses, report__period__in=periods,
                                      indicator__in=indicators,
                                      # as of a day: what had been sent by then
                                      report__first_submitted_at__lt=_day_end(as_of))
    if not national:
        base = base.filter(Area.inside_q(area, "report__area"))
    child = _child_expression(area, national)
    by_id = {i.pk: i for i in indicators}
    period_of = {p.pk: p for p in periods}
    if national:   # the provinces' sums, added up ahead where current (reporting.sums)
        sums = province_sums.national_flows(statuses, periods, indicators, _day_end(as_of))
    else:
        sums = (base.annotate(pp=F("report__period_province"), child=child, per=F("report__period"),
                              ind=F("indicator"))
                .values("pp", "child", "per", "ind")
                .annotate(v=Sum("value"), n=Sum("numerator"), d=Sum("denominator")))
    flows, trend = [], []
    for r in sums:
        ind, p = by_id[r["ind"]], period_of[r["per"]]
        row = {"period_province": r["pp"], "child": r["child"], "year": p.year, "kind": p.kind, "code": ind.code,
               "v": _decimal(r["v"]), "n": _decimal(r["n"]), "d": _decimal(r["d"])}
        (flows if ind.over_time == Indicator.OverTime.FLOW else trend).append(row)
    stock_kinds = [i.pk for i in indicators if i.over_time == Indicator.OverTime.STOCK]
    stocks = []
    if stock_kinds:
        begun = [p.pk for p in periods if p.starts_on <= evaluation]
        in_existence = (Q(report__area__valid_from__isnull=True) | Q(report__area__valid_from__lte=evaluation)) & (
            Q(report__area__valid_to__isnull=True) | Q(report__area__valid_to__gte=evaluation))
        latest = (base.filter(in_existence, indicator__in=stock_kinds, report__period__in=begun)
                  .annotate(child=child, ind=F("indicator"), v=F("value"), n=F("numerator"), d=F("denominator"),
                            rank=Window(RowNumber(), partition_by=[F("report__area"), F("indicator")],
                                        order_by=[F("report__period__ends_on").desc()]))
                  .filter(rank=1)
                  .values("child", "ind", "v", "n", "d"))
        # Django cannot group the rows a window picked: the sum over them is written out.
        sql, params = latest.query.sql_with_params()
        with connections[latest.db].cursor() as cursor:
            cursor.execute('SELECT latest."child", latest."ind", SUM(latest."v"), SUM(latest."n"), SUM(latest."d") '
                           f'FROM ({sql}) latest GROUP BY latest."child", latest."ind"', params)
            stocks = [{"child": c, "code": by_id[ind].code, "v": _decimal(v), "n": _decimal(n), "d": _decimal(d)}
                      for c, ind, v, n, d in cursor.fetchall()]
    return flows, stocks, trend


# Completeness ------------------------------------------------------------------------------

COMPLETENESS_LABELS = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa gửi",
                       "pending": "Chưa đến hạn", "n/a": "—"}


@dataclass
class Cell:
    status: str        # a key of COMPLETENESS_LABELS
    report: object = None


@dataclass
class Tally:
    """A province's units for one period (national completeness), as of a day."""
    expected: int = 0
    on_time: int = 0
    late: int = 0
    due_passed: bool = True   # the period's due date is before the as-of day

    @property
    def unsent(self):
        return max(self.expected - self.on_time - self.late, 0)

    @property
    def missing(self):
        """Units that had to report by then and did not."""
        return self.unsent if self.due_passed else 0

    @property
    def pending(self):
        """Units that have not reported yet while the report is not due."""
        return 0 if self.due_passed else self.unsent


def completeness(area, plan, periods, children, national, as_of):
    """For each child × period: reported on time, late, not (yet) sent, or not applicable
    (the unit did not exist on the period's last day). One query for the reports.
    Nationally, per province: how many of its reporting units (districts before 1/7/2025,
    communes after) sent the period's report on time, late, or not at all. As of a day: a
    report first sent after it counts as not sent yet."""
    if national:
        return _national_completeness(plan, periods, children, as_of)
    if not children:
        children = {area.pk: area}
    reports = Report.objects.filter(area_id__in=list(children), period__in=periods).only(
        "id", "area_id", "period_id", "status", "first_submitted_at")
    by_cell = {(r.area_id, r.period_id): r for r in reports}
    rows = []
    for key, child in sorted(children.items(), key=lambda kv: (kv[1].level, kv[1].code)):
        cells = []
        for p in periods:
            exists = child.exists_on(p.ends_on)
            r = by_cell.get((key, p.pk))
            due = due_date(plan, p)
            if not exists:
                cells.append(Cell("n/a", r))
            elif r is None or r.first_submitted_at is None or timezone.localdate(r.first_submitted_at) > as_of:
                cells.append(Cell("missing" if as_of > due else "pending", r))
            elif timezone.localdate(r.first_submitted_at) <= due:
                cells.append(Cell("on_time", r))
            else:
                cells.append(Cell("late", r))
        rows.append((child, cells))
    return rows


def _national_completeness(plan, periods, provinces, as_of):
    from django.db.models import Count

    # current province id -> {(valid from, valid to): units}: one query over the map, counted in
    # the database per parent (a province, current or absorbed: a few hundred rows, not one per
    # district and commune); an absorbed province's units count in the province that took it in
    units = defaultdict(Counter)
    for parent_path, vf, vt, n in (Area.objects.filter(level__in=[Area.Level.DISTRICT, Area.Level.COMMUNE])
                                   .values_list("parent__path", "valid_from", "valid_to")
                                   .annotate(n=Count("pk")).order_by()):
        units[Area.province_id_of(parent_path)][(vf, vt)] += n
    # on time: sent by the end of the due day, local time
    due = {p.pk: due_date(plan, p) for p in periods}
    on_time = Q()
    for p in periods:
        on_time |= Q(period=p, first_submitted_at__lt=_day_end(due[p.pk]))
    counts = (Report.objects.filter(period__in=periods, first_submitted_at__lt=_day_end(as_of),
                                    area__level__in=[Area.Level.DISTRICT, Area.Level.COMMUNE])
              .values("province", "period").annotate(sent=Count("pk"), on_time=Count("pk", filter=on_time)))
    sent = {(r["province"], r["period"]): (r["sent"], r["on_time"]) for r in counts}
    rows = []
    for key, province in sorted(provinces.items(), key=lambda kv: kv[1].code):
        cells = []
        for p in periods:
            expected = sum(n for (vf, vt), n in units[key].items()
                           if (vf is None or vf <= p.ends_on) and (vt is None or vt >= p.ends_on))
            n_sent, n_on_time = sent.get((key, p.pk), (0, 0))
            cells.append(Tally(expected=expected, on_time=n_on_time, late=n_sent - n_on_time,
                               due_passed=as_of > due[p.pk]))
        rows.append((province, cells))
    return rows
