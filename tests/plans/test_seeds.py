"""The seed plans (plans/seeds/*.json, transcribed from shared/seeds) as the bootstrapped
database holds them: every plan, every numeric target, the indicator catalog of DOMAIN.md §4,
and hand-checked numbers against the source texts."""
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from plans.models import Indicator, Plan, Target
from plans.targets import describe
from portal.models import LAST_OLD_DAY, Area

pytestmark = pytest.mark.django_db

SEEDS_DIR = Path(__file__).resolve().parents[2] / "plans" / "seeds"

# key -> the file of shared/seeds it is transcribed from (the Đề án: press summaries)
SOURCES = {
    "de-an-01": "press-summary",
    "hoi-lhpn-235-2023": "000_60f9f309935e47cd.txt",   # cited by the Lạng Sơn plan
    "lang-son-2023": "000_60f9f309935e47cd.txt",
    "ha-noi-210-2023": "001_7e7dfcc3feb23edd.txt",   # cited by the Hà Nội plan 139/KH-BTV
    "ha-noi-2025": "001_7e7dfcc3feb23edd.txt",
    "lai-chau-2229-2023": "002_deb7b204ece101ed.txt",  # cited by the Lai Châu city plan
    "tp-lai-chau-2023": "002_deb7b204ece101ed.txt",
    "lien-minh-htx-2023": "003_595313972f865c7a.txt",
    "khanh-hoa-2019": "004_c5d2e4614f406c20.txt",
}


def _seed_plans():
    for path in sorted(SEEDS_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for plan in doc if isinstance(doc, list) else [doc]:
            yield path.name, plan


SEED_PLANS = list(_seed_plans())
SEED_TARGETS = [(plan["key"], t) for _file, plan in SEED_PLANS for t in plan.get("targets", [])]


def _target_id(item):
    key, t = item
    return "-".join(str(x) for x in (key, t["indicator"], t["milestone"], t.get("per_unit"),
                                      t.get("area_group")) if x)


def target(key, code, milestone, per_unit="", area_group=""):
    return Target.objects.select_related("indicator", "plan").get(
        plan__key=key, indicator__code=code, milestone=milestone, per_unit=per_unit, area_group=area_group)


# --- every plan, every target ---------------------------------------------------------------

def test_the_seed_files_hold_the_expected_plans():
    assert {plan["key"] for _f, plan in SEED_PLANS} == set(SOURCES)
    assert len(SEED_PLANS) == len(SOURCES)          # keys are unique across files
    assert len(SEED_TARGETS) >= 57                   # 10 + 7 + 12 + 12 + 16 when written


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_seed_plan_is_loaded_with_its_source(key):
    plan = Plan.objects.get(key=key)
    assert plan.source_file == SOURCES[key]
    doc = next(p for _f, p in SEED_PLANS if p["key"] == key)
    assert plan.source_file == doc["source"]
    assert plan.title == doc["title"] and plan.kind == doc["kind"] and plan.issuer == doc["issuer"]
    assert plan.tasks.count() == len(doc.get("tasks", []))


def test_every_source_document_has_a_plan():
    shared_files = {f"00{i}_" for i in range(5)}
    loaded = set(Plan.objects.exclude(source_file="press-summary").values_list("source_file", flat=True))
    assert {name[:4] for name in loaded} == shared_files
    assert all(name.endswith(".txt") for name in loaded)


@pytest.mark.parametrize("item", SEED_TARGETS, ids=[_target_id(i) for i in SEED_TARGETS])
def test_every_numeric_target_is_loaded(item):
    key, t = item
    row = target(key, t["indicator"], t["milestone"], t.get("per_unit") or "", t.get("area_group") or "")
    assert row.form == t["form"]
    assert row.low == Decimal(str(t["low"]))
    assert row.high == (Decimal(str(t["high"])) if t.get("high") is not None else None)
    assert row.per_unit == (t.get("per_unit") or "")
    assert row.area_group == (t.get("area_group") or "")
    assert row.unit == (t.get("unit") or "")
    assert row.wording == (t.get("wording") or "")


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_no_target_beyond_the_seed_files(key):
    doc = next(p for _f, p in SEED_PLANS if p["key"] == key)
    assert Target.objects.filter(plan__key=key).count() == len(doc.get("targets", []))


def test_plans_without_numbers_have_no_targets():
    # Liên minh HTX (news item) and the Women's Union national plan carry no numbers of their own
    for key in ("lien-minh-htx-2023", "hoi-lhpn-235-2023", "lai-chau-2229-2023"):
        assert not Target.objects.filter(plan__key=key).exists()


# --- the indicator catalog (DOMAIN.md §4) ---------------------------------------------------

CATALOG = {
    "HTX_MOI": ("count", "flow"),
    "THT_MOI": ("count", "flow"),
    "VIEC_LAM_NU_MOI": ("count", "flow"),
    "HTX_CUNG_CO": ("count", "flow"),
    "THT_CUNG_CO": ("count", "flow"),
    "HTX_THT_CUNG_CO_TL": ("ratio", "stock"),
    "LD_NU_ON_DINH_HTX": ("count", "stock"),
    "LD_NU_ON_DINH_THT": ("count", "stock"),
    "NU_QL_DAO_TAO_TL": ("ratio", "stock"),
    "CB_HOI_TAP_HUAN_TL": ("ratio", "stock"),
    "CB_HOI_KY_NANG_TL": ("ratio", "stock"),
}


def test_catalog_indicators_exist_with_kind_and_over_time():
    rows = {i.code: (i.kind, i.over_time) for i in Indicator.objects.filter(code__in=CATALOG)}
    assert rows == CATALOG
    assert set(Indicator.objects.filter(in_catalog=True).values_list("code", flat=True)) == set(CATALOG)


def test_plan_specific_indicators_are_loaded_outside_the_catalog():
    for _f, plan in SEED_PLANS:
        for ind in plan.get("indicators", []):
            row = Indicator.objects.get(code=ind["code"])
            assert (row.kind, row.over_time, row.in_catalog) == (ind["kind"], ind["over_time"], False)
    assert Indicator.objects.get(code="NO_QUA_HAN_TL").kind == "ratio"
    assert Indicator.objects.get(code="HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO").kind == "count"


# --- the areas plans cover --------------------------------------------------------------------

def test_plan_areas_resolve_to_the_right_units():
    assert Plan.objects.get(key="de-an-01").area.code == "VN"
    assert Plan.objects.get(key="lang-son-2023").area == Area.resolve("20")
    assert Plan.objects.get(key="ha-noi-2025").area == Area.resolve("01")


def test_khanh_hoa_2019_covers_the_old_province():
    area = Plan.objects.get(key="khanh-hoa-2019").area
    assert area.code == "56" and area.level == Area.Level.PROVINCE
    assert area.valid_to == LAST_OLD_DAY == datetime.date(2025, 6, 30)
    assert area == Area.resolve("56", on=datetime.date(2019, 1, 1))
    assert area != Area.resolve("56")          # not the Khánh Hòa formed on 1/7/2025
    assert area.successor == Area.resolve("56")


def test_lai_chau_city_plan_covers_the_old_district():
    plan = Plan.objects.get(key="tp-lai-chau-2023")
    assert plan.area.code == "105" and plan.area.level == Area.Level.DISTRICT
    assert plan.area.valid_to == LAST_OLD_DAY
    assert plan.area.parent == Area.resolve("12")


# --- spot checks against the source texts ---------------------------------------------------

def assert_target(key, code, milestone, form, low, high=None, unit=None, **extra):
    row = target(key, code, milestone, **extra)
    assert (row.form, row.low, row.high) == (form, Decimal(str(low)),
                                             None if high is None else Decimal(str(high)))
    if unit is not None:
        assert row.unit == unit
    return row


def test_lang_son_2023_numbers():
    # 000_60f9...txt, II.1 "Đến năm 2025" and II.2 "Đến năm 2030"
    plan = Plan.objects.get(key="lang-son-2023")
    assert (plan.year_start, plan.year_end, plan.milestones) == (2023, 2030, [2025, 2030])
    assert plan.issued_on == datetime.date(2023, 4, 1) and plan.issued_on_precision == "month"
    assert plan.number == ""                   # "Số: /KH-UBND" left blank in the copy
    assert plan.based_on.key == "hoi-lhpn-235-2023"
    assert "từ 20 - 25 HTX" in assert_target("lang-son-2023", "HTX_MOI", 2025, "range", 20, 25, "HTX").wording
    assert "trên 50 tổ hợp tác" in assert_target("lang-son-2023", "THT_MOI", 2025, "more_than", 50).wording
    assert "khoảng 500 - 700" in assert_target("lang-son-2023", "VIEC_LAM_NU_MOI", 2025, "about_range",
                                              500, 700, "lao động").wording
    assert "khoảng 2.000 - 3.000" in assert_target("lang-son-2023", "VIEC_LAM_NU_MOI", 2030,
                                                  "about_range", 2000, 3000).wording
    assert "ít nhất 80 HTX" in assert_target("lang-son-2023", "HTX_MOI", 2030, "at_least", 80).wording
    assert_target("lang-son-2023", "THT_MOI", 2030, "number", 200)
    assert_target("lang-son-2023", "CB_HOI_KY_NANG_TL", 2025, "at_least", 80, unit="%")
    assert_target("lang-son-2023", "CB_HOI_KY_NANG_TL", 2030, "at_least", 90, unit="%")
    for milestone in (2025, 2030):
        for code in ("HTX_THT_CUNG_CO_TL", "NU_QL_DAO_TAO_TL", "CB_HOI_TAP_HUAN_TL"):
            assert_target("lang-son-2023", code, milestone, "at_least", 100, unit="%")


def test_ha_noi_2025_numbers():
    # 001_7e7d...txt, II "Mục tiêu cụ thể" 1–5
    plan = Plan.objects.get(key="ha-noi-2025")
    assert plan.number == "139/KH-BTV" and plan.issued_on == datetime.date(2025, 1, 17)
    assert (plan.kind, plan.year_start, plan.year_end) == ("yearly", 2025, 2025)
    assert plan.reports_half_year and plan.reports_annual
    assert "thành lập mới 03 HTX" in assert_target("ha-noi-2025", "HTX_MOI", 2025, "number", 3).wording
    assert_target("ha-noi-2025", "HTX_CUNG_CO", 2025, "at_least", 15, unit="HTX")
    assert_target("ha-noi-2025", "THT_CUNG_CO", 2025, "at_least", 20, unit="THT")
    assert target("ha-noi-2025", "LD_NU_ON_DINH_HTX", 2025).low == 300
    assert target("ha-noi-2025", "LD_NU_ON_DINH_THT", 2025).low == 200
    assert_target("ha-noi-2025", "NU_QL_DAO_TAO_TL", 2025, "at_least", 100, unit="%")
    assert_target("ha-noi-2025", "CB_HOI_TAP_HUAN_TL", 2025, "at_least", 100, unit="%")


def test_lai_chau_city_numbers():
    # 002_deb7...txt: the city's plan, based on the province's 2229/KH-UBND (16/6/2023)
    plan = Plan.objects.get(key="tp-lai-chau-2023")
    assert_target("tp-lai-chau-2023", "HTX_MOI", 2025, "at_least", 1, unit="HTX")
    assert_target("tp-lai-chau-2023", "HTX_MOI", 2030, "at_least", 2, unit="HTX")
    assert "khoảng 07" in assert_target("tp-lai-chau-2023", "VIEC_LAM_NU_MOI", 2025, "about", 7).wording
    assert "khoảng 14" in assert_target("tp-lai-chau-2023", "VIEC_LAM_NU_MOI", 2030, "about", 14).wording
    assert_target("tp-lai-chau-2023", "CB_HOI_KY_NANG_TL", 2025, "at_least", 80)
    assert_target("tp-lai-chau-2023", "CB_HOI_KY_NANG_TL", 2030, "at_least", 90)
    # "báo cáo kết quả thực hiện hằng năm trước ngày 15/11"
    assert plan.annual_due == "11-15" and plan.reports_annual and not plan.reports_half_year
    province_plan = plan.based_on
    assert province_plan.key == "lai-chau-2229-2023"
    assert province_plan.area.code == "12" and province_plan.area.level == Area.Level.PROVINCE
    assert province_plan.issued_on == datetime.date(2023, 6, 16)
    assert plan.area.parent == province_plan.area


def test_khanh_hoa_2019_numbers():
    # 004_c5d2...txt: "Tỷ lệ nợ quá hạn không quá 0,3%", "mỗi Hội cơ sở có ít nhất 02 hộ",
    # "Các huyện đồng bằng: 95% thành viên / Các huyện miền núi: 80% thành viên"
    row = assert_target("khanh-hoa-2019", "NO_QUA_HAN_TL", 2019, "at_most", "0.3", unit="%")
    assert row.low == Decimal("0.30")
    row = assert_target("khanh-hoa-2019", "HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO", 2019, "at_least", 2,
                        unit="hộ", per_unit="Hội cơ sở")
    assert row.per_unit == "Hội cơ sở"
    assert_target("khanh-hoa-2019", "TV_TKVV_TIET_KIEM_TL", 2019, "number", 95, area_group="đồng bằng")
    assert_target("khanh-hoa-2019", "TV_TKVV_TIET_KIEM_TL", 2019, "number", 80, area_group="miền núi")
    assert_target("khanh-hoa-2019", "HO_NGHEO_THOAT_NGHEO_TL", 2019, "number", 75)
    assert_target("khanh-hoa-2019", "HO_NGHEO_PN_CHU_HO_THOAT_NGHEO_TL", 2019, "number", 80)
    assert_target("khanh-hoa-2019", "TO_TKVV_TOT_KHA_TL", 2019, "at_least", 95)
    assert Plan.objects.get(key="khanh-hoa-2019").year_start == 2019


def test_de_an_numbers():
    # DOMAIN.md §3, from press summaries of Quyết định 01/QĐ-TTg
    plan = Plan.objects.get(key="de-an-01")
    assert plan.source_file == "press-summary" and plan.kind == "de_an"
    assert_target("de-an-01", "THT_MOI", 2025, "number", 5000)
    assert_target("de-an-01", "THT_MOI", 2030, "number", 10000)
    assert_target("de-an-01", "HTX_CUNG_CO", 2025, "at_least", 750)
    assert_target("de-an-01", "HTX_CUNG_CO", 2030, "at_least", 1500)
    assert target("de-an-01", "LD_NU_ON_DINH_HTX", 2025).low == 15000
    assert target("de-an-01", "LD_NU_ON_DINH_HTX", 2030).low == 30000
    assert target("de-an-01", "LD_NU_ON_DINH_THT", 2025).low == 40000
    assert target("de-an-01", "LD_NU_ON_DINH_THT", 2030).low == 100000
    assert_target("de-an-01", "NU_QL_DAO_TAO_TL", 2030, "at_least", 100, unit="%")


def test_plans_cascade_from_the_de_an():
    assert Plan.objects.get(key="hoi-lhpn-235-2023").based_on.key == "de-an-01"
    assert Plan.objects.get(key="lien-minh-htx-2023").based_on.key == "de-an-01"
    # "Kế hoạch số 2229/KH-UBND ... của UBND tỉnh Lai Châu về thực hiện Đề án ..." (002)
    assert Plan.objects.get(key="lai-chau-2229-2023").based_on.key == "de-an-01"
    # "Thực hiện Kế hoạch số 210/KH-UBND ngày 10/8/2023 ... về thực hiện Đề án ..." (001)
    assert Plan.objects.get(key="ha-noi-2025").based_on.key == "ha-noi-210-2023"
    assert Plan.objects.get(key="ha-noi-210-2023").based_on.key == "de-an-01"


# --- shown as written -------------------------------------------------------------------------

AS_WRITTEN = [
    ("lang-son-2023", "HTX_MOI", 2025, "", "", "từ 20 - 25 HTX"),
    ("lang-son-2023", "THT_MOI", 2025, "", "", "trên 50 THT"),
    ("lang-son-2023", "VIEC_LAM_NU_MOI", 2025, "", "", "khoảng 500 - 700 lao động"),
    ("lang-son-2023", "VIEC_LAM_NU_MOI", 2030, "", "", "khoảng 2.000 - 3.000 lao động"),
    ("lang-son-2023", "HTX_MOI", 2030, "", "", "ít nhất 80 HTX"),
    ("lang-son-2023", "NU_QL_DAO_TAO_TL", 2025, "", "", "100 %"),
    ("lang-son-2023", "CB_HOI_KY_NANG_TL", 2030, "", "", "ít nhất 90 %"),
    ("tp-lai-chau-2023", "VIEC_LAM_NU_MOI", 2025, "", "", "khoảng 7 lao động"),
    ("ha-noi-2025", "HTX_MOI", 2025, "", "", "3 HTX"),
    ("de-an-01", "THT_MOI", 2030, "", "", "10.000 THT"),
    ("khanh-hoa-2019", "NO_QUA_HAN_TL", 2019, "", "", "không quá 0,3 %"),
    ("khanh-hoa-2019", "HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO", 2019, "Hội cơ sở", "",
     "mỗi Hội cơ sở: ít nhất 2 hộ"),
    ("khanh-hoa-2019", "TV_TKVV_TIET_KIEM_TL", 2019, "", "đồng bằng", "đồng bằng: 95 %"),
    ("khanh-hoa-2019", "TV_TKVV_TIET_KIEM_TL", 2019, "", "miền núi", "miền núi: 80 %"),
]


@pytest.mark.parametrize("key, code, milestone, per_unit, area_group, written", AS_WRITTEN,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}-{r[4] or r[3] or 'x'}" for r in AS_WRITTEN])
def test_describe_keeps_the_form_as_written(key, code, milestone, per_unit, area_group, written):
    assert describe(target(key, code, milestone, per_unit, area_group)) == written


@pytest.mark.parametrize("key", ["lang-son-2023", "khanh-hoa-2019", "tp-lai-chau-2023", "ha-noi-2025",
                                 "de-an-01"])
def test_detail_page_shows_each_target_as_written(users, client_for, key):
    plan = Plan.objects.get(key=key)
    response = client_for(users["national_admin"]).get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for row in plan.targets.select_related("indicator"):
        assert f'<td class="target-written">{describe(row)}</td>' in html, row
    for r_key, _code, _m, _p, _g, written in AS_WRITTEN:
        if r_key == key:
            assert f'<td class="target-written">{written}</td>' in html
    assert f"<code>{plan.source_file}</code>" in html


def test_detail_page_shows_the_source_wording_and_deadlines(users, client_for):
    client = client_for(users["national_admin"])
    html = client.get(reverse("plans:detail", args=[Plan.objects.get(key="khanh-hoa-2019").pk])).content.decode()
    assert "Tỷ lệ nợ quá hạn không quá 0,3%." in html and "mỗi Hội cơ sở" in html and "đồng bằng" in html
    html = client.get(reverse("plans:detail", args=[Plan.objects.get(key="tp-lai-chau-2023").pk])).content.decode()
    assert "hạn trước ngày 15/11" in html
    assert "tạo việc làm mới cho khoảng 07 lao động nữ" in html
