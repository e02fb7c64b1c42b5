"""How big an uploaded spreadsheet may be, checked BEFORE it is parsed (issue #9, point 4).

An .xlsx is a zip: a few megabytes on disk may expand to hundreds of megabytes of sheet XML,
and openpyxl then spends minutes and gigabytes on it. ``check_workbook`` reads only the zip's
directory (the uncompressed size of every sheet and of the shared strings) and the first
kilobytes of each sheet (its ``<dimension ref="A1:N200001"/>``, the used range its writer
recorded), and refuses the file in milliseconds, with a Vietnamese reason, when it would expand
past ``IMPORT_MAX_EXPANDED_MB`` or a sheet holds more than ``IMPORT_MAX_ROWS`` data rows.
Both import commands (portal.importing.run_import) and the browser import call it.

The defaults admit a national file of 200 000 cooperatives: openpyxl writes such a file (14
columns, inline strings) as 170 MB of sheet XML; Excel, with shared strings, writes less.
A file that is not a zip passes through: the importer says that it is not an .xlsx.
"""
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Title rows above the header that the importers search through (cooperatives.importer.HEADER_SCAN_ROWS).
HEADER_SLACK_ROWS = 30
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?(\d+))?"')
_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")


class TooLarge(ValueError):
    """The spreadsheet would expand past the limits; str() is the reason, in Vietnamese."""


@dataclass
class WorkbookSize:
    expanded_bytes: int = 0
    rows: int | None = None   # the largest used range of a sheet, as its writer recorded it; None: not said


def max_expanded_bytes():
    return int(getattr(settings, "IMPORT_MAX_EXPANDED_MB", 180)) * 1024 * 1024


def max_rows():
    return int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))


def measure_workbook(path_or_file):
    """The WorkbookSize of an .xlsx (a path or a binary file object), from its zip directory and
    the first kilobytes of each sheet, without decompressing more; None when it is not a zip."""
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    try:
        archive = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    size = WorkbookSize()
    try:
        with archive:
            for info in archive.infolist():
                if info.filename == "xl/sharedStrings.xml" or _SHEET_XML.match(info.filename):
                    size.expanded_bytes += info.file_size
                if _SHEET_XML.match(info.filename):
                    with archive.open(info) as sheet:
                        match = _DIMENSION.search(sheet.read(4096))
                    if match:
                        rows = int(match.group(1)) if match.group(1) else 1
                        size.rows = max(size.rows or 0, rows)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
    return size


def check_workbook(path_or_file):
    """Raises TooLarge when the workbook would expand past IMPORT_MAX_EXPANDED_MB or a sheet
    records more than IMPORT_MAX_ROWS data rows (plus the title rows above a header); returns
    its WorkbookSize (None when it is not a zip) otherwise."""
    size = measure_workbook(path_or_file)
    if size is None:
        return None
    limit = max_expanded_bytes()
    if size.expanded_bytes > limit:
        raise TooLarge(_("Tệp quá lớn: khi giải nén, các sheet chiếm %(mb)s MB, vượt giới hạn %(limit)s MB. "
                         "Hãy xóa các dòng, cột trống hoặc chia tệp thành nhiều tệp nhỏ hơn.") % {
            "mb": f"{size.expanded_bytes / 1024 / 1024:.0f}", "limit": limit // (1024 * 1024)})
    if size.rows is not None and size.rows > max_rows() + HEADER_SLACK_ROWS:
        raise TooLarge(_("Tệp có %(rows)s dòng, vượt giới hạn %(limit)s dòng dữ liệu. Hãy xóa các dòng trống "
                         "ở cuối sheet hoặc chia tệp thành nhiều tệp nhỏ hơn.") % {
            "rows": f"{size.rows:,}".replace(",", "."), "limit": f"{max_rows():,}".replace(",", ".")})
    return size


# A sheet whose header row is found but with nothing under it (a template sent back empty, a
# sheet of blank rows) is an error of the file, not "created 0".
NO_DATA_ROWS = "sheet không có dòng dữ liệu nào dưới dòng tiêu đề (chỉ có tiêu đề hoặc dòng trống)"
