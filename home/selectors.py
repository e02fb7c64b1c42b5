"""What the home page shows each role: "what to do now". Plain functions, each a fixed number
of queries whatever the amount of data (tests/home/test_home_pages.py counts them).

- data entry: the report due now for her area (status, deadline, days left), returned reports
  with the reviewer's comment, drafts not sent;
- reviewer: the queue and the late units (reporting.queue), and the reports returned and not
  yet sent again;
- leader: the headline figures of her area's plan for the current milestone (the progress
  page's default choice) and the latest issued documents;
- administrator: the latest imports, the accounts, and the reports whose figures are far from
  the registry's (``data_to_check``, on its own page: it reads the registry once per report).
"""
import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMinute
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperatives.figures import registry_figures
from cooperatives.importer import CHANGE_REASON
from cooperatives.models import Cooperative
from plans.models import Indicator
from plans.targets import describe
from portal.models import Area, User
from portal.scoping import scoped
from reporting import entry, rollup
from reporting.models import IssuedDocument, Period, Report, ReportTransition, due_date
from reporting.selectors import covering_plans, default_plan, plan_milestones, progress

S = Report.Status


# Days left ------------------------------------------------------------------------------------

def days_left_text(due, today):
    """"còn 5 ngày", "hôm nay", "quá hạn 2 ngày"."""
    days = (due - today).days
    if days == 0:
        return _("hạn hôm nay")
    if days > 0:
        return ngettext("còn %(n)d ngày", "còn %(n)d ngày", days) % {"n": days}
    return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", -days) % {"n": -days}


@dataclass
class Due:
    period: Period
    due: datetime.date
    today: datetime.date
    report: Report | None

    @property
    def days(self):
        return (self.due - self.today).days

    @property
    def text(self):
        return days_left_text(self.due, self.today)

    @property
    def sent(self):
        return self.report is not None and self.report.status in (S.SUBMITTED, S.APPROVED)

    @property
    def css(self):
        if self.sent:
            return "success"
        return "danger" if self.days < 0 else "warning" if self.days <= 7 else "primary"


def period_due(area, period):
    """A period's due date for an area: the most specific plan covering it that year (the rule of
    the report page, reporting.views)."""
    plans = covering_plans(area, year=period.year)
    return due_date(plans[0] if plans else None, period)


def due_now(area, today):
    """The reports an area has to think about today: the next one due (among the periods already
    started), and the last one whose due date has passed if it was never sent. At most two,
    oldest first; each with its report (None before it is opened)."""
    if area is None:
        return []
    periods = [p for p in Period.objects.filter(year__in=[today.year - 1, today.year], starts_on__lte=today)
               if entry.can_report_period(area, p)]
    plans = {year: covering_plans(area, year=year) for year in {p.year for p in periods}}
    dated = sorted(((p, due_date(plans[p.year][0] if plans[p.year] else None, p)) for p in periods),
                   key=lambda pd: pd[1])
    reports = {r.period_id: r for r in Report.objects.filter(area=area, period__in=[p for p, _d in dated])}
    upcoming = next(((p, d) for p, d in dated if d >= today), None)
    passed = [(p, d) for p, d in dated if d < today]
    items = []
    if passed:
        p, d = passed[-1]
        report = reports.get(p.pk)
        if report is None or report.first_submitted_at is None:
            items.append(Due(p, d, today, report))
    if upcoming:
        items.append(Due(upcoming[0], upcoming[1], today, reports.get(upcoming[0].pk)))
    return items


def _with_last_return(reports):
    """Each report annotated with its last return: comment, when, and the reviewer's name."""
    last = ReportTransition.objects.filter(report=OuterRef("pk"), to_status=S.RETURNED).order_by("-at", "-pk")
    return reports.annotate(
        return_comment=Subquery(last.values("comment")[:1]),
        returned_at=Subquery(last.values("at")[:1]),
        returned_by_last=Subquery(last.values("by__last_name")[:1]),
        returned_by_first=Subquery(last.values("by__first_name")[:1]),
    )


def returned_reports(area):
    """The area's own reports sent back for correction, the reviewer's comment on each."""
    if area is None:
        return []
    return list(_with_last_return(Report.objects.filter(area=area, status=S.RETURNED).select_related("period"))
                .order_by("-returned_at"))


def drafts(area):
    if area is None:
        return []
    return list(Report.objects.filter(area=area, status=S.DRAFT).select_related("period")
                .order_by("-period__year", "period__kind"))


def returned_below(user, limit=10):
    """For a reviewer: the reports of the areas below her returned and not yet sent again, the
    longest waiting first: (the first ``limit``, how many in all)."""
    if not user.can_review or user.area is None:
        return [], 0
    reports = scoped(Report.objects.filter(status=S.RETURNED), user)
    if user.area.level > 0:
        reports = reports.exclude(area=user.area)
    total = reports.count()
    rows = list(_with_last_return(reports.select_related("area", "period")).order_by("returned_at", "pk")[:limit])
    return rows, total


# Leader ---------------------------------------------------------------------------------------

def current_choice(area, today):
    """The plan and milestone the progress page opens with (reporting.progress_views.parse_request
    with no query string): the default plan, and its first milestone from this year on."""
    if area is None or not covering_plans(area):
        return None, None
    plan = default_plan(area, 2025)
    milestones = plan_milestones(plan)
    return plan, min((m for m in milestones if m >= today.year), default=milestones[-1])


@dataclass
class Headline:
    code: str
    name: str
    actual: object
    ratio: bool
    target: str
    status: str
    label: str
    css: str


def headline(area, today):
    """The area's figures against its plan for the current milestone (approved reports, as the
    progress page): (plan, milestone, [Headline])."""
    plan, milestone = current_choice(area, today)
    if plan is None:
        return None, None, []
    prog = progress(area, plan=plan, milestone=milestone, breakdown=False)
    lines = [Headline(code=line.indicator.code, name=line.indicator.name, actual=line.actual,
                      ratio=line.indicator.kind == Indicator.Kind.RATIO,
                      target=describe(line.target) if line.target else "",
                      status=line.status, label=rollup.STATUS_LABELS[line.status],
                      css=rollup.STATUS_CLASS[line.status])
             for line in prog.lines]
    return plan, milestone, lines


def latest_documents(user, limit=5):
    return list(scoped(IssuedDocument.objects.select_related("area").defer("pdf", "figures"), user)[:limit])


# Administrator ------------------------------------------------------------------------------

def recent_imports(user, limit=5):
    """The latest spreadsheet imports of cooperatives in the user's area (as the registry's
    history records them, whether from the browser or the command line): when, how many
    created and how many updated. One query."""
    if user.area is None:
        return []
    rows = (Cooperative.history.filter(Area.inside_q(user.area, "commune"), history_change_reason=CHANGE_REASON)
            .annotate(minute=TruncMinute("history_date")).values("minute")
            .annotate(created=Count("pk", filter=Q(history_type="+")), updated=Count("pk", filter=Q(history_type="~")))
            .order_by("-minute")[:limit])
    return list(rows)


def user_counts(user):
    """Accounts in the user's area: by role, and those not yet used (the password set by an
    administrator still to be changed) and switched off. One query."""
    R = User.Role
    counts = scoped(User.objects.all(), user).aggregate(
        total=Count("pk", filter=Q(is_active=True)),
        **{role.value: Count("pk", filter=Q(role=role, is_active=True)) for role in R},
        pending=Count("pk", filter=Q(must_change_password=True, is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    counts["roles"] = [(role.label, counts[role.value]) for role in R]
    return counts


@dataclass
class Gap:
    indicator: Indicator
    entered: object
    registry: object


def data_to_check(user, limit=20):
    """The latest ``limit`` communes' reports sent (submitted or approved) in the user's area
    whose figures are far from the registry's by the report page's rule (reporting.entry:
    more than 20 % and more than 2 units): [(report, [Gap])]. The registry is read once per
    report, so this runs on its own page, not on the home page."""
    if user.area is None:
        return []
    reports = list(scoped(Report.objects.filter(status__in=[S.SUBMITTED, S.APPROVED],
                                                area__level=Area.Level.COMMUNE), user)
                   .select_related("area", "period").prefetch_related("values__indicator")
                   .order_by("-submitted_at", "-pk")[:limit])
    out = []
    for report in reports:
        figures = registry_figures(report.area, *entry.registry_window(report.period))
        gaps = []
        for v in report.values.all():
            fig = figures.get(v.indicator.code)
            if fig is None:
                continue
            if v.indicator.kind == Indicator.Kind.RATIO:
                if entry.ratio_gap(v.numerator, v.denominator, fig):
                    gaps.append(Gap(v.indicator, entry.percent(v.numerator, v.denominator), fig.percent))
            elif entry.large_gap(v.value, fig.value):
                gaps.append(Gap(v.indicator, v.value, fig.value))
        if gaps:
            out.append((report, gaps))
    return out
