"""The downloadable XLSX template of the report figures import (DOMAIN.md §7, `import_submissions`)
for an administrator's scope.

Sheet "Số liệu" has the contract's columns (Mã đơn vị, Kỳ báo cáo, Mã chỉ tiêu, Giá trị, Tử số,
Mẫu số) under one instruction row, with drop-down lists (openpyxl DataValidation) of the codes
listed in the other sheets: "Đơn vị" (the areas of her scope: code, name, level, validity),
"Chỉ tiêu" (the indicators: code, name, kind) and "Kỳ báo cáo" (the periods). The importer
reads this file as it is: the first sheet, header row under the instruction row.
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plans.models import Indicator
from portal.models import Area
from portal.scoping import scoped
from portal.spreadsheets import neutralise_workbook
from reporting.importer import COLUMNS
from reporting.models import Period

DATA_SHEET, AREAS_SHEET, INDICATORS_SHEET, PERIODS_SHEET = "Số liệu", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo"
HEADER_ROW = 2
LAST_ROW = 10000
NOTE = ("Mỗi đơn vị, kỳ, chỉ tiêu một dòng, từ dòng 3. Mã đơn vị (cột dạng văn bản: giữ số 0 ở đầu, "
        "ví dụ 06040) lấy ở sheet “Đơn vị”; mã chỉ tiêu ở sheet “Chỉ tiêu”: chỉ tiêu số lượng ghi Giá trị, "
        "chỉ tiêu tỷ lệ ghi Tử số và Mẫu số (số nguyên không âm). Kỳ báo cáo: 2024, 2025-H1…")
AREA_HEADERS = ["Mã", "Tên", "Cấp", "Hiệu lực từ", "Hiệu lực đến"]
INDICATOR_HEADERS = ["Mã", "Tên chỉ tiêu", "Loại"]
PERIOD_HEADERS = ["Mã", "Kỳ"]
WIDTHS = {"area": 14, "period": 14, "indicator": 24, "value": 12, "numerator": 12, "denominator": 12}


def _date(day):
    return day.strftime("%d/%m/%Y") if day else ""


def _list_sheet(wb, title, headers, rows, widths):
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        ws.column_dimensions[get_column_letter(col)].number_format = "@" if col == 1 else "General"
    ws.freeze_panes = "A2"
    return f"'{title}'!$A$2:$A${max(2, len(rows) + 1)}"


def scope_areas(user):
    """The areas of the user's scope, as the template lists them (today's and past units)."""
    return scoped(Area.objects.all(), user).order_by("level", "code", "valid_from").only(
        "code", "name", "level", "valid_from", "valid_to")


def build_template(user):
    """The template of the user's scope as XLSX bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    areas = _list_sheet(wb, AREAS_SHEET, AREA_HEADERS,
                        [[a.code, a.name, a.get_level_display(), _date(a.valid_from), _date(a.valid_to)]
                         for a in scope_areas(user)], [10, 40, 18, 14, 14])
    indicators = _list_sheet(wb, INDICATORS_SHEET, INDICATOR_HEADERS,
                             [[i.code, i.name, i.get_kind_display()] for i in Indicator.objects.order_by("code")],
                             [26, 70, 12])
    periods = _list_sheet(wb, PERIODS_SHEET, PERIOD_HEADERS,
                          [[p.code, p.label] for p in Period.objects.order_by("year", "-kind")], [12, 28])
    lists = {"area": areas, "indicator": indicators, "period": periods}

    ws.cell(row=1, column=1, value=NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 60
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (key, header, _other) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="C00000" if key in ("area", "period", "indicator") else "000000")
        cell.fill = fill
        ws.column_dimensions[letter].width = WIDTHS[key]
        cells = f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}"
        if key in lists:
            ws.column_dimensions[letter].number_format = "@"  # "06040" and "2025-H1" kept as typed
            dv = DataValidation(type="list", formula1=lists[key], allow_blank=True, showErrorMessage=True,
                                errorTitle="Giá trị không có trong danh sách",
                                error="Chọn một mã trong danh sách.")
        else:
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, error="Ghi một số nguyên không âm.")
        ws.add_data_validation(dv)
        dv.add(cells)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    out = io.BytesIO()
    neutralise_workbook(wb).save(out)
    return out.getvalue()
