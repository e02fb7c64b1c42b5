"""Allocated targets ("giao chỉ tiêu") and area groups: the rules, as plain functions that the
pages, the spreadsheet imports and the tests all call (issue #7, points 3 and 5).

A province hands a count target of its plan down to the units one level below its area
("Thành phố Lạng Sơn: 3 HTX", "mỗi xã ít nhất 1 THT"); an administrator sets the group of
each commune or old district for targets set per area group ("đồng bằng 95 %, miền núi 80 %").

    units_below(area)                     the units one level down (old districts, communes)
    target_units(target)                  those of them that exist during the target's window
    allocation_refusal(target)            why a target cannot be handed down (None: it can)
    check_allocations(target, rows, user) the problems of a table of allocations
    save_allocations(target, rows, user)  all or nothing, atomic, history kept (who, when, before → after)
    allocation_summary(target)            Σ allocated vs the target, short flag, units allocated
    allocation_history(target)            the history of a target's allocations
    group_units(area), group_names(units), check_area_groups(rows, user), save_area_groups(rows, user)

Every message is Vietnamese; a problem names the unit and the field it is about, so a page can
mark the cell and an import can name the sheet, row and column.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Allocation, AreaGroup, Indicator, Plan, Target
from plans.targets import AT_MOST, FORMS, MORE_THAN, NUMBER, RANGE, describe_form, validation_errors
from portal import dataversion
from portal.history import history_label
from portal.models import Area
from portal.numbers import fmt_number
from portal.scoping import can_see_area
from portal.text import nfc, search_key

WEB_REASON = "Giao chỉ tiêu trên trang"
FILE_REASON = "Nhập từ tệp Excel"
GROUP_LEVELS = (Area.Level.DISTRICT, Area.Level.COMMUNE)


def _day(value):
    return value.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------------
# The units

def units_below(area):
    """The units one level down of ``area`` in the lineage, old and new (a province's old
    districts and current communes), by level then code."""
    return list(Area.objects.children_in_lineage(area).order_by("level", "code"))


def target_window(target):
    """1 January of the plan's first year to 31 December of the milestone (DOMAIN.md §3)."""
    start_year = min(target.plan.year_start, target.milestone)
    return datetime.date(start_year, 1, 1), datetime.date(target.milestone, 12, 31)


def exists_during(unit, start, end):
    return (unit.valid_from is None or unit.valid_from <= end) and (unit.valid_to is None or unit.valid_to >= start)


def target_units(target, units=None):
    """The units a target can be handed down to: one level below its plan's area and in
    existence at some time in its window (old districts for a target up to 2025, not for 2026)."""
    start, end = target_window(target)
    units = units_below(target.plan.area) if units is None else units
    return [u for u in units if exists_during(u, start, end)]


def is_count_target(target):
    return target.indicator.kind == Indicator.Kind.COUNT and (target.unit or "").strip() != "%"


def allocation_refusal(target):
    """Why this target cannot be handed down, or None: only a count is split among units (a
    ratio or a percentage is not a sum of the units' shares)."""
    if not is_count_target(target):
        return _("Chỉ giao xuống được mục tiêu số lượng; “%(code)s” là chỉ tiêu tỷ lệ (%%), "
                 "mỗi đơn vị được đánh giá theo chính mục tiêu của kế hoạch.") % {"code": target.indicator.code}
    return None


# ---------------------------------------------------------------------------------------
# Allocations: checking and saving

@dataclass
class AllocationRow:
    """One unit's line of the table. ``low`` None: no allocation (an existing one is removed).
    ``form`` blank: a range when ``high`` is given, else a single number."""
    area: Area
    low: Decimal | None
    high: Decimal | None = None
    form: str = ""
    note: str = ""

    def resolved_form(self):
        if self.form:
            return self.form
        return RANGE if self.high is not None else NUMBER


@dataclass
class Problem:
    area: Area | None     # None: the whole table (the target itself)
    field: str            # "area", "form", "low", "high", "name"
    message: str

    def __str__(self):
        return f"{self.area.code} {self.area.name}: {self.message}" if self.area else self.message


class Refused(Exception):
    """Nothing was written; ``problems`` says why."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class Conflict(Exception):
    """Nothing was written: someone else saved the table since the user read it (or saved the
    same new rows at the same moment). The views answer 409 with this message."""

    def __init__(self):
        super().__init__(_("Bảng vừa được người khác lưu; tải lại để xem. Số bạn vừa nhập chưa được lưu."))


def table_version(target, allocations=None):
    """A short digest of a target's allocations as they are: the table page and the import's
    preview carry it, and a save made against another version is a Conflict, never a silent
    overwrite of a colleague's work."""
    import hashlib

    if allocations is None:
        allocations = Allocation.objects.filter(target=target)
    rows = sorted((a.area_id, a.form, str(a.low), str(a.high), a.note) for a in allocations)
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


@dataclass
class Change:
    area: Area
    action: str           # "created", "updated", "deleted"
    before: str = ""
    after: str = ""


@dataclass
class Outcome:
    changes: list = field(default_factory=list)
    unchanged: int = 0

    def count(self, action):
        return sum(1 for c in self.changes if c.action == action)

    @property
    def created(self):
        return self.count("created")

    @property
    def updated(self):
        return self.count("updated")

    @property
    def deleted(self):
        return self.count("deleted")


def _whole(value):
    return value is None or value == value.to_integral_value()


def check_allocations(target, rows, user, units=None):
    """Every problem of a table of allocations for ``target`` (empty: it can be saved)."""
    refusal = allocation_refusal(target)
    if refusal:
        return [Problem(None, "low", refusal)]
    plan = target.plan
    below = {u.pk: u for u in (units_below(plan.area) if units is None else units)}
    allowed = {u.pk for u in target_units(target, list(below.values()))}
    start, end = target_window(target)
    problems, seen = [], set()
    for row in rows:
        unit = row.area

        def bad(field_name, message, unit=unit):
            problems.append(Problem(unit, field_name, message))

        if unit.pk in seen:
            bad("area", _("đơn vị “%(name)s” (%(code)s) ghi hai lần") % {"name": unit.name, "code": unit.code})
            continue
        seen.add(unit.pk)
        if unit.pk not in below:
            bad("area", _("“%(name)s” (%(code)s) không phải đơn vị trực thuộc %(parent)s (một cấp dưới)")
                % {"name": unit.name, "code": unit.code, "parent": plan.area.name})
            continue
        if not can_see_area(user, unit):
            bad("area", _("“%(name)s” nằm ngoài phạm vi quản lý của bạn") % {"name": unit.name})
            continue
        if row.low is None:
            if row.high is not None:
                bad("low", _("Cần ghi giá trị giao (cận dưới) trước khi ghi cận trên."))
            continue  # no allocation: nothing more to check
        if unit.pk not in allowed:
            if unit.valid_to is not None and unit.valid_to < start:
                bad("area", _("“%(name)s” chỉ có hiệu lực đến %(day)s, trước thời gian của mục tiêu (%(a)s–%(b)s)")
                    % {"name": unit.name, "day": _day(unit.valid_to), "a": start.year, "b": end.year})
            else:
                bad("area", _("“%(name)s” chỉ có hiệu lực từ %(day)s, sau thời gian của mục tiêu (%(a)s–%(b)s)")
                    % {"name": unit.name, "day": _day(unit.valid_from), "a": start.year, "b": end.year})
            continue
        form = row.resolved_form()
        if form not in FORMS:
            bad("form", _("dạng chỉ tiêu “%(form)s” không có") % {"form": form})
            continue
        errors = validation_errors(form=form, low=row.low, high=row.high, unit=target.unit, milestone=None,
                                   year_start=None, year_end=None, is_ratio=False)
        for field_name, message in errors.items():
            bad(field_name, message)
        for field_name in ("low", "high"):
            value = getattr(row, field_name)
            if field_name not in errors and not _whole(value):
                bad(field_name, _("Chỉ tiêu số lượng giao bằng số nguyên (đang nhập %(v)s).")
                    % {"v": fmt_number(value)})
    return problems


def describe_allocation(form, low, high, unit=""):
    return describe_form(form, low, high, unit) if low is not None else ""


def save_allocations(target, rows, user, *, dry_run=False, reason=WEB_REASON, expected_version=None):
    """Write a table of allocations, all or nothing: ``Refused`` with every problem, or the
    changes made (with ``dry_run``: the changes it would make, nothing written). Units not
    among ``rows`` are left alone; a row without a value removes the unit's allocation. Each
    created, changed or removed allocation gets a history record with the user and the time.

    Two administrators saving one table: writers of a target wait for each other (its row is
    locked), and with ``expected_version`` (table_version as the user read it) a save after
    another's is a ``Conflict``; two saves creating the same unit's row at once, likewise."""
    rows = list(rows)
    problems = check_allocations(target, rows, user)
    if problems:
        raise Refused(problems)
    if dry_run:
        return _changes(target, rows, Allocation.objects.filter(target=target))[0]
    from django.db import IntegrityError
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    try:
        with transaction.atomic():
            Target.objects.select_for_update().filter(pk=target.pk).first()
            existing = list(Allocation.objects.filter(target=target))
            if expected_version is not None and expected_version != table_version(target, existing):
                raise Conflict()
            outcome, to_create, to_update, to_delete = _changes(target, rows, existing)
            if to_create or to_update or to_delete:
                dataversion.bump("allocations")  # bulk writes send no signals
            if to_create:
                bulk_create_with_history(to_create, Allocation, default_user=user, default_change_reason=reason)
            if to_update:
                bulk_update_with_history(to_update, Allocation, ["form", "low", "high", "note"],
                                         default_user=user, default_change_reason=reason)
            for allocation in to_delete:
                allocation._history_user = user
                allocation._change_reason = reason
                allocation.delete()
    except IntegrityError:   # the same unit's row created by another save at the same moment
        raise Conflict() from None
    return outcome


def _changes(target, rows, existing):
    """(outcome, to create, to update, to delete) of writing ``rows`` over ``existing``."""
    existing = {a.area_id: a for a in existing}
    outcome = Outcome()
    to_create, to_update, to_delete = [], [], []
    for row in rows:
        current = existing.get(row.area.pk)
        before = describe_allocation(current.form, current.low, current.high, target.unit) if current else ""
        if row.low is None:
            if current is None:
                outcome.unchanged += 1
            else:
                to_delete.append(current)
                outcome.changes.append(Change(row.area, "deleted", before, ""))
            continue
        form, note = row.resolved_form(), nfc(row.note)
        after = describe_allocation(form, row.low, row.high, target.unit)
        if current is None:
            to_create.append(Allocation(target=target, area=row.area, form=form, low=row.low, high=row.high,
                                        note=note))
            outcome.changes.append(Change(row.area, "created", "", after))
        elif (current.form, current.low, current.high, current.note) != (form, row.low, row.high, note):
            current.form, current.low, current.high, current.note = form, row.low, row.high, note
            to_update.append(current)
            outcome.changes.append(Change(row.area, "updated", before, after))
        else:
            outcome.unchanged += 1
    return outcome, to_create, to_update, to_delete


# ---------------------------------------------------------------------------------------
# How much of the target is handed down

@dataclass
class AllocationSummary:
    target: Target
    allocated: Decimal          # Σ of the allocations' low ends (their single numbers)
    units_allocated: int
    units_total: int
    short: bool                 # Σ does not reach the target
    missing: Decimal            # how much more is needed (0 when not short)
    over: bool = False          # an "at most" target: Σ above it

    @property
    def text(self):
        unit = f" {self.target.unit}" if self.target.unit else ""
        values = {"a": fmt_number(self.allocated), "t": fmt_number(self.target.low), "u": unit,
                  "m": fmt_number(self.missing)}
        if self.short:
            return _("Tổng đã giao %(a)s / %(t)s%(u)s: còn thiếu %(m)s") % values
        if self.over:
            return _("Tổng đã giao %(a)s / %(t)s%(u)s: vượt mức tối đa") % values
        return _("Tổng đã giao %(a)s / %(t)s%(u)s") % values


def summarise(target, allocations, units_total):
    """The summary from a target's allocations (no query)."""
    allocated = sum((a.low for a in allocations), Decimal(0))
    low = Decimal(target.low)
    if target.form == AT_MOST:
        return AllocationSummary(target, allocated, len(allocations), units_total, short=False,
                                 missing=Decimal(0), over=allocated > low)
    needed = low + 1 if target.form == MORE_THAN else low  # "trên 50 THT": 51 whole ones
    short = allocated < needed
    return AllocationSummary(target, allocated, len(allocations), units_total, short=short,
                             missing=needed - allocated if short else Decimal(0))


def allocation_summary(target):
    """Σ allocated against the target: the sum, the target's low end, whether it falls short
    and by how much, and how many of the units below are allocated."""
    return summarise(target, list(target.allocations.all()), len(target_units(target)))


def plan_allocation_summaries(plan, targets):
    """{target id: summary} for the count targets of a plan that have allocations; two queries."""
    targets = [t for t in targets if is_count_target(t)]
    by_target = {}
    for a in Allocation.objects.filter(target__in=targets).only("target_id", "low"):
        by_target.setdefault(a.target_id, []).append(a)
    if not by_target:
        return {}
    units = units_below(plan.area)
    return {t.pk: summarise(t, by_target[t.pk], len(target_units(t, units))) for t in targets if t.pk in by_target}


# ---------------------------------------------------------------------------------------
# History

ALLOCATION_FIELDS = ("form", "low", "high", "note")


def _value(name, value):
    if value in (None, ""):
        return "—"
    if name == "form":
        return str(dict(Target.Form.choices).get(value, value))
    if name in ("low", "high"):
        return fmt_number(value)
    return value


def allocation_history(target):
    """Every change of a target's allocations, newest first: when, who, the unit, and per field
    the value before and after. Two queries."""
    records = list(Allocation.history.filter(target_id=target.pk).select_related("history_user")
                   .order_by("history_date", "history_id"))
    areas = {a.pk: a for a in Area.objects.filter(pk__in={r.area_id for r in records})}
    labels = {f: Allocation._meta.get_field(f).verbose_name for f in ALLOCATION_FIELDS}
    previous, entries = {}, []
    for r in records:
        prev = previous.get(r.id)
        changes = []
        if r.history_type == "~" and prev is not None:
            for f in ALLOCATION_FIELDS:
                old, new = getattr(prev, f), getattr(r, f)
                if old != new:
                    changes.append((labels[f], _value(f, old), _value(f, new)))
        elif r.history_type in ("+", "-"):
            for f in ALLOCATION_FIELDS:
                value = getattr(r, f)
                if value not in (None, ""):
                    changes.append((labels[f], _value(f, value) if r.history_type == "-" else "—",
                                    "—" if r.history_type == "-" else _value(f, value)))
        previous[r.id] = r
        if r.history_type == "~" and not changes:
            continue
        entries.append({"when": r.history_date, "who": r.history_user, "area": areas.get(r.area_id),
                        "type": history_label(r), "history_type": r.history_type,
                        "reason": r.history_change_reason or "", "changes": changes})
    entries.reverse()
    return entries


# ---------------------------------------------------------------------------------------
# Area groups

def group_units(area):
    """The units an administrator of ``area`` sets a group for: the old districts and the
    communes inside it, by level then code."""
    return Area.objects.inside(area).filter(level__in=GROUP_LEVELS).exclude(pk=area.pk).order_by("level", "code")


def group_names(units):
    """{unit id: the group names it may take}: the ``area_group`` labels of the targets of the
    plans covering the unit (its own, its district's, its province's ...). One query."""
    units = list(units)
    covering = {}
    for unit in units:
        covering[unit.pk] = [*unit.ancestor_ids(), unit.pk]
    ids = {pk for chain in covering.values() for pk in chain}
    labels = {}
    for area_id, name in (Target.objects.filter(plan__area_id__in=ids).exclude(area_group="")
                          .exclude(plan__kind=Plan.Kind.REFERENCE)
                          .values_list("plan__area_id", "area_group").distinct()):
        labels.setdefault(area_id, set()).add(nfc(name))
    return {pk: sorted(set().union(*(labels.get(a, set()) for a in chain)), key=search_key)
            for pk, chain in covering.items()}


@dataclass
class GroupRow:
    area: Area
    name: str             # blank: no group (an existing one is removed)


def _quoted(names):
    return ", ".join(f"“{n}”" for n in names)


def check_area_groups(rows, user, names=None):
    """Every problem of a table of area groups (empty: it can be saved)."""
    rows = list(rows)
    names = group_names([r.area for r in rows]) if names is None else names
    problems, seen = [], set()
    for row in rows:
        unit, name = row.area, nfc(row.name)
        if unit.pk in seen:
            problems.append(Problem(unit, "area", _("đơn vị “%(name)s” (%(code)s) ghi hai lần")
                                    % {"name": unit.name, "code": unit.code}))
            continue
        seen.add(unit.pk)
        user_area = getattr(user, "area", None)
        if not can_see_area(user, unit) or unit.pk == getattr(user_area, "pk", None):
            problems.append(Problem(unit, "area", _("“%(name)s” (%(code)s) không thuộc địa bàn bạn quản lý")
                                    % {"name": unit.name, "code": unit.code}))
            continue
        if unit.level not in GROUP_LEVELS:
            problems.append(Problem(unit, "area", _("chỉ xã/phường và huyện/quận cũ mới được phân nhóm địa bàn")))
            continue
        if not name:
            continue
        allowed = names.get(unit.pk, [])
        if not any(name.casefold() == a.casefold() for a in allowed):
            if allowed:
                message = _("nhóm “%(name)s” không có; chọn một trong: %(allowed)s") % {
                    "name": name, "allowed": _quoted(allowed)}
            else:
                message = _("nhóm “%(name)s” không dùng được: chưa có kế hoạch nào áp dụng cho “%(unit)s” "
                            "đặt mục tiêu theo nhóm địa bàn") % {"name": name, "unit": unit.name}
            problems.append(Problem(unit, "name", message))
    return problems


def save_area_groups(rows, user, *, dry_run=False, reason=WEB_REASON):
    """Write a table of area groups, all or nothing (``Refused``, or the changes). A blank name
    removes the unit's group; a name is stored as the targets spell it. History kept."""
    rows = list(rows)
    names = group_names([r.area for r in rows])
    problems = check_area_groups(rows, user, names)
    if problems:
        raise Refused(problems)
    existing = {g.area_id: g for g in AreaGroup.objects.filter(area__in=[r.area for r in rows])}
    outcome = Outcome()
    to_create, to_update, to_delete = [], [], []
    for row in rows:
        current = existing.get(row.area.pk)
        name = nfc(row.name)
        if name:
            name = next(a for a in names[row.area.pk] if a.casefold() == name.casefold())
        if not name:
            if current is None:
                outcome.unchanged += 1
            else:
                to_delete.append(current)
                outcome.changes.append(Change(row.area, "deleted", current.name, ""))
        elif current is None:
            to_create.append(AreaGroup(area=row.area, name=name))
            outcome.changes.append(Change(row.area, "created", "", name))
        elif current.name != name:
            outcome.changes.append(Change(row.area, "updated", current.name, name))
            current.name = name
            to_update.append(current)
        else:
            outcome.unchanged += 1
    if dry_run:
        return outcome
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    with transaction.atomic():
        if to_create or to_update or to_delete:
            dataversion.bump("area_groups")  # bulk writes send no signals
        if to_create:
            bulk_create_with_history(to_create, AreaGroup, default_user=user, default_change_reason=reason)
        if to_update:
            bulk_update_with_history(to_update, AreaGroup, ["name"], default_user=user,
                                     default_change_reason=reason)
        for group in to_delete:
            group._history_user = user
            group._change_reason = reason
            group.delete()
    return outcome


# ---------------------------------------------------------------------------------------
# The plan page

def allocation_notes(user, plan, targets):
    """Marks the plan page's targets for a user of the plan's own area (or above): each count
    target gets ``allocate`` (True: the allocation page is linked) and ``allocation`` (its
    summary, None if nothing is allocated); each area-group target gets ``groups_missing``
    (True: no unit below the plan's area has one of the plan's group names yet). Whether there is
    anything to show. Three queries."""
    if not can_see_area(user, plan.area) or not any(is_count_target(t) or t.area_group for t in targets):
        return False
    summaries = plan_allocation_summaries(plan, targets)
    labels = {t.area_group for t in targets if t.area_group}
    grouped = set()
    if labels:
        grouped = set(AreaGroup.objects.filter(Area.inside_q(plan.area, "area"), name__in=labels)
                      .values_list("name", flat=True).distinct())
    for t in targets:
        t.allocate = is_count_target(t)
        t.allocation = summaries.get(t.pk)
        t.groups_missing = bool(t.area_group) and t.area_group not in grouped
    return True
