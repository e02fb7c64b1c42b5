"""The rollup's arithmetic without a database: each rule with a hand-computed expectation."""
import datetime
from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from reporting import rollup
from reporting.rollup import ANNUAL, HALF, Figure, FlowRow, add, flow_total

pytestmark = pytest.mark.smoke


def row(group, year, kind, value=None, n=None, d=None):
    return FlowRow(group, year, kind, Figure(value, n, d))


def test_counts_add_up():
    assert add([Figure(D(3)), Figure(D(4)), Figure(None)]).value == 7


def test_ratios_are_sums_of_numerators_over_sums_of_denominators_never_averaged():
    total = add([Figure(None, D(8), D(10)), Figure(None, D(2), D(5))])
    assert total.percent == D("66.67")          # 10 / 15, not (80 % + 40 %) / 2 = 60 %


def test_a_years_half_year_reports_stop_counting_once_an_annual_report_exists_in_the_group():
    rows = [row("LS", 2025, HALF, 2), row("LS", 2025, HALF, 4), row("LS", 2025, ANNUAL, 6), row("LS", 2024, ANNUAL, 3)]
    assert flow_total(rows).value == 9          # 3 (2024) + 6 (2025 annual); the 6-month 2 + 4 drop out


def test_the_half_year_test_runs_per_group():
    rows = [row("LS", 2025, HALF, 7), row("LS", 2025, ANNUAL, 5), row("HN", 2025, HALF, 4)]
    assert flow_total(rows).value == 9          # Lạng Sơn's annual 5 + Hà Nội's 6-month 4


def test_half_year_alone_counts():
    assert flow_total([row("178", 2025, HALF, 2), row("178", 2024, ANNUAL, 3)]).value == 5


def test_nothing_reported_is_no_figure_not_zero():
    assert flow_total([]).is_empty and flow_total([]).actual(False) is None
    assert add([]).actual(True) is None


def test_flow_by_year():
    by_year = rollup.flow_by_year([row("A", 2024, ANNUAL, 3), row("A", 2025, HALF, 1), row("A", 2025, ANNUAL, 6)])
    assert {y: f.value for y, f in by_year.items()} == {2024: 3, 2025: 6}


@dataclass
class T:
    form: str
    low: D
    high: D | None = None
    per_unit: str = ""
    area_group: str = ""


HALF_WAY = D("0.5")


@pytest.mark.parametrize("target, actual, share, expected", [
    (T("range", D(20), D(25)), D(20), HALF_WAY, rollup.ACHIEVED),         # a range reached at its low end
    (T("range", D(20), D(25)), D(10), HALF_WAY, rollup.ON_TRACK),         # 10 ≥ 20 × 0.5
    (T("range", D(20), D(25)), D(9), HALF_WAY, rollup.BEHIND),
    (T("more_than", D(50)), D(50), D(1), rollup.BEHIND),                  # "trên 50" with exactly 50
    (T("more_than", D(50)), D(51), D(1), rollup.ACHIEVED),
    (T("at_most", D("0.3")), D("0.3"), HALF_WAY, rollup.ACHIEVED),        # "không quá 0,3 %"
    (T("at_most", D("0.3")), D("0.31"), D(0), rollup.BEHIND),
    (T("about_range", D(500), D(700)), D(500), D(1), rollup.ACHIEVED),
    (T("at_least", D(100)), None, HALF_WAY, rollup.NO_DATA),
])
def test_status_at_the_edges(target, actual, share, expected):
    assert rollup.status(target, actual, share) == expected


def test_elapsed_share():
    start, end = datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)
    assert rollup.elapsed_share(start, end, datetime.date(2022, 5, 1)) == 0
    assert rollup.elapsed_share(start, end, datetime.date(2026, 1, 1)) == 1
    assert rollup.elapsed_share(start, end, datetime.date(2024, 7, 1)) == D(547) / D(1095)


def test_evaluation_date_is_the_earliest():
    end = datetime.date(2025, 12, 31)
    assert rollup.evaluation_date(end, datetime.date(2026, 3, 1)) == end
    assert rollup.evaluation_date(end, datetime.date(2025, 9, 1)) == datetime.date(2025, 9, 1)
    assert rollup.evaluation_date(end, datetime.date(2026, 3, 1), datetime.date(2025, 6, 30)) == datetime.date(2025, 6, 30)


def test_percent_of_target_and_exceeded():
    line = rollup.evaluate(T("range", D(20), D(25)), type("I", (), {"kind": "count"})(), Figure(D(21)), D(1))
    assert line.percent_of_target == D("105.00") and line.achieved and not line.exceeded
    line = rollup.evaluate(T("range", D(20), D(25)), type("I", (), {"kind": "count"})(), Figure(D(26)), D(1))
    assert line.exceeded
