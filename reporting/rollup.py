"""The rollup's arithmetic (DOMAIN.md §4): plain functions and dataclasses, no database.
reporting.selectors fetches the rows; everything here is tested without a database.

Rules:
- counts add up; a ratio is Σ numerators ÷ Σ denominators (percentages are never averaged);
- a flow adds the periods in the target's window, except that within a group (a province, or
  the asked area when it lies inside one province) a year's 6-month reports no longer count
  once any annual report of that year exists;
- a stock is the sum, over the areas still in existence on the evaluation date, of each
  one's latest report in the window (the selector picks those rows); no row: no figure (None);
- status: achieved (the target's form is met), on track (actual ≥ the target's low end × the
  share of the window elapsed), behind, or no data.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from plans.figures import Figure
from plans.targets import AT_MOST, is_achieved, is_exceeded, percent_of_target

HALF, ANNUAL = "H1", "Y"
ACHIEVED, ON_TRACK, BEHIND, NO_DATA, NOT_EVALUATED = "achieved", "on_track", "behind", "no_data", "not_evaluated"
STATUS_LABELS = {ACHIEVED: "Đạt", ON_TRACK: "Đúng tiến độ", BEHIND: "Chậm tiến độ", NO_DATA: "Chưa có số liệu",
                 NOT_EVALUATED: "Không đánh giá tự động"}
EMPTY = Figure()


def add(figures):
    """Σ of figures (ratios: Σ numerators and Σ denominators); None-only input → EMPTY."""
    value = num = den = None
    for f in figures:
        if f.value is not None:
            value = (value or 0) + Decimal(f.value)
        if f.numerator is not None:
            num = (num or 0) + Decimal(f.numerator)
        if f.denominator is not None:
            den = (den or 0) + Decimal(f.denominator)
    return Figure(value, num, den)


@dataclass(frozen=True)
class FlowRow:
    """Σ of one group's reports of one kind for one year and indicator."""
    group: object
    year: int
    kind: str
    figure: Figure


def flow_total(rows):
    """Adds flow rows: per group and year, the annual reports if any exist, else the 6-month
    ones. Returns EMPTY when nothing was reported."""
    by_group_year = defaultdict(dict)
    for r in rows:
        bucket = by_group_year[(r.group, r.year)]
        bucket[r.kind] = add([bucket.get(r.kind, EMPTY), r.figure])
    counted = [kinds[ANNUAL] if ANNUAL in kinds else kinds[HALF] for kinds in by_group_year.values()]
    return add(counted)


def flow_by_year(rows):
    """{year: the figure that year adds} under the same rule (for the trend)."""
    by_year = defaultdict(list)
    for r in rows:
        by_year[r.year].append(r)
    return {year: flow_total(year_rows) for year, year_rows in sorted(by_year.items())}


def elapsed_share(start, end, as_of):
    """The share of the window [start, end] elapsed on as_of, between 0 and 1."""
    if as_of <= start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days) / Decimal((end - start).days)


def status(target, actual, share):
    """Achieved / on track / behind / no data for a target (plans.Target or any object with
    form, low, high, per_unit, area_group)."""
    if target.per_unit or target.area_group:
        return NOT_EVALUATED  # needs each unit's / each group's own figure
    if actual is None:
        return NO_DATA
    if is_achieved(target.form, target.low, target.high, actual):
        return ACHIEVED
    if target.form == AT_MOST or share >= 1:  # lower-is-better, or the window is over
        return BEHIND
    return ON_TRACK if Decimal(actual) >= Decimal(target.low) * share else BEHIND


@dataclass
class Line:
    """One target of the plan with its actual figure."""
    target: object
    indicator: object
    figure: Figure
    actual: Decimal | None
    status: str
    percent_of_target: Decimal | None
    exceeded: bool = False
    registry: object = None
    children: dict = field(default_factory=dict)   # child key -> (Figure, actual, status)
    trend: dict = field(default_factory=dict)      # period code or year -> Figure

    @property
    def achieved(self):
        if self.status == NOT_EVALUATED or self.actual is None:
            return None
        return self.status == ACHIEVED


def evaluate(target, indicator, figure, share):
    is_ratio = indicator.kind == "ratio"
    actual = figure.actual(is_ratio)
    st = status(target, actual, share) if target is not None else (NO_DATA if actual is None else NOT_EVALUATED)
    pct = percent_of_target(target.form, target.low, actual) if target is not None else None
    exceeded = bool(target is not None and is_exceeded(target.form, target.low, target.high, actual))
    return Line(target=target, indicator=indicator, figure=figure, actual=actual, status=st,
                percent_of_target=pct, exceeded=exceeded)


def window(plan, milestone):
    """The target's window: from the plan's first year to the milestone (a yearly plan: its year)."""
    first = milestone if plan.year_start == plan.year_end else min(plan.year_start, milestone)
    return datetime.date(first, 1, 1), datetime.date(milestone, 12, 31)


def evaluation_date(window_end, as_of, area_valid_to=None):
    """The earliest of the window's last day, the as-of date and the area's last day."""
    return min(d for d in (window_end, as_of, area_valid_to) if d is not None)


def number(value):
    """Decimal → int when whole, else float (JSON)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)
