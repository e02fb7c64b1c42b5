"""Activities in bulk from an XLSX, for the provinces that keep their log in Excel: the template
(``activity_template(user)``) and the import (``import_activities(file, user, dry_run=False)``),
all or nothing, read with portal.spreadsheet_reading as the other imports are (title rows above
the header, any column order, headers compared without case or diacritics, Excel row numbers).

One row per activity, on the sheet "Hoạt động":

    Mã đơn vị | Mã nhiệm vụ | Loại hoạt động | Ngày | Tên hoạt động | Địa điểm | Số buổi |
    Người tham dự | Trong đó nữ | HTX tiếp cận | Ngân sách tỉnh | Chương trình MTQG | Nguồn khác | Ghi chú

- ``Mã đơn vị``: a unit inside the user's area (GSO code; numbers padded back as the figures
  import does, reporting.importer.area_code); the unit meant is the one valid on the day, else the
  most recent one with that code.
- ``Mã nhiệm vụ``: the task's stable key ``<plan key>:<group order>.<task order>``
  ("lang-son-2023:2.1"), listed on the template's sheet "Nhiệm vụ"; the task must belong to a plan
  covering the unit (reporting.activities.tasks_for).
- ``Loại hoạt động``: a kind's Vietnamese label (the template offers a drop-down) or its code.
- ``Ngày``: dd/mm/yyyy or an Excel date; its period follows reporting.activities.period_of (with
  the unit's validity), and must be one whose report is not sent or approved.
- ``Địa điểm``: optional, the code (or exact name) of a unit inside the user's area.
- numbers: whole, not negative; ``Số buổi`` blank is 1; women never more than participants.

Identity: (unit, task, date, title). A row whose activity exists is "updated" when another of
its fields differs, "unchanged" otherwise; the same file twice changes nothing. Every bad row is
named (sheet, row, column, reason in Vietnamese) and nothing is written. Rows are saved one by
one (simple_history keeps each change, as the form does).
"""
import datetime
import functools
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plans.models import Task
from portal.models import Area
from portal.spreadsheet_limits import NO_DATA_ROWS
from portal.spreadsheet_reading import (
    Counts, Invalid, NotAWorkbook, RowChecker, RowError, compact, header_index, open_workbook, parse_count,
    parse_date, parse_text, read_sheet,
)
from portal.spreadsheets import neutralise_workbook
from portal.text import nfkc
from reporting import activities
from reporting.importer import area_code
from reporting.models import Activity

SHEET = "Hoạt động"
UNITS_SHEET = "Đơn vị"
TASKS_SHEET = "Nhiệm vụ"
LISTS_SHEET = "Danh mục"
HEADER_ROW = 2
TITLE_MAX = Activity._meta.get_field("title").max_length

COLUMNS = [
    ("area", "Mã đơn vị", ["Mã ĐV", "Mã ĐVHC", "Mã xã/phường", "Mã xã"]),
    ("task", "Mã nhiệm vụ", ["Mã NV", "Nhiệm vụ"]),
    ("kind", "Loại hoạt động", ["Loại", "Hình thức"]),
    ("held_on", "Ngày", ["Ngày thực hiện", "Thời gian"]),
    ("title", "Tên hoạt động", ["Nội dung", "Tên"]),
    ("place", "Địa điểm", ["Mã địa điểm"]),
    ("sessions", "Số buổi", ["Số lớp", "Số lớp, buổi", "Số buổi, số phát sóng"]),
    ("participants", "Người tham dự", ["Số người tham dự", "Lượt người tham dự", "Số lượt người"]),
    ("women", "Trong đó nữ", ["Nữ", "Số nữ"]),
    ("cooperatives", "HTX tiếp cận", ["Số HTX tiếp cận", "HTX, THT tiếp cận", "Số HTX, THT"]),
    ("spent_province", "Ngân sách tỉnh", ["Kinh phí ngân sách tỉnh"]),
    ("spent_national", "Chương trình MTQG", ["MTQG", "Trung ương", "Kinh phí Chương trình MTQG"]),
    ("spent_other", "Nguồn khác", ["Nguồn hợp pháp khác", "Kinh phí nguồn khác"]),
    ("note", "Ghi chú", []),
]
HEADERS = {key: header for key, header, _ in COLUMNS}
_INDEX = header_index(COLUMNS)
REQUIRED = ["area", "task", "kind", "held_on", "title"]
COUNTS = {"sessions": "sessions", "participants": "participants", "women": "women",
          "cooperatives": "cooperatives_reached"}
MONEY = ("spent_province", "spent_national", "spent_other")
# the fields an import sets besides the identity, compared to tell "updated" from "unchanged"
FIELDS = ("kind", "place_id", "sessions", "participants", "women", "cooperatives_reached", *MONEY, "note")


def task_key(task):
    """The stable key of a task in the spreadsheets: plan key, group order and task order."""
    return f"{task.group.plan.key}:{task.group.order}.{task.order}"


def _key_of(value):
    return re.sub(r"\s+", "", nfkc(parse_text(value))).lower()


def units_of(user):
    """The units a user may import activities for: her area and every unit inside it."""
    return Area.objects.inside(user.area).order_by("level", "code", "valid_from")


def tasks_of(user):
    """The tasks the template lists: those of the plans covering the user's area and of the plans
    of the units inside it."""
    from django.db.models import Q

    own = activities.tasks_for(user.area)
    return (Task.objects.filter(Q(pk__in=own.values("pk")) | Area.inside_q(user.area, "group__plan__area"))
            .exclude(group__plan__kind="reference").select_related("group__plan")
            .order_by("group__plan__year_start", "group__plan__key", "group__order", "order"))


# ---------------------------------------------------------------------------------------
# Template

def activity_template(user):
    """The XLSX to fill in: the activity sheet (kinds as a drop-down, one example row in the note),
    the units of the user's area and the tasks she may record under."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    kinds = [label for _value, label in Activity.Kind.choices]
    lists = wb.create_sheet(LISTS_SHEET)
    lists.cell(row=1, column=1, value="Loại hoạt động").font = Font(bold=True)
    for r, label in enumerate(kinds, start=2):
        lists.cell(row=r, column=1, value=str(label))
    lists.sheet_state = "hidden"

    note = ("Mỗi dòng một hoạt động. Mã đơn vị: xem sheet “Đơn vị”; Mã nhiệm vụ: xem sheet “Nhiệm vụ”; "
            "Loại hoạt động: chọn trong danh sách; Ngày: dd/mm/yyyy; Địa điểm: mã đơn vị (không bắt buộc); "
            "Số buổi để trống là 1; kinh phí ghi bằng đồng. Một dòng lỗi thì không ghi gì cả. Nhập lại cùng "
            "một tệp không tạo trùng (một hoạt động = đơn vị, nhiệm vụ, ngày, tên hoạt động).")
    ws.cell(row=1, column=1, value=note).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 60
    fill = PatternFill("solid", fgColor="DDEBF7")
    widths = {"task": 22, "kind": 30, "title": 40, "held_on": 12, "note": 30}
    last = HEADER_ROW + 1000
    for col, (key, header, _aliases) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = Font(bold=True, color="C00000" if key in REQUIRED else "000000")
        cell.fill = fill
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = widths.get(key, 14)
        rng = f"{letter}{HEADER_ROW + 1}:{letter}{last}"
        if key in ("area", "place", "task"):
            for r in range(HEADER_ROW + 1, HEADER_ROW + 51):
                ws.cell(row=r, column=col).number_format = "@"
        if key == "kind":
            dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!$A$2:$A${len(kinds) + 1}", allow_blank=True,
                                showErrorMessage=True, error="Chọn một loại trong danh sách.")
            ws.add_data_validation(dv)
            dv.add(rng)
        if key in (*COUNTS, *MONEY):
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, error="Ghi một số nguyên không âm.")
            ws.add_data_validation(dv)
            dv.add(rng)
        if key == "held_on":
            for r in range(HEADER_ROW + 1, HEADER_ROW + 51):
                ws.cell(row=r, column=col).number_format = "DD/MM/YYYY"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    units = wb.create_sheet(UNITS_SHEET)
    for col, header in enumerate(("Mã đơn vị", "Tên đơn vị", "Hiệu lực"), start=1):
        units.cell(row=1, column=col, value=header).font = Font(bold=True)
    for r, unit in enumerate(units_of(user), start=2):
        units.cell(row=r, column=1, value=unit.code).number_format = "@"
        units.cell(row=r, column=2, value=unit.name)
        units.cell(row=r, column=3, value=_validity(unit))
    units.column_dimensions["B"].width = 36
    units.column_dimensions["C"].width = 18

    tasks = wb.create_sheet(TASKS_SHEET)
    for col, header in enumerate(("Mã nhiệm vụ", "Kế hoạch", "Mục", "Nhiệm vụ", "Từ năm", "Đến năm"), start=1):
        tasks.cell(row=1, column=col, value=header).font = Font(bold=True)
    for r, task in enumerate(tasks_of(user), start=2):
        plan = task.group.plan
        for col, value in enumerate((task_key(task), plan.number or plan.key, task.group.section, task.title,
                                     task.start_year, task.end_year), start=1):
            tasks.cell(row=r, column=col, value=value)
    tasks.column_dimensions["A"].width = 26
    tasks.column_dimensions["B"].width = 22
    tasks.column_dimensions["D"].width = 80
    out = io.BytesIO()
    neutralise_workbook(wb).save(out)
    return out.getvalue()


def _validity(unit):
    if unit.valid_to is not None:
        return f"đến {unit.valid_to:%d/%m/%Y}"
    if unit.valid_from is not None:
        return f"từ {unit.valid_from:%d/%m/%Y}"
    return ""


# ---------------------------------------------------------------------------------------
# Import

@dataclass
class Line:
    """One row of the file, ready to be written."""
    row: int
    action: str  # created / updated / unchanged
    activity: Activity


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    lines: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def _read(path_or_file):
    try:
        wb = open_workbook(path_or_file)
    except NotAWorkbook as exc:
        return None, [RowError(SHEET, 1, "", str(exc))]
    errors = []
    try:
        sheets = [ws for ws in wb.worksheets if ws.title not in (UNITS_SHEET, TASKS_SHEET, LISTS_SHEET)]
        if not sheets:
            return None, [RowError(SHEET, 1, HEADERS["area"], "tệp không có sheet hoạt động")]
        ws = next((s for s in sheets if s.title == SHEET), sheets[0])
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        sheet = read_sheet(ws, COLUMNS, _INDEX, REQUIRED, errors)
        if sheet.header_row is not None and not sheet.rows and not errors:
            errors.append(RowError(sheet.title, sheet.header_row + 1, HEADERS["area"], NO_DATA_ROWS))
        return sheet, errors
    finally:
        wb.close()


class _Units:
    """The units inside the user's area by code (and by name, for ``Địa điểm``)."""

    def __init__(self, user):
        self.within = user.area
        self.by_code, self.by_name = {}, {}
        for unit in units_of(user).only("id", "code", "name", "level", "path", "valid_from", "valid_to"):
            self.by_code.setdefault(unit.code, []).append(unit)
            self.by_name.setdefault(compact(unit.name), []).append(unit)

    def unit(self, value, day):
        code, _note = area_code(value)
        units = self.by_code.get(code)
        if not units:
            if Area.objects.filter(code=code).exists():
                raise Invalid(f"đơn vị mã {code} nằm ngoài địa bàn của bạn ({self.within.name})")
            raise Invalid(f"không có đơn vị hành chính mã {code}")
        return self._on(units, day)

    def place(self, value, day):
        try:
            return self.unit(value, day)
        except Invalid as exc:
            units = self.by_name.get(compact(parse_text(value)))
            if units and len({u.code for u in units}) == 1:
                return self._on(units, day)
            raise Invalid(f"địa điểm: {exc}") from None

    @staticmethod
    def _on(units, day):
        valid = [u for u in units if day is None or u.exists_on(day)]
        if valid:
            return valid[0]
        return max(units, key=lambda u: u.valid_to or datetime.date.max)


def _kind(value):
    key = compact(parse_text(value))
    for code, label in Activity.Kind.choices:
        if key in (compact(str(label)), compact(code)):
            return code
    raise Invalid(f"loại hoạt động “{parse_text(value)}” không có trong danh sách")


def import_activities(path_or_file, user, *, dry_run=False):
    """Reads a filled-in activity sheet and saves it, all or nothing (see the module's docstring)."""
    sheet, errors = _read(path_or_file)
    if sheet is None or errors:
        return ImportResult(errors=errors)
    units = _Units(user)
    tasks_by_area, locked, seen = {}, {}, {}
    task_keys = {}
    for task in tasks_of(user):
        task_keys[_key_of(task_key(task))] = task
    rows = []
    for number, raw in sheet.rows:
        check = RowChecker(sheet.title, number, raw, HEADERS)
        day = check.get("held_on", parse_date, missing="thiếu ngày")
        area = check.get("area", functools.partial(units.unit, day=day), missing="thiếu mã đơn vị")
        task = check.get("task", lambda v: task_keys.get(_key_of(v)) or _unknown_task(v), missing="thiếu mã nhiệm vụ")
        kind = check.get("kind", _kind, missing="thiếu loại hoạt động")
        title = check.get("title", parse_text, missing="thiếu tên hoạt động")
        if title and len(title) > TITLE_MAX:
            check.err("title", f"tên hoạt động quá dài (tối đa {TITLE_MAX} ký tự)")
        place = check.get("place", functools.partial(units.place, day=day))
        numbers = {key: check.get(key, parse_count) for key in (*COUNTS, *MONEY)}
        note = check.get("note", parse_text) or ""
        if numbers["sessions"] is None:
            numbers["sessions"] = 1
        if numbers["sessions"] == 0 and kind == Activity.Kind.TRAINING:
            check.err("sessions", "lớp tập huấn cần số lớp lớn hơn 0")
        participants, women = numbers["participants"] or 0, numbers["women"] or 0
        if women > participants:
            check.err("women", f"số nữ ({women}) lớn hơn số người tham dự ({participants})")
        period = None
        if area is not None and day is not None:
            period = activities.period_of(day, area)
            if period is None:
                check.err("held_on", activities.period_refusal(day, area))
            else:
                if (area.pk, period.pk) not in locked:
                    locked[area.pk, period.pk] = activities.locked_reason(area, period)
                if locked[area.pk, period.pk]:
                    check.err("held_on", locked[area.pk, period.pk])
        if area is not None and task is not None:
            if area.pk not in tasks_by_area:
                tasks_by_area[area.pk] = set(activities.tasks_for(area).values_list("pk", flat=True))
            if task.pk not in tasks_by_area[area.pk]:
                check.err("task", f"nhiệm vụ {task_key(task)} không thuộc kế hoạch nào áp dụng cho {area.name}")
        if area is not None and task is not None and day is not None and title:
            identity = (area.pk, task.pk, day, title)
            if identity in seen:
                check.err("title", f"hoạt động này đã có ở dòng {seen[identity]} (cùng đơn vị, nhiệm vụ, ngày, tên)")
            else:
                seen[identity] = number
        errors += check.errors
        if check.errors:
            continue
        rows.append((number, Activity(
            area=area, task=task, period=period, kind=kind, title=title, held_on=day, place=place,
            sessions=numbers["sessions"], participants=participants,
            women=women, cooperatives_reached=numbers["cooperatives"] or 0, note=note,
            **{key: Decimal(numbers[key] or 0) for key in MONEY})))
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.row))
    result = ImportResult()
    existing = _existing([a for _n, a in rows])
    for number, new in rows:
        old = existing.get((new.area_id, new.task_id, new.held_on, new.title))
        if old is None:
            action = "created"
            new.created_by = user
        elif any(getattr(old, f) != getattr(new, f) for f in FIELDS):
            action = "updated"
            for f in FIELDS:
                setattr(old, f, getattr(new, f))
            old.period = new.period
            new = old
        else:
            action, new = "unchanged", old
        setattr(result.counts, action, getattr(result.counts, action) + 1)
        result.lines.append(Line(number, action, new))
    if not dry_run:
        with transaction.atomic():
            for line in result.lines:
                if line.action != "unchanged":
                    line.activity.save()
    return result


def _unknown_task(value):
    raise Invalid(f"không có nhiệm vụ mã “{parse_text(value)}” (xem sheet “{TASKS_SHEET}” của tệp mẫu)")


def _existing(new):
    """The activities already recorded with the identity of a row, by identity."""
    if not new:
        return {}
    found = Activity.objects.filter(area__in={a.area_id for a in new}, task__in={a.task_id for a in new},
                                    held_on__in={a.held_on for a in new}, title__in={a.title for a in new})
    return {(a.area_id, a.task_id, a.held_on, a.title): a for a in found}
