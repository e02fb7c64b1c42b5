"""reporting.selectors.progress against hand-computed expectations: the traps of DOMAIN.md §4
and §6 (6-month vs annual, stocks on the evaluation date, old districts and new communes in
one province, approved only by default, ratios as sums)."""
import datetime
from decimal import Decimal as D

import pytest

from plans.models import Plan
from portal.models import Area
from reporting import rollup
from reporting.selectors import default_plan, find_plan, progress
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2026, 1, 15)
OTHER_LS_COMMUNE = "06178"   # set in the fixture: another current commune of Lạng Sơn


@pytest.fixture
def lang_son():
    """Lạng Sơn, plan of 4/2023, milestone 2025.
    old district 178: 2024 annual HTX_MOI 3; 2025-H1 HTX_MOI 2, trained managers 5/10
    old district 181: 2025-H1 HTX_MOI 4
    commune 06040 (Thất Khê): 2025 annual HTX_MOI 6, trained managers 8/10
    another commune: 2025 annual submitted (not approved) HTX_MOI 10, trained 2/5
    Hà Nội district 001: 2025-H1 THT_MOI 4 (outside Lạng Sơn)."""
    other = Area.resolve("20").children.filter(level=Area.Level.COMMUNE).exclude(code="06040").first()
    district_181 = Area.resolve("20").children.filter(level=Area.Level.DISTRICT).exclude(code="178").first()
    report("178", "2024", HTX_MOI=3, THT_MOI=1)
    report("178", "2025-H1", HTX_MOI=2, THT_MOI=7, NU_QL_DAO_TAO_TL=(5, 10))
    report(district_181.code, "2025-H1", HTX_MOI=4)
    report("06040", "2025", HTX_MOI=6, THT_MOI=5, NU_QL_DAO_TAO_TL=(8, 10))
    report(other.code, "2025", "submitted", HTX_MOI=10, NU_QL_DAO_TAO_TL=(2, 5))
    report("001", "2025-H1", THT_MOI=4)
    return {"other": other, "181": district_181}


def line(prog, code):
    return next(l for l in prog.lines if l.indicator.code == code)


def test_province_counts_annual_reports_once_they_exist(lang_son):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    assert prog.plan.key == "lang-son-2023"
    htx = line(prog, "HTX_MOI")
    assert htx.actual == 9                           # 3 (2024) + 6 (2025 annual); 2025-H1 2 + 4 no longer count
    assert htx.status == rollup.NOT_ACHIEVED         # range 20–25, window closed on 31/12/2025
    assert htx.percent_of_target == D("45.00")


def test_stock_is_a_snapshot_of_units_in_existence_on_the_evaluation_date(lang_son):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    trained = line(prog, "NU_QL_DAO_TAO_TL")
    # 31/12/2025: the old district 178 no longer exists; Thất Khê's 8/10 only (approved)
    assert (trained.figure.numerator, trained.figure.denominator, trained.actual) == (8, 10, D("80.00"))


def test_submitted_reports_count_only_when_asked(lang_son):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025, include_submitted=True)
    assert line(prog, "HTX_MOI").actual == 19        # + the submitted annual 10
    assert line(prog, "NU_QL_DAO_TAO_TL").actual == D("66.67")   # (8 + 2) / (10 + 5), not (80 + 40) / 2


def test_an_old_district_alone_counts_its_6_month_report_and_its_last_day(lang_son):
    district = Area.resolve("178", on=datetime.date(2025, 6, 30))
    prog = progress(district, plan=find_plan("lang-son-2023"), milestone=2025, as_of=AFTER_2025)
    assert prog.evaluation_date == datetime.date(2025, 6, 30)
    assert line(prog, "HTX_MOI").actual == 5         # 3 + 2: no annual report inside the district
    assert line(prog, "NU_QL_DAO_TAO_TL").actual == D("50.00")


def test_as_of_before_the_annual_report_period(lang_son):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2025, 6, 30))
    # the 2025 annual period has started (1/1/2025) — starts_on ≤ as_of — so it counts already
    assert line(prog, "HTX_MOI").actual == 9
    prog = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2024, 12, 31))
    assert line(prog, "HTX_MOI").actual == 3


def test_no_report_is_no_figure(db):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    htx = line(prog, "HTX_MOI")
    assert htx.actual is None and htx.status == rollup.NO_DATA and htx.achieved is None


def test_national_adds_provinces_each_with_its_own_half_year_test(lang_son):
    prog = progress(Area.resolve("VN"), milestone=2025, as_of=AFTER_2025)
    assert prog.plan.key == "de-an-01"
    tht = line(prog, "THT_MOI")
    # Lạng Sơn: 2024 annual 1 + 2025 annual 5 (its 2025-H1 7 drops out); Hà Nội: 2025-H1 4
    assert tht.actual == 10
    ls, hn = Area.resolve("20"), Area.resolve("01")
    assert tht.children[ls.pk].actual == 6 and tht.children[hn.pk].actual == 4


def test_breakdown_below_a_province_has_old_districts_and_new_communes(lang_son):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    htx = line(prog, "HTX_MOI")
    d178 = Area.resolve("178", on=datetime.date(2025, 1, 1))
    assert htx.children[d178.pk].actual == 5
    assert htx.children[Area.resolve("06040").pk].actual == 6
    assert d178.pk in prog.children and Area.resolve("06040").pk in prog.children


def test_completeness_on_time_late_missing_and_not_applicable(lang_son):
    from reporting.models import Period, Report

    late = Report.objects.get(area__code="06040", period__code="2025")
    late.first_submitted_at = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    late.save()
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    periods = [p.code for p in prog.periods]
    rows = {child.code: dict(zip(periods, [c.status for c in cells])) for child, cells in prog.completeness}
    assert rows["178"]["2025-H1"] == "on_time"       # sent 15/6, due 20/6 by default
    assert rows["178"]["2025"] == "n/a"              # districts did not exist on 31/12/2025
    assert rows["06040"]["2025"] == "late"           # due 20/12/2025 by default
    assert rows["06040"]["2024"] == "n/a"            # communes did not exist on 31/12/2024
    assert rows[lang_son["other"].code]["2025"] == "on_time"
    assert rows[lang_son["181"].code]["2024"] == "missing"
    assert Period.objects.get(code="2025-H1")


def test_default_plans(db):
    assert default_plan(Area.resolve("01"), 2025).key == "ha-noi-2025"
    assert default_plan(Area.resolve("06040"), 2030).key == "lang-son-2023"
    assert default_plan(Area.resolve("105", on=datetime.date(2024, 1, 1)), 2025).key == "tp-lai-chau-2023"
    assert default_plan(Area.resolve("VN"), 2030).key == "de-an-01"
    assert Plan.objects.get(key="de-an-01")


def test_query_count_is_the_same_for_one_province_as_for_the_country(lang_son, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vn = Area.resolve("VN")
    with CaptureQueriesContext(connection) as small:
        progress(vn, milestone=2025, as_of=AFTER_2025)
    for code in ("01", "12", "56"):
        report(Area.resolve(code).children.filter(level=Area.Level.COMMUNE).first().code, "2025", THT_MOI=2)
    with CaptureQueriesContext(connection) as large:
        progress(vn, milestone=2025, as_of=AFTER_2025)
    assert len(small) == len(large)


def test_as_of_counts_only_what_had_been_sent_by_then(lang_son):
    from reporting.models import Report

    annual = Report.objects.get(area__code="06040", period__code="2025")
    annual.first_submitted_at = datetime.datetime(2026, 1, 10, 3, tzinfo=datetime.UTC)
    annual.save()
    before = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2026, 1, 9))
    # without Thất Khê's annual report the province has no 2025 annual report yet: the 6-month ones count
    assert line(before, "HTX_MOI").actual == 3 + 2 + 4
    after = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2026, 1, 10))
    assert line(after, "HTX_MOI").actual == 3 + 6


def test_completeness_uses_the_local_day(lang_son):
    from reporting.models import Report

    # 20/12/2025 23:30 in Hà Nội is still 20/12 locally (16:30 UTC): on time, due 20/12
    r = Report.objects.get(area__code="06040", period__code="2025")
    r.first_submitted_at = datetime.datetime(2025, 12, 20, 16, 30, tzinfo=datetime.UTC)
    r.save()
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    rows = {child.code: dict(zip([p.code for p in prog.periods], [c.status for c in cells]))
            for child, cells in prog.completeness}
    assert rows["06040"]["2025"] == "on_time"
    r.first_submitted_at = datetime.datetime(2025, 12, 20, 17, 30, tzinfo=datetime.UTC)  # 21/12 00:30 local
    r.save()
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    rows = {child.code: dict(zip([p.code for p in prog.periods], [c.status for c in cells]))
            for child, cells in prog.completeness}
    assert rows["06040"]["2025"] == "late"
