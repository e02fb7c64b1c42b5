"""Hardening of input and output (issue #10, points 2–4): no live formula in any export, no 500
on odd input, text normalised at the door. Each test failed on the code before the fix."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook

from cooperatives import exports
from cooperatives.forms import WorkforceForm
from cooperatives.importer import import_cooperatives, parse_code, parse_count, parse_date
from cooperatives.models import Cooperative, Training
from plans.forms import VietnameseDecimalField
from plans.models import Indicator
from portal.models import Area, User
from portal.numbers import parse_number
from portal.spreadsheets import safe_cell
from portal.text import nfc, nfkc, quote_or_control
from reporting.exports import export_progress
from reporting.forms import ReportForm
from reporting.models import IssuedDocument
from reporting.selectors import progress
from tests.cooperatives.factories import coop
from tests.reporting.factories import report

THAT_KHE = "06040"
FORMULAS = ["=HYPERLINK(\"http://example.com\",\"Bấm vào đây\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def ha_noi_commune():
    return Area.objects.inside(Area.resolve("01")).filter(level=Area.Level.COMMUNE).first().code


# 2. Formula injection in exports ------------------------------------------------------------

@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Hợp tác xã Đồng Tâm", "", "4900000101", "— ", "1+1", -5, -2.5, Decimal("-3"), 0,
                                   None, True, datetime.date(2025, 1, 2)])
def test_other_values_are_written_unchanged(value):
    assert safe_cell(value) is value  # a negative number stays a number


def _xlsx_cells(data):
    book = load_workbook(io.BytesIO(data))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _csv_cells(data):
    return [v for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for v in row]


@pytest.mark.django_db
def test_registry_exports_write_formula_like_names_as_text(client_for, users):
    for i, name in enumerate(FORMULAS):
        coop(THAT_KHE, name=name, code=f"49000009{i:02d}")
    client = client_for(users["commune_editor"])
    xlsx = client.get(reverse("cooperatives:export", args=["xlsx"])).content
    cells = _xlsx_cells(xlsx)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {c.value for c in cells if c.column == 2 and c.row > 1}
    assert names == {"'" + name for name in FORMULAS}
    assert all(c.data_type == "s" for c in cells if c.column == 2)
    csv_cells = _csv_cells(client.get(reverse("cooperatives:export", args=["csv"])).content)
    for name in FORMULAS:
        assert "'" + name in csv_cells and name not in csv_cells


@pytest.mark.django_db
def test_registry_export_keeps_numbers_as_numbers():
    c = coop(THAT_KHE, name="-HTX gạch đầu dòng", workforce=(2025, 12, 7))
    rows = list(exports.cooperative_rows(Cooperative.objects.filter(pk=c.pk)))
    _, _, data = exports.export(rows, "xlsx")
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, max_row=2))
    by_header = dict(zip(exports.HEADER, row))
    assert by_header["Tên"].value == "'-HTX gạch đầu dòng" and by_header["Tên"].data_type == "s"
    assert by_header["Tổng số lao động"].value == 12 and by_header["Tổng số lao động"].data_type == "n"


@pytest.mark.django_db
def test_progress_exports_write_formula_like_text_as_text(users):
    report(THAT_KHE, "2025", HTX_MOI=6)
    Indicator.objects.filter(code="HTX_MOI").update(name="=HYPERLINK(\"http://x\",\"y\")")
    prog = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2026, 1, 15))
    _, _, xlsx = export_progress(prog, "xlsx")
    cells = _xlsx_cells(xlsx)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in [c.value for c in cells]
    assert 6 in [c.value for c in cells]  # figures stay numbers
    _, _, data = export_progress(prog, "csv")
    assert "'=HYPERLINK(\"http://x\",\"y\")" in _csv_cells(data)


# 3. No 500 on odd input ---------------------------------------------------------------------

NON_FINITE = ["1e309", "Infinity", "-Infinity", "inf", "NaN", "sNaN", "1e5"]


@pytest.mark.parametrize("typed", NON_FINITE)
def test_vietnamese_number_parsing_takes_finite_plain_numbers_only(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


@pytest.mark.parametrize("typed, expected", [("0,3", Decimal("0.3")), ("1.234,5", Decimal("1234.5")),
                                             ("2.000", Decimal("2000")), ("２０", Decimal("20")),
                                             ("１．２３４", Decimal("1234")), ("80 %", Decimal("80")), ("", None)])
def test_vietnamese_number_parsing(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("typed", NON_FINITE)
def test_report_fields_refuse_non_finite_numbers_with_a_form_error(typed):
    indicators = Indicator.objects.filter(code__in=["HTX_MOI", "NU_QL_DAO_TAO_TL"])
    form = ReportForm({"version": 1, "v_HTX_MOI": typed, "n_NU_QL_DAO_TAO_TL": typed, "d_NU_QL_DAO_TAO_TL": "10"},
                      indicators=indicators)
    assert not form.is_valid()
    assert "không phải là số hợp lệ" in form.errors["v_HTX_MOI"][0]
    assert "không phải là số hợp lệ" in form.errors["n_NU_QL_DAO_TAO_TL"][0]
    field = VietnameseDecimalField(max_digits=14, decimal_places=2)  # the plans' target values
    with pytest.raises(Exception) as caught:
        field.clean(typed)
    assert "không phải là số hợp lệ" in caught.value.messages[0]


@pytest.mark.django_db
def test_report_page_answers_a_form_error_not_a_500(client_for, users):
    from tests.reporting.helpers import form_data, report_of

    rep = report_of(THAT_KHE, "2025", user=users["commune_editor"])
    client = client_for(users["commune_editor"])
    form = client.get(reverse("reporting:detail", args=[rep.pk])).context["form"]
    response = client.post(reverse("reporting:detail", args=[rep.pk]), form_data(form, v_HTX_MOI="Infinity"))
    assert response.status_code == 200
    assert "không phải là số hợp lệ" in response.context["form"].errors["v_HTX_MOI"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1e309", "Infinity", "NaN"])
def test_workforce_fields_refuse_non_finite_numbers_in_vietnamese(typed):
    form = WorkforceForm({"year": 2025, "members": typed, "female_members": 1, "workers": 2, "female_workers": 1},
                         cooperative=coop(THAT_KHE))
    assert not form.is_valid()
    # the message the report form gives ("12a" too: tests/cooperatives/test_small_things.py)
    assert form.errors["members"] == [f"“{typed}” không phải là số hợp lệ (ví dụ: 20 hoặc 0,3)."]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    lambda: reverse("cooperatives:list") + "?q=%00",
    lambda: reverse("cooperatives:list") + "?area=2%000",
    lambda: reverse("map_unit", args=[Area.resolve("20").pk]) + "?q=%00",
    lambda: reverse("reporting:list") + "?q=ab%00c",
    lambda: reverse("plans:list") + "?q=%00",
    lambda: reverse("users") + "?q=%00",
    lambda: reverse("cooperatives:list") + "?page=%00",
    lambda: reverse("progress:area", args=["20"]).replace("20", "2%000"),
])
def test_a_nul_byte_in_the_query_or_path_is_a_400(client_for, users, path):
    response = client_for(users["province_admin"]).get(path())
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_is_a_400_and_nothing_is_written(client_for, users):
    client = client_for(users["commune_editor"])
    data = {"code": "4901234567", "name": "HTX\x00Thổ cẩm", "kind": "HTX", "commune": THAT_KHE,
            "sector": "tieu_thu_cong", "status": "active"}
    response = client.post(reverse("cooperatives:create"), data)
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.content.decode()
    assert not Cooperative.objects.exists()
    anonymous = client.__class__()
    response = anonymous.post(reverse("login"), {"username": "lan\x00", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("number", ['15/BC-"HPN', "15/BC-'HPN", "15/BC-“HPN”", "15/BC\r\nX-Evil: 1",
                                    "15/BC\nHPN", "15/BC\x07HPN", "15/BC\u202eNPH", "15/BC\u2028HPN", "15\\BC/HPN"])
def test_document_number_refuses_quotes_line_breaks_and_controls(number):
    from reporting.document_views import IssueForm

    form = IssueForm({"number": number})
    form.is_valid()
    assert "không được có dấu nháy, xuống dòng hay ký tự điều khiển" in form.errors["number"][0]
    assert quote_or_control(number) is not None


def test_an_ordinary_document_number_passes():
    assert quote_or_control("139/KH-BTV") is None and quote_or_control("01/QĐ-TTg") is None


@pytest.mark.django_db
@pytest.mark.parametrize("number", ['15/BC-"HPN"', "15/BC-HPN\r\nX-Evil: 1", "15/BC-HPN Lạng Sơn"])
def test_a_stored_document_number_cannot_break_the_download_header(client_for, users, number):
    area = Area.resolve("20")
    from plans.models import Plan

    doc = IssuedDocument.objects.create(
        area=area, plan=Plan.objects.first(), milestone=2025, number=number, place="Lạng Sơn",
        issued_on=datetime.date(2026, 2, 5), issuing_body="HỘI LHPN TỈNH", signer_authority="TM",
        signer_title="PHÓ CHỦ TỊCH", signer_name="X", recipients="Lưu: VT", figures={}, pdf=b"%PDF-1.4")
    response = client_for(users["province_reviewer"]).get(reverse("documents:pdf", args=[doc.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header == content_disposition_header(False, number.replace("/", "-") + ".pdf")
    assert "\r" not in header and "\n" not in header and "X-Evil" not in response.headers


# 4. Text normalised at the door -------------------------------------------------------------

def test_codes_and_numbers_are_read_as_ascii_digits():
    assert nfkc("０１０００００００１") == "0100000001"
    assert nfkc("٠١٠٠٠٠٠٠٠١") == "0100000001"          # Arabic-Indic digits
    assert nfkc("0100000001\u200b") == "0100000001"
    assert parse_code("０１０００００００１") == "0100000001"
    assert parse_count("１．２５０") == 1250
    assert parse_date("１７/０１/２０２５") == datetime.date(2025, 1, 17)


def test_names_lose_zero_width_and_bidirectional_controls():
    typed = "\u202eHợp\u200b tác\u200d xã\u2066 Đồng\u2069 Tâm\ufeff\u2060\u200e"
    assert nfc(typed) == "Hợp tác xã Đồng Tâm"
    assert nfc("Nguyễn\u200b Thị\u200f Hoa") == "Nguyễn Thị Hoa"


def coop_data(**changes):
    data = {"code": "4901234567", "name": "Hợp tác xã Thổ cẩm Thất Khê", "kind": "HTX", "commune": THAT_KHE,
            "founded_on": "15/03/2025", "sector": "tieu_thu_cong", "status": "active"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_full_width_code_is_the_same_code(client_for, users):
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:create"),
                           coop_data(code="０１０００００００１", name="HTX\u200b Đồng\u202e Tâm", commune="０６０４０"))
    assert response.status_code == 302
    saved = Cooperative.objects.get()
    assert saved.code == "0100000001" and saved.name == "HTX Đồng Tâm" and saved.search_name == "htx dong tam"
    again = client.post(reverse("cooperatives:create"), coop_data(code="0100000001", name="HTX khác"))
    assert again.status_code == 200 and Cooperative.objects.count() == 1
    assert again.context["form"].errors["code"] == ["Mã số “0100000001” đã được dùng cho HTX Đồng Tâm (Xã Thất Khê)."]


@pytest.mark.django_db
def test_a_code_of_another_areas_cooperative_reveals_nothing(client_for, users):
    coop(ha_noi_commune(), name="Hợp tác xã Bí Mật Hà Nội", code="0100000001")
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:create"), coop_data(code="０１０００００００１"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Mã số này không dùng được."]
    page = response.content.decode()
    assert "Bí Mật" not in page and "Hà Nội" not in page
    assert Cooperative.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["31/12/1899", "01/01/1025"])
def test_a_founding_date_before_1900_is_refused(client_for, users, day):
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:create"), coop_data(founded_on=day))
    assert response.status_code == 200
    assert "trước năm 1900" in response.context["form"].errors["founded_on"][0]
    assert not Cooperative.objects.exists()
    assert client.post(reverse("cooperatives:create"), coop_data(founded_on="01/01/1900")).status_code == 302


@pytest.mark.django_db
def test_training_and_user_names_are_normalised(client_for, users):
    client = client_for(users["province_admin"])
    response = client.post(reverse("cooperatives:training_create"), {
        "title": "Tập\u200b huấn\u202e quản trị", "starts_on": "06/05/2025", "ends_on": "07/05/2025",
        "organiser": "Hội\u2066 LHPN tỉnh\u2069", "area": "２０"})
    assert response.status_code == 302
    t = Training.objects.get()
    assert (t.title, t.organiser, t.area.code) == ("Tập huấn quản trị", "Hội LHPN tỉnh", "20")
    response = client.post(reverse("user_add"), {
        "username": "hoa", "last_name": "Nông\u200b Thị", "first_name": "\u202eHoa", "email": "",
        "position": "Cán bộ\ufeff", "role": "data_entry", "area": "０６０４０", "is_active": "on",
        "password1": "Xa-That-Khe-2026", "password2": "Xa-That-Khe-2026"})
    assert response.status_code == 302
    hoa = User.objects.get(username="hoa")
    assert (hoa.last_name, hoa.first_name, hoa.position, hoa.area.code) == ("Nông Thị", "Hoa", "Cán bộ", "06040")


def _book(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã số HTX", "Tên HTX/THT", "Loại hình", "Mã xã/phường", "Ngày thành lập", "Tổng số thành viên",
               "Thành viên nữ", "Tổng số lao động", "Lao động nữ"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


@pytest.mark.django_db
def test_the_import_normalises_codes_numbers_and_names():
    result = import_cooperatives(_book([["０１０００００００１", "HTX\u200b Đồng\u202e Tâm", "HTX", "０６０４０",
                                         "１７/０１/２０２４", "１２", "８", "１．２５０", "８００"]]))
    assert result.ok, [str(e) for e in result.errors]
    saved = Cooperative.objects.get()
    assert (saved.code, saved.name, saved.commune.code) == ("0100000001", "HTX Đồng Tâm", THAT_KHE)
    assert saved.founded_on == datetime.date(2024, 1, 17)
    assert saved.workforce.get().workers == 1250
    again = import_cooperatives(_book([["0100000001", "HTX Đồng Tâm", "HTX", THAT_KHE, "17/01/2024", 12, 8, 1250,
                                        800]]))
    assert again.ok and str(again.cooperatives) == "created 0, updated 0, unchanged 1"


@pytest.mark.django_db
def test_the_import_refuses_a_founding_date_before_1900():
    result = import_cooperatives(_book([["0100000001", "HTX Cổ", "HTX", THAT_KHE, "31/12/1899"],
                                        ["0100000002", "HTX Cổ hơn", "HTX", THAT_KHE, datetime.date(1850, 5, 1)]]))
    assert not result.ok and not Cooperative.objects.exists()
    reasons = [(e.row, e.column, e.reason) for e in result.errors]
    assert reasons == [(2, "Ngày thành lập", "ngày thành lập 31/12/1899 trước năm 1900: hãy kiểm tra lại năm"),
                       (3, "Ngày thành lập", "ngày thành lập 01/05/1850 trước năm 1900: hãy kiểm tra lại năm")]


@pytest.mark.django_db
def test_the_import_refuses_another_areas_code_without_naming_it():
    coop(ha_noi_commune(), name="Hợp tác xã Bí Mật Hà Nội", code="0100000001")
    result = import_cooperatives(_book([["０１０００００００１", "HTX Thất Khê", "HTX", THAT_KHE]]),
                                 within=Area.resolve("20"))
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "Mã số HTX", "mã số “0100000001” không dùng được")]


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"moc": "²"}, {"moc": "፩"}, {"ngay": "9999-12-31"}])
def test_odd_progress_choices_are_not_a_500(client_for, users, query):
    client = client_for(users["province_reviewer"])
    page = client.get(reverse("progress:area", args=["20"]), query)
    assert page.status_code == 200
    if "ngay" in query:
        assert "không hợp lệ" in page.content.decode()
    assert client.get(reverse("progress:export", args=["20", "csv"]), query).status_code == 200


@pytest.mark.parametrize("value", [*FORMULAS, "'abc", "''=x", "'", "Hợp tác xã Đồng Tâm", "it's", "-", None, -5])
def test_the_escaping_is_undone_exactly(value):
    from portal.spreadsheets import unescape_cell

    assert unescape_cell(safe_cell(value)) == value
