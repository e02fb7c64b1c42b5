"""Spreadsheet import of the cooperative registry (DOMAIN.md §7, `import_cooperatives`).

Plain functions, no views:

- ``read_workbook(path_or_file)`` finds the two sheets and their header rows and returns the
  raw rows (cell values keyed by column), tolerant of title rows, merged cells, blank rows,
  any column order and unknown columns;
- ``import_cooperatives(path_or_file, dry_run=False)`` validates every row against the map
  and the registry, and, only when there is no error at all, writes everything in one
  transaction with a fixed number of queries per thousand rows (bulk loads, bulk writes,
  history kept through simple_history's bulk helpers).

Reading cells and sheets (header search, numbers, dates, yes/no) is portal.spreadsheet_reading,
shared with reporting.importer.

Identity: a cooperative by its registration code, a manager by (cooperative code, full name,
role). A column present in the file is the truth for its field (a blank cell empties a
nullable field; a blank OCOP cell means no OCOP product); a column absent from the file
leaves the field alone. Workforce goes to the current year's row. "Đã qua đào tạo: Có"
attaches the manager to one training per commune named TRAINING_TITLE (only added, never
removed; a manager who attended any training already counts as trained).
"""
import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cooperatives import rules, services
from cooperatives.models import Cooperative, Manager, OcopProduct, Training, Workforce
from portal.db import analyze
from portal.models import Area
from portal.spreadsheet_reading import (
    Counts, Invalid, NotAWorkbook, RowChecker, RowError, SheetRows, chunks, compact, header_index, is_blank,
    open_workbook, parse_bool, parse_code, parse_count, parse_date, parse_text, read_sheet,
)
from portal.spreadsheet_limits import NO_DATA_ROWS
from portal.text import nfc, search_key

MANAGER_SHEET = "Cán bộ quản lý"
TRAINING_TITLE = "Đào tạo ghi nhận qua nhập dữ liệu"
TRAINING_ORGANISER = "Hội LHPN (ghi nhận khi nhập dữ liệu)"
CHANGE_REASON = "Nhập dữ liệu từ tệp Excel"
BATCH = 1000
PROGRESS_EVERY = 200  # rows between two on_progress calls

# (key, header as in DOMAIN.md §7, other spellings accepted)
COOP_COLUMNS = [
    ("code", "Mã số HTX", ["Mã HTX", "Mã số thuế", "Mã số HTX/THT", "Mã số đăng ký"]),
    ("name", "Tên HTX/THT", ["Tên HTX", "Tên THT", "Tên hợp tác xã", "Tên HTX, THT"]),
    ("kind", "Loại hình", ["Loại hình HTX"]),
    ("commune_code", "Mã xã/phường", ["Mã xã", "Mã xã, phường", "Mã xã/phường/đặc khu"]),
    ("province", "Tỉnh/Thành phố", ["Tỉnh", "Tỉnh/TP", "Tỉnh, thành phố"]),
    ("commune", "Xã/Phường", ["Xã", "Xã, phường", "Xã/Phường/Đặc khu", "Xã/phường/thị trấn"]),
    ("founded_on", "Ngày thành lập", []),
    ("sector", "Lĩnh vực", ["Lĩnh vực hoạt động", "Ngành nghề"]),
    ("hoi_supported", "Hội hỗ trợ thành lập", ["Hội LHPN hỗ trợ thành lập"]),
    ("members", "Tổng số thành viên", ["Số thành viên"]),
    ("female_members", "Thành viên nữ", ["Số thành viên nữ"]),
    ("workers", "Tổng số lao động", ["Số lao động"]),
    ("female_workers", "Lao động nữ", ["Số lao động nữ"]),
    ("ocop", "Sản phẩm OCOP", ["OCOP", "Sản phẩm OCOP (số sao)"]),
]
MANAGER_COLUMNS = [
    ("code", "Mã số HTX", ["Mã HTX", "Mã số thuế", "Mã số HTX/THT"]),
    ("full_name", "Họ và tên", ["Họ tên", "Họ và tên cán bộ"]),
    ("gender", "Giới tính", []),
    ("birth_year", "Năm sinh", []),
    ("role", "Chức vụ", ["Chức danh"]),
    ("trained", "Đã qua đào tạo", ["Đã được đào tạo", "Đã đào tạo", "Đào tạo, bồi dưỡng"]),
]
HEADERS = {key: header for key, header, _ in COOP_COLUMNS}
MANAGER_HEADERS = {key: header for key, header, _ in MANAGER_COLUMNS}
WORKFORCE_KEYS = ["members", "female_members", "workers", "female_workers"]

KIND_CHOICES = [("HTX", "HTX"), ("THT", "THT"), ("LHHTX", "Liên hiệp HTX")]
YES_NO = ["Có", "Không"]
GENDERS = ["Nữ", "Nam"]


# ---------------------------------------------------------------------------------------
# The registry's own values (kind, sector, role, gender, OCOP products)

def _aliases(pairs):
    out = {}
    for code, names in pairs:
        for name in names:
            out[compact(name)] = code
    return out


_KINDS = _aliases([
    (Cooperative.Kind.HTX, ["HTX", "Hợp tác xã"]),
    (Cooperative.Kind.THT, ["THT", "Tổ hợp tác", "Tổ HT"]),
    (Cooperative.Kind.LHHTX, ["Liên hiệp HTX", "LHHTX", "Liên hiệp hợp tác xã", "LH HTX"]),
])


def parse_kind(value):
    kind = _KINDS.get(compact(value))
    if kind is None:
        raise Invalid(f"loại hình “{nfc(value)}” không có (HTX, THT hoặc Liên hiệp HTX)")
    return kind


def _sector_aliases():
    pairs = []
    for sector in Cooperative.Sector:
        label = str(sector.label)
        names = [label, sector.value, *label.split(",")]
        pairs.append((sector.value, names))
    pairs.append((Cooperative.Sector.AGRICULTURE.value, ["Nông nghiệp, nông thôn", "Trồng trọt", "Chăn nuôi"]))
    pairs.append((Cooperative.Sector.FISHERY.value, ["Thủy hải sản", "Nuôi trồng thủy sản", "Thuỷ sản"]))
    pairs.append((Cooperative.Sector.HANDICRAFT.value, ["Tiểu thủ công nghiệp", "TTCN", "Thủ công mỹ nghệ"]))
    pairs.append((Cooperative.Sector.CREDIT.value, ["Quỹ tín dụng nhân dân"]))
    pairs.append((Cooperative.Sector.TRADE.value, ["Dịch vụ tổng hợp"]))
    return _aliases(pairs)


_SECTORS = _sector_aliases()


def parse_sector(value):
    key = compact(value)
    sector = _SECTORS.get(key)
    if sector is None and len(key) >= 4:  # "Nông nghiệp và phát triển nông thôn", "Tiểu thủ công"
        found = {code for alias, code in _SECTORS.items() if len(alias) >= 4 and (
            alias.startswith(key) or key.startswith(alias))}
        if len(found) == 1:
            sector = found.pop()
    if sector is None:
        labels = ", ".join(str(s.label) for s in Cooperative.Sector)
        raise Invalid(f"lĩnh vực “{nfc(value)}” không có trong danh mục ({labels})")
    return sector


_ROLES = _aliases([
    (rules.CHU_TICH_HDQT, ["Chủ tịch HĐQT", "Chủ tịch Hội đồng quản trị", "CT HĐQT", "Chủ tịch"]),
    (rules.THANH_VIEN_HDQT, ["Thành viên HĐQT", "Thành viên Hội đồng quản trị", "Ủy viên HĐQT",
                             "Uỷ viên HĐQT", "Ủy viên Hội đồng quản trị", "TV HĐQT", "Phó Chủ tịch HĐQT"]),
    (rules.GIAM_DOC, ["Giám đốc", "GĐ"]),
    (rules.TONG_GIAM_DOC, ["Tổng giám đốc", "TGĐ"]),
    (rules.THANH_VIEN_BKS, ["Thành viên Ban kiểm soát", "Thành viên BKS", "TV BKS", "Trưởng Ban kiểm soát",
                            "Trưởng BKS", "Ban kiểm soát"]),
    (rules.KIEM_SOAT_VIEN, ["Kiểm soát viên", "KSV"]),
    (rules.TO_TRUONG_THT, ["Tổ trưởng THT", "Tổ trưởng", "Tổ trưởng tổ hợp tác"]),
    *[(code, [label, code]) for code, label in rules.ROLES],
])


def parse_role(value):
    role = _ROLES.get(compact(value))
    if role is None:
        raise Invalid(f"chức vụ “{nfc(value)}” không có ({', '.join(label for _, label in rules.ROLES)})")
    return role


_GENDERS = _aliases([(rules.FEMALE, ["Nữ", "F", "Female"]), (rules.MALE, ["Nam", "M", "Male"])])


def parse_gender(value):
    gender = _GENDERS.get(compact(value))
    if gender is None:
        raise Invalid(f"giới tính “{nfc(value)}” không hiểu: ghi Nữ hoặc Nam")
    return gender


_OCOP_ITEM = re.compile(r"^(?P<name>.*?)[\s(\[\-–:,]*(?P<stars>\d)\s*(sao|\*|★)[\s)\]]*$", re.IGNORECASE)


def parse_ocop(value):
    """ "Miến dong (4 sao); Trà hoa vàng (3 sao)" -> [("Miến dong", 4), ("Trà hoa vàng", 3)]."""
    products, seen = [], set()
    text = value if isinstance(value, str) else str(value)
    for item in re.split(r"[;\n\r]+", text):
        item = nfc(item)
        if not item:
            continue
        match = _OCOP_ITEM.match(item)
        if not match or not nfc(match["name"]):
            raise Invalid(f"sản phẩm “{item}”: ghi tên và số sao, ví dụ “Miến dong (4 sao)”")
        name, stars = nfc(match["name"]), int(match["stars"])
        if not 3 <= stars <= 5:
            raise Invalid(f"sản phẩm “{name}”: OCOP chỉ có từ 3 đến 5 sao")
        if len(name) > 200:
            raise Invalid(f"tên sản phẩm “{name[:40]}…” quá dài (tối đa 200 ký tự)")
        if name.casefold() in seen:
            raise Invalid(f"sản phẩm “{name}” ghi hai lần")
        seen.add(name.casefold())
        products.append((name, stars))
    return products


# ---------------------------------------------------------------------------------------
# Reading the workbook

@dataclass
class WorkbookRows:
    cooperatives: SheetRows | None
    managers: SheetRows | None
    errors: list = field(default_factory=list)


_COOP_INDEX = header_index(COOP_COLUMNS)
_MANAGER_INDEX = header_index(MANAGER_COLUMNS)


def _is_manager_sheet(title):
    key = compact(title)
    return key == compact(MANAGER_SHEET) or ("canbo" in key and "quanly" in key) or key in {"quanly", "canbo"}


def read_workbook(path_or_file):
    """Both sheets' rows; structural problems (no header row, a missing column) as errors."""
    try:
        wb = open_workbook(path_or_file)
    except NotAWorkbook as exc:
        return WorkbookRows(None, None, [RowError("?", 1, "", str(exc))])
    try:
        errors = []
        worksheets = list(wb.worksheets)
        for ws in worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # files written by other tools often carry a wrong size
        manager_ws = next((ws for ws in worksheets if _is_manager_sheet(ws.title)), None)
        coop_ws = next((ws for ws in worksheets if ws is not manager_ws), None)
        if coop_ws is None:
            errors.append(RowError(worksheets[0].title if worksheets else "?", 1, HEADERS["code"],
                                   "tệp không có sheet danh sách HTX/THT"))
            return WorkbookRows(None, None, errors)
        coops = read_sheet(coop_ws, COOP_COLUMNS, _COOP_INDEX,
                            ["code", "name", "kind", ("commune_code", "commune")], errors)
        managers = None
        if manager_ws is not None:
            managers = read_sheet(manager_ws, MANAGER_COLUMNS, _MANAGER_INDEX,
                                   ["code", "full_name", "gender", "role"], errors)
        return WorkbookRows(coops, managers, errors)
    finally:
        wb.close()


# ---------------------------------------------------------------------------------------
# The map, loaded once

def _strip_prefix(key, prefixes):
    for prefix in prefixes:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1:]
    return key


COMMUNE_PREFIXES = ("thi tran", "dac khu", "phuong", "xa")
PROVINCE_PREFIXES = ("thanh pho", "tinh", "tp.", "tp")


def _name_key(text, prefixes):
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9. ]", " ", search_key(text))).strip()
    return _strip_prefix(key, prefixes).replace(".", "").strip()


class MapIndex:
    """Current provinces and communes in dicts: by code, and by name key with/without prefix."""

    def __init__(self, day=None):
        current = Area.objects.current_map(day)
        self.provinces = {}
        for pk, name in current.filter(level=Area.Level.PROVINCE).values_list("pk", "name"):
            self.provinces.setdefault(_name_key(name, PROVINCE_PREFIXES), []).append((pk, name))
        self.by_code, self.by_full, self.by_short = {}, {}, {}
        self.names = {}
        for pk, code, name, parent in current.filter(level=Area.Level.COMMUNE).values_list(
                "pk", "code", "name", "parent_id"):
            self.by_code[code] = pk
            self.names[pk] = (code, name)
            full = re.sub(r"\s+", " ", search_key(name)).strip()
            self.by_full.setdefault(full, []).append((parent, pk))
            self.by_short.setdefault(_name_key(name, COMMUNE_PREFIXES), []).append((parent, pk))

    def province(self, text):
        found = self.provinces.get(_name_key(text, PROVINCE_PREFIXES), [])
        if not found:
            raise Invalid(f"không có tỉnh/thành phố “{nfc(text)}” trên bản đồ hiện hành")
        return found[0][0]

    def commune_by_code(self, value):
        code = parse_code(value)
        if code.isdigit() and len(code) < 5:
            code = code.zfill(5)
        pk = self.by_code.get(code)
        if pk is None:
            raise Invalid(f"không có xã/phường mã “{code}” trên bản đồ hiện hành")
        return pk

    def commune_by_name(self, text, province=None):
        full = re.sub(r"\s+", " ", search_key(text)).strip()
        candidates = [pk for parent, pk in self.by_full.get(full, []) if province in (None, parent)]
        if not candidates:
            short = _name_key(text, COMMUNE_PREFIXES)
            candidates = [pk for parent, pk in self.by_short.get(short, []) if province in (None, parent)]
        if not candidates:
            where = " trong tỉnh/thành phố đã ghi" if province else ""
            raise Invalid(f"không có xã/phường “{nfc(text)}”{where} trên bản đồ hiện hành")
        if len(candidates) > 1:
            listed = ", ".join(f"{self.names[pk][1]} ({self.names[pk][0]})" for pk in candidates[:6])
            hint = "ghi mã xã/phường" if province else "ghi thêm tỉnh/thành phố hoặc mã xã/phường"
            raise Invalid(f"tên xã/phường “{nfc(text)}” không rõ, trùng {len(candidates)} đơn vị: {listed}; "
                          f"hãy {hint}")
        return candidates[0]


# ---------------------------------------------------------------------------------------
# Validation of rows

@dataclass
class CoopRow:
    row: int
    code: str
    values: dict            # model field -> value (only the fields the file sets)
    workforce: tuple | None  # (members, female_members, workers, female_workers)
    ocop: list | None        # [(name, stars)] or None when the column is absent


@dataclass
class ManagerRow:
    row: int
    code: str
    full_name: str
    gender: str
    role: str
    birth_year: int | None
    set_birth_year: bool
    trained: bool


def _validate_coops(sheet, geo, errors, today, on_progress=None):
    out, seen = [], {}
    present = set(sheet.columns)
    total = len(sheet.rows)
    for i, (number, raw) in enumerate(sheet.rows):
        if on_progress and i % PROGRESS_EVERY == 0:
            on_progress(i, total)
        row = RowChecker(sheet.title, number, raw, HEADERS)
        err, get, row_errors = row.err, row.get, row.errors

        values = {}
        code = get("code", parse_code)
        if not code:
            err("code", "thiếu mã số HTX")
        elif code in seen:
            err("code", f"mã “{code}” đã có ở dòng {seen[code]} (mỗi HTX/THT chỉ một dòng)")
        else:
            seen[code] = number
        name = get("name", parse_text)
        if not name:
            err("name", "thiếu tên HTX/THT")
        elif len(name) > 255:
            err("name", "tên quá dài (tối đa 255 ký tự)")
        values["name"] = name
        kind = get("kind", parse_kind)
        if is_blank(raw.get("kind")):
            err("kind", "thiếu loại hình (HTX, THT hoặc Liên hiệp HTX)")
        values["kind"] = kind
        if code and kind and rules.registration_code_error(code, kind):
            err("code", rules.registration_code_error(code, kind))
        # the commune: by code, or by name within the province
        commune = None
        if not is_blank(raw.get("commune_code")):
            commune = get("commune_code", geo.commune_by_code)
        elif not is_blank(raw.get("commune")):
            province = None
            if not is_blank(raw.get("province")):
                province = get("province", geo.province)
                if province is None:
                    province = False  # unknown province: no commune lookup
            if province is not False:
                commune = get("commune", lambda v: geo.commune_by_name(v, province))  # noqa: B023 - called within this iteration
        else:
            col = "commune_code" if "commune_code" in present and "commune" not in present else "commune"
            err(col, "thiếu xã/phường (ghi mã xã/phường, hoặc tỉnh/thành phố và tên xã/phường)")
        values["commune_id"] = commune
        if "founded_on" in present:
            founded = get("founded_on", parse_date)
            if rules.founding_date_error(founded, today):
                err("founded_on", rules.founding_date_error(founded, today))
            values["founded_on"] = founded
        if "sector" in present:
            sector = get("sector", parse_sector)
            if sector:
                values["sector"] = sector
        if "hoi_supported" in present and not is_blank(raw.get("hoi_supported")):
            # a blank cell leaves what the registry knows; only "Không" clears it
            supported = raw.get("hoi_supported")
            try:
                values["hoi_supported_founding"] = parse_bool(supported)
            except Invalid as exc:
                err("hoi_supported", str(exc))
        workforce = None
        if any(k in present for k in WORKFORCE_KEYS):
            numbers = {k: get(k, parse_count) for k in WORKFORCE_KEYS}
            given = [k for k in WORKFORCE_KEYS if not is_blank(raw.get(k))]
            if given:
                for k in WORKFORCE_KEYS:
                    if k not in given:
                        err(k, "thiếu số liệu (ghi đủ tổng số thành viên, thành viên nữ, tổng số lao động, "
                               "lao động nữ; không có thì ghi 0)")
                if numbers["members"] is not None and numbers["female_members"] is not None \
                        and numbers["female_members"] > numbers["members"]:
                    err("female_members", f"số thành viên nữ ({numbers['female_members']}) lớn hơn tổng số "
                                          f"thành viên ({numbers['members']})")
                if numbers["workers"] is not None and numbers["female_workers"] is not None \
                        and numbers["female_workers"] > numbers["workers"]:
                    err("female_workers", f"số lao động nữ ({numbers['female_workers']}) lớn hơn tổng số "
                                          f"lao động ({numbers['workers']})")
                if all(numbers[k] is not None for k in WORKFORCE_KEYS):
                    workforce = tuple(numbers[k] for k in WORKFORCE_KEYS)
        ocop = None
        if "ocop" in present:
            ocop = [] if is_blank(raw.get("ocop")) else get("ocop", parse_ocop)
        errors.extend(row_errors)
        if not row_errors:
            out.append(CoopRow(number, code, values, workforce, ocop))
    return out, seen


def _validate_managers(sheet, known_codes, errors):
    out, seen = [], {}
    present = set(sheet.columns)
    for number, raw in sheet.rows:
        row = RowChecker(sheet.title, number, raw, MANAGER_HEADERS)
        err, get, row_errors = row.err, row.get, row.errors

        code = get("code", parse_code, "thiếu mã số HTX")
        if code and code not in known_codes:
            err("code", f"mã “{code}” không có trong sheet HTX của tệp, cũng không có trong cơ sở dữ liệu")
        full_name = get("full_name", parse_text, "thiếu họ và tên")
        if full_name and len(full_name) > 120:
            err("full_name", "họ và tên quá dài (tối đa 120 ký tự)")
        gender = get("gender", parse_gender, "thiếu giới tính (Nữ hoặc Nam)")
        role = get("role", parse_role, "thiếu chức vụ")
        birth_year = None
        if "birth_year" in present:
            birth_year = get("birth_year", parse_count)
            if birth_year is not None and not 1920 <= birth_year <= 2015:
                err("birth_year", f"năm sinh {birth_year} không hợp lệ (từ 1920 đến 2015)")
        trained = False
        if "trained" in present:
            try:
                trained = parse_bool(raw.get("trained"))
            except Invalid as exc:
                err("trained", str(exc))
        if code and full_name and role:
            key = (code, full_name.casefold(), role)
            if key in seen:
                err("full_name", f"cán bộ này với chức vụ này đã có ở dòng {seen[key]}")
            else:
                seen[key] = number
        errors.extend(row_errors)
        if not row_errors:
            out.append(ManagerRow(number, code, full_name, gender, role, birth_year,
                                  "birth_year" in present, trained))
    return out


# ---------------------------------------------------------------------------------------
# The import

@dataclass
class ImportResult:
    cooperatives: Counts = field(default_factory=Counts)
    managers: Counts = field(default_factory=Counts)
    errors: list = field(default_factory=list)
    dry_run: bool = False
    cooperative_ids: list = field(default_factory=list)
    # (Excel row, code, name, "created" | "updated") of each cooperative the file changes
    preview: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        return f"cooperatives: {self.cooperatives}; managers: {self.managers}"


def _load_existing(codes):
    coops = {}
    for chunk in chunks(codes):
        for coop in Cooperative.objects.filter(code__in=chunk):
            coops[coop.code] = coop
    return coops


def _by_cooperative(queryset, ids):
    out = []
    for chunk in chunks(ids):
        out.extend(queryset.filter(cooperative_id__in=chunk))
    return out


def import_cooperatives(path_or_file, dry_run=False, today=None, within=None, on_progress=None):
    """Validates the whole file and writes it (all or nothing); returns an ImportResult.

    within: an Area; when given (an administrator's import in the browser), every row must lie
    inside it: a commune outside it, or a registration code that belongs to a cooperative
    outside it, is an error like any other.
    on_progress: called as ``on_progress(done, total)`` every PROGRESS_EVERY cooperative rows
    checked, then with (total, total) once the file is checked and once it is written (a
    background job's progress bar)."""
    today = today or datetime.date.today()
    result = ImportResult(dry_run=dry_run)
    book = read_workbook(path_or_file)
    result.errors.extend(book.errors)
    if not result.errors and not book.cooperatives.rows and not (book.managers and book.managers.rows):
        result.errors.append(RowError(book.cooperatives.title, book.cooperatives.header_row + 1, HEADERS["code"],
                                      NO_DATA_ROWS))
    if result.errors:  # the layout itself is wrong (no header row, a missing column): rows would only add noise
        return result
    geo = MapIndex()
    coop_rows, file_codes = _validate_coops(book.cooperatives, geo, result.errors, today, on_progress)
    total = len(book.cooperatives.rows)
    manager_rows = []
    manager_codes = set()
    if book.managers is not None and book.managers.header_row is not None:
        manager_codes = {parse_code(raw["code"]) for _, raw in book.managers.rows if "code" in raw}
    existing = _load_existing(set(file_codes) | manager_codes)
    if book.managers is not None and book.managers.header_row is not None:
        manager_rows = _validate_managers(book.managers, set(file_codes) | set(existing), result.errors)
    if within is not None:
        _check_within(within, book, coop_rows, manager_rows, existing, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: (e.sheet != book.cooperatives.title, e.row))
        return result
    if on_progress:
        on_progress(total, total)
    _apply(coop_rows, manager_rows, existing, result, today, dry_run)
    if on_progress and not dry_run:
        on_progress(total, total)
    return result


def _check_within(area, book, coop_rows, manager_rows, existing, errors):
    commune_ids = {r.values["commune_id"] for r in coop_rows if "commune_id" in r.values}
    commune_ids |= {c.commune_id for c in existing.values()}
    outside = {c.pk for c in Area.objects.filter(pk__in=commune_ids).only("path") if not c.lies_in(area)}
    if not outside:
        return
    where = f"nằm ngoài địa bàn của bạn ({area.name})"
    column = HEADERS["commune_code"] if "commune_code" in book.cooperatives.columns else HEADERS["commune"]
    for r in coop_rows:
        if r.values.get("commune_id") in outside:
            errors.append(RowError(book.cooperatives.title, r.row, column, f"xã/phường {where}"))
        elif r.code in existing and existing[r.code].commune_id in outside:
            # another area's cooperative: refused without a word about it (as the form does)
            errors.append(RowError(book.cooperatives.title, r.row, HEADERS["code"],
                                   f"mã số “{r.code}” không dùng được"))
    for m in manager_rows:
        if m.code in existing and existing[m.code].commune_id in outside:
            errors.append(RowError(book.managers.title, m.row, MANAGER_HEADERS["code"],
                                   f"mã số “{m.code}” không dùng được"))


_COOP_FIELDS = ["name", "kind", "commune_id", "founded_on", "sector", "hoi_supported_founding",
                "founding_supported_on"]


@dataclass
class Changes:
    """What the file changes, worked out before anything is written (a dry run stops there)."""
    coop_for_code: dict                                     # code -> Cooperative (a new one has no pk yet)
    new_coops: list = field(default_factory=list)
    changed_coops: list = field(default_factory=list)
    wf_new: list = field(default_factory=list)              # (code, Workforce) for new coops
    wf_changed: list = field(default_factory=list)          # Workforce of existing coops
    ocop_new: list = field(default_factory=list)            # (code, OcopProduct)
    ocop_changed: list = field(default_factory=list)
    ocop_deleted: list = field(default_factory=list)        # pks
    managed_ids: set = field(default_factory=set)           # cooperatives whose managers the file lists
    mgr_new: list = field(default_factory=list)             # (code, Manager)
    mgr_changed: list = field(default_factory=list)
    to_train: list = field(default_factory=list)            # (commune_id, Manager)


def _apply(coop_rows, manager_rows, existing, result, today, dry_run):
    """Compares every row with the registry (counts and preview in result), then, unless
    dry_run, writes the differences in one transaction."""
    year = today.year
    now = timezone.now()
    workforce, ocop = _current_parts(existing, year)
    changes = Changes(coop_for_code=dict(existing))
    for row in coop_rows:
        _compare_cooperative(row, existing.get(row.code), workforce, ocop, changes, result, year, now)
    _compare_managers(manager_rows, changes, result)
    if dry_run:
        return
    _write(changes, coop_rows, result, today)


def _current_parts(existing, year):
    """The existing cooperatives' workforce row of the year ({coop id: Workforce}) and OCOP
    products ({coop id: {casefolded name: OcopProduct}})."""
    existing_ids = [c.pk for c in existing.values()]
    workforce = {w.cooperative_id: w for w in _by_cooperative(Workforce.objects.filter(year=year), existing_ids)}
    ocop = {}
    for product in _by_cooperative(OcopProduct.objects.all(), existing_ids):
        ocop.setdefault(product.cooperative_id, {})[product.name.casefold()] = product
    return workforce, ocop


def _compare_cooperative(row, coop, workforce, ocop, changes, result, year, now):
    """One cooperative row: its fields, the year's workforce and its OCOP products against
    the registry's (coop is None for a new code); counted as created, updated or unchanged."""
    is_new = coop is None
    if is_new:
        coop = Cooperative(code=row.code)
    before = {f: getattr(coop, f) for f in _COOP_FIELDS}
    for f, v in row.values.items():
        setattr(coop, f, v)
    if "hoi_supported_founding" in row.values:
        if coop.hoi_supported_founding:
            if coop.founding_supported_on is None and coop.founded_on:
                coop.founding_supported_on = coop.founded_on
        else:
            coop.founding_supported_on = None
    coop.search_name = search_key(coop.name)
    changed = is_new or any(getattr(coop, f) != before[f] for f in _COOP_FIELDS)
    if row.workforce is not None:
        if _compare_workforce(row, None if is_new else workforce.get(coop.pk), changes, year):
            changed = True
    if row.ocop is not None:
        if _compare_ocop(row, {} if is_new else ocop.get(coop.pk, {}), changes):
            changed = True
    if is_new:
        changes.new_coops.append(coop)
        result.cooperatives.created += 1
        result.preview.append((row.row, row.code, coop.name, "created"))
    elif changed:
        if any(getattr(coop, f) != before[f] for f in _COOP_FIELDS):
            coop.updated_at = now
            changes.changed_coops.append(coop)
        result.cooperatives.updated += 1
        result.preview.append((row.row, row.code, coop.name, "updated"))
    else:
        result.cooperatives.unchanged += 1
    changes.coop_for_code[row.code] = coop


def _compare_workforce(row, current, changes, year):
    """The row's workforce goes to the current year's row (current: None when there is none);
    True when that changes something."""
    if current is None:
        wf = Workforce(year=year, **dict(zip(WORKFORCE_KEYS, row.workforce)))
        changes.wf_new.append((row.code, wf))
        return True
    if tuple(getattr(current, k) for k in WORKFORCE_KEYS) != row.workforce:
        for k, v in zip(WORKFORCE_KEYS, row.workforce):
            setattr(current, k, v)
        changes.wf_changed.append(current)
        return True
    return False


def _compare_ocop(row, have, changes):
    """The file's list of OCOP products is the truth: adds, changes and removes against
    ``have`` ({casefolded name: OcopProduct}); True when that changes something."""
    changed = False
    wanted = {name.casefold(): (name, stars) for name, stars in row.ocop}
    for key, (name, stars) in wanted.items():
        product = have.get(key)
        if product is None:
            changes.ocop_new.append((row.code, OcopProduct(name=name, stars=stars)))
            changed = True
        elif product.stars != stars or product.name != name:
            product.stars, product.name = stars, name
            changes.ocop_changed.append(product)
            changed = True
    for key, product in have.items():
        if key not in wanted:
            changes.ocop_deleted.append(product.pk)
            changed = True
    return changed


def _compare_managers(manager_rows, changes, result):
    """Manager rows against the managers of their cooperatives, by (name, role): new ones,
    a changed gender or birth year, a training to attach; counted in result.managers."""
    coop_for_code = changes.coop_for_code
    managed_ids = {coop_for_code[m.code].pk for m in manager_rows if coop_for_code[m.code].pk}
    changes.managed_ids = managed_ids
    managers = {}
    for m in _by_cooperative(Manager.objects.all(), managed_ids):
        managers[(m.cooperative_id, m.full_name.casefold(), m.role)] = m
    trained_ids = set()
    for chunk in chunks([m.pk for m in managers.values()]):
        trained_ids.update(Training.managers.through.objects.filter(manager_id__in=chunk)
                           .values_list("manager_id", flat=True))
    for row in manager_rows:
        coop = coop_for_code[row.code]
        current = managers.get((coop.pk, row.full_name.casefold(), row.role)) if coop.pk else None
        if current is None:
            m = Manager(full_name=row.full_name, gender=row.gender, role=row.role, birth_year=row.birth_year)
            changes.mgr_new.append((row.code, m))
            if row.trained:
                changes.to_train.append((coop.commune_id, m))
            result.managers.created += 1
            continue
        changed = False
        if current.gender != row.gender or (row.set_birth_year and current.birth_year != row.birth_year):
            current.gender = row.gender
            if row.set_birth_year:
                current.birth_year = row.birth_year
            changes.mgr_changed.append(current)
            changed = True
        if row.trained and current.pk not in trained_ids:
            changes.to_train.append((coop.commune_id, current))
            changed = True
        if changed:
            result.managers.updated += 1
        else:
            result.managers.unchanged += 1


def _write(changes, coop_rows, result, today):
    """Writes the changes in one transaction (bulk, with history), then refreshes the
    classification of every cooperative the file touched (listed in result.cooperative_ids)."""
    c = changes
    with transaction.atomic():
        if c.new_coops:
            _bulk_create(c.new_coops, Cooperative)
        if c.changed_coops:
            _bulk_update(c.changed_coops, Cooperative, [*_COOP_FIELDS, "search_name", "updated_at"])
        for code, obj in [*c.wf_new, *c.ocop_new, *c.mgr_new]:
            obj.cooperative_id = c.coop_for_code[code].pk
        if c.wf_new:
            _bulk_create([w for _, w in c.wf_new], Workforce)
        if c.wf_changed:
            _bulk_update(c.wf_changed, Workforce, WORKFORCE_KEYS)
        if c.ocop_deleted:
            for chunk in chunks(c.ocop_deleted):
                OcopProduct.objects.filter(pk__in=chunk).delete()
        if c.ocop_new:
            OcopProduct.objects.bulk_create([p for _, p in c.ocop_new], batch_size=BATCH)
        if c.ocop_changed:
            OcopProduct.objects.bulk_update(c.ocop_changed, ["name", "stars"], batch_size=BATCH)
        if c.mgr_new:
            _bulk_create([m for _, m in c.mgr_new], Manager)
        if c.mgr_changed:
            _bulk_update(c.mgr_changed, Manager, ["gender", "birth_year"])
        if c.to_train:
            _attach_trainings(c.to_train, today)
        file_codes = {r.code for r in coop_rows}
        touched = [coop.pk for coop in c.coop_for_code.values() if coop.code in file_codes or coop.pk in c.managed_ids]
        result.cooperative_ids = touched
        services.refresh_classification(touched, on=today)
    # the planner's statistics after a bulk load (the registry moves no progress figure: no version bump)
    analyze(Cooperative, Workforce, OcopProduct, Manager, Training, Training.managers.through,
            Cooperative.history.model, Workforce.history.model, Manager.history.model)


def _bulk_create(objs, model):
    from simple_history.utils import bulk_create_with_history
    created = bulk_create_with_history(objs, model, batch_size=BATCH, default_change_reason=CHANGE_REASON)
    for obj, saved in zip(objs, created):  # on databases without RETURNING the ids come back here
        obj.pk = saved.pk
    return created


def _bulk_update(objs, model, fields):
    from simple_history.utils import bulk_update_with_history
    return bulk_update_with_history(objs, model, fields, batch_size=BATCH, default_change_reason=CHANGE_REASON)


def _attach_trainings(to_train, today):
    communes = {commune for commune, _ in to_train}
    trainings = {}
    for chunk in chunks(communes):
        for t in Training.objects.filter(title=TRAINING_TITLE, area_id__in=chunk).order_by("pk"):
            trainings.setdefault(t.area_id, t)
    missing = [Training(title=TRAINING_TITLE, starts_on=today, ends_on=today, organiser=TRAINING_ORGANISER,
                        topic="Cán bộ quản lý đã qua đào tạo (khai trong tệp nhập dữ liệu)", area_id=commune)
               for commune in sorted(communes - set(trainings))]
    if missing:
        Training.objects.bulk_create(missing, batch_size=BATCH)
        if missing[0].pk is None:  # no RETURNING: read them back
            for t in Training.objects.filter(title=TRAINING_TITLE, area_id__in=[t.area_id for t in missing]):
                trainings.setdefault(t.area_id, t)
        else:
            for t in missing:
                trainings[t.area_id] = t
    Through = Training.managers.through
    Through.objects.bulk_create(
        [Through(training_id=trainings[commune].pk, manager_id=m.pk) for commune, m in to_train],
        batch_size=BATCH, ignore_conflicts=True)
