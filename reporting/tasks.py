"""Plan tasks rolled up for an area, a plan and a window: which were due, done and late, the
activities and their participants by kind, and the budget planned against the budget spent by
source (issue "nhiệm vụ, giải pháp"). The arithmetic (due periods, a task's status at an area,
the section II sentence) is plain functions tested without a database; ``task_rollup`` runs the
few queries. The progress page, its XLSX, its PDF and the issue form all call ``task_rollup``.

Counting follows the reports: an activity or a task status counts once the report of its area
and period is approved (with the page's "chờ duyệt" switch, also once it is submitted).

A task's status at an area in a period: the area's own recorded status if any; otherwise what
the units inside it recorded — done if one of them has done it, in progress if one has started
it or recorded an activity under it, not done if one says so, else not started. A task due in a
period is *late* once the period has ended and it is not done; before that it is *pending*.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum

from plans.models import Task, TaskBudget
from plans.tasks import PER_PERIOD, task_due_years
from portal.models import Area
from portal.numbers import fmt_number
from reporting.models import Activity, Period, Report, TaskStatus

DONE, IN_PROGRESS, NOT_DONE, NOT_STARTED = "done", "in_progress", "not_done", "not_started"
STATUS_LABELS = {value: str(label) for value, label in TaskStatus.Status.choices}
SOURCES = [(s.value, str(s.label)) for s in TaskBudget.Source]


# No database -----------------------------------------------------------------------------

def due_period_codes(task):
    """The codes of the periods in which a task is due: the annual period of each due year; a
    task due every period also the 6-month one ("2025-H1", "2025")."""
    codes = []
    for year in task_due_years(task):
        if task.recurrence == PER_PERIOD:
            codes.append(f"{year}-H1")
        codes.append(str(year))
    return codes


def combined_status(own, inside, active):
    """A task's status at an area: its own record, else what the units inside it say."""
    if own:
        return own
    for status in (DONE, IN_PROGRESS):
        if status in inside:
            return status
    if active:
        return IN_PROGRESS
    if NOT_DONE in inside:
        return NOT_DONE
    return NOT_STARTED


@dataclass
class KindLine:
    kind: str
    label: str
    count: int = 0
    sessions: int = 0
    participants: int = 0
    women: int = 0
    cooperatives: int = 0


@dataclass
class DueTask:
    task: object
    period_code: str
    period_label: str
    status: str
    late: bool

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class TaskRollup:
    area_name: str
    due: list = field(default_factory=list)        # DueTask, every (task, period) due in the window so far
    kinds: list = field(default_factory=list)      # KindLine per kind with activities
    budget: list = field(default_factory=list)     # {"source", "label", "planned", "spent"}

    @property
    def done(self):
        return [d for d in self.due if d.status == DONE]

    @property
    def late(self):
        return [d for d in self.due if d.late]

    @property
    def pending(self):
        return [d for d in self.due if not d.late and d.status != DONE]

    @property
    def planned_total(self):
        return sum((b["planned"] for b in self.budget), Decimal(0))

    @property
    def spent_total(self):
        return sum((b["spent"] for b in self.budget), Decimal(0))

    @property
    def text(self):
        return section_text(self)


def _n(value):
    return fmt_number(value)


def _kind_phrase(k):
    if k.kind == "training":
        women = f" (trong đó {_n(k.women)} lượt nữ)" if k.women else ""
        return f"tổ chức {_n(k.sessions)} lớp tập huấn, đào tạo cho {_n(k.participants)} lượt hội viên, phụ nữ{women}"
    if k.kind == "media":
        return f"thực hiện {_n(k.sessions)} chuyên trang, chuyên mục, tin bài, phát sóng"
    if k.kind == "communication":
        return f"tổ chức {_n(k.count)} hoạt động truyền thông với {_n(k.participants)} lượt người tham dự"
    if k.kind == "model":
        return f"xây dựng {_n(k.count)} mô hình"
    if k.kind == "award":
        return f"tổ chức {_n(k.count)} lần tôn vinh, khen thưởng"
    if k.kind == "meeting":
        return f"tổ chức {_n(k.count)} hội nghị, hội thảo, sơ kết, tổng kết với {_n(k.participants)} lượt đại biểu"
    if k.kind == "visit":
        return f"thực hiện {_n(k.count)} đợt kiểm tra, khảo sát, thăm quan"
    return f"hỗ trợ {_n(k.cooperatives or k.count)} lượt HTX, THT"


def section_text(r):
    """Section II of the report, in the usual prose with figures ("tổ chức 12 lớp tập huấn cho
    540 lượt hội viên, phụ nữ …"), generated from the rollup; the officer may edit it."""
    parts = []
    phrases = [_kind_phrase(k) for k in r.kinds if k.count]
    if phrases:
        parts.append(f"Kết quả thực hiện nhiệm vụ: {r.area_name} đã " + "; ".join(phrases) + ".")
    else:
        parts.append(f"Kết quả thực hiện nhiệm vụ: {r.area_name} chưa có hoạt động nào được ghi nhận.")
    if r.spent_total or r.planned_total:
        by_source = ", ".join(f"{b['label'].lower()} {_n(b['spent'])} đồng" for b in r.budget if b["spent"])
        planned = f" / dự kiến {_n(r.planned_total)} đồng" if r.planned_total else ""
        parts.append(f"Kinh phí đã sử dụng {_n(r.spent_total)} đồng{planned}" + (f" ({by_source})." if by_source else "."))
    if r.due:
        parts.append(f"Có {len(r.done)}/{len(r.due)} lượt nhiệm vụ đến hạn đã hoàn thành, {len(r.late)} lượt chậm"
                     + (f", {len(r.pending)} lượt đang trong hạn." if r.pending else "."))
    if r.late:
        names = "; ".join(f"{d.task.title} ({d.period_label}, chủ trì: {d.task.lead})" for d in r.late[:5])
        more = f" và {len(r.late) - 5} lượt khác" if len(r.late) > 5 else ""
        parts.append(f"Nhiệm vụ chậm: {names}{more}.")
    return "\n".join(parts)


# The queries ------------------------------------------------------------------------------

def counted_reports(include_submitted=False):
    statuses = [Report.Status.APPROVED] + ([Report.Status.SUBMITTED] if include_submitted else [])
    return Report.objects.filter(area=OuterRef("area"), period=OuterRef("period"), status__in=statuses)


def counted_activities(area, include_submitted=False):
    """The activities of the area and the units inside it that count (their report approved)."""
    return Activity.objects.filter(Area.inside_q(area, "area")).filter(
        Exists(counted_reports(include_submitted)))


def task_rollup(area, plan, years, as_of=None, include_submitted=False, periods=None):
    """The tasks of ``plan`` at ``area`` over ``years`` (the window's years, up to the as-of day).
    ``periods``: the periods of those years begun by the as-of day, when the caller has them."""
    as_of = as_of or datetime.date.today()
    years = [y for y in years if y <= as_of.year]
    if periods is None:
        periods = Period.objects.filter(year__in=years)
    periods = {p.code: p for p in periods if p.year in years}
    tasks = list(Task.objects.filter(group__plan=plan).select_related("group").order_by("group__order", "order"))
    own, inside, active, sums, planned = {}, defaultdict(set), set(), {}, {}
    if tasks:  # a plan without tasks (the Đề án's): nothing more to ask the database
        statuses = (TaskStatus.objects.filter(Area.inside_q(area, "area"), task__in=tasks, period__in=periods.values())
                    .filter(Exists(counted_reports(include_submitted)))
                    .values_list("task_id", "period__code", "area_id", "status"))
        for task_id, code, area_id, status in statuses:
            if area_id == area.pk:
                own[(task_id, code)] = status
            else:
                inside[(task_id, code)].add(status)
        activities = counted_activities(area, include_submitted).filter(task__in=tasks, period__in=periods.values())
        active = set(activities.values_list("task_id", "period__code").distinct())
        sums = {row["kind"]: row for row in activities.values("kind").annotate(
            n=Count("pk"), sessions=Sum("sessions"), participants=Sum("participants"), women=Sum("women"),
            coops=Sum("cooperatives_reached"), province=Sum("spent_province"), national=Sum("spent_national"),
            other=Sum("spent_other"))}
        planned = dict(TaskBudget.objects.filter(task__in=tasks, year__in=years).values("source")
                       .annotate(total=Sum("amount")).values_list("source", "total"))
    result = TaskRollup(area_name=area.name)
    for task in tasks:
        for code in due_period_codes(task):
            period = periods.get(code)
            if period is None or period.starts_on > as_of:
                continue
            status = combined_status(own.get((task.pk, code)), inside.get((task.pk, code), set()),
                                     (task.pk, code) in active)
            result.due.append(DueTask(task=task, period_code=code, period_label=period.label, status=status,
                                      late=status != DONE and period.ends_on < as_of))
    for kind, label in Activity.Kind.choices:
        row = sums.get(kind)
        if row:
            result.kinds.append(KindLine(kind=kind, label=str(label), count=row["n"], sessions=row["sessions"] or 0,
                                         participants=row["participants"] or 0, women=row["women"] or 0,
                                         cooperatives=row["coops"] or 0))
    for source, label in SOURCES:
        spent = sum((row[source] or 0 for row in sums.values()), Decimal(0))
        result.budget.append({"source": source, "label": label, "planned": planned.get(source) or Decimal(0),
                              "spent": spent})
    return result


def rollup_for_progress(prog):
    """The task rollup matching a progress rollup (its area, plan, window and as-of day)."""
    years = range(max(prog.plan.year_start, prog.window_start.year), prog.window_end.year + 1)
    return task_rollup(prog.area, prog.plan, years, as_of=prog.as_of, include_submitted=prog.include_submitted,
                       periods=prog.periods)


def tasks_due_for(area, day):
    """The tasks due in the period running on ``day`` that the area leads (the tasks of the
    plans issued for this very area) and has not recorded as done: for its home page and the
    reminders. A list of DueTask (late is False: the period is still running)."""
    from plans.models import Plan

    plans = Plan.objects.filter(area=area, year_start__lte=day.year, year_end__gte=day.year)
    half = f"{day.year}-H1" if day.month <= 6 else None
    codes = [c for c in (half, str(day.year)) if c]
    labels = dict(Period.objects.filter(code__in=codes).values_list("code", "kind"))
    done = set(TaskStatus.objects.filter(area=area, period__code__in=codes, status=DONE)
               .values_list("task_id", "period__code"))
    due = []
    for task in Task.objects.filter(group__plan__in=plans).select_related("group__plan").order_by(
            "group__plan", "group__order", "order"):
        for code in due_period_codes(task):
            if code in codes and code in labels and (task.pk, code) not in done:
                label = f"6 tháng đầu năm {day.year}" if code.endswith("H1") else f"Năm {day.year}"
                due.append(DueTask(task=task, period_code=code, period_label=label,
                                   status=NOT_STARTED, late=False))
    return due
