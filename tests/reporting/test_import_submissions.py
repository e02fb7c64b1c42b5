"""import_submissions (DOMAIN.md §7): real XLSX files, imported through the management command.
All or nothing, every error listed, idempotent, statuses, and bulk (query count independent of
the number of rows)."""
import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import Indicator
from portal.models import Area
from reporting.importer import area_code, import_submissions, period_code
from reporting.models import Report, ReportTransition, ReportValue
from reporting.services import province_of
from tests.reporting.factories import report
from tests.reporting.submissions import CREATED, UNCHANGED, lang_son_file, write_book

pytestmark = pytest.mark.django_db


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_submissions", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_submissions", str(path), *args, stdout=out, stderr=err)
    return str(exc.value), err.getvalue().splitlines(), out.getvalue()


def values_of(code, period, on=None):
    r = Report.objects.get(area=Area.resolve(code, on=on), period__code=period)
    return {v.indicator.code: (v.value, v.numerator, v.denominator) for v in r.values.select_related("indicator")}


# Parsing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, code", [
    ("06040", "06040"), (6040, "06040"), (6040.0, "06040"), (178, "178"), ("178", "178"), (20, "20"),
    (1, "01"), ("1", "01"), ("6040", "06040"), ("VN", "VN"), ("vn", "VN"), (" 20 ", "20"), (105, "105"),
])
def test_area_codes_are_padded_by_size(cell, code):
    assert area_code(cell)[0] == code


@pytest.mark.parametrize("cell, code", [
    (2024, "2024"), ("2024", "2024"), ("Năm 2024", "2024"), ("năm 2024", "2024"), ("NAM 2024", "2024"),
    ("2025-H1", "2025-H1"), ("2025-h1", "2025-H1"), ("2025 H1", "2025-H1"), ("H1/2025", "2025-H1"),
    ("6 tháng đầu năm 2025", "2025-H1"), ("6 THÁNG ĐẦU NĂM 2025", "2025-H1"), ("6 thang dau nam 2025", "2025-H1"),
    ("Sáu tháng đầu năm 2025", "2025-H1"), (2024.0, "2024"),
])
def test_period_spellings(cell, code):
    assert period_code(cell) == code


# A clean import --------------------------------------------------------------------------

def test_clean_import_creates_approved_historical_reports(tmp_path):
    out, err = run(lang_son_file(tmp_path))
    assert out.strip().splitlines()[-1] == CREATED
    assert err == ""
    assert Report.objects.count() == 4 and ReportValue.objects.count() == 8
    assert values_of("178", "2024", on=datetime.date(2024, 12, 31)) == {
        "HTX_MOI": (3, None, None), "THT_MOI": (1, None, None)}
    assert values_of("178", "2025-H1", on=datetime.date(2025, 6, 30)) == {
        "HTX_MOI": (2, None, None), "NU_QL_DAO_TAO_TL": (None, 5, 10)}
    assert values_of("181", "2024", on=datetime.date(2024, 12, 31)) == {"HTX_MOI": (12, None, None)}
    assert values_of("06040", "2025") == {"HTX_MOI": (6, None, None), "NU_QL_DAO_TAO_TL": (None, 8, 10),
                                          "THT_MOI": (5, None, None)}
    thatkhe = Report.objects.get(area__code="06040", period__code="2025")
    # sent when the data window closed (14/12; the Lạng Sơn plan sets no earlier deadline)
    noon = timezone.make_aware(datetime.datetime(2025, 12, 14, 12))
    assert thatkhe.status == Report.Status.APPROVED
    assert thatkhe.first_submitted_at == thatkhe.submitted_at == thatkhe.approved_at == noon
    for r in Report.objects.select_related("area"):
        assert r.province == province_of(r.area) == Area.resolve("20")
        (t,) = r.transitions.all()
        assert (t.from_status, t.to_status, t.comment) == ("", "approved", "Nhập dữ liệu lịch sử")


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = lang_son_file(tmp_path)
    run(path)
    before = list(Report.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    out, _ = run(path)
    assert out.strip().splitlines()[-1] == UNCHANGED
    assert list(Report.objects.order_by("pk").values_list("pk", "version", "updated_at")) == before
    assert ReportTransition.objects.count() == 4


def test_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    out, _ = run(lang_son_file(tmp_path), "--dry-run")
    lines = out.strip().splitlines()
    assert "--dry-run" in lines[0]
    assert lines[-1] == CREATED
    assert Report.objects.count() == 0 and ReportValue.objects.count() == 0
    out, _ = run(lang_son_file(tmp_path))
    assert out.strip().splitlines()[-1] == CREATED


def test_an_approved_report_is_overwritten_by_historical_data(tmp_path):
    old = report("178", "2024", HTX_MOI=1)
    out, _ = run(lang_son_file(tmp_path))
    assert out.strip().splitlines()[-1] == \
        "reports: created 3, updated 1, unchanged 0; values: created 7, updated 1, unchanged 0"
    old.refresh_from_db()
    assert old.status == "approved" and old.version == 2
    assert {v.indicator.code: v.value for v in old.values.all()} == {"HTX_MOI": D(3), "THT_MOI": D(1)}
    (t,) = old.transitions.all()
    assert (t.from_status, t.to_status) == ("approved", "approved") and "Cập nhật" in t.comment


def test_values_the_file_does_not_mention_are_kept(tmp_path):
    old = report("178", "2024", HTX_CUNG_CO=4)
    run(lang_son_file(tmp_path))
    assert {v.indicator.code for v in old.values.all()} == {"HTX_CUNG_CO", "HTX_MOI", "THT_MOI"}


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_a_report_in_the_units_hands_is_not_overwritten(tmp_path, status):
    report("06040", "2025", status, HTX_MOI=1)
    message, errors, _ = fail(lang_son_file(tmp_path))
    label = Report.Status(status).label
    # each of the three rows of Thất Khê's 2025 report would change it
    assert errors == [
        f"Sheet 'Số liệu', dòng {row}, cột 'Mã đơn vị': báo cáo năm 2025 của đơn vị mã 06040 đang được đơn vị "
        f"soạn/duyệt (trạng thái: {label}); không nhập đè" for row in (10, 11, 12)
    ]
    assert "không ghi dữ liệu nào" in message
    assert Report.objects.count() == 1 and ReportValue.objects.count() == 1


def test_matching_figures_do_not_silently_approve_a_units_report(tmp_path):
    report("06040", "2025", "submitted", HTX_MOI=6)
    _, errors, _ = fail(write_book(tmp_path / "one.xlsx", [[1, "06040", "", "2025", "HTX_MOI", 6]]))
    assert len(errors) == 1 and "đang được đơn vị soạn/duyệt" in errors[0]


# --status submitted -----------------------------------------------------------------------

def test_status_submitted_creates_reports_waiting_for_review(tmp_path):
    from reporting.selectors import progress

    path = lang_son_file(tmp_path)
    out, _ = run(path, "--status", "submitted")
    assert out.strip().splitlines()[-1] == CREATED
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}
    assert not Report.objects.filter(approved_at__isnull=False).exists()
    assert set(ReportTransition.objects.values_list("to_status", flat=True)) == {"submitted"}
    as_of = datetime.date(2026, 1, 15)
    ls = Area.resolve("20")
    htx = lambda p: next(line for line in p.lines if line.indicator.code == "HTX_MOI")  # noqa: E731
    assert htx(progress(ls, milestone=2025, as_of=as_of)).actual is None
    assert htx(progress(ls, milestone=2025, as_of=as_of, include_submitted=True)).actual == 21
    out, _ = run(path, "--status", "submitted")   # twice: unchanged
    assert out.strip().splitlines()[-1] == UNCHANGED


def test_submitted_data_never_overwrites_an_approved_report(tmp_path):
    report("178", "2024", HTX_MOI=1)
    _, errors, _ = fail(lang_son_file(tmp_path), "--status", "submitted")
    assert errors == [f"Sheet 'Số liệu', dòng {row}, cột 'Mã đơn vị': báo cáo năm 2024 của đơn vị mã 178 đã được "
                      "duyệt; không nhập đè bằng số liệu chờ duyệt (dùng --status approved nếu là số liệu "
                      "lịch sử)" for row in (5, 6)]   # row 5 changes HTX_MOI, row 6 adds THT_MOI
    # the same figures: nothing to do, and the approved report stays approved
    report("181", "2024", HTX_MOI=12)
    out, _ = run(write_book(tmp_path / "same.xlsx", [[1, 181, "", 2024, "HTX_MOI", 12]]), "--status", "submitted")
    assert out.strip().splitlines()[-1] == \
        "reports: created 0, updated 0, unchanged 1; values: created 0, updated 0, unchanged 1"
    assert Report.objects.get(area__code="181").status == "approved"


def test_bad_status_option(tmp_path):
    message, _, _ = fail(lang_son_file(tmp_path), "--status", "draft")
    assert "approved hoặc submitted" in message


# Errors: all listed, nothing written ----------------------------------------------------

BAD_ROWS = [                                                                       # Excel row
    [1, "99999", "", 2024, "HTX_MOI", 1],                                          # 5
    [2, "178", "", "2025", "HTX_MOI", 1],                                          # 6
    [3, "20", "", "2025-H2", "HTX_MOI", 1],                                        # 7
    [4, "20", "", "2019", "HTX_MOI", 1],                                           # 8
    [5, "20", "", 2024, "XYZ", 1],                                                 # 9
    [6, "20", "", 2024, "NU_QL_DAO_TAO_TL", 5],                                    # 10
    [7, "20", "", 2024, "HTX_MOI", None, 1, 2],                                    # 11
    [8, "20", "", 2024, "THT_MOI", -1],                                            # 12
    [9, "20", "", 2024, "CB_HOI_TAP_HUAN_TL", None, 11, 10],                       # 13
    [10, "20", "", 2024, "CB_HOI_KY_NANG_TL", None, 0, 0],                         # 14
    [11, "20", "", 2024, "VIEC_LAM_NU_MOI", "ba"],                                 # 15
    [12, "20", "", 2024, "HTX_CUNG_CO", 4],                                        # 16 (good)
    [13, "20", "", "Năm 2024", "htx_cung_co", 5],                                  # 17 (same as 16)
    [14, "20", "", 2024, "THT_CUNG_CO", None],                                     # 18
    [15, "20", "", 2024, "HTX_THT_CUNG_CO_TL", None, 3],                           # 19
    [16, 4, "", 2024, "HTX_MOI", 1],                                               # 20 (04 = Cao Bằng: fine)
    [17, "", "", 2024, "HTX_MOI", 1],                                              # 21
    [18, 123456, "", 2024, "HTX_MOI", 1],                                          # 22
]
S = "Sheet 'Số liệu', dòng"


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path):
    message, errors, out = fail(write_book(tmp_path / "bad.xlsx", BAD_ROWS))
    assert errors == [
        f"{S} 5, cột 'Mã đơn vị': không có đơn vị hành chính mã 99999",
        f"{S} 6, cột 'Mã đơn vị': đơn vị mã 178 không còn tồn tại ngày 31/12/2025 (hết hiệu lực từ 01/07/2025)",
        f"{S} 7, cột 'Kỳ báo cáo': kỳ báo cáo “2025-H2” không hiểu (ghi 2024, 2025-H1, “6 tháng đầu năm 2025” "
        f"hoặc “Năm 2024”)",
        f"{S} 8, cột 'Kỳ báo cáo': không có kỳ báo cáo “2019” (có các năm 2023–2030)",
        f"{S} 9, cột 'Mã chỉ tiêu': không có chỉ tiêu mã “XYZ”",
        f"{S} 10, cột 'Giá trị': chỉ tiêu NU_QL_DAO_TAO_TL là tỷ lệ: ghi tử số và mẫu số, không ghi giá trị",
        f"{S} 11, cột 'Tử số': chỉ tiêu HTX_MOI là số lượng: ghi vào cột “Giá trị”, không ghi tử số, mẫu số",
        f"{S} 12, cột 'Giá trị': số không được âm (-1)",
        f"{S} 13, cột 'Tử số': tử số (11) lớn hơn mẫu số (10)",
        f"{S} 14, cột 'Mẫu số': mẫu số phải lớn hơn 0",
        f"{S} 15, cột 'Giá trị': “ba” không phải là số nguyên",
        f"{S} 17, cột 'Mã chỉ tiêu': đơn vị 20, kỳ 2024, chỉ tiêu HTX_CUNG_CO đã có ở dòng 16 (mỗi đơn vị, kỳ, "
        f"chỉ tiêu chỉ một dòng)",
        f"{S} 18, cột 'Giá trị': thiếu giá trị (chỉ tiêu THT_CUNG_CO)",
        f"{S} 19, cột 'Mẫu số': thiếu mẫu số (chỉ tiêu HTX_THT_CUNG_CO_TL là tỷ lệ)",
        f"{S} 21, cột 'Mã đơn vị': thiếu mã đơn vị",
        f"{S} 22, cột 'Mã đơn vị': mã đơn vị “123456” không đúng dạng (VN, 2 chữ số cho tỉnh, 3 cho huyện, "
        f"5 cho xã)",
    ]
    assert message.startswith("16 lỗi")
    assert out == ""
    assert Report.objects.count() == 0 and ReportValue.objects.count() == 0 and ReportTransition.objects.count() == 0


def test_a_numeric_code_that_names_nothing_says_how_it_was_read(tmp_path):
    _, errors, _ = fail(write_book(tmp_path / "n.xlsx", [[1, 99, "", 2024, "HTX_MOI", 1]]))
    assert errors == [f"{S} 5, cột 'Mã đơn vị': không có đơn vị hành chính mã 99"]
    _, errors, _ = fail(write_book(tmp_path / "n.xlsx", [[1, 9999, "", 2024, "HTX_MOI", 1]]))
    assert errors == [f"{S} 5, cột 'Mã đơn vị': không có đơn vị hành chính mã 09999 (ô dạng số 9999 được hiểu "
                      f"là mã “09999”; nếu không đúng, hãy định dạng cột “Mã đơn vị” là văn bản)"]


def test_a_new_commune_has_no_report_before_it_existed(tmp_path):
    _, errors, _ = fail(write_book(tmp_path / "c.xlsx", [[1, "06040", "", "2025-H1", "HTX_MOI", 1]]))
    assert errors == [f"{S} 5, cột 'Mã đơn vị': đơn vị mã 06040 chưa tồn tại ngày 30/06/2025 (có từ 01/07/2025)"]


@pytest.mark.parametrize("headers, expected", [
    (["Mã đơn vị", "Kỳ báo cáo", "Giá trị"], ["Sheet 'Số liệu', dòng 1, cột 'Mã chỉ tiêu': thiếu cột bắt buộc"]),
    (["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu"],
     ["Sheet 'Số liệu', dòng 1, cột 'Giá trị': thiếu cột (cần “Giá trị” hoặc “Tử số”)"]),
    (["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Tử số"],
     ["Sheet 'Số liệu', dòng 1, cột 'Mẫu số': thiếu cột (cột “Tử số” cần đi cùng cột “Mẫu số”)"]),
])
def test_missing_columns(tmp_path, headers, expected):
    _, errors, _ = fail(write_book(tmp_path / "cols.xlsx", [["20", 2024, "HTX_MOI"]], headers, above=()))
    assert errors == expected
    assert Report.objects.count() == 0


def test_no_header_row_at_all(tmp_path):
    _, errors, _ = fail(write_book(tmp_path / "none.xlsx", [["20", 2024, "HTX_MOI", 1]], ["a", "b", "c", "d"],
                                   above=()))
    assert len(errors) == 1 and "không tìm thấy dòng tiêu đề" in errors[0]


def test_messy_headers_and_a_second_sheet(tmp_path):
    """Headers in another order, decomposed Unicode, other case; the figures on the 2nd sheet."""
    import unicodedata
    headers = [unicodedata.normalize("NFD", "MẪU SỐ"), "mã chỉ tiêu", "  Kỳ  báo cáo ", "Tử số",
               unicodedata.normalize("NFD", "Mã đơn vị"), "GIÁ TRỊ", "Ghi chú"]
    rows = [[10, "NU_QL_DAO_TAO_TL", "6 tháng đầu năm 2025", 5, 178, None, "ghi chú"],
            [None, "htx_moi", "2024", None, "178", 3, None]]
    path = tmp_path / "messy.xlsx"
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active.append(["Điền số liệu ở sheet sau"])
    ws = wb.create_sheet("Dữ liệu")
    ws.append(["Số liệu năm"])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    out, _ = run(path)
    assert out.strip().splitlines()[-1] == \
        "reports: created 2, updated 0, unchanged 0; values: created 2, updated 0, unchanged 0"


def test_missing_file():
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_submissions", "/nonexistent/file.xlsx")


# Bulk ------------------------------------------------------------------------------------

def test_query_count_does_not_grow_with_the_rows(tmp_path):
    communes = list(Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)
                    .order_by("code").values_list("code", flat=True))
    assert len(communes) == 65
    ratio = Indicator.objects.get(code="NU_QL_DAO_TAO_TL")
    assert ratio.kind == "ratio"

    def book(name, codes):
        rows = []
        for code in codes:
            rows.append([None, code, "", "Năm 2025", "HTX_MOI", 2])
            rows.append([None, code, "", "Năm 2025", "NU_QL_DAO_TAO_TL", None, 3, 4])
        return write_book(tmp_path / name, rows)

    small, large = book("small.xlsx", communes[:3]), book("large.xlsx", communes[3:])
    with CaptureQueriesContext(connection) as q_small:
        assert import_submissions(small).ok
    with CaptureQueriesContext(connection) as q_large:
        result = import_submissions(large)
    assert result.ok and result.summary() == \
        "reports: created 62, updated 0, unchanged 0; values: created 124, updated 0, unchanged 0"
    assert len(q_large) == len(q_small)
    with CaptureQueriesContext(connection) as q_again:
        assert import_submissions(large).summary() == \
            "reports: created 0, updated 0, unchanged 62; values: created 0, updated 0, unchanged 124"
    assert len(q_again) <= len(q_small)


def test_historical_reports_count_as_sent_by_the_earliest_deadline_of_their_plans():
    from plans.models import Plan
    from reporting.importer import _historical_sent_day
    from reporting.models import Period

    plans = list(Plan.objects.select_related("area"))
    annual = Period.objects.get(code="2024")
    lai_chau_city = Area.resolve("105", on=datetime.date(2024, 12, 31))
    assert _historical_sent_day(lai_chau_city, annual, plans) == datetime.date(2024, 11, 15)  # its plan: 15/11
    assert _historical_sent_day(Area.resolve("20"), annual, plans) == datetime.date(2024, 12, 14)  # data window
