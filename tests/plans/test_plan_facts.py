"""Plan facts as the source texts (shared/seeds) say them, and nothing more: the date each plan
was issued, the plan it implements, and its reporting regime — with "not stated" kept apart
from "does not report" — and a deadline stated for one year's report holding for that year
only. Each fact below quotes the sentence of the source it comes from; where the source is
silent the field is empty."""
import datetime

import pytest
from django.urls import reverse

from plans.models import Plan
from portal.models import Area
from reporting.importer import _historical_sent_day
from reporting.models import Period, due_date, standard_periods
from tests.plans.test_seeds import SEED_PLANS

pytestmark = pytest.mark.django_db

D = datetime.date

# key -> (issued_on, precision, the words of the source that give it; None where none does)
ISSUED = {
    "de-an-01": (D(2023, 1, 3), "day", "000: Quyết định số 01/QĐ-TTg ngày 03/01/2023 của Thủ tướng Chính phủ"),
    "hoi-lhpn-235-2023": (D(2023, 3, 21), "day", "000: Kế hoạch số 235/KH-ĐCT ngày 21/3/2023 của Đoàn Chủ tịch"),
    "lang-son-2023": (D(2023, 4, 1), "month", "000: Lạng Sơn, ngày tháng 4 năm 2023"),
    "ha-noi-210-2023": (D(2023, 8, 10), "day", "001: Kế hoạch số 210/KH-UBND ngày 10/8/2023 của Ủy ban nhân dân "
                                               "thành phố Hà Nội"),
    "ha-noi-2025": (D(2025, 1, 17), "day", "001: Hà Nội, ngày 17 tháng 01 năm 2025"),
    "lai-chau-2229-2023": (D(2023, 6, 16), "day", "002: Kế hoạch số 2229/KH-UBND ngày 16/6/2023 của UBND tỉnh Lai Châu"),
    "tp-lai-chau-2023": (None, "", None),        # the copy has no number-and-date line
    "lien-minh-htx-2023": (None, "", None),      # a news item: no number, no date, not even the year
    "khanh-hoa-2019": (None, "", None),          # no date line; "năm 2019" is the year it covers
}

# key -> (the plan it implements, the words that say so; None where the source names none)
PARENT = {
    "de-an-01": (None, None),
    "hoi-lhpn-235-2023": ("de-an-01", "000: Kế hoạch số 235/KH-ĐCT ngày 21/3/2023 của Đoàn Chủ tịch Trung ương "
                                      "Hội Liên hiệp Phụ nữ Việt Nam thực hiện Quyết định số 01/QĐ-TTg"),
    "lang-son-2023": ("hoi-lhpn-235-2023", "000: Căn cứ Quyết định số 01/QĐ-TTg ...; Kế hoạch số 235/KH-ĐCT"),
    "ha-noi-210-2023": ("de-an-01", "001: Kế hoạch số 210/KH-UBND ngày 10/8/2023 của Ủy ban nhân dân thành phố "
                                    "Hà Nội về thực hiện Đề án"),
    "ha-noi-2025": ("ha-noi-210-2023", "001: Thực hiện Kế hoạch số 210/KH-UBND ngày 10/8/2023"),
    "lai-chau-2229-2023": ("de-an-01", "002: Kế hoạch số 2229/KH-UBND ngày 16/6/2023 của UBND tỉnh Lai Châu về "
                                       "thực hiện Đề án"),
    "tp-lai-chau-2023": ("lai-chau-2229-2023", "002: Căn cứ Kế hoạch số 2229/KH-UBND ngày 16/6/2023"),
    "lien-minh-htx-2023": ("de-an-01", "003: Thực hiện Quyết định số 01/QĐ-TTg ... Liên minh Hợp tác xã Việt Nam "
                                       "xây dựng kế hoạch triển khai"),
    "khanh-hoa-2019": (None, None),  # "Thực hiện chương trình công tác ... của Ban Chấp hành": not a plan here
}

# key -> (6-month report, annual report, 6-month deadline, annual deadline); None: not stated
REGIME = {
    "de-an-01": (None, None, "", ""),            # the decision's text is not in the sources
    "hoi-lhpn-235-2023": (None, None, "", ""),   # known only as a citation
    "ha-noi-210-2023": (None, None, "", ""),
    "lai-chau-2229-2023": (None, None, "", ""),
    "lang-son-2023": (None, None, "", ""),       # "Tổng hợp, báo cáo kết quả thực hiện theo yêu cầu"
    "ha-noi-2025": (True, True, "", ""),         # "định kỳ 6 tháng, báo cáo năm" (no deadline)
    "tp-lai-chau-2023": (False, True, "", "11-15"),  # "8. Chế độ báo cáo ... hằng năm trước ngày 15/11"
    "lien-minh-htx-2023": (True, True, "", ""),  # "đánh giá kết quả thực hiện định kỳ 6 tháng, hằng năm"
    "khanh-hoa-2019": (True, True, "", "12-01"),  # "tháng/6 tháng/năm"; "... năm 2019 ... trước ngày 01/12/2019"
}


def plan(key):
    return Plan.objects.select_related("area", "based_on").get(key=key)


def period(code):
    """A standard period (an unsaved one for a year before the portal's first, such as 2019)."""
    year = int(code[:4])
    return next(Period(**values) for values in standard_periods(year, year) if values["code"] == code)


def test_every_seed_plan_has_its_facts_checked_here():
    keys = {p["key"] for _f, p in SEED_PLANS}
    assert keys == set(ISSUED) == set(PARENT) == set(REGIME)


@pytest.mark.parametrize("key", sorted(ISSUED))
def test_issue_dates_are_the_sources_or_empty(key):
    issued_on, precision, _words = ISSUED[key]
    p = plan(key)
    assert (p.issued_on, p.issued_on_precision) == (issued_on, precision)


@pytest.mark.parametrize("key", sorted(PARENT))
def test_parents_are_the_sources_or_empty(key):
    parent, _words = PARENT[key]
    assert getattr(plan(key).based_on, "key", None) == parent


@pytest.mark.parametrize("key", sorted(REGIME))
def test_reporting_regime_keeps_not_stated_apart_from_does_not_report(key):
    p = plan(key)
    assert (p.reports_half_year, p.reports_annual, p.half_year_due, p.annual_due) == REGIME[key]


def test_ha_noi_139_is_based_on_the_citys_210():
    ha_noi = plan("ha-noi-2025")
    cited = ha_noi.based_on
    assert (cited.number, cited.kind, cited.issuer) == ("210/KH-UBND", Plan.Kind.REFERENCE,
                                                         "Ủy ban nhân dân thành phố Hà Nội")
    assert cited.issued_on == D(2023, 8, 10) and cited.area == ha_noi.area
    assert not cited.targets.exists() and not cited.tasks.exists()


# --- shown as the source says it --------------------------------------------------------------

def _regime_html(client, key):
    html = client.get(reverse("plans:detail", args=[plan(key).pk])).content.decode()
    start = html.index('<span class="reporting-regime">')
    return " ".join(html[start:html.index("</span>", start)].split())


def test_the_plan_page_says_not_stated(users, client_for):
    client = client_for(users["commune_editor"])
    assert "Không nêu" in _regime_html(client, "lang-son-2023")
    ha_noi = _regime_html(client_for(users["outsider_admin"]), "ha-noi-2025")
    assert "6 tháng: có" in ha_noi and "năm: có" in ha_noi and "Không nêu" not in ha_noi
    lai_chau = _regime_html(client_for(users["outsider_district"]), "tp-lai-chau-2023")
    assert "6 tháng: không" in lai_chau and "năm: có (hạn trước ngày 15/11)" in lai_chau


def test_the_plan_form_keeps_not_stated(users, client_for):
    from tests.plans.test_plan_views import plan_post

    client = client_for(users["province_admin"])
    html = client.get(reverse("plans:edit", args=[plan("lang-son-2023").pk])).content.decode()
    assert '<option value="" selected>Không nêu</option>' in html
    client.post(reverse("plans:create"), plan_post(reports_half_year="", reports_annual="False"))
    created = Plan.objects.get(key="lang-son-2025-nam")
    assert created.reports_half_year is None and created.reports_annual is False


# --- a deadline stated for one year's report ---------------------------------------------------

def test_khanh_hoa_deadline_of_2019_does_not_hold_in_2023_and_2024():
    khanh_hoa = plan("khanh-hoa-2019")
    assert due_date(khanh_hoa, period("2019")) == D(2019, 12, 1)     # "trước ngày 01/12/2019"
    assert due_date(khanh_hoa, period("2023")) == D(2023, 12, 20)    # the default
    assert due_date(khanh_hoa, period("2024")) == D(2024, 12, 20)
    assert due_date(khanh_hoa, period("2024-H1")) == D(2024, 6, 20)


def test_outside_its_years_a_plan_gives_way_to_the_next_covering_plan():
    city = Area.resolve("105", on=D(2023, 6, 30))
    yearly = Plan.objects.create(key="tp-lai-chau-2023-nam", kind=Plan.Kind.YEARLY, title="Kế hoạch năm 2023",
                                 issuer="UBND thành phố Lai Châu", area=city, year_start=2023, year_end=2023,
                                 annual_due="10-31")
    assert due_date(yearly, period("2023")) == D(2023, 10, 31)
    assert due_date(yearly, period("2024")) == D(2024, 11, 15)   # tp-lai-chau-2023: "trước ngày 15/11"
    assert due_date(plan("tp-lai-chau-2023"), period("2024")) == D(2024, 11, 15)


def test_historical_khanh_hoa_reports_of_2023_are_not_dated_by_the_2019_deadline():
    khanh_hoa = Area.resolve("56", on=D(2023, 12, 31))
    plans = list(Plan.objects.select_related("area"))
    assert _historical_sent_day(khanh_hoa, period("2023"), plans) == D(2023, 12, 14)  # close of the data window
    assert _historical_sent_day(khanh_hoa, period("2019"), plans) == D(2019, 12, 1)
