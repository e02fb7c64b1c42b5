"""Spreadsheet import of report figures (DOMAIN.md §7, `import_submissions`).

One row per area, period and indicator:

    Mã đơn vị | Kỳ báo cáo | Mã chỉ tiêu | Giá trị | Tử số | Mẫu số

- ``Mã đơn vị``: a GSO code ("VN", 2-digit province, 3-digit district, 5-digit commune). The
  unit meant is the one with that code valid on the period's last day (DOMAIN.md §6, the rule
  of ``Area.resolve(code, on=period.ends_on)``). Excel turns "06040" into the number 6040;
  a *numeric* cell is padded back by size — more than 999 → 5 digits (a commune), 100–999 →
  3 digits (a district), below 100 → 2 digits (a province). This is a guess: a commune whose
  code is below 1000 ("00004") typed as a number reads as a province ("04"); such cells must be
  formatted as text. A text cell of 1 or 4 digits (no code has that length) is padded the same way.
- ``Kỳ báo cáo``: "2024", "2025-H1", "6 tháng đầu năm 2025", "Năm 2024" (any case, with or
  without diacritics; a numeric 2024 is fine).
- ``Mã chỉ tiêu``: an Indicator code; a count takes ``Giá trị``, a ratio ``Tử số`` + ``Mẫu số``
  (whole numbers, not negative; numerator ≤ denominator; denominator > 0).

The layout is read with portal.spreadsheet_reading, as the cooperative import is (title rows
above the header, any column order, headers compared without case/diacritics/NFC differences,
Excel row numbers).

All or nothing: every bad row is listed ("Sheet 'X', dòng N, cột 'Y': reason") and nothing is
written. Writes are bulk (a fixed number of queries per chunk of rows).

Status rules (``status`` = the status the file's reports get, approved by default):
- a new report is created with that status, its submission (and approval) times set to the
  period's last day at noon (never later than now), and a ReportTransition recording the import;
- an existing report's values are created/updated from the file; values the file does not
  mention are left alone; a report whose values do not change is "unchanged";
- an *approved* report may be overwritten by an approved import (the administrator's historical
  load); the change is kept as a ReportTransition approved → approved with a comment;
- a report in draft / submitted / returned state (a unit's own work in progress) is never
  overwritten: if the file would change its values or its status, that row is an error;
- a submitted import never overwrites an approved report's values (error) and never moves an
  approved report back to "submitted" (identical values: unchanged).
"""
import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plans.models import Indicator, Plan
from portal import dataversion
from portal.db import analyze
from portal.models import Area
from portal.spreadsheet_reading import (
    Counts, Invalid, NotAWorkbook, RowChecker, RowError, chunks, header_index, read_sheet, is_blank, open_workbook,
    parse_count,
)
from portal.spreadsheet_limits import NO_DATA_ROWS
from portal.text import nfc, nfkc, search_key
from reporting import sums as province_sums
from reporting.models import Period, ProvinceSum, ProvinceSumState, Report, ReportTransition, ReportValue, due_date

S = Report.Status
BATCH = 1000
PROGRESS_EVERY = 200  # rows between two on_progress calls
HISTORY_COMMENT = "Nhập dữ liệu lịch sử"
SUBMITTED_COMMENT = "Nhập dữ liệu từ tệp Excel (chờ duyệt)"
UPDATE_COMMENT = "Cập nhật số liệu lịch sử từ tệp Excel"
IMPORT_STATUSES = (S.APPROVED, S.SUBMITTED)
BAD = object()  # a cell that did not parse (its error is already listed)

# (key, header as in DOMAIN.md §7, other spellings accepted)
COLUMNS = [
    ("area", "Mã đơn vị", ["Mã ĐV", "Mã đơn vị hành chính", "Mã ĐVHC", "Mã địa bàn"]),
    ("period", "Kỳ báo cáo", ["Kỳ", "Kỳ BC"]),
    ("indicator", "Mã chỉ tiêu", ["Mã CT", "Chỉ tiêu (mã)"]),
    ("value", "Giá trị", ["Số liệu", "Số lượng"]),
    ("numerator", "Tử số", []),
    ("denominator", "Mẫu số", []),
]
HEADERS = {key: header for key, header, _ in COLUMNS}
_INDEX = header_index(COLUMNS)
REQUIRED = ["area", "period", "indicator", ("value", "numerator")]


# ---------------------------------------------------------------------------------------
# Cell parsing (each returns a value or raises Invalid with the Vietnamese reason)

def area_code(value):
    """A GSO code from a cell: "VN", "20", "178", "06040"; numbers padded by size (see above).
    Returns (code, note) where note explains a padding that was guessed."""
    if isinstance(value, bool):
        raise Invalid(f"“{value}” không phải là mã đơn vị")
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid(f"“{value}” không phải là mã đơn vị")
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise Invalid(f"“{value}” không phải là mã đơn vị")
        width = 5 if value > 999 else 3 if value >= 100 else 2
        code, note = str(value).zfill(width), ""
        if code != str(value):
            note = f"ô dạng số {value} được hiểu là mã “{code}”"
    else:
        code, note = re.sub(r"\s+", "", nfkc(value)).upper(), ""
        if code.isdigit() and len(code) in (1, 4):
            padded = code.zfill(2 if len(code) == 1 else 5)
            code, note = padded, f"mã “{code}” được hiểu là “{padded}”"
    if not (code == "VN" or (code.isdigit() and len(code) in (2, 3, 5))):
        raise Invalid(f"mã đơn vị “{nfc(value)}” không đúng dạng (VN, 2 chữ số cho tỉnh, 3 cho huyện, 5 cho xã)")
    return code, note


_PERIOD_PATTERNS = [
    (re.compile(r"^(?:nam|bao cao nam|ca nam)?\s*(\d{4})$"), ""),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*h1$"), "-H1"),
    (re.compile(r"^h1\s*[-/ ]?\s*(?:nam\s*)?(\d{4})$"), "-H1"),
    (re.compile(r"^(?:bao cao\s*)?(?:6|sau) thang(?: dau)?(?: nam)?\s*[-/ ]?\s*(\d{4})$"), "-H1"),
]


def period_code(value):
    """"2024" / 2024 / "Năm 2024" → "2024"; "2025-H1" / "6 tháng đầu năm 2025" → "2025-H1"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        raise Invalid(f"kỳ báo cáo “{value}” không hiểu")
    key = re.sub(r"\s+", " ", search_key(value)).strip()
    for pattern, suffix in _PERIOD_PATTERNS:
        match = pattern.match(key)
        if match:
            return f"{match[1]}{suffix}"
    raise Invalid(f"kỳ báo cáo “{nfc(value)}” không hiểu (ghi 2024, 2025-H1, “6 tháng đầu năm 2025” "
                  f"hoặc “Năm 2024”)")


def indicator_code(value):
    return re.sub(r"\s+", "", nfkc(value)).upper()


# ---------------------------------------------------------------------------------------
# Reading

@dataclass
class Sheet:
    title: str
    header_row: int | None
    columns: dict
    rows: list


def read_rows(path_or_file, errors):
    """The sheet holding the figures (the first one whose header row is found) and its rows."""
    try:
        wb = open_workbook(path_or_file)
    except NotAWorkbook as exc:
        errors.append(RowError("?", 1, "", str(exc)))
        return None
    try:
        worksheets = list(wb.worksheets)
        for ws in worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # files written by other tools often carry a wrong size
        first = None
        for ws in worksheets:
            sheet_errors = []
            sheet = read_sheet(ws, COLUMNS, _INDEX, REQUIRED, sheet_errors)
            if first is None:
                first = (sheet, sheet_errors)
            if sheet.header_row is not None:
                _check_ratio_columns(sheet, sheet_errors)
                if not sheet.rows:
                    sheet_errors.append(RowError(sheet.title, sheet.header_row + 1, HEADERS["area"], NO_DATA_ROWS))
                errors.extend(sheet_errors)
                return sheet
        if first is None:
            errors.append(RowError("?", 1, HEADERS["area"], "tệp không có sheet nào"))
            return None
        errors.extend(first[1])
        return first[0]
    finally:
        wb.close()


def _check_ratio_columns(sheet, errors):
    present = set(sheet.columns)
    for key, other in (("numerator", "denominator"), ("denominator", "numerator")):
        if key in present and other not in present:
            errors.append(RowError(sheet.title, sheet.header_row, HEADERS[other],
                                   f"thiếu cột (cột “{HEADERS[key]}” cần đi cùng cột “{HEADERS[other]}”)"))


# ---------------------------------------------------------------------------------------
# Validation

@dataclass
class Row:
    row: int
    area: Area
    period: Period
    indicator: Indicator
    value: int | None
    numerator: int | None
    denominator: int | None

    @property
    def figure(self):
        return (self.value, self.numerator, self.denominator)


def _load_areas(codes):
    by_code = {}
    for chunk in chunks(sorted(codes)):
        for a in Area.objects.filter(code__in=chunk).only(
                "id", "code", "name", "level", "path", "valid_from", "valid_to"):
            by_code.setdefault(a.code, []).append(a)
    for units in by_code.values():
        units.sort(key=lambda a: (a.level, a.code, a.valid_from or datetime.date.min))
    return by_code


def _unit_on(units, code, day, note):
    """The unit with the code valid on the day (Area.resolve(code, on=day), without a query)."""
    hint = f" ({note}; nếu không đúng, hãy định dạng cột “{HEADERS['area']}” là văn bản)" if note else ""
    if not units:
        raise Invalid(f"không có đơn vị hành chính mã {code}{hint}")
    valid = [u for u in units if u.exists_on(day)]
    if valid:
        return valid[0]
    if all(u.valid_to is not None and u.valid_to < day for u in units):
        last = max(u.valid_to for u in units)
        raise Invalid(f"đơn vị mã {code} không còn tồn tại ngày {day:%d/%m/%Y} "
                      f"(hết hiệu lực từ {last + datetime.timedelta(days=1):%d/%m/%Y}){hint}")
    first = min(u.valid_from for u in units if u.valid_from is not None and u.valid_from > day)
    raise Invalid(f"đơn vị mã {code} chưa tồn tại ngày {day:%d/%m/%Y} (có từ {first:%d/%m/%Y}){hint}")


def _validate(sheet, errors):
    present = set(sheet.columns)
    parsed = []
    area_codes = set()
    for number, raw in sheet.rows:
        row = RowChecker(sheet.title, number, raw, HEADERS)
        err, get, row_errors = row.err, row.get, row.errors

        code = get("area", area_code, "thiếu mã đơn vị")
        period = get("period", period_code, "thiếu kỳ báo cáo")
        indicator = get("indicator", indicator_code, "thiếu mã chỉ tiêu")
        numbers = {}
        for key in ("value", "numerator", "denominator"):
            if key in present and not is_blank(raw.get(key)):
                try:
                    numbers[key] = parse_count(raw[key])
                except Invalid as exc:
                    err(key, str(exc))
                    numbers[key] = BAD
        if code:
            area_codes.add(code[0])
        parsed.append((number, raw, code, period, indicator, numbers, row_errors))
    return parsed, area_codes


def _check(sheet, parsed, areas, periods, indicators, errors, within=None, on_progress=None):
    present = set(sheet.columns)
    rows, seen = [], {}
    for i, (number, raw, code, period_key, indicator_key, numbers, row_errors) in enumerate(parsed):
        if on_progress and i % PROGRESS_EVERY == 0:
            on_progress(i, len(parsed))
        def err(key, reason):
            row_errors.append(RowError(sheet.title, number, HEADERS[key], reason))  # noqa: B023 - called within this iteration

        period = indicator = area = None
        if period_key:
            period = periods.get(period_key)
            if period is None:
                years = sorted({p.year for p in periods.values()})
                span = f" (có các năm {years[0]}–{years[-1]})" if years else ""
                err("period", f"không có kỳ báo cáo “{nfc(raw['period'])}”{span}")
        if indicator_key:
            indicator = indicators.get(indicator_key)
            if indicator is None:
                err("indicator", f"không có chỉ tiêu mã “{indicator_key}”")
        if code and period:
            try:
                area = _unit_on(areas.get(code[0], []), code[0], period.ends_on, code[1])
            except Invalid as exc:
                err("area", str(exc))
            if area is not None and within is not None and not area.lies_in(within):
                err("area", f"đơn vị mã {area.code} ({area.name}) nằm ngoài địa bàn của bạn ({within.name})")
                area = None
        value = numerator = denominator = None
        if indicator is not None:
            given = set(numbers)
            if indicator.kind == Indicator.Kind.RATIO:
                if "value" in given:
                    err("value", f"chỉ tiêu {indicator.code} là tỷ lệ: ghi tử số và mẫu số, không ghi giá trị")
                elif "numerator" not in present:
                    err("numerator", f"chỉ tiêu {indicator.code} là tỷ lệ: tệp cần cột “{HEADERS['numerator']}” "
                                     f"và cột “{HEADERS['denominator']}”")
                else:
                    for key in ("numerator", "denominator"):
                        if key not in given:
                            err(key, f"thiếu {HEADERS[key].lower()} (chỉ tiêu {indicator.code} là tỷ lệ)")
                    numerator, denominator = numbers.get("numerator"), numbers.get("denominator")
                    if BAD in (numerator, denominator) or None in (numerator, denominator):
                        numerator = denominator = None
                    elif denominator == 0:
                        err("denominator", "mẫu số phải lớn hơn 0")
                    elif numerator > denominator:
                        err("numerator", f"tử số ({numerator}) lớn hơn mẫu số ({denominator})")
            else:
                if "numerator" in given or "denominator" in given:
                    key = "numerator" if "numerator" in given else "denominator"
                    err(key, f"chỉ tiêu {indicator.code} là số lượng: ghi vào cột “{HEADERS['value']}”, "
                             f"không ghi tử số, mẫu số")
                elif "value" not in present:
                    err("value", f"chỉ tiêu {indicator.code} là số lượng: tệp cần cột “{HEADERS['value']}”")
                elif "value" not in given:
                    err("value", f"thiếu giá trị (chỉ tiêu {indicator.code})")
                value = numbers.get("value")
                if value is BAD:
                    value = None
        if area is not None and period is not None and indicator is not None:
            key = (area.pk, period.pk, indicator.pk)
            if key in seen:
                err("indicator", f"đơn vị {area.code}, kỳ {period.code}, chỉ tiêu {indicator.code} "
                                 f"đã có ở dòng {seen[key]} (mỗi đơn vị, kỳ, chỉ tiêu chỉ một dòng)")
            else:
                seen[key] = number
        row_errors.sort(key=lambda e: list(HEADERS.values()).index(e.column))
        errors.extend(row_errors)
        if not row_errors:
            rows.append(Row(number, area, period, indicator, value, numerator, denominator))
    return rows


# ---------------------------------------------------------------------------------------
# The import

@dataclass
class ImportResult:
    reports: Counts = field(default_factory=Counts)
    values: Counts = field(default_factory=Counts)
    errors: list = field(default_factory=list)
    dry_run: bool = False
    status: str = S.APPROVED
    report_ids: list = field(default_factory=list)
    # (Excel row, area code, area name, period code, indicator code, "created" | "updated") of
    # each value the file changes
    preview: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        return f"reports: {self.reports}; values: {self.values}"

    def as_dict(self, preview_rows=200, max_errors=500):
        """The counts, the first ``preview_rows`` values to change and the first ``max_errors``
        errors as JSON (a job's result; the browser's preview page reads either form)."""
        counts = lambda c: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}  # noqa: E731
        return {"ok": self.ok, "status": self.status, "reports": counts(self.reports),
                "values": counts(self.values),
                "errors": [{"sheet": e.sheet, "row": e.row, "column": e.column, "reason": e.reason}
                           for e in self.errors[:max_errors]],
                "error_count": len(self.errors), "preview": [list(p) for p in self.preview[:preview_rows]],
                "more": max(0, len(self.preview) - preview_rows)}


def import_submissions(path_or_file, *, dry_run=False, status=S.APPROVED, user=None, now=None, within=None,
                       on_progress=None):
    """Validates the whole file and writes it (all or nothing); returns an ImportResult.

    within: an Area; when given (an administrator's import in the browser), a row whose unit
    lies outside it is an error like any other.
    on_progress: called as ``on_progress(done, total)`` every PROGRESS_EVERY rows checked, then
    with (total, total) once the file is checked and once it is written (a job's progress bar)."""
    if status not in IMPORT_STATUSES:
        raise ValueError(f"status must be one of {IMPORT_STATUSES}")
    result = ImportResult(dry_run=dry_run, status=status)
    sheet = read_rows(path_or_file, result.errors)
    if result.errors or sheet is None:  # the layout itself is wrong: rows would only add noise
        return result
    parsed, codes = _validate(sheet, result.errors)
    periods = {p.code: p for p in Period.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    areas = _load_areas(codes)
    rows = _check(sheet, parsed, areas, periods, indicators, result.errors, within, on_progress)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    if on_progress:
        on_progress(len(parsed), len(parsed))
    with transaction.atomic():
        _apply(sheet, rows, result, status, user, now or timezone.now())
        if result.errors or dry_run:  # (nothing was written on errors; the row locks go)
            transaction.set_rollback(True)
        else:
            dataversion.bump("import_submissions")  # bulk writes send no signals
    if on_progress and not dry_run and result.ok:
        on_progress(len(parsed), len(parsed))
    if not (result.errors or dry_run):
        # the planner's statistics after a bulk load
        analyze(Report, ReportValue, ReportTransition, ProvinceSum, ProvinceSumState)
    return result


def _noon(day, now):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return min(moment, now)


def _apply(sheet, rows, result, status, user, now):
    plans = list(Plan.objects.select_related("area"))  # for the sent date of historical reports
    provinces = Area.province_validity()                # for each report's province in its year
    pairs = {(r.area.pk, r.period.pk) for r in rows}
    area_ids = sorted({a for a, _ in pairs})
    period_ids = sorted({p for _, p in pairs})
    existing = {}
    for chunk in chunks(area_ids):
        reports = (Report.objects.select_for_update(of=("self",)).select_related("area", "period").order_by()
                   .filter(area_id__in=chunk, period_id__in=period_ids))
        for report in reports:
            if (report.area_id, report.period_id) in pairs:
                existing[(report.area_id, report.period_id)] = report
    values = {}
    for chunk in chunks([r.pk for r in existing.values()]):
        for v in ReportValue.objects.filter(report_id__in=chunk):
            values[(v.report_id, v.indicator_id)] = v

    new_reports = {}       # (area id, period id) -> Report
    new_values = []        # ((area id, period id), ReportValue)
    changed_values = []
    changed_reports = {}   # report id -> Report (existing, values changed)
    unchanged_reports = set()
    for row in rows:
        pair = (row.area.pk, row.period.pk)
        report = existing.get(pair)
        value_fields = dict(value=row.value, numerator=row.numerator, denominator=row.denominator)
        if report is None:
            if pair not in new_reports:
                new_reports[pair] = _new_report(row, status, user, now, plans, provinces)
            new_values.append((pair, ReportValue(indicator=row.indicator, **value_fields)))
            result.values.created += 1
            result.preview.append(_preview(row, "created"))
            continue
        current = values.get((report.pk, row.indicator.pk))
        if current is not None and _same(current, row):
            result.values.unchanged += 1
            unchanged_reports.add(report.pk)
            continue
        refusal = _refusal(report, status)
        if refusal:
            result.errors.append(RowError(sheet.title, row.row, HEADERS["area"], refusal))
            continue
        if current is None:
            new_values.append((pair, ReportValue(report=report, indicator=row.indicator, **value_fields)))
            result.values.created += 1
            result.preview.append(_preview(row, "created"))
        else:
            for f, v in value_fields.items():
                setattr(current, f, v)
            changed_values.append(current)
            result.values.updated += 1
            result.preview.append(_preview(row, "updated"))
        changed_reports[report.pk] = report
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return
    # Status: an approved import of an existing draft/submitted/returned report whose values all
    # match still has to move its status: not silently — refuse.
    by_pk = {r.pk: r for r in existing.values()}
    first_row = {}
    for row in rows:
        first_row.setdefault((row.area.pk, row.period.pk), row.row)
    for pk in unchanged_reports - set(changed_reports):
        report = by_pk[pk]
        refusal = _refusal(report, status, values_change=False)
        if refusal:
            result.errors.append(RowError(sheet.title, first_row[(report.area_id, report.period_id)],
                                          HEADERS["area"], refusal))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return
    result.reports.created = len(new_reports)
    result.reports.updated = len(changed_reports)
    result.reports.unchanged = len(set(existing) - {(r.area_id, r.period_id) for r in changed_reports.values()}
                                   - {p for p in new_reports})
    if result.dry_run:
        return

    if new_reports:
        objs = list(new_reports.values())
        Report.objects.bulk_create(objs, batch_size=BATCH)
        if any(r.pk is None for r in objs):  # no RETURNING on this database: read them back
            by_pair = {}
            for chunk in chunks(sorted({r.area_id for r in objs})):
                for r in Report.objects.filter(area_id__in=chunk, period_id__in=period_ids):
                    by_pair[(r.area_id, r.period_id)] = r
            for pair, r in new_reports.items():
                r.pk = by_pair[pair].pk
        comment = HISTORY_COMMENT if status == S.APPROVED else SUBMITTED_COMMENT
        ReportTransition.objects.bulk_create(
            [ReportTransition(report=r, from_status="", to_status=status, by=user, comment=comment) for r in objs],
            batch_size=BATCH)
    for pair, v in new_values:
        if v.report_id is None:
            v.report = new_reports[pair]
    if new_values:
        ReportValue.objects.bulk_create([v for _, v in new_values], batch_size=BATCH)
    if changed_values:
        ReportValue.objects.bulk_update(changed_values, ["value", "numerator", "denominator"], batch_size=BATCH)
    if changed_reports:
        ids = list(changed_reports)
        for chunk in chunks(ids):
            Report.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now, updated_by=user)
        ReportTransition.objects.bulk_create(
            [ReportTransition(report=r, from_status=r.status, to_status=r.status, by=user, comment=UPDATE_COMMENT)
             for r in changed_reports.values()], batch_size=BATCH)
    # the national sums of the provinces and periods written (rebuilt once this commits)
    province_sums.changed((r.period_id, r.province_id) for r in [*new_reports.values(), *changed_reports.values()])
    result.report_ids = sorted([r.pk for r in new_reports.values()] + list(changed_reports))


def _preview(row, action):
    return (row.row, row.area.code, row.area.name, row.period.code, row.indicator.code, action)


def _historical_sent_day(area, period, plans):
    """A historical report counts as sent on time: on the earliest of the close of its data
    window (Nghị định 09/2019: 14/6, 14/12) and the due dates of the plans covering the area."""
    dues = [due_date(plan, period) for plan in plans if area.lies_in(plan.area)]
    return min([period.data_to, *dues])


def _new_report(row, status, user, now, plans, provinces):
    sent = _noon(_historical_sent_day(row.area, row.period, plans), now)
    return Report(area=row.area, period=row.period, province_id=row.area.province_id,
                  period_province_id=row.area.province_id_in_year(row.period.year, provinces), status=status,
                  first_submitted_at=sent, submitted_at=sent,
                  approved_at=sent if status == S.APPROVED else None,
                  created_by=user, updated_by=user)


def _same(current, row):
    def eq(a, b):
        return (a is None and b is None) or (a is not None and b is not None and a == b)
    return eq(current.value, row.value) and eq(current.numerator, row.numerator) and eq(
        current.denominator, row.denominator)


def _refusal(report, status, values_change=True):
    """Why the file may not touch this existing report ('' when it may)."""
    if report.status == S.APPROVED:
        if status == S.APPROVED or not values_change:
            return ""
        return (f"báo cáo {report.period.label.lower()} của đơn vị mã {report.area.code} đã được duyệt; "
                f"không nhập đè bằng số liệu chờ duyệt (dùng --status approved nếu là số liệu lịch sử)")
    if not values_change and report.status == status:
        return ""
    return (f"báo cáo {report.period.label.lower()} của đơn vị mã {report.area.code} đang được đơn vị soạn/duyệt "
            f"(trạng thái: {report.get_status_display()}); không nhập đè")
