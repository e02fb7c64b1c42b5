"""What the portal writes into a spreadsheet cell (XLSX or CSV): never a live formula.

A cooperative may be called "=HYPERLINK(…)" or "-2+3" (whatever is typed is kept); written
unchanged, a spreadsheet program runs it as a formula when the file is opened (CSV or formula
injection). The rule, OWASP's for CSV injection, in one function:

    safe_cell(value)  text that starts with "=", "+", "-", "@", a tab or a carriage return
                      comes back with a single quote in front ("'=HYPERLINK(…)", "'-2+3"), and
                      so does text that starts with a quote itself ("'abc" → "''abc");
                      anything else (other text, numbers — a negative number too —, dates,
                      booleans, None) comes back unchanged.

    unescape_cell(value)  its exact inverse, which every importer applies to a text cell
                      (portal.spreadsheet_reading.parse_text): a file the portal exported comes
                      back with the same values, "=HYPERLINK(…)" and "'abc" included. A quote
                      can only be part of a cell's value when something wrote it there: typed
                      in Excel, a leading quote marks the cell as text and is not in the value.

The cell then holds exactly that text, in both formats: in a CSV the quote makes Excel and
LibreOffice read the field as text; in an XLSX the cell is a text cell (type "s", never "f")
whose value is the quoted text, so the file reads the same whichever way it is opened or
converted. The quote is visible: it tells the reader the value was neutralised.

Every writer goes through it: ``safe_row`` for a row of values (CSV, openpyxl's write-only
``append``), ``neutralise_workbook`` once before saving a workbook built cell by cell.
"""
import csv
import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it may be written into a spreadsheet cell (see the module's docstring)."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def unescape_cell(value):
    """The value safe_cell was given, from what it wrote."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith((*FORMULA_STARTS, "'")):
        return value[1:]
    return value


def safe_row(values):
    return [safe_cell(v) for v in values]


def neutralise_workbook(wb):
    """Applies safe_cell to every text cell of an openpyxl workbook (not write-only) and makes
    each a text cell: call it once, just before saving."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    text = safe_cell(cell.value)
                    if text is not cell.value or cell.data_type == "f":
                        cell.value = text
                        cell.data_type = "s"
    return wb


# The one writer of CSV and XLSX exports: rows (the first one the header) and a format in,
# ``(filename, mimetype, bytes)`` out (STYLE.md, pretix).

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export(rows, fmt, *, name="hop-tac-xa", sheet="Danh sách"):
    """rows: an iterable of sequences, the header first. fmt: "xlsx" or "csv"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    buf = io.BytesIO()
    write(rows, fmt, buf, sheet=sheet)
    return filename(name, fmt), FORMATS[fmt], buf.getvalue()


def filename(name, fmt):
    return f"{name}-{datetime.date.today():%Y%m%d}.{fmt}"


def write(rows, fmt, out, *, sheet="Danh sách"):
    """Writes the rows to the binary file ``out`` as they come: neither format holds the rows in
    memory (openpyxl's write-only workbook keeps them in a temporary file), so an export of the
    whole national registry, or a background job writing it to disk, stays small."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        # The BOM tells Excel the file is UTF-8 (otherwise Vietnamese arrives garbled).
        text.write("\ufeff")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(_text(v)) for v in row])
        text.flush()
        text.detach()
        return
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    for i, row in enumerate(rows):
        if i == 0:
            cells = []
            for v in safe_row(row):
                cell = WriteOnlyCell(ws, value=v)
                cell.font = bold
                cells.append(cell)
            ws.append(cells)
        else:
            ws.append(safe_row(row))
    wb.save(out)


def _text(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value
