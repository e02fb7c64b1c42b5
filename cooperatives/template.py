"""The downloadable XLSX template of the registry import (DOMAIN.md §7).

Two sheets with the contract's Vietnamese headers and drop-down lists (openpyxl
DataValidation), one instruction row above each header row, and a third sheet "Danh mục"
holding the lists (a list with commas in its labels cannot be written inline). The importer
reads this file as it is: it finds the header row under the instruction row and ignores the
"Danh mục" sheet.
"""
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cooperatives import rules
from cooperatives.importer import COOP_COLUMNS, GENDERS, KIND_CHOICES, MANAGER_COLUMNS, MANAGER_SHEET, YES_NO
from cooperatives.models import Cooperative
from portal.spreadsheets import neutralise_workbook

COOP_SHEET = "Hợp tác xã"
LISTS_SHEET = "Danh mục"
LAST_ROW = 5000
HEADER_ROW = 2
REQUIRED = {"code", "name", "kind", "full_name", "gender", "role"}

COOP_NOTE = ("Mỗi HTX/THT một dòng, từ dòng 3. Bắt buộc: Mã số HTX, Tên HTX/THT, Loại hình và xã/phường "
             "(Mã xã/phường, hoặc Tỉnh/Thành phố + Xã/Phường). Ngày ghi dd/mm/yyyy. Sản phẩm OCOP: "
             "“Miến dong (4 sao); Trà hoa vàng (3 sao)”. Số liệu thành viên, lao động là của năm nay.")
MANAGER_NOTE = ("Mỗi cán bộ quản lý một dòng, từ dòng 3; Mã số HTX là mã ở sheet “Hợp tác xã” hoặc của HTX "
                "đã có trong hệ thống. Bắt buộc: Mã số HTX, Họ và tên, Giới tính, Chức vụ.")
WIDTHS = {"name": 40, "ocop": 45, "full_name": 28, "commune": 24, "province": 18, "sector": 30, "role": 26}


def _lists():
    return {
        "kind": [label for _, label in KIND_CHOICES],
        "sector": [str(s.label) for s in Cooperative.Sector],
        "yes_no": YES_NO,
        "gender": GENDERS,
        "role": [label for _, label in rules.ROLES],
    }


def _sheet(ws, columns, note, validations, list_ranges):
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    ws.cell(row=1, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 48
    for col, (key, header, _) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="C00000" if key in REQUIRED else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 16)
        letter = get_column_letter(col)
        if key in ("code", "commune_code", "founded_on"):  # codes and dates kept as typed (text)
            ws.column_dimensions[letter].number_format = "@"
        if key in validations:
            dv = DataValidation(type="list", formula1=list_ranges[validations[key]], allow_blank=True,
                                showErrorMessage=True, errorTitle="Giá trị không có trong danh sách",
                                error="Chọn một giá trị trong danh sách.")
            ws.add_data_validation(dv)
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}")
        if key in ("members", "female_members", "workers", "female_workers", "birth_year"):
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, error="Ghi một số nguyên không âm.")
            ws.add_data_validation(dv)
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def build_template():
    """The template as XLSX bytes."""
    wb = Workbook()
    coops = wb.active
    coops.title = COOP_SHEET
    managers = wb.create_sheet(MANAGER_SHEET)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    list_ranges = {}
    for col, (name, values) in enumerate(_lists().items(), start=1):
        letter = get_column_letter(col)
        lists_ws.cell(row=1, column=col, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists_ws.cell(row=row, column=col, value=value)
        list_ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        lists_ws.column_dimensions[letter].width = 32
    lists_ws.sheet_state = "hidden"
    _sheet(coops, COOP_COLUMNS, COOP_NOTE, {"kind": "kind", "sector": "sector", "hoi_supported": "yes_no"},
           list_ranges)
    _sheet(managers, MANAGER_COLUMNS, MANAGER_NOTE,
           {"gender": "gender", "role": "role", "trained": "yes_no"}, list_ranges)
    out = io.BytesIO()
    neutralise_workbook(wb).save(out)
    return out.getvalue()
