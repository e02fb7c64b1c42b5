"""A count target belongs to the area whose plan sets it (issue: "Xã Thất Khê shows 2 / từ 20 - 25
HTX, 10 %, Chậm tiến độ"): a commune or an old district of Lạng Sơn has no province count target
of its own — it shows its contribution — until a share is allocated to it; percentage targets
hold at every level as written. Plus the closed milestone and the allocation summary."""
import datetime
import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import Allocation, Target
from portal.models import Area
from reporting import rollup
from reporting.selectors import progress
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2026, 1, 15)
THAT_KHE = "06040"


@pytest.fixture
def lang_son():
    """Lạng Sơn plan, milestone 2025 (HTX_MOI "từ 20 - 25", NU_QL_DAO_TAO_TL "100 %"):
    old district 178: 2024 annual HTX 3; 2025-H1 HTX 2, trained 5/10
    Thất Khê 06040: 2025 annual HTX 2, trained 8/10
    Province total HTX: 3 (2024) + 2 (2025 annual; the 2025-H1 2 drops out) = 5."""
    report("178", "2024", HTX_MOI=3)
    report("178", "2025-H1", HTX_MOI=2, NU_QL_DAO_TAO_TL=(5, 10))
    report(THAT_KHE, "2025", HTX_MOI=2, NU_QL_DAO_TAO_TL=(8, 10))


def htx_target():
    return Target.objects.get(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025)


def line(prog, code):
    return next(l for l in prog.lines if l.indicator.code == code)


def as_json(code, *args):
    out = io.StringIO()
    call_command("progress", code, "--milestone", "2025", *args, "--json", stdout=out, stderr=io.StringIO())
    return {i["code"]: i for i in json.loads(out.getvalue())["indicators"]}


def test_a_commune_has_no_province_count_target_of_its_own(lang_son):
    prog = progress(Area.resolve(THAT_KHE), milestone=2025, as_of=AFTER_2025)
    assert prog.plan.key == "lang-son-2023" and not prog.own_plan
    htx = line(prog, "HTX_MOI")
    assert htx.target is None and htx.parent_target == htx_target()
    assert htx.status == rollup.NO_TARGET and htx.percent_of_target is None and htx.achieved is None
    assert htx.contribution == D("40.00")                       # 2 of the province's 5
    trained = line(prog, "NU_QL_DAO_TAO_TL")                    # a percentage: as written
    assert trained.target.form == "at_least" and trained.status == rollup.NOT_ACHIEVED


def test_json_target_is_the_own_target_or_null(lang_son):
    htx = as_json(THAT_KHE, "--as-of", "2026-01-15")["HTX_MOI"]
    assert htx["target"] is None and htx["achieved"] is None and htx["status"] == "no_target"
    assert htx["parent_target"] == {"form": "range", "low": 20, "high": 25}
    assert htx["allocated"] is False and htx["contribution_percent"] == 40.0
    old = as_json("178", "--as-of", "2026-01-15")["HTX_MOI"]
    assert old["actual"] == 5 and old["target"] is None and old["parent_target"]["low"] == 20
    assert old["contribution_percent"] == 100.0                 # 5 of 5: the old district alone
    province = as_json("20", "--as-of", "2026-01-15")["HTX_MOI"]
    assert province["target"] == {"form": "range", "low": 20, "high": 25} and "parent_target" not in province


def test_an_allocation_becomes_the_units_own_target(lang_son):
    Allocation.objects.create(target=htx_target(), area=Area.resolve(THAT_KHE), form="number", low=2)
    Allocation.objects.create(target=htx_target(), area=Area.resolve("178", on=datetime.date(2025, 6, 30)),
                              form="at_least", low=8)
    htx = as_json(THAT_KHE, "--as-of", "2026-01-15")["HTX_MOI"]
    assert htx["target"] == {"form": "number", "low": 2, "high": None} and htx["allocated"] is True
    assert htx["status"] == "achieved" and htx["percent_of_target"] == 100.0
    assert htx["parent_target"] == {"form": "range", "low": 20, "high": 25}
    old = as_json("178", "--as-of", "2026-01-15")["HTX_MOI"]
    assert old["target"]["low"] == 8 and old["status"] == "not_achieved"     # 5 < 8, window closed
    # the province: Σ allocated 2 + 8 = 10 < 20: "chưa giao đủ"; each unit against its allocation
    prog = progress(Area.resolve("20"), milestone=2025, as_of=AFTER_2025)
    line_ = line(prog, "HTX_MOI")
    assert (line_.allocation.low, line_.allocation.units, line_.allocation.short) == (D(10), 2, True)
    assert line_.children[Area.resolve(THAT_KHE).pk].status == rollup.ACHIEVED
    assert line_.children[Area.resolve("178", on=datetime.date(2025, 6, 30)).pk].status == rollup.NOT_ACHIEVED
    assert as_json("20", "--as-of", "2026-01-15")["HTX_MOI"]["allocation"] == {
        "allocated_low": 10, "allocated_high": None, "units": 2, "short": True}


def test_the_commune_page_says_whose_target_it_is(client_for, users, lang_son):
    page = client_for(users["commune_editor"]).get(
        reverse("progress:area", args=[THAT_KHE]) + "?moc=2025&ngay=2026-01-15").content.decode()
    row = page.split('data-indicator="HTX_MOI"')[1].split("</tr>")[0]
    assert "Chậm tiến độ" not in row and "Chưa đạt" not in row and "10,0 %" not in row
    assert "Không có chỉ tiêu riêng" in row and "từ 20 - 25 HTX" in row and "Lạng Sơn" in row
    assert "Đóng góp 40 %" in row


def test_the_province_page_shows_the_allocations_and_each_units_progress(client_for, users, lang_son):
    Allocation.objects.create(target=htx_target(), area=Area.resolve(THAT_KHE), form="number", low=3)
    page = client_for(users["province_reviewer"]).get(
        reverse("progress:area", args=["20"]) + "?moc=2025&ngay=2026-01-15").content.decode()
    row = page.split('data-indicator="HTX_MOI"')[1].split("</tr>")[0]
    assert "Đã giao cho 1 đơn vị: tổng 3 / mục tiêu 20" in row and "chưa giao đủ" in row
    children = page.split('id="children-table"')[1].split("</table>")[0]
    that_khe = children.split("Xã Thất Khê")[1].split("</tr>")[0]
    assert "text-bg-danger" in that_khe                          # 2 of its allocated 3: not achieved


@pytest.mark.parametrize("as_of, expected", [
    ([], "not_achieved"),                          # today (after 31/12/2025): the milestone is closed
    (["--as-of", "2026-01-01"], "not_achieved"),
    (["--as-of", "2025-12-31"], "behind"),         # its last day: still open
    (["--as-of", "2025-06-30"], "behind"),         # 3 + 2 = 5 < 20 × 911/1095 ≈ 16.6
])
def test_a_missed_2025_target_is_not_achieved_once_the_window_is_closed(lang_son, as_of, expected):
    htx = as_json("20", *as_of)["HTX_MOI"]
    assert htx["actual"] == 5 and htx["status"] == expected and htx["achieved"] is False


def test_on_track_while_the_window_is_open(lang_son):
    report("180", "2025-H1", HTX_MOI=12)   # 3 + 2 + 12 = 17 ≥ 16.6 on 30/06/2025
    assert as_json("20", "--as-of", "2025-06-30")["HTX_MOI"]["status"] == "on_track"
