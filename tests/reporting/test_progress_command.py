"""`manage.py progress` (DOMAIN.md §7) after `import_submissions`: the rollup against numbers
computed by hand, as JSON, Excel (read back with openpyxl), CSV and PDF; errors exit non-zero
with the reason on stderr."""
import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from portal.models import Area
from reporting.exports import TARGET_HEADERS, export_progress, progress_rows
from reporting.selectors import progress
from tests.reporting.submissions import CREATED, lang_son_file

pytestmark = pytest.mark.django_db
AS_OF = "2026-01-15"


@pytest.fixture
def imported(tmp_path):
    """Lạng Sơn (plan lang-son-2023, milestone 2025: HTX_MOI "từ 20 - 25", THT_MOI "trên 50",
    NU_QL_DAO_TAO_TL "ít nhất 100 %"), imported from XLSX:
      old district 178: 2024 HTX_MOI 3, THT_MOI 1; 2025-H1 HTX_MOI 2, trained managers 5/10
      old district 181: 2024 HTX_MOI 12
      commune 06040 (Thất Khê): 2025 HTX_MOI 6, THT_MOI 5, trained managers 8/10"""
    out = io.StringIO()
    call_command("import_submissions", str(lang_son_file(tmp_path)), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == CREATED


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def as_json(*args):
    out, _ = run(*args, "--json")
    lines = out.splitlines()
    assert len(lines) == 1, "one object, nothing else on stdout"
    data = json.loads(lines[0])
    return data, {i["code"]: i for i in data["indicators"]}


def test_json_matches_the_hand_computed_rollup(imported):
    data, by_code = as_json("20", "--milestone", "2025", "--as-of", AS_OF)
    assert {"area", "milestone", "plan", "indicators"} <= set(data)
    assert (data["area"], data["milestone"], data["plan"]) == ("20", 2025, "lang-son-2023")
    for item in data["indicators"]:
        assert {"code", "actual", "numerator", "denominator", "target", "achieved", "percent_of_target"} <= set(item)
        assert item["target"] is None or {"form", "low", "high"} <= set(item["target"])
    # 2024: 3 + 12; 2025: Thất Khê's annual 6 — the 2025-H1 2 no longer counts once an annual report exists
    assert by_code["HTX_MOI"] | {"status": None} == {
        "code": "HTX_MOI", "actual": 21, "numerator": None, "denominator": None,
        "target": {"form": "range", "low": 20, "high": 25}, "achieved": True, "percent_of_target": 105.0,
        "status": None}
    tht = by_code["THT_MOI"]
    assert (tht["actual"], tht["target"], tht["achieved"], tht["percent_of_target"]) == (
        6, {"form": "more_than", "low": 50, "high": None}, False, 12.0)
    # a stock on 31/12/2025: the old district 178 no longer exists; Thất Khê's 8/10
    trained = by_code["NU_QL_DAO_TAO_TL"]
    assert (trained["actual"], trained["numerator"], trained["denominator"], trained["achieved"],
            trained["percent_of_target"]) == (80.0, 8, 10, False, 80.0)
    assert trained["target"] == {"form": "at_least", "low": 100, "high": None}
    nothing = by_code["VIEC_LAM_NU_MOI"]
    assert (nothing["actual"], nothing["achieved"], nothing["percent_of_target"]) == (None, None, None)


def test_as_of_in_day_month_year_gives_the_same(imported):
    assert as_json("20", "--milestone", "2025", "--as-of", "15/01/2026") == \
        as_json("20", "--milestone", "2025", "--as-of", AS_OF)


def test_an_old_district_falls_back_to_its_last_unit(imported):
    data, by_code = as_json("178", "--milestone", "2025", "--as-of", AS_OF)
    assert data["area"] == "178" and data["plan"] == "lang-son-2023"
    assert by_code["HTX_MOI"]["actual"] == 5                 # 3 + 2: no annual 2025 report inside the district
    assert by_code["NU_QL_DAO_TAO_TL"]["actual"] == 50.0     # its 2025-H1 5/10, on its last day 30/06/2025


def test_a_plan_by_number(imported):
    data, _ = as_json("01", "--milestone", "2025", "--plan", "139/KH-BTV", "--as-of", AS_OF)
    assert data["plan"] == "139/KH-BTV" and data["area"] == "01"


def test_a_milestone_without_targets_warns_on_stderr_only(imported):
    out, err = run("20", "--milestone", "2027", "--as-of", AS_OF, "--json")
    data = json.loads(out)
    assert data["milestone"] == 2027 and "không có mục tiêu" in err


def test_include_submitted(tmp_path):
    call_command("import_submissions", str(lang_son_file(tmp_path)), "--status", "submitted", stdout=io.StringIO())
    _, by_code = as_json("20", "--milestone", "2025", "--as-of", AS_OF)
    assert by_code["HTX_MOI"]["actual"] is None
    data, by_code = as_json("20", "--milestone", "2025", "--as-of", AS_OF, "--include-submitted")
    assert by_code["HTX_MOI"]["actual"] == 21 and data["include_submitted"] is True


# Excel -------------------------------------------------------------------------------------

def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_xlsx_file(imported, tmp_path):
    path = tmp_path / "tien-do.xlsx"
    out, _ = run("20", "--milestone", "2025", "--as-of", AS_OF, "--xlsx", str(path))
    assert str(path) in out
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tiến độ", "Theo đơn vị", "Tình hình báo cáo", "Nhiệm vụ"]

    ws = wb["Tiến độ"]
    rows = rows_of(ws)
    block = {r[0]: r[1] for r in rows[:8] if r[0]}
    assert "Lạng Sơn" in block["Địa bàn"] and "Kế hoạch thực hiện Đề án" in block["Kế hoạch"]
    assert block["Mốc"].startswith("Năm 2025") and block["Số liệu đến ngày"] == "15/01/2026"
    assert block["Phạm vi"] == "Chỉ gồm báo cáo đã duyệt"
    head = next(i for i, r in enumerate(rows) if r[0] == "Mã")
    assert rows[head] == TARGET_HEADERS
    table = {r[0]: r for r in rows[head + 1:]}
    assert table["HTX_MOI"][2:8] == ["từ 20 - 25 HTX", 21, None, None, 105, "Đạt"]
    # as of 15/01/2026 the 2025 window is closed: a missed target is "Chưa đạt"
    assert table["NU_QL_DAO_TAO_TL"][2:8] == ["100 %", 80, 8, 10, 80, "Chưa đạt"]
    assert table["VIEC_LAM_NU_MOI"][3:8] == [None, None, None, None, "Chưa có số liệu"]
    htx_row = head + 2 + list(table).index("HTX_MOI")
    assert isinstance(ws.cell(htx_row, 4).value, int) and ws.cell(htx_row, 4).number_format == "#,##0"
    trained_row = head + 2 + list(table).index("NU_QL_DAO_TAO_TL")
    assert ws.cell(trained_row, 4).number_format == '0.00" %"'

    rows = rows_of(wb["Theo đơn vị"])
    head = rows[2]
    assert head[:2] == ["Mã", "Đơn vị"] and "HTX_MOI" in head and "NU_QL_DAO_TAO_TL" in head
    by_unit = {r[0]: dict(zip(head, r)) for r in rows[3:]}
    assert by_unit["178"]["HTX_MOI"] == 5 and by_unit["181"]["HTX_MOI"] == 12 and by_unit["06040"]["HTX_MOI"] == 6
    assert by_unit["06040"]["NU_QL_DAO_TAO_TL"] == 80
    assert by_unit["178"]["NU_QL_DAO_TAO_TL"] is None      # gone by 31/12/2025
    assert by_unit["180"]["HTX_MOI"] is None
    assert "(đến 30/06/2025)" in by_unit["178"]["Đơn vị"]

    rows = rows_of(wb["Tình hình báo cáo"])
    head = rows[2]
    assert head[:2] == ["Mã", "Đơn vị"] and "Năm 2024" in head and "6 tháng đầu năm 2025" in head
    cells = {r[0]: dict(zip(head, r)) for r in rows[3:]}
    assert cells["178"]["Năm 2025"] == "—" and cells["06040"]["Năm 2024"] == "—"
    assert cells["180"]["Năm 2024"] == "Chưa gửi"
    # historical imports count as sent on time (reporting.importer._historical_sent_day)
    assert cells["178"]["Năm 2024"] == "Đúng hạn" and cells["06040"]["Năm 2025"] == "Đúng hạn"
    labels = {"Đúng hạn", "Muộn", "Chưa gửi", "Chưa đến hạn", "—"}
    assert all(v in labels for r in cells.values() for k, v in r.items() if k not in ("Mã", "Đơn vị"))


def test_national_xlsx_counts_units_per_province(imported, tmp_path):
    path = tmp_path / "vn.xlsx"
    run("VN", "--milestone", "2025", "--as-of", AS_OF, "--xlsx", str(path))
    wb = load_workbook(path)
    rows = rows_of(wb["Tình hình báo cáo"])
    head = rows[2]
    ls = dict(zip(head, next(r for r in rows[3:] if r[0] == "20")))
    districts = Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.DISTRICT) \
        .valid_on(datetime.date(2024, 12, 31)).count()
    assert ls["Năm 2024 — đã gửi"] == f"2/{districts}"
    assert ls["Năm 2024 — muộn"] in (0, 1, 2)
    hn = dict(zip(head, next(r for r in rows[3:] if r[0] == "01")))
    assert hn["Năm 2024 — đã gửi"].startswith("0/")
    table = {r[0]: r for r in rows_of(wb["Theo đơn vị"])[3:]}
    assert "20" in table and "01" in table


def test_csv_and_rows(imported):
    prog = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2026, 1, 15))
    rows = progress_rows(prog)
    assert rows[0] == TARGET_HEADERS
    name, mime, data = export_progress(prog, "csv")
    assert name == "tien-do-20-2025.csv" and mime.startswith("text/csv")
    assert data.startswith("\ufeff".encode())
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[0] == TARGET_HEADERS
    htx = next(r for r in read if r[0] == "HTX_MOI")
    assert htx[3] == "21" and htx[6] == "105" and htx[7] == "Đạt"
    name, mime, data = export_progress(prog, "xlsx")
    assert name == "tien-do-20-2025.xlsx" and data[:2] == b"PK"
    with pytest.raises(ValueError):
        export_progress(prog, "ods")


# PDF ---------------------------------------------------------------------------------------

def test_pdf_file(imported, tmp_path):
    pytest.importorskip("reporting.pdf")
    path = tmp_path / "tien-do.pdf"
    run("20", "--milestone", "2025", "--as-of", AS_OF, "--pdf", str(path))
    assert path.read_bytes().startswith(b"%PDF")


# Errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, reason", [
    (["99", "--milestone", "2025", "--json"], "Không có đơn vị hành chính mã 99"),
    (["XX", "--milestone", "2025", "--json"], "Mã đơn vị không hợp lệ"),
    (["20", "--milestone", "abc", "--json"], "Mốc “abc” không hợp lệ"),
    (["20", "--milestone", "25", "--json"], "Mốc “25” không hợp lệ"),
    (["20", "--milestone", "2025", "--as-of", "31/02/2025", "--json"], "Ngày “31/02/2025” không hợp lệ"),
    (["20", "--milestone", "2025", "--as-of", "2025/01/01", "--json"], "Ngày “2025/01/01” không hợp lệ"),
    (["20", "--milestone", "2025", "--as-of", "hôm qua", "--json"], "YYYY-MM-DD hoặc dd/mm/yyyy"),
    (["20", "--milestone", "2025"], "Chọn đúng một trong --json, --pdf FILE, --xlsx FILE"),
    (["20", "--milestone", "2025", "--json", "--xlsx", "x.xlsx"], "đang chọn --json, --xlsx"),
    (["20", "--milestone", "2025", "--plan", "999/KH-XYZ", "--json"], "Không có kế hoạch số hoặc mã"),
    (["20", "--milestone", "2025", "--plan", "139/KH-BTV", "--json"], "không áp dụng cho Lạng Sơn"),
    (["20", "--milestone", "2025", "--xlsx", "/nonexistent/dir/x.xlsx"], "Không ghi được tệp"),
])
def test_errors(args, reason):
    out = io.StringIO()
    with pytest.raises(CommandError, match=reason):
        call_command("progress", *args, stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""


def test_the_process_exits_non_zero_with_the_reason_on_stderr():
    """Fails before touching the database, so it runs against whatever database the project has."""
    done = subprocess.run([sys.executable, "manage.py", "progress", "20", "--milestone", "năm", "--json"],
                          cwd=Path(settings.BASE_DIR), capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Mốc “năm” không hợp lệ" in done.stderr
