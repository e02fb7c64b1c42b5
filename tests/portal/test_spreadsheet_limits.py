"""Uploads have limits (issue #9, point 4; issue #19): a spreadsheet that would expand past
IMPORT_MAX_EXPANDED_MB, or holds more than IMPORT_MAX_ROWS rows (as counted while inflating it,
whatever it says of itself: tests/portal/test_hostile_spreadsheets.py), is refused before it is
parsed, by both import commands and the browser, with a Vietnamese reason, and nothing is
written; a file of blank rows under its header is an error, not "created 0"."""
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperatives.models import Cooperative
from portal.spreadsheet_limits import NO_DATA_ROWS, TooLarge, check_workbook, measure_workbook
from reporting.models import ReportValue
from tests.cooperatives.test_import import CLEAN_COOPS, COOP_HEADERS, clean_file, write_book
from tests.reporting.submissions import HEADERS as SUBMISSION_HEADERS
from tests.reporting.submissions import lang_son_file
from tests.reporting.submissions import write_book as write_submissions

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def expanding_file(path, megabytes=210):
    """A real workbook (the clean one) whose first sheet is replaced by ``megabytes`` of blank
    rows: a few hundred kilobytes on disk, like the province file that took 7 minutes and 5 GB."""
    small = clean_file(path.parent, "small.xlsx")
    chunk = b"<row><c><v>0</v></c></row>" * (1024 * 1024 // 26)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                    sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                    for _ in range(megabytes):
                        sheet.write(chunk)
                    sheet.write(b"</sheetData></worksheet>")
            else:
                out.writestr(info, src.read(info))
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    return expanding_file(tmp_path_factory.mktemp("huge") / "huge.xlsx")


def test_measure_inflates_every_part_and_stops_past_the_limit(tmp_path, huge):
    size = measure_workbook(clean_file(tmp_path))  # the largest sheet: managers, header + 5 rows
    assert size.rows == 6 and size.expanded_bytes < 100_000 and size.refusal is None
    assert huge.stat().st_size < 5 * 1024 * 1024
    start = time.perf_counter()
    size = measure_workbook(huge)
    assert 180 * 1024 * 1024 < size.expanded_bytes <= 182 * 1024 * 1024  # stopped a megabyte past 180 MB
    assert size.refusal.startswith("Tệp quá lớn: khi giải nén, nội dung tệp vượt 180 MB")
    assert time.perf_counter() - start < 5
    assert measure_workbook(io.BytesIO(b"Ma so,Ten\n1,A\n")) is None  # not a zip: the importer says so


def test_a_200_mb_expanding_sheet_is_refused_by_the_command_before_parsing(huge):
    start = time.perf_counter()
    with pytest.raises(CommandError, match="Tệp quá lớn: khi giải nén, nội dung tệp vượt 180 MB"):
        call_command("import_cooperatives", str(huge))
    assert time.perf_counter() - start < 10  # it never reaches openpyxl (7 minutes before)
    assert not Cooperative.objects.filter(code__startswith="49001").exists()
    with pytest.raises(CommandError, match="Tệp quá lớn"):
        call_command("import_submissions", str(huge))


def test_a_200_mb_expanding_sheet_is_refused_by_the_browser(client_for, users, huge, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(users["province_admin"])
    response = client.post(reverse("cooperatives:import"),
                           {"file": SimpleUploadedFile("huge.xlsx", huge.read_bytes(), content_type=XLSX)})
    assert response.status_code == 200
    assert "Tệp quá lớn: khi giải nén" in response.content.decode()
    assert "confirm" not in response.context
    assert not Cooperative.objects.filter(code__startswith="49001").exists()


def test_too_many_rows_is_refused_as_counted(settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 5
    path = write_book(tmp_path / "rows.xlsx", COOP_HEADERS, CLEAN_COOPS * 20)
    with pytest.raises(TooLarge, match="Tệp có 61 dòng, vượt giới hạn 5 dòng dữ liệu"):
        check_workbook(path)
    with pytest.raises(CommandError, match="vượt giới hạn 5 dòng"):
        call_command("import_cooperatives", str(path))
    assert not Cooperative.objects.filter(code__startswith="49001").exists()
    settings.IMPORT_MAX_ROWS = 200_000
    assert check_workbook(path).rows == 61


def test_a_file_of_blank_rows_is_an_error_not_created_0(tmp_path, capsys):
    path = write_book(tmp_path / "blank.xlsx", COOP_HEADERS, [None] * 50)
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_cooperatives", str(path))
    assert f"Sheet 'Danh sách HTX', dòng 2, cột 'Mã số HTX': {NO_DATA_ROWS}" in capsys.readouterr().err
    path = write_submissions(tmp_path / "blank-submissions.xlsx", [None] * 20)
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_submissions", str(path))
    assert NO_DATA_ROWS in capsys.readouterr().err
    assert not ReportValue.objects.exists()


def test_normal_files_pass_the_limits(tmp_path):
    assert check_workbook(write_book(tmp_path / "c.xlsx", COOP_HEADERS, CLEAN_COOPS)).rows == 1 + len(CLEAN_COOPS)
    assert check_workbook(lang_son_file(tmp_path)) is not None
    assert SUBMISSION_HEADERS[1] == "Mã đơn vị"
