"""The progress page people can read: short indicator names, units without data collapsed, the
"chỉ đơn vị chậm/chưa đạt" filter, periods in time order and the trend chart's data."""
import json

import pytest
from django.urls import reverse

from plans.catalog import SHORT_NAMES, short_name
from plans.models import Indicator
from portal.models import Area
from reporting import rollup
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db


def url(code, **params):
    from urllib.parse import urlencode

    return reverse("progress:area", args=[code]) + "?" + urlencode(params)


def chart_data(page):
    return json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])


def test_period_key_orders_by_end_date_then_kind():
    codes = ["2025", "2023", "2024-H1", "2023-H1", "2024", "2025-H1"]
    assert sorted(codes, key=rollup.period_key) == ["2023-H1", "2023", "2024-H1", "2024", "2025-H1", "2025"]
    assert sorted(codes) != sorted(codes, key=rollup.period_key)   # text order puts 2023 before 2023-H1


def test_short_names_loaded_for_the_catalog_and_derived_otherwise():
    assert Indicator.objects.get(code="HTX_MOI").short_name == "HTX mới"
    assert Indicator.objects.get(code="LD_NU_ON_DINH_THT").label == "LĐ nữ ổn định (THT)"
    assert set(SHORT_NAMES) == set(Indicator.objects.filter(in_catalog=True).values_list("code", flat=True))
    assert Indicator.objects.get(code="CHUYEN_MUC_TT").short_name == "Chuyên mục báo, đài"   # from the seed
    derived = short_name("X_Y", "Tỷ lệ hội viên phụ nữ được tuyên truyền về kinh tế tập thể")
    assert derived.endswith("…") and len(derived) <= 33 and derived.startswith("Tỷ lệ hội viên")
    assert short_name("X_Y", "Hộ thoát nghèo") == "Hộ thoát nghèo"


def test_headers_and_chart_use_short_names(client_for, users):
    report("06040", "2025", HTX_MOI=6)
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    head = page.split('id="children-table"')[1].split("</thead>")[0]
    assert ">HTX mới</button>" in head and ">HTX_MOI" not in head
    data = chart_data(page)
    assert "HTX mới" in data["labels"] and "HTX_MOI" not in data["labels"]


def test_units_without_data_are_collapsed_with_their_count(client_for, users):
    report("06040", "2025", HTX_MOI=6)
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    table = page.split('id="children-table"')[1].split("</table>")[0]
    collapsed = page.split('id="units-without-data"')[1].split("</details>")[0]
    units = Area.resolve("20").children.count()      # rows: the province's units below (old and new)
    assert "Xã Thất Khê" in table and "Xã Thất Khê" not in collapsed
    other = Area.resolve("20").children.exclude(code="06040").filter(valid_to__isnull=True).first()
    assert other.name in collapsed and other.name not in table
    shown = table.count("<tr>") - 1
    assert f"{units - shown} đơn vị chưa có số liệu" in collapsed


def test_filter_keeps_only_units_behind_or_not_achieved(client_for, users):
    ok = Area.resolve("20").children.exclude(code="06040").filter(valid_to__isnull=True).first()
    report("06040", "2025", NU_QL_DAO_TAO_TL=(8, 10))           # 80 % of a 100 % standard, window closed
    report(ok.code, "2025", NU_QL_DAO_TAO_TL=(10, 10))          # achieved
    client = client_for(users["province_reviewer"])
    everyone = client.get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    table = everyone.split('id="children-table"')[1].split("</table>")[0]
    assert "Xã Thất Khê" in table and ok.name in table and "text-bg-danger" in table
    lagging = client.get(url("20", moc=2025, ngay="2026-01-15", cham=1)).content.decode()
    table = lagging.split('id="children-table"')[1].split("</table>")[0]
    assert "Xã Thất Khê" in table and ok.name not in table
    assert 'id="lagging-filter-on"' in lagging and 'name="cham" value="1" checked' in lagging
    # the filter stays in the drill-down links (the query string is carried)
    assert "cham=1" in table


def test_trend_periods_in_time_order_with_chart_data(client_for, users):
    report("178", "2025-H1", CHUYEN_MUC_TT=10)
    report("06040", "2025", CHUYEN_MUC_TT=14)
    report("178", "2024", CHUYEN_MUC_TT=5)
    report("178", "2024-H1", CHUYEN_MUC_TT=4)
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    head = page.split('id="trend-table"')[1].split("</thead>")[0]
    order = [head.index(f">{p}<") for p in ("2024-H1", "2024", "2025-H1", "2025")]
    assert order == sorted(order)
    trend = chart_data(page)["trend"]
    assert trend["periods"] == ["2024-H1", "2024", "2025-H1", "2025"]
    series = next(s for s in trend["series"] if s["label"] == "Chuyên mục báo, đài")
    assert series["values"] == [4.0, 5.0, 10.0, 14.0] and series["ratio"] is False
    assert 'id="trend-chart"' in page
