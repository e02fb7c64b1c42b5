"""The spreadsheets of allocated targets and area groups: the template to fill in Excel (the
page's table, prefilled) and its import, all or nothing, read with portal.spreadsheets as the
other imports are (title rows above the header, any column order, Excel row numbers).

    allocation_template(target) -> bytes      import_allocations(file, target, user, dry_run=False)
    group_template(area) -> bytes             import_area_groups(file, area, user, dry_run=False)

Columns: ``Mã đơn vị``, ``Tên đơn vị`` (for the reader's eye), ``Giao chỉ tiêu`` (a number;
blank: no allocation) and optional ``Cận trên`` (a range "từ … đến …"), ``Ghi chú``; for the
groups ``Mã đơn vị``, ``Nhóm địa bàn`` (blank: no group). A unit absent from the file is left
as it is. Every bad row is named as sheet, row, column and reason, and nothing is written.
The rules themselves are plans.allocations.
"""
import io
from dataclasses import dataclass, field

from django import forms
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plans import allocations as rules
from plans.forms import VietnameseDecimalField
from plans.models import Allocation, AreaGroup
from plans.targets import RANGED, describe
from portal.models import Area
from portal.text import search_key
from portal.spreadsheet_reading import (
    Invalid, NotAWorkbook, RowChecker, RowError, header_index, open_workbook, parse_code, parse_text, read_sheet,
)
from portal.spreadsheets import neutralise_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOCATION_SHEET = "Giao chỉ tiêu"
GROUP_SHEET = "Nhóm địa bàn"
LISTS_SHEET = "Danh mục"
HEADER_ROW = 2

ALLOCATION_COLUMNS = [
    ("code", "Mã đơn vị", ["Mã", "Mã ĐVHC", "Mã xã/phường", "Mã huyện/quận", "Mã xã", "Mã huyện"]),
    ("name", "Tên đơn vị", ["Tên", "Đơn vị", "Tên xã/phường", "Tên huyện/quận"]),
    ("low", "Giao chỉ tiêu", ["Chỉ tiêu giao", "Chỉ tiêu được giao", "Số giao", "Giá trị", "Cận dưới"]),
    ("high", "Cận trên", []),
    ("note", "Ghi chú", []),
    ("validity", "Hiệu lực", []),
]
GROUP_COLUMNS = [
    ("code", "Mã đơn vị", ["Mã", "Mã ĐVHC", "Mã xã/phường", "Mã huyện/quận", "Mã xã", "Mã huyện"]),
    ("name", "Tên đơn vị", ["Tên", "Đơn vị"]),
    ("group", "Nhóm địa bàn", ["Nhóm", "Vùng", "Nhóm địa bàn (đồng bằng/miền núi)"]),
    ("validity", "Hiệu lực", []),
]
ALLOCATION_HEADERS = {key: header for key, header, _ in ALLOCATION_COLUMNS}
GROUP_HEADERS = {key: header for key, header, _ in GROUP_COLUMNS}
_ALLOCATION_INDEX = header_index(ALLOCATION_COLUMNS)
_GROUP_INDEX = header_index(GROUP_COLUMNS)
FIELD_COLUMN = {"area": "code", "form": "low", "low": "low", "high": "high", "note": "note", "name": "group"}


def validity(unit):
    """"đến 30/06/2025" for an old unit, "từ 01/07/2025" for a new one, "" for one valid throughout."""
    if unit.valid_to is not None:
        return f"đến {unit.valid_to:%d/%m/%Y}"
    if unit.valid_from is not None:
        return f"từ {unit.valid_from:%d/%m/%Y}"
    return ""


# ---------------------------------------------------------------------------------------
# Templates

def _write(ws, columns, note, rows, widths, number_keys=(), list_formula=None, list_key=None):
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.cell(row=1, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 60
    last = HEADER_ROW + max(len(rows), 1) + 200
    for col, (key, header, _) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="C00000" if key == "code" else "000000")
        cell.fill = fill
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = widths.get(key, 16)
        if key == "code":
            ws.column_dimensions[letter].number_format = "@"
        if key in number_keys:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, error="Ghi một số không âm.")
            ws.add_data_validation(dv)
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
        if key == list_key and list_formula:
            dv = DataValidation(type="list", formula1=list_formula, allow_blank=True, showErrorMessage=True,
                                errorTitle="Giá trị không có trong danh sách", error="Chọn một nhóm trong danh sách.")
            ws.add_data_validation(dv)
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if col == 1:
                cell.number_format = "@"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _bytes(wb):
    out = io.BytesIO()
    neutralise_workbook(wb).save(out)
    return out.getvalue()


def allocation_template(target):
    """The allocation table of a target as XLSX: one row per unit, the current values filled in."""
    current = {a.area_id: a for a in Allocation.objects.filter(target=target)}
    rows = []
    for unit in rules.target_units(target):
        a = current.get(unit.pk)
        rows.append([unit.code, unit.name, a.low if a else None, a.high if a else None, a.note if a else None,
                     validity(unit)])
    plan = target.plan
    note = (f"Giao chỉ tiêu {target.indicator.code} — {target.indicator.name}, mốc {target.milestone}: "
            f"mục tiêu của {plan.area.name} là {describe(target)}. Mỗi đơn vị một dòng; ghi số được giao ở cột "
            "“Giao chỉ tiêu” (để trống: không giao), cột “Cận trên” chỉ khi giao một khoảng “từ … đến …”. "
            "Đơn vị không có trong tệp giữ nguyên chỉ tiêu đã giao.")
    wb = Workbook()
    ws = wb.active
    ws.title = ALLOCATION_SHEET
    _write(ws, ALLOCATION_COLUMNS, note, rows, {"name": 32, "note": 30, "validity": 18},
           number_keys=("low", "high"))
    for number in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(rows)):
        for col in (3, 4):
            ws.cell(row=number, column=col).number_format = "#,##0"
    return _bytes(wb)


def group_template(area):
    """The area groups of the units inside ``area`` as XLSX, with the allowed names as a list."""
    units = list(rules.group_units(area))
    names = rules.group_names(units)
    groups = dict(AreaGroup.objects.filter(area__in=units).values_list("area_id", "name"))
    all_names = sorted({n for ns in names.values() for n in ns}, key=search_key)
    wb = Workbook()
    ws = wb.active
    ws.title = GROUP_SHEET
    formula = None
    if all_names:
        lists = wb.create_sheet(LISTS_SHEET)
        lists.cell(row=1, column=1, value="Nhóm địa bàn").font = Font(bold=True)
        for r, name in enumerate(all_names, start=2):
            lists.cell(row=r, column=1, value=name)
        lists.sheet_state = "hidden"
        formula = f"'{LISTS_SHEET}'!$A$2:$A${len(all_names) + 1}"
    allowed = ", ".join(f"“{n}”" for n in all_names) or "(chưa có kế hoạch nào đặt mục tiêu theo nhóm địa bàn)"
    note = (f"Nhóm địa bàn của các xã/phường và huyện/quận cũ thuộc {area.name}. Mỗi đơn vị một dòng; "
            f"cột “Nhóm địa bàn” ghi một trong: {allowed} (để trống: không thuộc nhóm nào). "
            "Đơn vị không có trong tệp giữ nguyên nhóm đã đặt.")
    rows = [[u.code, u.name, groups.get(u.pk), validity(u)] for u in units]
    _write(ws, GROUP_COLUMNS, note, rows, {"name": 32, "group": 22, "validity": 18},
           list_formula=formula, list_key="group")
    return _bytes(wb)


# ---------------------------------------------------------------------------------------
# Imports

@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    outcome: rules.Outcome | None = None
    rows: int = 0

    @property
    def ok(self):
        return not self.errors


def parse_number(value):
    """A number as Vietnamese write it ("3", 3.0, "1.250", "2,5"): the page's own rule."""
    if isinstance(value, bool):
        raise Invalid("không phải là số")
    if isinstance(value, (int, float)):
        value = str(value)
    try:
        return VietnameseDecimalField(max_digits=14, decimal_places=2).clean(value)
    except forms.ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from None


def _read(path_or_file, columns, index, required, sheet_title):
    """(sheet rows or None, errors): the first sheet of the workbook."""
    errors = []
    try:
        wb = open_workbook(path_or_file)
    except NotAWorkbook as exc:
        return None, [RowError("?", 1, "", str(exc))]
    try:
        worksheets = [ws for ws in wb.worksheets if ws.title != LISTS_SHEET]
        if not worksheets:
            return None, [RowError(sheet_title, 1, columns[0][1], "tệp không có sheet dữ liệu")]
        ws = worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        sheet = read_sheet(ws, columns, index, required, errors)
        return sheet, errors
    finally:
        wb.close()


class _UnitCodes:
    """Units by code: those of the table first, then any unit of the map (to say why it is refused)."""

    def __init__(self, units):
        self.by_code = {}
        for u in units:
            self.by_code.setdefault(u.code, u)

    def find(self, value):
        code = parse_code(value)
        candidates = [code]
        if code.isdigit():
            candidates += [code.zfill(n) for n in (2, 3, 5) if len(code) < n]
        for c in candidates:
            if c in self.by_code:
                return self.by_code[c]
        for c in candidates:
            try:
                return Area.resolve(c)
            except Area.DoesNotExist:
                continue
        raise Invalid(f"không có đơn vị hành chính mã “{code}”")


def _problems_to_errors(problems, row_of, sheet_title, headers):
    errors = []
    for p in problems:
        number = row_of.get(p.area.pk if p.area else None, HEADER_ROW)
        errors.append(RowError(sheet_title, number, headers[FIELD_COLUMN.get(p.field, "code")], p.message))
    return errors


def import_allocations(path_or_file, target, user, *, dry_run=False, expected_version=None):
    """Read a filled-in allocation table and save it through plans.allocations, all or nothing
    (``Conflict`` when the table changed since ``expected_version``, its version at the preview)."""
    refusal = rules.allocation_refusal(target)
    if refusal:
        return ImportResult(errors=[RowError(ALLOCATION_SHEET, 1, ALLOCATION_HEADERS["low"], refusal)])
    sheet, errors = _read(path_or_file, ALLOCATION_COLUMNS, _ALLOCATION_INDEX, ["code", "low"], ALLOCATION_SHEET)
    if sheet is None or errors:
        return ImportResult(errors=errors)
    codes = _UnitCodes(rules.units_below(target.plan.area))
    forms_now = dict(Allocation.objects.filter(target=target).values_list("area_id", "form"))
    rows, row_of = [], {}
    for number, raw in sheet.rows:
        check = RowChecker(sheet.title, number, raw, ALLOCATION_HEADERS)
        unit = check.get("code", codes.find, missing="thiếu mã đơn vị")
        low = check.get("low", parse_number)
        high = check.get("high", parse_number)
        note = check.get("note", parse_text) or ""
        if len(note) > 200:
            check.err("note", "ghi chú quá dài (tối đa 200 ký tự)")
        errors += check.errors
        if unit is None or check.errors:
            continue
        if unit.pk in row_of:
            errors.append(RowError(sheet.title, number, ALLOCATION_HEADERS["code"],
                                   f"đơn vị mã {unit.code} đã ghi ở dòng {row_of[unit.pk]}"))
            continue
        row_of[unit.pk] = number
        rows.append(rules.AllocationRow(area=unit, low=low, high=high, note=note,
                                        form=_form_for(forms_now.get(unit.pk), high)))
    # The rules too, on the rows that could be read: every bad row is named at once.
    errors += _problems_to_errors(rules.check_allocations(target, rows, user), row_of, sheet.title,
                                  ALLOCATION_HEADERS)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.row), rows=len(sheet.rows))
    try:
        outcome = rules.save_allocations(target, rows, user, dry_run=dry_run, reason=rules.FILE_REASON,
                                         expected_version=expected_version)
    except rules.Refused as refused:
        return ImportResult(errors=_problems_to_errors(refused.problems, row_of, sheet.title, ALLOCATION_HEADERS),
                            rows=len(rows))
    return ImportResult(outcome=outcome, rows=len(rows))


def _form_for(current, high):
    """The form of an imported row: the unit's current form when it fits (a range keeps "khoảng"),
    else a range with a high end and a single number without."""
    if high is not None:
        return current if current in RANGED else rules.RANGE
    if current and current not in RANGED:
        return current
    return rules.NUMBER


def import_area_groups(path_or_file, area, user, *, dry_run=False):
    """Read a filled-in area group table (units inside ``area``) and save it, all or nothing."""
    sheet, errors = _read(path_or_file, GROUP_COLUMNS, _GROUP_INDEX, ["code", "group"], GROUP_SHEET)
    if sheet is None or errors:
        return ImportResult(errors=errors)
    codes = _UnitCodes(rules.group_units(area))
    rows, row_of = [], {}
    for number, raw in sheet.rows:
        check = RowChecker(sheet.title, number, raw, GROUP_HEADERS)
        unit = check.get("code", codes.find, missing="thiếu mã đơn vị")
        name = check.get("group", parse_text) or ""
        errors += check.errors
        if unit is None or check.errors:
            continue
        if unit.pk in row_of:
            errors.append(RowError(sheet.title, number, GROUP_HEADERS["code"],
                                   f"đơn vị mã {unit.code} đã ghi ở dòng {row_of[unit.pk]}"))
            continue
        if not unit.lies_in(area) or unit.pk == area.pk:
            errors.append(RowError(sheet.title, number, GROUP_HEADERS["code"],
                                   f"“{unit.name}” ({unit.code}) không thuộc {area.name}"))
            continue
        row_of[unit.pk] = number
        rows.append(rules.GroupRow(area=unit, name=name))
    errors += _problems_to_errors(rules.check_area_groups(rows, user), row_of, sheet.title, GROUP_HEADERS)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.row), rows=len(sheet.rows))
    try:
        outcome = rules.save_area_groups(rows, user, dry_run=dry_run, reason=rules.FILE_REASON)
    except rules.Refused as refused:
        return ImportResult(errors=_problems_to_errors(refused.problems, row_of, sheet.title, GROUP_HEADERS),
                            rows=len(rows))
    return ImportResult(outcome=outcome, rows=len(rows))
