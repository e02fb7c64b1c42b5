"""The rollup's arithmetic (DOMAIN.md §4): plain functions and dataclasses, no database.
reporting.selectors fetches the rows; everything here is tested without a database.

Rules:
- counts add up; a ratio is Σ numerators ÷ Σ denominators (percentages are never averaged);
- a flow adds the periods in the target's window, except that within a group — the province
  *as it was in that year* (the 63 old provinces for 2023–2024, the 34 current ones from 2025;
  Report.period_province), inside the asked area — a year's 6-month reports of an indicator no
  longer count once an annual report of that year has that indicator (the selector passes
  one indicator's rows at a time, so an annual report without it cancels nothing);
- a stock is the sum, over the areas still in existence on the evaluation date, of each
  one's latest report in the window (the selector picks those rows); no row: no figure (None);
- status: achieved (the target's form is met); while the window is open (as-of ≤ its last
  day) on track (actual ≥ the target's low end × the share of the window elapsed) or behind;
  once it is closed, not achieved; no data when nothing was reported;
- a count target belongs to the area whose plan sets it: a unit below is judged against its
  own allocation (plans.Allocation) or not at all (its contribution is shown); a percentage
  target is a standard and holds as written at every level (``is_standard``);
- a per-unit target ("mỗi Hội cơ sở …") is met when every unit below meets it
  (``evaluate_per_unit``: N of M, and who did not); an area-group target ("đồng bằng 95 %")
  compares the sum of the units of that group with its own number (``evaluate_group``);
  no unit carries a group: not evaluated, "chưa phân nhóm địa bàn".
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from plans.figures import TWO, Figure
from plans.targets import AT_MOST, describe, is_achieved, is_exceeded, percent_of_target
from portal.numbers import fmt_number

HALF, ANNUAL = "H1", "Y"
ACHIEVED, ON_TRACK, BEHIND, NO_DATA, NOT_EVALUATED = "achieved", "on_track", "behind", "no_data", "not_evaluated"
NOT_ACHIEVED = "not_achieved"      # the window is closed and the target was not reached
NO_TARGET = "no_target"            # a unit without a target of its own: its contribution only
UNGROUPED = "ungrouped"            # an area-group target, and no unit below carries a group
NOT_APPLICABLE = "not_applicable"  # an area-group target of another group than the unit's
# One table of labels and one of colours (Bootstrap's badge classes and their colours): the
# page's badges and chart, the XLSX and the PDF all read these.
STATUS_LABELS = {ACHIEVED: _("Đạt"), ON_TRACK: _("Đúng tiến độ"), BEHIND: _("Chậm tiến độ"),
                 NOT_ACHIEVED: _("Chưa đạt"), NO_DATA: _("Chưa có số liệu"), NO_TARGET: _("Không có chỉ tiêu riêng"),
                 UNGROUPED: _("Chưa phân nhóm địa bàn"), NOT_APPLICABLE: _("Không áp dụng cho nhóm địa bàn này"),
                 NOT_EVALUATED: _("Không đánh giá tự động")}  # in the interface's language; documents: Vietnamese


def status_label(status):
    """A status's name as text in the active language (exports and documents run in Vietnamese)."""
    return str(STATUS_LABELS[status])


STATUS_CLASS = {ACHIEVED: "success", ON_TRACK: "info", BEHIND: "warning", NOT_ACHIEVED: "danger",
                NO_DATA: "secondary", NO_TARGET: "light", UNGROUPED: "light", NOT_APPLICABLE: "light",
                NOT_EVALUATED: "light"}
CLASS_COLOURS = {"success": "#198754", "info": "#0dcaf0", "warning": "#ffc107", "danger": "#dc3545",
                 "secondary": "#6c757d", "light": "#dee2e6"}
STATUS_COLOURS = {key: CLASS_COLOURS[css] for key, css in STATUS_CLASS.items()}
JUDGED = {ACHIEVED, ON_TRACK, BEHIND, NOT_ACHIEVED}   # statuses that say whether a target is met
LAGGING = {BEHIND, NOT_ACHIEVED}                      # the progress page's "chỉ đơn vị chậm/chưa đạt"


def period_key(code):
    """Periods in time order, by end date and then kind: 2023-H1, 2023, 2024-H1, 2024, …
    (a year's annual report ends after its first half; "2023" < "2023-H1" as text)."""
    year, _, half = str(code).partition("-")
    return (int(year), 0 if half else 1)


def is_lagging(statuses):
    """A unit is behind when any of its own targets is behind or, once closed, not achieved."""
    return any(s in LAGGING for s in statuses)


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


def is_closed(window_end, as_of):
    """A milestone is closed once its window's last day has passed: achieved or not achieved."""
    return as_of > window_end


def status(target, actual, share, closed=False):
    """Achieved / on track / behind (window open) / not achieved (window closed) / no data for
    one figure against a target as written (plans.Target, plans.Allocation or any object with
    form, low, high)."""
    if actual is None:
        return NO_DATA
    if is_achieved(target.form, target.low, target.high, actual):
        return ACHIEVED
    if closed:
        return NOT_ACHIEVED
    if target.form == AT_MOST or share >= 1:  # lower-is-better, or the window's last day
        return BEHIND
    return ON_TRACK if Decimal(actual) >= Decimal(target.low) * share else BEHIND


def is_standard(target, indicator):
    """A percentage target (a ratio indicator, or a target in %) is a standard that holds as
    written at every level; a count target belongs to the area whose plan sets it."""
    return indicator.kind == "ratio" or (target.unit or "").strip() == "%"


def share_of(part, whole):
    """A unit's contribution: its actual as a percentage of the parent's (None when either is
    missing or the parent's is 0)."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO)


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
    children: dict = field(default_factory=dict)   # child key -> Line (the unit against its own target)
    trend: dict = field(default_factory=dict)      # period code or year -> Figure
    plan_target: object = None     # the plan's target as written (whoever it belongs to)
    parent_target: object = None   # the plan's target when it is an area's above, not this one's
    allocated: bool = False        # the own target is the share allocated to this unit
    contribution: Decimal | None = None   # % of the parent's actual (no own target)
    units: object = None           # UnitsResult of a per-unit target
    group: object = None           # GroupResult of an area-group target
    allocation: object = None      # AllocationSummary: the target handed down to the units below

    @property
    def achieved(self):
        if self.status not in JUDGED or self.actual is None:
            return None
        return self.status == ACHIEVED


def evaluate(target, indicator, figure, share, closed=False):
    """One figure against one target (None: no own target, the figure alone)."""
    is_ratio = indicator.kind == "ratio"
    actual = figure.actual(is_ratio)
    if target is None:
        st = NO_DATA if actual is None else NO_TARGET
    else:
        st = status(target, actual, share, closed)
    pct = percent_of_target(target.form, target.low, actual) if target is not None else None
    exceeded = bool(target is not None and is_exceeded(target.form, target.low, target.high, actual))
    return Line(target=target, indicator=indicator, figure=figure, actual=actual, status=st,
                percent_of_target=pct, exceeded=exceeded, plan_target=target)


@dataclass
class UnitsResult:
    """A per-unit target: how many units reached it, and which did not (keys)."""
    status: str
    reached: list
    failing: list

    @property
    def total(self):
        return len(self.reached) + len(self.failing)


def evaluate_per_unit(target, indicator, unit_figures, share, closed=False):
    """"Mỗi Hội cơ sở có ít nhất 02 hộ": every unit's own figure against the target as written.
    ``unit_figures``: {key: Figure} of every unit below (EMPTY for one that reported nothing,
    which has not reached it). Achieved when all reached it; closed window: not achieved; open:
    on track while the share of units that reached it ≥ the share of the window elapsed."""
    is_ratio = indicator.kind == "ratio"
    reached, failing = [], []
    for key, figure in unit_figures.items():
        actual = figure.actual(is_ratio)
        ok = actual is not None and is_achieved(target.form, target.low, target.high, actual)
        (reached if ok else failing).append(key)
    if not unit_figures or all(f.is_empty for f in unit_figures.values()):
        st = NO_DATA
    elif not failing:
        st = ACHIEVED
    elif closed:
        st = NOT_ACHIEVED
    else:
        st = ON_TRACK if Decimal(len(reached)) >= Decimal(len(unit_figures)) * share else BEHIND
    return UnitsResult(status=st, reached=reached, failing=failing)


def group_key(name):
    return " ".join((name or "").split()).lower()


@dataclass
class GroupResult:
    """An area-group target: the units of the group, and those that carry no group."""
    name: str
    figure: Figure
    members: list
    ungrouped: list


def evaluate_group(target, indicator, unit_figures, group_of, share, closed=False):
    """"Đồng bằng 95 %": the units of the target's group added up (ratios Σn ÷ Σd) and compared
    with the group's own number. ``group_of``: {key: group name or ""}. No unit carries a group:
    status UNGROUPED (the groups are to be set first). Returns (status, GroupResult)."""
    wanted = group_key(target.area_group)
    members = [k for k in unit_figures if group_key(group_of.get(k)) == wanted]
    ungrouped = [k for k in unit_figures if not group_key(group_of.get(k))]
    figure = add(unit_figures[k] for k in members)
    result = GroupResult(name=target.area_group, figure=figure, members=members, ungrouped=ungrouped)
    if not any(group_key(g) for g in group_of.values()):
        return UNGROUPED, result
    return status(target, figure.actual(indicator.kind == "ratio"), share, closed), result


@dataclass
class AllocationSummary:
    """A count target handed down to the units below: Σ of the allocations against the target."""
    low: Decimal
    high: Decimal | None
    units: int
    target_low: Decimal

    @property
    def short(self):
        """"Chưa giao đủ": the allocations add up to less than the target's low end."""
        return self.low < Decimal(self.target_low)


def allocation_summary(target, allocations):
    """Σ of the allocations of one target (their low ends; high ends when all have one)."""
    allocations = list(allocations)
    if not allocations:
        return None
    low = sum((Decimal(a.low) for a in allocations), Decimal(0))
    highs = [Decimal(a.high if a.high is not None else a.low) for a in allocations]
    high = sum(highs, Decimal(0)) if any(a.high is not None for a in allocations) else None
    return AllocationSummary(low=low, high=high, units=len(allocations), target_low=Decimal(target.low))


def line_notes(line, name_of, parent_name):
    """What the page, the XLSX and the PDF say beside a line's status, in Vietnamese: whose target
    it is, the contribution, N of M units, the group, the allocations. ``name_of(key)``: a unit's
    name; ``parent_name``: the name of the area whose plan it is."""
    notes = []
    if line.parent_target is not None:
        written = describe(line.parent_target)
        if line.allocated:
            notes.append(f"Chỉ tiêu được giao (phần của chỉ tiêu “{written}” của {parent_name})")
        else:
            notes.append(f"Không có chỉ tiêu riêng; chỉ tiêu “{written}” là của {parent_name}")
            if line.contribution is not None:
                notes.append(f"Đóng góp {fmt_number(line.contribution.quantize(Decimal('0.1')))} % "
                             f"kết quả của {parent_name}")
    if line.units is not None:
        u = line.units
        text = f"{len(u.reached)}/{u.total} đơn vị đạt"
        if u.failing:
            text += f"; chưa đạt: {', '.join(sorted(name_of(k) for k in u.failing))}"
        notes.append(text)
    if line.group is not None:
        g = line.group
        if line.status == UNGROUPED:
            notes.append("Chưa phân nhóm địa bàn: chưa đơn vị nào được gán nhóm (đồng bằng, miền núi …)")
        else:
            notes.append(f"Nhóm “{g.name}”: {len(g.members)} đơn vị"
                         + (f" ({', '.join(sorted(name_of(k) for k in g.members))})" if g.members else ""))
            if g.ungrouped:
                notes.append(f"{len(g.ungrouped)} đơn vị chưa phân nhóm")
    if line.status == NOT_APPLICABLE:
        notes.append("Đơn vị thuộc nhóm địa bàn khác")
    if line.allocation is not None:
        a = line.allocation
        given = fmt_number(a.low) + (f" - {fmt_number(a.high)}" if a.high is not None and a.high != a.low else "")
        notes.append(f"Đã giao cho {a.units} đơn vị: tổng {given} / mục tiêu {fmt_number(a.target_low)}"
                     + ("; chưa giao đủ" if a.short else ""))
    return notes


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
