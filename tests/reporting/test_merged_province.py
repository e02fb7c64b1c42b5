"""A merged province (DOMAIN.md §4): the 6-month/annual test runs per province *as it was that
year* — old Khánh Hòa and Ninh Thuận for 2023–2024, today's Khánh Hòa from 2025 — so Ninh
Thuận's 2024 6-month reports still count although old Khánh Hòa sent annual ones. Every figure
below is computed by hand in the comments."""
import datetime
from decimal import Decimal as D

import pytest

from portal.models import Area
from reporting.models import Report
from reporting.selectors import find_plan, progress
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2026, 1, 15)
LAST_OLD_DAY = datetime.date(2025, 6, 30)
NHA_TRANG, CAM_RANH = "568", "569"            # old Khánh Hòa's districts
PHAN_RANG, BAC_AI = "582", "584"              # Ninh Thuận's districts
COMMUNE_A = "22333"                           # today's Khánh Hòa (Phường Bắc Nha Trang)


@pytest.fixture
def khanh_hoa():
    """Reports (all approved; sent 15 days before each period's last day):

    (HTX: HTX_CUNG_CO, THT: THT_MOI — flows; trained: NU_QL_DAO_TAO_TL — a stock)
    old Khánh Hòa   568 Nha Trang  2024 annual HTX 4; 2024-H1 HTX 3; 2025-H1 HTX 1, THT 4, trained 3/4
                    569 Cam Ranh   2024-H1 HTX 2
    Ninh Thuận      582 Phan Rang  2024-H1 HTX 5; 2025-H1 HTX 2, THT 10, trained 1/2
                    584 Bác Ái     2023 annual HTX 1; 2024-H1 HTX 2
    today's KH      22333          2025 annual HTX 6, trained 5/5 (no THT figure)
    Lạng Sơn        178            2024 annual HTX 3
    """
    report(NHA_TRANG, "2024", HTX_CUNG_CO=4)
    report(NHA_TRANG, "2024-H1", HTX_CUNG_CO=3)
    report(NHA_TRANG, "2025-H1", HTX_CUNG_CO=1, THT_MOI=4, NU_QL_DAO_TAO_TL=(3, 4))
    report(CAM_RANH, "2024-H1", HTX_CUNG_CO=2)
    report(PHAN_RANG, "2024-H1", HTX_CUNG_CO=5)
    report(PHAN_RANG, "2025-H1", HTX_CUNG_CO=2, THT_MOI=10, NU_QL_DAO_TAO_TL=(1, 2))
    report(BAC_AI, "2023", HTX_CUNG_CO=1)
    report(BAC_AI, "2024-H1", HTX_CUNG_CO=2)
    report(COMMUNE_A, "2025", HTX_CUNG_CO=6, NU_QL_DAO_TAO_TL=(5, 5))
    report("178", "2024", HTX_CUNG_CO=3)


def units():
    return {"KH": Area.resolve("56"), "old KH": Area.resolve("56", on=LAST_OLD_DAY),
            "NT": Area.resolve("58", on=LAST_OLD_DAY), "VN": Area.resolve("VN"), "LS": Area.resolve("20")}


def run(area, as_of=AFTER_2025):
    return progress(area, plan=find_plan("de-an-01"), milestone=2025, as_of=as_of)


def line(prog, code):
    return next(l for l in prog.lines if l.indicator.code == code)


def test_each_report_knows_its_province_as_it_was_that_year(khanh_hoa):
    u = units()
    province = {(r.area.code, r.period.code): r.period_province_id for r in Report.objects.select_related("area", "period")}
    assert province[(PHAN_RANG, "2024-H1")] == u["NT"].pk          # Ninh Thuận in 2024
    assert province[(NHA_TRANG, "2024")] == u["old KH"].pk          # old Khánh Hòa in 2024
    assert province[(PHAN_RANG, "2025-H1")] == u["KH"].pk           # from 2025: today's Khánh Hòa
    assert province[(COMMUNE_A, "2025")] == u["KH"].pk
    assert province[("178", "2024")] == u["LS"].pk                  # unchanged: one unit throughout
    assert all(r.province_id == u["KH"].pk for r in Report.objects.exclude(area__code="178"))


def test_ninh_thuans_2024_six_month_figures_count_in_todays_khanh_hoa(khanh_hoa):
    htx = line(run(units()["KH"]), "HTX_CUNG_CO")
    # 2023: Ninh Thuận's annual 1
    # 2024: old Khánh Hòa has an annual report (4): its 6-month 3 + 2 drop out → 4;
    #       Ninh Thuận has none: its 6-month 5 + 2 count → 7
    # 2025: today's Khánh Hòa has an annual HTX figure (6): the 6-month 1 + 2 drop out → 6
    assert htx.actual == 1 + 4 + 7 + 6 == 18      # grouped by today's province it was 1 + 4 + 6 = 11
    assert {y: f.value for y, f in htx.trend.items()} == {"2023": 1, "2024": 11, "2025": 6}


def test_an_annual_report_without_an_indicator_does_not_cancel_its_6_month_figures(khanh_hoa):
    prog = run(units()["KH"])
    # THT: the 2025 annual report (22333) says nothing about THT, so the 2025-H1 4 + 10 count,
    # while its HTX figure does replace the 2025-H1 HTX figures (previous test)
    assert line(prog, "THT_MOI").actual == 4 + 10


def test_the_breakdown_runs_the_test_inside_each_unit(khanh_hoa):
    u = units()
    htx = line(run(u["KH"]), "HTX_CUNG_CO")
    # old Khánh Hòa: 2024 annual 4; 2025: inside it only Nha Trang's 2025-H1 1 → 5
    # Ninh Thuận: 2023 1 + 2024 6-month 5 + 2 + 2025-H1 2 → 10; commune 22333: 6
    assert htx.children[u["old KH"].pk].actual == 5
    assert htx.children[u["NT"].pk].actual == 10
    assert htx.children[Area.resolve(COMMUNE_A).pk].actual == 6


def test_the_national_total_keeps_ninh_thuan(khanh_hoa):
    u = units()
    htx = line(run(u["VN"]), "HTX_CUNG_CO")
    assert htx.actual == 18 + 3                        # Khánh Hòa 18 + Lạng Sơn's 2024 annual 3
    assert htx.children[u["KH"].pk].actual == 18 and htx.children[u["LS"].pk].actual == 3


def test_as_of_30_june_2025_khanh_hoa_is_the_sum_of_the_two_old_provinces(khanh_hoa):
    u = units()
    kh, old_kh, nt = (run(u[k], as_of=LAST_OLD_DAY) for k in ("KH", "old KH", "NT"))
    # on 30/06/2025 the 2025 annual reports had not been sent (16/12/2025):
    # old Khánh Hòa: 2024 annual 4 + 2025-H1 1 = 5; Ninh Thuận: 1 + (5 + 2) + 2 = 10; Khánh Hòa 15
    assert line(old_kh, "HTX_CUNG_CO").actual == 5 and line(nt, "HTX_CUNG_CO").actual == 10
    assert line(kh, "HTX_CUNG_CO").actual == 5 + 10 == 15
    # a stock on 30/06/2025: Nha Trang's 3/4 and Phan Rang's 1/2 → 4/6 in Khánh Hòa
    trained = [line(p, "NU_QL_DAO_TAO_TL").figure for p in (old_kh, nt, kh)]
    assert [(f.numerator, f.denominator) for f in trained] == [(3, 4), (1, 2), (4, 6)]
    assert line(kh, "NU_QL_DAO_TAO_TL").actual == D("66.67")


def test_after_2025_the_stock_is_the_communes(khanh_hoa):
    trained = line(run(units()["KH"]), "NU_QL_DAO_TAO_TL")
    # 31/12/2025: the old districts are gone; commune 22333's 5/5
    assert (trained.figure.numerator, trained.figure.denominator, trained.actual) == (5, 5, D("100.00"))


def test_an_old_district_alone_counts_its_own_6_month_report(khanh_hoa):
    cam_ranh = Area.resolve(CAM_RANH, on=LAST_OLD_DAY)
    # inside Cam Ranh there is no 2024 annual report: its 2024-H1 2 counts
    assert line(run(cam_ranh), "HTX_CUNG_CO").actual == 2
