"""The progress rollup (reporting.selectors.progress) as a spreadsheet or CSV.

    progress_rows(progress)        -> [header, *rows] of the targets table (numbers as numbers)
    progress_xlsx(progress)        -> bytes: sheets "Tiến độ", "Theo đơn vị", "Tình hình báo cáo"
    export_progress(progress, fmt) -> (filename, mimetype, bytes), fmt "xlsx" or "csv"

A ratio's "Thực hiện" is its percentage as a number (80.0 for 80 %, as in the JSON of
`manage.py progress`), with its numerator and denominator beside it; "% mục tiêu" likewise.
"""
import csv
import datetime
import io

from plans.targets import describe
from portal.language import in_vietnamese
from portal.spreadsheets import neutralise_workbook, safe_cell
from reporting import rollup
from reporting.selectors import COMPLETENESS_LABELS, Tally

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
SHEET_PROGRESS, SHEET_CHILDREN, SHEET_COMPLETENESS = "Tiến độ", "Theo đơn vị", "Tình hình báo cáo"
TARGET_HEADERS = ["Mã", "Chỉ tiêu", "Mục tiêu", "Thực hiện", "Tử số", "Mẫu số", "% mục tiêu", "Trạng thái",
                  "Ghi chú"]
APPROVED_ONLY, WITH_SUBMITTED = "Chỉ gồm báo cáo đã duyệt", "Gồm cả báo cáo chờ duyệt"

COUNT_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT = "#,##0", "#,##0.00", '0.00" %"'


def _num(value):
    return rollup.number(value)


def _is_ratio(line):
    return line.indicator.kind == "ratio"


@in_vietnamese
def progress_rows(progress):
    """The targets table: a header row, then one row per target (per indicator when the plan
    has no targets for the milestone). "Mục tiêu" is the area's own target (its plan's, or the
    share allocated to it); "Ghi chú" says whose target it is otherwise, N of M units, groups."""
    rows = [list(TARGET_HEADERS)]
    for line in progress.lines:
        ratio = _is_ratio(line)
        rows.append([
            line.indicator.code,
            line.indicator.name,
            describe(line.target) if line.target is not None else "",
            _num(line.actual),
            _num(line.figure.numerator) if ratio else None,
            _num(line.figure.denominator) if ratio else None,
            _num(line.percent_of_target),
            rollup.status_label(line.status),
            "; ".join(rollup.line_notes(line, progress.name_of, progress.plan.area.name)),
        ])
    return rows


def scope_label(progress):
    return WITH_SUBMITTED if progress.include_submitted else APPROVED_ONLY


def plan_label(plan):
    return f"{plan.number} — {plan.title}" if plan.number else plan.title


def title_block(progress):
    """(label, value) pairs above the table."""
    area = progress.area
    until = f" (đến {area.valid_to:%d/%m/%Y})" if area.valid_to else ""
    return [
        ("Địa bàn", f"{area.name} (mã {area.code}){until}"),
        ("Kế hoạch", plan_label(progress.plan)),
        ("Mốc", f"Năm {progress.milestone} (tính từ {progress.window_start:%d/%m/%Y} "
                f"đến {progress.window_end:%d/%m/%Y})"),
        ("Số liệu đến ngày", f"{progress.as_of:%d/%m/%Y}"),
        ("Ngày đánh giá số liệu thời điểm", f"{progress.evaluation_date:%d/%m/%Y}"),
        ("Phạm vi", scope_label(progress)),
    ]


def _count_format(value):
    """Whole numbers without decimals; rollup.number gives a float only when not whole."""
    return DECIMAL_FORMAT if isinstance(value, float) else COUNT_FORMAT


def _children_sorted(progress):
    return sorted(progress.children.items(),
                  key=lambda kv: (kv[1].level, kv[1].code, kv[1].valid_from or datetime.date.min))


def _child_label(child):
    return f"{child.name} (đến {child.valid_to:%d/%m/%Y})" if child.valid_to else child.name


@in_vietnamese
def progress_xlsx(progress):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(ws, row, values):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.fill, cell.alignment = bold, head_fill, wrap

    def widths(ws, sizes):
        for col, size in enumerate(sizes, start=1):
            ws.column_dimensions[get_column_letter(col)].width = size

    wb = Workbook()

    # Sheet 1: the targets
    ws = wb.active
    ws.title = SHEET_PROGRESS
    ws.cell(row=1, column=1, value=f"TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU — {progress.area.name.upper()}").font = Font(
        bold=True, size=13)
    row = 2
    for label, value in title_block(progress):
        ws.cell(row=row, column=1, value=label).font = bold
        ws.cell(row=row, column=2, value=value)
        row += 1
    row += 1
    header(ws, row, TARGET_HEADERS)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    for line, values in zip(progress.lines, progress_rows(progress)[1:]):
        row += 1
        ratio = _is_ratio(line)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if col in (2, 3, 9):
                cell.alignment = wrap
        status_cell = ws.cell(row=row, column=8)
        status_cell.fill = PatternFill("solid", fgColor=rollup.STATUS_COLOURS[line.status].lstrip("#"))
        actual = ws.cell(row=row, column=4)
        actual.number_format = PERCENT_FORMAT if ratio else _count_format(values[3])
        ws.cell(row=row, column=5).number_format = _count_format(values[4])
        ws.cell(row=row, column=6).number_format = _count_format(values[5])
        ws.cell(row=row, column=7).number_format = PERCENT_FORMAT
    widths(ws, [22, 60, 28, 12, 10, 10, 12, 22, 50])

    # Sheet 2: each unit below
    ws = wb.create_sheet(SHEET_CHILDREN)
    ws.cell(row=1, column=1, value=f"Thực hiện theo đơn vị — {progress.area.name}, mốc {progress.milestone} "
                                   f"({scope_label(progress).lower()})").font = bold
    columns = []  # one per indicator (an indicator with several targets, e.g. by area group, once)
    seen = set()
    for line in progress.lines:
        if line.indicator.code not in seen:
            seen.add(line.indicator.code)
            columns.append(line)
    header(ws, 3, ["Mã", "Đơn vị", *[line.indicator.code for line in columns]])
    for i, line in enumerate(columns, start=3):   # the short names above the codes (which stay: a contract)
        ws.cell(row=2, column=i, value=safe_cell(line.indicator.label)).font = bold
    ws.freeze_panes = "C4"
    units = [(key, child.code, _child_label(child)) for key, child in _children_sorted(progress)]
    if any(progress.area.pk in line.children for line in columns):
        units.insert(0, (progress.area.pk, progress.area.code, f"{progress.area.name} (cấp mình)"))
    row = 3
    for key, code, label in units:
        row += 1
        ws.cell(row=row, column=1, value=code)
        ws.cell(row=row, column=2, value=label)
        for col, line in enumerate(columns, start=3):
            child = line.children.get(key)
            value = _num(child.actual) if child is not None else None
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = PERCENT_FORMAT if _is_ratio(line) else _count_format(value)
            if child is not None and child.actual is not None and child.status in rollup.JUDGED:
                # judged against its own target (allocation, percentage, group): the status colour
                cell.fill = PatternFill("solid", fgColor=rollup.STATUS_COLOURS[child.status].lstrip("#"))
    widths(ws, [8, 40, *[16] * len(columns)])

    # Sheet 3: completeness
    ws = wb.create_sheet(SHEET_COMPLETENESS)
    ws.cell(row=1, column=1, value=f"Tình hình gửi báo cáo — {progress.area.name}").font = bold
    national = any(isinstance(c, Tally) for _, cells in progress.completeness for c in cells)
    if national:
        ws.cell(row=2, column=1, value="Mỗi kỳ: số đơn vị đã gửi / số đơn vị phải gửi, và số gửi muộn")
        heads = []
        for p in progress.periods:
            heads += [f"{p.label} — đã gửi", f"{p.label} — muộn"]
    else:
        heads = [p.label for p in progress.periods]
    header(ws, 3, ["Mã", "Đơn vị", *heads])
    ws.freeze_panes = "C4"
    row = 3
    for child, cells in progress.completeness:
        row += 1
        ws.cell(row=row, column=1, value=child.code)
        ws.cell(row=row, column=2, value=_child_label(child))
        col = 3
        for cell in cells:
            if isinstance(cell, Tally):
                sent = cell.on_time + cell.late
                ws.cell(row=row, column=col, value=f"{sent}/{cell.expected}" if cell.expected else "—")
                late = ws.cell(row=row, column=col + 1, value=cell.late if cell.expected else None)
                late.number_format = COUNT_FORMAT
                col += 2
            else:
                ws.cell(row=row, column=col, value=COMPLETENESS_LABELS.get(cell.status, cell.status))
                col += 1
    widths(ws, [8, 40, *[18] * len(heads)])

    tasks_sheet(wb, progress)
    out = io.BytesIO()
    neutralise_workbook(wb).save(out)
    return out.getvalue()


def tasks_sheet(wb, progress):
    """Sheet "Nhiệm vụ": tasks due, done and late, activities by kind, budget by source."""
    from openpyxl.styles import Font

    from reporting.tasks import rollup_for_progress

    tasks = getattr(progress, "tasks", None) or rollup_for_progress(progress)
    ws = wb.create_sheet("Nhiệm vụ")
    bold = Font(bold=True)
    ws.cell(row=1, column=1, value=f"Kết quả thực hiện nhiệm vụ — {progress.area.name}").font = bold
    ws.cell(row=2, column=1, value=f"Đến hạn {len(tasks.due)}, hoàn thành {len(tasks.done)}, chậm {len(tasks.late)}, "
                                   f"đang trong hạn {len(tasks.pending)} (lượt nhiệm vụ × kỳ)")
    row = 4
    for col, head in enumerate(["Nhiệm vụ", "Cơ quan chủ trì", "Kỳ", "Tình trạng", "Chậm"], start=1):
        ws.cell(row=row, column=col, value=head).font = bold
    for d in tasks.due:
        row += 1
        for col, value in enumerate([d.task.title, d.task.lead, d.period_label, d.status_label,
                                     "Chậm" if d.late else ""], start=1):
            ws.cell(row=row, column=col, value=value)
    row += 2
    for col, head in enumerate(["Loại hoạt động", "Số hoạt động", "Số lớp, buổi, số", "Lượt người tham dự",
                                "Trong đó nữ", "HTX, THT"], start=1):
        ws.cell(row=row, column=col, value=head).font = bold
    for k in tasks.kinds:
        row += 1
        for col, value in enumerate([k.label, k.count, k.sessions, k.participants, k.women, k.cooperatives], start=1):
            ws.cell(row=row, column=col, value=value)
    row += 2
    for col, head in enumerate(["Nguồn kinh phí", "Dự kiến (đồng)", "Đã sử dụng (đồng)"], start=1):
        ws.cell(row=row, column=col, value=head).font = bold
    for b in tasks.budget:
        row += 1
        for col, value in enumerate([b["label"], int(b["planned"]), int(b["spent"])], start=1):
            ws.cell(row=row, column=col, value=value)
    for letter, size in zip("ABCDEF", [70, 30, 18, 18, 14, 10]):
        ws.column_dimensions[letter].width = size


@in_vietnamese
def progress_csv(progress):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in progress_rows(progress):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the Vietnamese


def filename(progress, ext):
    return f"tien-do-{progress.area.code}-{progress.milestone}.{ext}"


def export_progress(progress, fmt):
    """(filename, mimetype, bytes) of the progress in the format asked ("xlsx" or "csv")."""
    fmt = (fmt or "").lower()
    if fmt == "xlsx":
        return filename(progress, "xlsx"), XLSX_MIME, progress_xlsx(progress)
    if fmt == "csv":
        return filename(progress, "csv"), CSV_MIME, progress_csv(progress)
    raise ValueError(f"Định dạng “{fmt}” không hỗ trợ (xlsx hoặc csv)")
