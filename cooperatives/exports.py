"""Exports of the registry. An exporter takes rows (the first one the header) and a format and
returns ``(filename, mimetype, bytes)``: one code path for CSV and XLSX (STYLE.md, pretix)."""
import csv
import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cooperatives.selectors import with_latest_workforce
from portal.spreadsheets import safe_cell, safe_row

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export(rows, fmt, *, name="hop-tac-xa", sheet="Danh sách"):
    """rows: an iterable of sequences, the header first. fmt: "xlsx" or "csv"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    filename = f"{name}-{datetime.date.today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for row in rows:
            writer.writerow(["" if v is None else safe_cell(_text(v)) for v in row])
        # The BOM tells Excel the file is UTF-8 (otherwise Vietnamese arrives garbled).
        data = ("\ufeff" + out.getvalue()).encode("utf-8")
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        bold = Font(bold=True)
        for i, row in enumerate(rows):
            if i == 0:
                from openpyxl.cell import WriteOnlyCell

                cells = []
                for v in safe_row(row):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.font = bold
                    cells.append(cell)
                ws.append(cells)
            else:
                ws.append(safe_row(row))
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    return filename, FORMATS[fmt], data


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
    A single query, read in chunks: a province's whole registry fits."""
    yield HEADER
    for c in with_latest_workforce(queryset).iterator(chunk_size=2000):
        yield [c.code, c.name, c.get_kind_display(), c.commune.name, c.commune.code,
               c.commune.parent.name if c.commune.parent_id else "", c.get_sector_display(), c.founded_on,
               _yes_no(c.hoi_supported_founding), _yes_no(c.hoi_supported_consolidation),
               c.get_status_display(), _yes_no(c.is_women_managed), _yes_no(c.many_women_jobs),
               _yes_no(c.counts_under_de_an), c.wf_year, c.wf_members, c.wf_female_members, c.wf_workers,
               c.wf_female_workers]
