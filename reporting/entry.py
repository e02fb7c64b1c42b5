"""Small rules of the report pages (entry and review), kept out of the views so that each
one is found in one place and tested without a request: which periods an area can report,
which plans cover a report and which indicators its form asks for, when it is due, and when an
entered figure is far enough from the registry's to be flagged.

The workflow itself (save, submit, return, approve) is reporting.services."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from plans.figures import Figure
from plans.models import Indicator
from portal.models import Area
from reporting.models import Period
from reporting.selectors import covering_plans

# Registry windows: the Nghị định 09/2019 data window of the period (Period.data_from ..
# Period.data_to), the window the Hội follows for what a report counts (DOMAIN.md §5).
# A report opened in early December then already holds what the registry knows of the year.


def registry_window(period):
    return period.data_from, period.data_to


def uses_registry(area):
    """Whether the registry's figure for an area is that area's own report figure.

    The registry records each cooperative in its (current) commune, so a commune's figure is
    what the commune did. A province's own report holds the province-level work only, not the
    sum of its communes (DOMAIN.md §5): the registry's province figure is shown there for
    reference but neither fills the form nor raises the gap flag. An old district (before
    1/7/2025) holds no cooperative in the registry at all."""
    return area.level == Area.Level.COMMUNE


# The gap between an entered figure and the registry's ----------------------------------------

GAP_RELATIVE = Decimal("0.20")   # more than 20 % of the registry's figure ...
GAP_ABSOLUTE = Decimal("2")      # ... and more than 2 units


def large_gap(entered, registry):
    """True when an entered figure differs from the registry's by more than 20 % of the
    registry's figure and by more than 2 units (both). Nothing to compare: False."""
    if entered is None or registry is None:
        return False
    entered, registry = Decimal(str(entered)), Decimal(str(registry))
    diff = abs(entered - registry)
    return diff > GAP_ABSOLUTE and diff > GAP_RELATIVE * abs(registry)


def ratio_gap(numerator, denominator, figure):
    """A ratio is flagged when its numerator or its denominator is far from the registry's."""
    if figure is None or not figure.denominator:
        return False
    return large_gap(numerator, figure.numerator) or large_gap(denominator, figure.denominator)


def percent(numerator, denominator):
    """The percentage of a ratio (two decimals), or None when it cannot be computed."""
    if numerator is None:
        return None
    return Figure(numerator=Decimal(str(numerator)), denominator=denominator).percent


# Periods an area can report -------------------------------------------------------------------

def can_report_period(area, period):
    """An area reports a period when it exists on the period's last day: an old district up to
    6 tháng đầu năm 2025 (it ceased on 30/6/2025), a new commune from the 2025 annual report,
    a province that came through unchanged throughout (DOMAIN.md §6)."""
    return area.exists_on(period.ends_on)


def reportable_periods(area, periods=None):
    periods = Period.objects.order_by("year", "kind") if periods is None else periods
    return [p for p in periods if can_report_period(area, p)]


# Plans, indicators and due dates ---------------------------------------------------------------

def plans_for(report):
    """The plans covering a report's area in its year, most specific first."""
    return covering_plans(report.area, year=report.period.year)


def is_late(due, *, submitted_on=None, today=None):
    """Late: sent after the due date, or not sent and the due date has passed."""
    if submitted_on is not None:
        return submitted_on > due
    return (today or datetime.date.today()) > due


def form_indicators(plans, report=None):
    """The indicators a report asks for: the catalog of DOMAIN.md §4, those of the covering
    plans' targets, and any the report already holds a value for (an imported figure stays
    visible), in catalog order."""
    q = Q(in_catalog=True) | Q(targets__plan__in=plans)
    if report is not None and report.pk:
        q |= Q(pk__in=report.values.values("indicator"))
    return list(Indicator.objects.filter(q).distinct().order_by("order", "code"))


@dataclass
class Row:
    """One indicator on the report page: its form fields (when editable), the saved figure,
    the registry's figure, the computed percentage and the gap flag."""
    indicator: Indicator
    value: object = None
    numerator: object = None
    denominator: object = None
    figure: object = None
    prefilled: bool = False
    compare: bool = True     # the registry's figure is the area's own (commune): flag gaps
    fields: tuple = ()

    @property
    def is_ratio(self):
        return self.indicator.kind == Indicator.Kind.RATIO

    @property
    def percent(self):
        return percent(self.numerator, self.denominator) if self.is_ratio else None

    @property
    def gap(self):
        if self.figure is None or not self.compare:
            return False
        if self.is_ratio:
            return ratio_gap(self.numerator, self.denominator, self.figure)
        return large_gap(self.value, self.figure.value)
