"""Exports of the cooperative list: exactly the filtered rows of the user's scope, read back."""
import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cooperatives import exports, rules
from cooperatives.services import refresh_classification
from portal.models import Area
from tests.cooperatives.factories import coop, manager

pytestmark = pytest.mark.django_db
THAT_KHE = "06040"


@pytest.fixture
def registry():
    other = (Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)
             .exclude(code=THAT_KHE).order_by("code").first().code)
    ha_noi = Area.objects.inside(Area.resolve("01")).filter(level=Area.Level.COMMUNE).first().code
    a = coop(THAT_KHE, name="Hợp tác xã Đồng Tâm", code="4900000101", workforce=(2025, 12, 10))
    manager(a, gender=rules.FEMALE, name="Lý Thị Lan")
    coop(THAT_KHE, name="Hợp tác xã Thành Công", code="4900000102", workforce=(2025, 10, 5))
    coop(other, name="Hợp tác xã Đồng Tiến", code="4900000103")
    coop(ha_noi, name="Hợp tác xã Đồng Tâm Hà Nội", code="4900000104")
    refresh_classification()


def _csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response):
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_csv_has_the_filtered_scoped_rows(client_for, users, registry):
    client = client_for(users["province_reviewer"])
    response = client.get(reverse("cooperatives:export", args=["csv"]), {"q": "dong"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="hop-tac-xa-')
    rows = _csv(response)
    assert rows[0] == exports.HEADER
    assert [r[:2] for r in rows[1:]] == [["4900000101", "Hợp tác xã Đồng Tâm"], ["4900000103", "Hợp tác xã Đồng Tiến"]]
    first = dict(zip(rows[0], rows[1]))
    assert first["Do phụ nữ tham gia quản lý"] == "Có" and first["Tạo nhiều việc làm cho lao động nữ"] == "Có"
    assert first["Ngày thành lập"] == "01/03/2024" and first["Lao động nữ"] == "10" and first["Mã xã"] == THAT_KHE


def test_xlsx_has_the_filtered_scoped_rows(client_for, users, registry):
    client = client_for(users["commune_editor"])
    response = client.get(reverse("cooperatives:export", args=["xlsx"]), {"many_women_jobs": "no"})
    assert response["Content-Type"] == exports.FORMATS["xlsx"]
    rows = _xlsx(response)
    assert rows[0] == exports.HEADER
    assert [r[:2] for r in rows[1:]] == [["4900000102", "Hợp tác xã Thành Công"]]
    row = dict(zip(rows[0], rows[1]))
    assert row["Tạo nhiều việc làm cho lao động nữ"] == "Không" and row["Thuộc đối tượng Đề án"] == "Không"
    assert row["Tổng số lao động"] == 10 and row["Lao động nữ"] == 5


def test_unfiltered_export_is_the_users_scope(client_for, users, registry):
    codes = lambda who: [r[0] for r in _xlsx(client_for(users[who]).get(  # noqa: E731
        reverse("cooperatives:export", args=["xlsx"])))[1:]]
    assert codes("commune_editor") == ["4900000101", "4900000102"]
    assert sorted(codes("province_leader")) == ["4900000101", "4900000102", "4900000103"]
    assert codes("outsider_admin") == ["4900000104"]
    assert codes("outsider_district") == []


def test_an_out_of_scope_area_filter_does_not_widen_the_export(client_for, users, registry):
    rows = _csv(client_for(users["commune_editor"]).get(reverse("cooperatives:export", args=["csv"]), {"area": "01"}))
    assert [r[0] for r in rows[1:]] == ["4900000101", "4900000102"]


def test_unknown_format_is_404(client_for, users):
    assert client_for(users["province_admin"]).get(reverse("cooperatives:export", args=["pdf"])).status_code == 404


def test_exporter_shape_without_database():
    name, mimetype, data = exports.export([["Tên", "Ngày"], ["Đồng Tâm", datetime.date(2025, 1, 2)]], "csv",
                                          name="thu")
    assert name.startswith("thu-") and name.endswith(".csv") and mimetype.startswith("text/csv")
    assert data.decode("utf-8") == "\ufeffTên,Ngày\r\nĐồng Tâm,02/01/2025\r\n"
    name, mimetype, data = exports.export([["Tên"], ["Đồng Tâm"]], "xlsx")
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    with pytest.raises(ValueError):
        exports.export([], "pdf")


def test_rows_come_from_two_queries_whatever_their_number(django_assert_num_queries, users, registry):
    """The cooperatives as values and the latest workforce year of each: no sub-select per row,
    no lookup per row (100 000 cooperatives export in seconds, scripts/bench_exports.py)."""
    from cooperatives.models import Cooperative, Workforce
    from cooperatives.selectors import cooperative_list

    newest = Cooperative.objects.get(code="4900000101")
    Workforce.objects.create(cooperative=newest, year=2026, members=40, female_members=30, workers=20,
                             female_workers=15)
    for i in range(6):
        coop(THAT_KHE, name=f"Hợp tác xã Thêm {i}", code=f"49000002{i:02}")
    with django_assert_num_queries(2):
        rows = list(exports.cooperative_rows(cooperative_list(user=users["national_admin"])))
    assert len(rows) == 1 + 10
    by_code = {r[0]: dict(zip(exports.HEADER, r)) for r in rows[1:]}
    assert by_code["4900000101"]["Năm số liệu lao động"] == 2026 and by_code["4900000101"]["Lao động nữ"] == 15
    assert by_code["4900000101"]["Loại hình"] == "Hợp tác xã" and by_code["4900000101"]["Lĩnh vực"] == "Nông nghiệp"
    assert by_code["4900000101"]["Tỉnh/thành phố"] == "Lạng Sơn"
    assert by_code["4900000200"]["Năm số liệu lao động"] is None
