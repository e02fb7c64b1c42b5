"""Exports of the registry. An exporter takes rows (the first one the header) and a format and
returns ``(filename, mimetype, bytes)``: one code path for CSV and XLSX (STYLE.md, pretix)."""
import csv
import datetime
import io
from contextlib import contextmanager

from django.db import connection, transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from cooperatives import rules
from cooperatives.models import Cooperative
from cooperatives.selectors import latest_workforce
from portal.spreadsheets import safe_cell, safe_row

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


@contextmanager
def planned_for_every_row():
    """An export reads all its rows through a server-side cursor (QuerySet.iterator), which
    PostgreSQL plans for the first 10 % of its rows (cursor_tuple_fraction): for one province
    of a 100 000-cooperative registry it walked the whole name index and dropped the other
    provinces' rows (0.37 s instead of 0.03 s). Inside a transaction, SET LOCAL plans the cursor
    for every row, and the cursor is not materialised WITH HOLD."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield


def _text(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def _yes_no(value):
    return "" if value is None else ("Có" if value else "Không")


HEADER = ["Mã số", "Tên", "Loại hình", "Xã/phường", "Mã xã", "Tỉnh/thành phố", "Lĩnh vực", "Ngày thành lập",
          "Hội hỗ trợ thành lập", "Hội hỗ trợ củng cố", "Tình trạng", "Do phụ nữ tham gia quản lý",
          "Tạo nhiều việc làm cho lao động nữ", "Thuộc đối tượng Đề án", "Năm số liệu lao động",
          "Tổng số thành viên", "Thành viên nữ", "Tổng số lao động", "Lao động nữ"]


def cooperative_rows(queryset):
    """The header, then one row per cooperative of an already scoped and filtered queryset.

    Two queries in all, whatever the rows: the cooperatives as plain values (their commune and
    province joined), read through a server-side cursor in chunks, and the latest workforce year
    of each of them (one pass over their workforce rows, kept in a dict of small tuples). The
    labels of kind, sector and status come from dicts built once, never per row: 100 000
    cooperatives export in seconds, not in the minutes that a correlated sub-select per row
    and per column took."""
    yield HEADER
    latest = latest_workforce(queryset)
    kinds, sectors, statuses = (
        {value: str(label) for value, label in choices}
        for choices in (Cooperative.Kind.choices, Cooperative.Sector.choices, Cooperative.Status.choices))
    fields = ("pk", "code", "name", "kind", "commune__name", "commune__code", "commune__parent__name", "sector",
              "founded_on", "hoi_supported_founding", "hoi_supported_consolidation", "status", "is_women_managed",
              "many_women_jobs")
    no_workforce = (None,) * 5
    for (pk, code, name, kind, commune, commune_code, province, sector, founded_on, founding, consolidation,
         status, women_managed, many_jobs) in queryset.values_list(*fields).iterator(chunk_size=5000):
        yield [code, name, kinds.get(kind, kind), commune, commune_code, province or "", sectors.get(sector, sector),
               founded_on, _yes_no(founding), _yes_no(consolidation), statuses.get(status, status),
               _yes_no(women_managed), _yes_no(many_jobs),
               _yes_no(rules.counts_under_de_an(women_managed, many_jobs)), *latest.get(pk, no_workforce)]
