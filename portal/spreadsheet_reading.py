"""Reading messy province spreadsheets, shared by the importers (cooperatives.importer,
reporting.importer) and the commands that take a date (`progress --as-of`).

- cell values: ``parse_text``, ``parse_code``, ``parse_count`` ("1.250", 1250.0), ``parse_date``
  (dd/mm/yyyy text or an Excel date), ``parse_bool`` ("Có"/"x"), each returning a value or
  raising ``Invalid`` with the Vietnamese reason; ``compact`` keys headers and labels without
  case, diacritics (NFC or decomposed), spaces or punctuation;
- a sheet: ``read_sheet`` finds the header row among title rows (any column order, other
  spellings), returns the data rows by Excel row number; ``RowChecker`` parses one row's cells
  and records each problem as a ``RowError`` (sheet, row, column, reason);
- ``open_workbook``, ``Counts`` (created / updated / unchanged) and ``chunks`` for bulk queries.
"""
import datetime
import functools
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from django.db import connection

from portal.spreadsheets import unescape_cell
from portal.text import nfc, nfkc, search_key

HEADER_SCAN_ROWS = 30


@functools.lru_cache(maxsize=8192)
def _compact(text):
    text = re.sub(r"\(.*?\)|\*", "", nfc(text))
    return re.sub(r"[^a-z0-9]", "", search_key(text))


def compact(text):
    """Key of a header or a label: no case, diacritics, spaces, punctuation or "(...)" notes."""
    return _compact(text if isinstance(text, str) else nfc(text))


# ---------------------------------------------------------------------------------------
# Value parsing (each returns a value or raises ValueError with the Vietnamese reason)

class Invalid(ValueError):
    pass


def is_blank(value):
    return value is None or (isinstance(value, str) and nfc(value) == "")


def parse_text(value):
    """A text cell as typed; one the portal's own export quoted (portal.spreadsheets.safe_cell:
    "'=HYPERLINK(…)") comes back as it was, so an exported file re-imported changes nothing."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(unescape_cell(value))


def parse_code(value):
    """A registration code: digits typed as a number lose nothing but a float's ".0"; full-width
    or other non-ASCII digits are read as ASCII ones (portal.text.nfkc)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", nfkc(value))


_INT_TEXT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$|^\d+$")


def parse_count(value):
    """A non-negative whole number: 1250, 1250.0, "1.250", "1,250", "1 250"."""
    if isinstance(value, bool):
        raise Invalid("không phải là số nguyên")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise Invalid(f"“{value}” không phải là số nguyên")
        number = int(value)
    else:
        text = nfkc(value)
        negative = text.startswith("-")
        digits = text.lstrip("-").strip()
        if not _INT_TEXT.match(digits):
            raise Invalid(f"“{text}” không phải là số nguyên")
        number = int(re.sub(r"[.,\s]", "", digits))
        if negative:
            number = -number
    if number < 0:
        raise Invalid(f"số không được âm ({number})")
    return number


_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 10000 <= value <= 80000:  # an Excel serial number left without date format
            from openpyxl.utils.datetime import from_excel
            return from_excel(value).date()
        raise Invalid(f"“{value}” không phải là ngày (dd/mm/yyyy)")
    text = nfkc(value)
    match = _DATE_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        raise Invalid(f"ngày “{text}” không có thật") from None
    raise Invalid(f"“{text}” không phải là ngày (dd/mm/yyyy)")


_YES = {"co", "x", "v", "yes", "y", "true", "1", "dung", "roi", "da", "dadaotao", "codaotao"}
_NO = {"", "khong", "no", "n", "false", "0", "chua", "chuadaotao", "khongdaotao", "-"}


def parse_bool(value):
    if value is True or value is False:
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if is_blank(value):
        return False
    key = compact(value)
    if key in _YES or nfc(value) in {"✓", "✔", "☑"}:
        return True
    if key in _NO and (key or nfc(value) == "-"):
        return False
    raise Invalid(f"“{nfc(value)}” không hiểu: ghi Có hoặc Không")


# ---------------------------------------------------------------------------------------
# Reading a sheet

@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self):
        return f"Sheet '{self.sheet}', dòng {self.row}, cột '{self.column}': {self.reason}"


class RowChecker:
    """One data row being read: ``get`` parses a cell (a blank is None, or the ``missing``
    error), ``err`` records a problem as sheet, Excel row, column header and reason."""

    def __init__(self, sheet_title, number, raw, headers):
        self.sheet_title, self.number, self.raw, self.headers = sheet_title, number, raw, headers
        self.errors = []

    def err(self, key, reason):
        self.errors.append(RowError(self.sheet_title, self.number, self.headers[key], reason))

    def get(self, key, parser, missing=None):
        if is_blank(self.raw.get(key)):
            if missing:
                self.err(key, missing)
            return None
        try:
            return parser(self.raw[key])
        except Invalid as exc:
            self.err(key, str(exc))
            return None



@dataclass
class SheetRows:
    """The data rows of one sheet: (Excel row number, {column key: raw value})."""
    title: str
    header_row: int | None = None
    columns: dict = field(default_factory=dict)   # key -> 0-based column index
    rows: list = field(default_factory=list)


def header_index(columns):
    index = {}
    for key, header, aliases in columns:
        for name in (header, *aliases):
            index.setdefault(compact(name), key)
    return index


def _find_header(rows, index):
    """(row number, {key: column index}) of the row matching most known headers."""
    best = (None, {})
    for number, values in rows:
        found = {}
        for col, value in enumerate(values):
            if isinstance(value, str):
                key = index.get(compact(value))
                if key and key not in found:
                    found[key] = col
        if len(found) >= 2 and len(found) > len(best[1]):
            best = (number, found)
    return best


def read_sheet(ws, columns, index, required, errors):
    sheet = SheetRows(title=nfc(ws.title))
    rows = ws.iter_rows(values_only=True)
    head = _read_head(rows, sheet, columns, errors)
    if head is None:
        return sheet
    header_row, found = _find_header(head, index)
    if header_row is None:
        errors.append(RowError(sheet.title, 1, columns[0][1],
                               "không tìm thấy dòng tiêu đề (các cột " +
                               ", ".join(f"“{h}”" for _, h, _ in columns) + f") trong {HEADER_SCAN_ROWS} dòng đầu"))
        return sheet
    sheet.header_row, sheet.columns = header_row, found
    labels = {key: header for key, header, _ in columns}
    for key in required:
        if isinstance(key, tuple):  # one of several
            if not any(k in found for k in key):
                errors.append(RowError(sheet.title, header_row, labels[key[0]],
                                       "thiếu cột (cần “" + "” hoặc “".join(labels[k] for k in key) + "”)"))
        elif key not in found:
            errors.append(RowError(sheet.title, header_row, labels[key], "thiếu cột bắt buộc"))
    wanted = list(found.items())

    def collect(number, values):
        if number <= header_row:
            return
        record = {}
        for key, col in wanted:
            value = values[col] if col < len(values) else None
            if not is_blank(value):
                record[key] = value
        if record:
            sheet.rows.append((number, record))

    for number, values in head:
        collect(number, values)
    number = len(head)
    try:
        for number, values in enumerate(rows, start=len(head) + 1):
            collect(number, values)
    except UNREADABLE as exc:  # measured before (portal.spreadsheet_limits), but never a 500
        errors.append(RowError(sheet.title, number + 1, columns[0][1], unreadable_reason(exc)))
    return sheet


def _read_head(rows, sheet, columns, errors):
    head = []
    try:
        for number, values in enumerate(rows, start=1):
            head.append((number, values))
            if number >= HEADER_SCAN_ROWS:
                break
    except UNREADABLE as exc:
        errors.append(RowError(sheet.title, len(head) + 1, columns[0][1], unreadable_reason(exc)))
        return None
    return head


class NotAWorkbook(ValueError):
    """The file is not an .xlsx workbook (a renamed .xls, a CSV, a damaged download)."""


# What openpyxl raises on a part it cannot read: malformed XML (ElementTree's and lxml's
# ParseError are SyntaxErrors), an entity declaration (defusedxml's errors are ValueErrors), a
# damaged zip member (corrupt LZMA data its own error). check_workbook refuses such files before they are parsed; this is the
# fallback, so that a file it let through is an error of the file rather than a 500.
UNREADABLE = (SyntaxError, ValueError, KeyError, EOFError, OSError, zipfile.BadZipFile, zlib.error, lzma.LZMAError)


def unreadable_reason(exc):
    if type(exc).__name__ in {"EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"}:
        return "tệp chứa khai báo thực thể XML, không nhận"
    return "tệp Excel bị hỏng, không đọc được (hãy mở bằng Excel và lưu lại dạng .xlsx)"


def open_workbook(path_or_file):
    """openpyxl's read-only workbook, or NotAWorkbook with a Vietnamese reason."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    try:
        return load_workbook(path_or_file, read_only=True, data_only=True)
    except (InvalidFileException, *UNREADABLE) as exc:
        reason = unreadable_reason(exc) if isinstance(exc, (SyntaxError, ValueError)) else (
            "tệp không phải tệp Excel .xlsx hợp lệ (hãy mở bằng Excel và lưu lại dạng .xlsx)")
        raise NotAWorkbook(reason) from exc


# ---------------------------------------------------------------------------------------
# Counting and bulk queries

@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


def _chunk_size():
    return 900 if connection.vendor == "sqlite" else 5000


def chunks(items, size=None):
    items = list(items)
    size = size or _chunk_size()
    for start in range(0, len(items), size):
        yield items[start:start + size]
