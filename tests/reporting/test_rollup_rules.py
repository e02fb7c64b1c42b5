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


# A closed milestone (DOMAIN.md: "đến năm N" ends on 31/12/N) -----------------------------------

END_2025 = datetime.date(2025, 12, 31)


@pytest.mark.parametrize("as_of, closed", [
    (datetime.date(2025, 12, 31), False),     # the window's last day: still open
    (datetime.date(2026, 1, 1), True),        # the day after: closed
])
def test_the_window_closes_the_day_after_its_last_day(as_of, closed):
    assert rollup.is_closed(END_2025, as_of) is closed


@pytest.mark.parametrize("as_of, expected", [
    (datetime.date(2025, 6, 30), rollup.ON_TRACK),      # 12 ≥ 20 × 180/364 ≈ 9.9
    (datetime.date(2025, 12, 31), rollup.BEHIND),       # open, all the window elapsed: 12 < 20
    (datetime.date(2026, 1, 1), rollup.NOT_ACHIEVED),   # closed: "Chưa đạt", never "Chậm tiến độ"
    (datetime.date(2026, 11, 29), rollup.NOT_ACHIEVED),
])
def test_a_missed_target_is_behind_while_open_and_not_achieved_once_closed(as_of, expected):
    start = datetime.date(2025, 1, 1)
    share = rollup.elapsed_share(start, END_2025, as_of)
    assert rollup.status(T("range", D(20), D(25)), D(12), share, rollup.is_closed(END_2025, as_of)) == expected


def test_a_reached_target_is_achieved_open_or_closed_and_no_data_stays_no_data():
    assert rollup.status(T("range", D(20), D(25)), D(21), D(1), closed=True) == rollup.ACHIEVED
    assert rollup.status(T("at_most", D("0.3")), D("0.5"), D(1), closed=True) == rollup.NOT_ACHIEVED
    assert rollup.status(T("at_least", D(5)), None, D(1), closed=True) == rollup.NO_DATA


def test_every_status_has_one_label_and_one_colour():
    assert set(rollup.STATUS_LABELS) == set(rollup.STATUS_CLASS) == set(rollup.STATUS_COLOURS)
    assert rollup.STATUS_LABELS[rollup.NOT_ACHIEVED] == "Chưa đạt"
    assert rollup.STATUS_CLASS[rollup.NOT_ACHIEVED] == "danger"
    assert rollup.STATUS_COLOURS[rollup.NOT_ACHIEVED] == "#dc3545"   # Bootstrap's danger badge


# Whose target: count targets belong to their plan's area; percentages are standards ------------

@dataclass
class Ind:
    kind: str


def test_percentage_targets_are_standards_count_targets_are_not():
    assert rollup.is_standard(T("at_least", D(100)), Ind("ratio"))
    assert rollup.is_standard(type("P", (), {"unit": "%"})(), Ind("count"))
    assert not rollup.is_standard(type("C", (), {"unit": "HTX"})(), Ind("count"))


def test_contribution_is_the_share_of_the_parents_actual():
    assert rollup.share_of(D(2), D(9)) == D("22.22")
    assert rollup.share_of(None, D(9)) is None and rollup.share_of(D(2), D(0)) is None


def test_allocations_add_up_and_are_flagged_when_short():
    target = T("range", D(20), D(25))
    given = [T("number", D(3)), T("number", D(5)), T("range", D(4), D(6))]
    summary = rollup.allocation_summary(target, given)
    assert (summary.low, summary.high, summary.units, summary.short) == (D(12), D(14), 3, True)   # 12 < 20
    enough = rollup.allocation_summary(target, [T("number", D(12)), T("number", D(8))])
    assert (enough.low, enough.high, enough.short) == (D(20), None, False)
    assert rollup.allocation_summary(target, []) is None


# Per unit and per area group -------------------------------------------------------------------

COUNT, RATIO = Ind("count"), Ind("ratio")


def test_a_per_unit_target_is_n_of_m_units_and_lists_who_did_not():
    each = T("at_least", D(2), per_unit="Hội cơ sở")
    units = {"A": Figure(D(3)), "B": Figure(D(2)), "C": Figure(D(1)), "D": rollup.EMPTY}
    result = rollup.evaluate_per_unit(each, COUNT, units, D(1), closed=True)
    assert (result.reached, sorted(result.failing), result.total) == (["A", "B"], ["C", "D"], 4)
    assert result.status == rollup.NOT_ACHIEVED               # D sent nothing: it has not reached it
    assert rollup.evaluate_per_unit(each, COUNT, {"A": Figure(D(3)), "B": Figure(D(2))}, D(1), True).status \
        == rollup.ACHIEVED                                     # achieved only when every unit reached it
    # open window, half elapsed: 2 of 4 reached ≥ 4 × 0.5 → on track; 1 of 4 → behind
    assert rollup.evaluate_per_unit(each, COUNT, units, HALF_WAY).status == rollup.ON_TRACK
    units["B"] = Figure(D(1))
    assert rollup.evaluate_per_unit(each, COUNT, units, HALF_WAY).status == rollup.BEHIND
    assert rollup.evaluate_per_unit(each, COUNT, {"A": rollup.EMPTY}, D(1)).status == rollup.NO_DATA


def test_an_area_group_target_adds_its_groups_units_as_sums_of_ratios():
    plain = T("number", D(95), area_group="đồng bằng")
    mountain = T("number", D(80), area_group="miền núi")
    units = {"Nha Trang": Figure(None, D(96), D(100)), "Cam Ranh": Figure(None, D(47), D(50)),
             "Khánh Sơn": Figure(None, D(33), D(40)), "Trường Sa": Figure(None, D(1), D(1))}
    group_of = {"Nha Trang": "Đồng bằng", "Cam Ranh": "đồng bằng", "Khánh Sơn": "miền núi", "Trường Sa": ""}
    st, g = rollup.evaluate_group(plain, RATIO, units, group_of, D(1), closed=True)
    # (96 + 47) / (100 + 50) = 95.33 % ≥ 95 %; not (96 % + 94 %) / 2 = 95 %
    assert (g.figure.percent, st, sorted(g.members), g.ungrouped) == (
        D("95.33"), rollup.ACHIEVED, ["Cam Ranh", "Nha Trang"], ["Trường Sa"])
    st, g = rollup.evaluate_group(mountain, RATIO, units, group_of, D(1), closed=True)
    assert (g.figure.percent, st) == (D("82.50"), rollup.ACHIEVED)     # 33 / 40 ≥ 80 %
    units["Khánh Sơn"] = Figure(None, D(30), D(40))
    assert rollup.evaluate_group(mountain, RATIO, units, group_of, D(1), closed=True)[0] == rollup.NOT_ACHIEVED


def test_an_area_group_target_without_any_grouped_unit_is_ungrouped():
    st, g = rollup.evaluate_group(T("number", D(95), area_group="đồng bằng"), RATIO,
                                  {"A": Figure(None, D(1), D(1))}, {"A": ""}, D(1), closed=True)
    assert st == rollup.UNGROUPED and g.figure.is_empty and g.ungrouped == ["A"]
    assert rollup.STATUS_LABELS[rollup.UNGROUPED] == "Chưa phân nhóm địa bàn"


# The province as it was in the year --------------------------------------------------------------

def test_the_province_of_a_year_is_the_one_on_the_path_valid_on_31_december():
    from portal.models import province_on_path

    # ids: 1 VN, 56 Khánh Hòa (since 1/7/2025), 58 Ninh Thuận (to 30/6/2025), 20 Lạng Sơn (throughout)
    provinces = {56: (datetime.date(2025, 7, 1), None), 58: (None, datetime.date(2025, 6, 30)), 20: (None, None)}
    ninh_thuan_district = "/1/56/58/600/"
    assert province_on_path(ninh_thuan_district, 2024, provinces) == 58
    assert province_on_path(ninh_thuan_district, 2023, provinces) == 58
    assert province_on_path(ninh_thuan_district, 2025, provinces) == 56    # its 2025-H1 report: today's Khánh Hòa
    assert province_on_path("/1/56/22000/", 2025, provinces) == 56          # a new commune
    assert province_on_path("/1/20/178/", 2024, provinces) == 20            # an unchanged province
    assert province_on_path("/1/20/", 2030, provinces) == 20
    assert province_on_path("/1/", 2024, provinces) is None                 # the country
