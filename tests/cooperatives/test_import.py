"""import_cooperatives (DOMAIN.md §7): real XLSX files written with openpyxl, imported through
the management command; clean and messy spellings of the same data give the same registry."""
import collections
import datetime
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from cooperatives import rules
from cooperatives.importer import TRAINING_TITLE, import_cooperatives, parse_ocop
from cooperatives.models import Cooperative, Manager, OcopProduct, Training, Workforce
from cooperatives.template import build_template
from portal.models import Area
from portal.spreadsheets import parse_count, parse_date
from portal.text import search_key

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year

COOP_HEADERS = ["Mã số HTX", "Tên HTX/THT", "Loại hình", "Tỉnh/Thành phố", "Xã/Phường", "Ngày thành lập",
                "Lĩnh vực", "Hội hỗ trợ thành lập", "Tổng số thành viên", "Thành viên nữ", "Tổng số lao động",
                "Lao động nữ", "Sản phẩm OCOP"]
MANAGER_HEADERS = ["Mã số HTX", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đã qua đào tạo"]

CLEAN_COOPS = [
    ["4900100001", "HTX Nông sản Thất Khê", "HTX", "Lạng Sơn", "Xã Thất Khê", "05/02/2024", "Nông nghiệp", "Có",
     1250, 800, 40, 25, "Miến dong (4 sao); Trà hoa vàng (3 sao)"],
    ["4900100002", "Tổ hợp tác dệt thổ cẩm Đông Kinh", "THT", "Lạng Sơn", "Phường Đông Kinh", "15/08/2023",
     "Tiểu thủ công nghiệp, làng nghề", "Không", 12, 10, 12, 10, ""],
    ["4900100003", "Liên hiệp HTX Đoàn Kết", "Liên hiệp HTX", "Lạng Sơn", "Xã Đoàn Kết", "01/12/2022",
     "Thương mại, dịch vụ", "Không", 3, 1, 20, 8, "Rượu men lá (3 sao)"],
]
CLEAN_MANAGERS = [
    ["4900100001", "Nguyễn Thị Hoa", "Nữ", 1980, "Chủ tịch HĐQT", "Có"],
    ["4900100001", "Hoàng Văn Nam", "Nam", 1975, "Giám đốc", "Không"],
    ["4900100002", "Lý Thị Mai", "Nữ", 1990, "Tổ trưởng THT", "Có"],
    ["4900100003", "Vi Văn Tú", "Nam", 1970, "Giám đốc", "Không"],
    ["4900100003", "Lương Thị Lan", "Nữ", 1985, "Kiểm soát viên", "Không"],
]
CREATED_LINE = "cooperatives: created 3, updated 0, unchanged 0; managers: created 5, updated 0, unchanged 0"
UNCHANGED_LINE = "cooperatives: created 0, updated 0, unchanged 3; managers: created 0, updated 0, unchanged 5"


def write_book(path, coop_headers, coop_rows, manager_headers=None, manager_rows=None, *,
               coop_title="Danh sách HTX", manager_title="Cán bộ quản lý", above=(), manager_above=()):
    """An XLSX with optional rows above the header (lists of cell values; None = blank row)."""
    wb = Workbook()
    ws = wb.active
    ws.title = coop_title
    for row in [*above, coop_headers, *coop_rows]:
        ws.append(row if row is not None else [])
    if manager_headers is not None:
        ms = wb.create_sheet(manager_title)
        for row in [*manager_above, manager_headers, *manager_rows]:
            ms.append(row if row is not None else [])
    wb.save(path)
    return path


def clean_file(tmp_path, name="clean.xlsx"):
    return write_book(tmp_path / name, COOP_HEADERS, CLEAN_COOPS, MANAGER_HEADERS, CLEAN_MANAGERS)


def nfd(text):
    return unicodedata.normalize("NFD", text)


def messy_file(tmp_path):
    """The clean data as people really send it."""
    order = [12, 4, 1, 0, 7, 2, 5, 3, 11, 10, 9, 8, 6]  # shuffled columns, plus an unknown one
    headers = ["  sản phẩm ocop ", "XÃ / PHƯỜNG", nfd("Tên HTX/THT"), "mã số htx", "Hội hỗ trợ  thành lập",
               "LOẠI HÌNH", "Ngày thành lập ", nfd("Tỉnh/Thành phố"), "lao động nữ", "Tổng số lao động",
               "Thành viên nữ", "tổng số thành viên", "Lĩnh vực", "Ghi chú"]
    assert [search_key(h).replace(" ", "") for h in headers[:13]] == \
        [search_key(COOP_HEADERS[i]).replace(" ", "") for i in order]
    rows = [
        [nfd("Miến dong (4 sao);Trà hoa vàng (3 sao) "), "THẤT KHÊ", nfd("HTX Nông sản Thất Khê  "), 4900100001,
         "x", "htx", "05/02/2024", "tỉnh lạng sơn", 25, "40", 800, "1.250", nfd("nông nghiệp"), "ghi chú bất kỳ"],
        None,
        ["  ", "đông kinh", "Tổ hợp tác dệt thổ cẩm Đông Kinh ", "4900100002 ", "", "Tổ hợp tác",
         datetime.datetime(2023, 8, 15), "Lạng Sơn", "10", 12, 10, 12.0, "Tiểu thủ công nghiệp", None],
        None, None,
        ["Rượu men lá 3 sao", nfd("xã đoàn kết "), "Liên hiệp HTX Đoàn Kết", "4900100003", "Không", "LIÊN HIỆP HTX",
         "1/12/2022", "TỈNH LẠNG SƠN", 8, 20, 1, 3, "Thương mại", ""],
    ]
    title = [["DANH SÁCH HỢP TÁC XÃ, TỔ HỢP TÁC DO PHỤ NỮ THAM GIA QUẢN LÝ"], ["Tỉnh Lạng Sơn - năm 2025"], None]
    manager_headers = ["Chức vụ", "Họ và tên", "Năm sinh", "Đã qua đào tạo", "MÃ SỐ HTX", "giới tính"]
    managers = [
        ["Chủ tịch Hội đồng quản trị", nfd("Nguyễn Thị Hoa "), "1980", "Có", "4900100001", "nữ"],
        None,
        ["giám đốc", "Hoàng Văn Nam", 1975, "", 4900100001, "NAM"],
        ["Tổ trưởng", "Lý Thị Mai", 1990.0, "X", "4900100002", "Nữ"],
        ["Giám đốc", "Vi Văn Tú", 1970, "không", "4900100003", "Nam"],
        ["kiểm soát viên", "Lương Thị Lan", "1985", None, "4900100003", "Nữ "],
    ]
    path = tmp_path / "messy.xlsx"
    write_book(path, headers, rows, manager_headers, managers, coop_title="HTX 2025", manager_title="CÁN BỘ QUẢN LÝ",
               above=title, manager_above=[["Cán bộ quản lý các HTX"], None])
    wb = load_workbook(path)
    ws = wb["HTX 2025"]
    ws.merge_cells("A1:N1")
    ws.merge_cells("A2:N2")
    wb["CÁN BỘ QUẢN LÝ"].merge_cells("A1:F1")
    wb.save(path)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cooperatives", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cooperatives", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def last_line(text):
    return text.strip().splitlines()[-1]


def snapshot():
    """The registry as the import leaves it, keyed by codes and names (not ids)."""
    coops = {c.code: (c.name, c.search_name, c.kind, c.commune.code, c.founded_on, c.sector,
                      c.hoi_supported_founding, c.founding_supported_on, c.is_women_managed, c.many_women_jobs)
             for c in Cooperative.objects.select_related("commune")}
    workforce = sorted((w.cooperative.code, w.year, w.members, w.female_members, w.workers, w.female_workers)
                       for w in Workforce.objects.select_related("cooperative"))
    ocop = sorted((p.cooperative.code, p.name, p.stars) for p in OcopProduct.objects.select_related("cooperative"))
    managers = sorted((m.cooperative.code, m.full_name, m.gender, m.birth_year, m.role,
                       m.trainings.filter(title=TRAINING_TITLE).exists())
                      for m in Manager.objects.select_related("cooperative"))
    return coops, workforce, ocop, managers


def wipe():
    Training.objects.all().delete()
    Cooperative.objects.all().delete()


# --- the clean file ----------------------------------------------------------------------

def test_clean_file_imports_with_exact_counts(tmp_path):
    out, err = run(clean_file(tmp_path))
    assert last_line(out) == CREATED_LINE
    assert err == ""
    coops, workforce, ocop, managers = snapshot()
    today = datetime.date.today()
    assert coops["4900100001"] == ("HTX Nông sản Thất Khê", "htx nong san that khe", "HTX", "06040",
                                   datetime.date(2024, 2, 5), "nong_nghiep", True, datetime.date(2024, 2, 5),
                                   True, True)
    assert coops["4900100002"][2:8] == ("THT", "05977", datetime.date(2023, 8, 15), "tieu_thu_cong", False, None)
    assert coops["4900100002"][8:] == (True, True)   # a woman Tổ trưởng; 10 of 12 workers are women
    assert coops["4900100003"][2:6] == ("LHHTX", "06001", datetime.date(2022, 12, 1), "thuong_mai")
    assert coops["4900100003"][8:] == (True, False)  # a woman Kiểm soát viên; 8 of 20 workers
    assert workforce == [("4900100001", YEAR, 1250, 800, 40, 25), ("4900100002", YEAR, 12, 10, 12, 10),
                         ("4900100003", YEAR, 3, 1, 20, 8)]
    assert ocop == [("4900100001", "Miến dong", 4), ("4900100001", "Trà hoa vàng", 3),
                    ("4900100003", "Rượu men lá", 3)]
    assert ("4900100001", "Nguyễn Thị Hoa", "F", 1980, rules.CHU_TICH_HDQT, True) in managers
    assert ("4900100002", "Lý Thị Mai", "F", 1990, rules.TO_TRUONG_THT, True) in managers
    assert ("4900100003", "Vi Văn Tú", "M", 1970, rules.GIAM_DOC, False) in managers
    # one recorded training per commune, dated today, attached to those who said "Có"
    trainings = Training.objects.filter(title=TRAINING_TITLE)
    assert sorted(t.area.code for t in trainings) == ["05977", "06040"]
    assert all(t.starts_on == today == t.ends_on for t in trainings)


def test_history_records_the_imported_rows(tmp_path):
    run(clean_file(tmp_path))
    assert Cooperative.history.count() == 3
    assert Manager.history.count() == 5
    assert Workforce.history.count() == 3
    assert set(Cooperative.history.values_list("history_type", flat=True)) == {"+"}


def test_the_same_file_twice_changes_nothing(tmp_path):
    path = clean_file(tmp_path)
    run(path)
    before = snapshot()
    history = (Cooperative.history.count(), Manager.history.count(), Workforce.history.count())
    trainings = Training.objects.count()
    out, _ = run(path)
    assert last_line(out) == UNCHANGED_LINE
    assert snapshot() == before
    assert (Cooperative.history.count(), Manager.history.count(), Workforce.history.count()) == history
    assert Training.objects.count() == trainings


def test_changes_are_updates_and_recorded(tmp_path):
    run(clean_file(tmp_path))
    coops = [list(r) for r in CLEAN_COOPS]
    coops[0][11] = 30                                   # Lao động nữ of the first: 25 -> 30
    coops[1][12] = "Khăn thổ cẩm (3 sao)"                # an OCOP product for the second
    coops[2][1] = "Liên hiệp HTX Đoàn Kết Lạng Sơn"      # a new name for the third
    managers = [list(r) for r in CLEAN_MANAGERS]
    managers[1][5] = "Có"                                # Hoàng Văn Nam now trained
    managers.append(["4900100003", "Đinh Thị Thu", "Nữ", 1992, "Thành viên BKS", ""])
    path = write_book(tmp_path / "v2.xlsx", COOP_HEADERS, coops, MANAGER_HEADERS, managers)
    out, _ = run(path)
    assert last_line(out) == ("cooperatives: created 0, updated 3, unchanged 0; "
                              "managers: created 1, updated 1, unchanged 4")
    assert Workforce.objects.get(cooperative__code="4900100001", year=YEAR).female_workers == 30
    assert Cooperative.objects.get(code="4900100003").search_name == "lien hiep htx doan ket lang son"
    assert OcopProduct.objects.filter(cooperative__code="4900100002").count() == 1
    assert Manager.objects.get(full_name="Hoàng Văn Nam").trainings.filter(title=TRAINING_TITLE).exists()
    assert Training.objects.filter(title=TRAINING_TITLE, area__code="06040").count() == 1
    assert Cooperative.history.filter(code="4900100003").count() == 2
    out, _ = run(path)
    assert last_line(out) == ("cooperatives: created 0, updated 0, unchanged 3; "
                              "managers: created 0, updated 0, unchanged 6")


# --- messy input ----------------------------------------------------------------------------

def test_messy_file_gives_the_same_registry_as_the_clean_one(tmp_path):
    out, _ = run(clean_file(tmp_path))
    assert last_line(out) == CREATED_LINE
    clean = snapshot()
    wipe()
    out, err = run(messy_file(tmp_path))
    assert err == ""
    assert last_line(out) == CREATED_LINE
    assert snapshot() == clean
    out, _ = run(clean_file(tmp_path, "again.xlsx"))  # and the clean file sees it as its own
    assert last_line(out) == UNCHANGED_LINE


def test_commune_code_column_instead_of_names(tmp_path):
    headers = ["Mã số HTX", "Tên HTX/THT", "Loại hình", "Mã xã/phường"]
    path = write_book(tmp_path / "codes.xlsx", headers, [["4900100009", "HTX Mã", "HTX", 6040],
                                                          ["4900100010", "THT Mã", "THT", "05977"]])
    out, _ = run(path)
    assert last_line(out) == "cooperatives: created 2, updated 0, unchanged 0; managers: created 0, updated 0, unchanged 0"
    assert Cooperative.objects.get(code="4900100009").commune.code == "06040"


@pytest.mark.parametrize("text, value", [("1.250", 1250), ("1,250", 1250), (" 12 ", 12), (1250.0, 1250), (0, 0)])
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize("text, value", [("05/02/2024", datetime.date(2024, 2, 5)), ("5/2/2024", datetime.date(2024, 2, 5)),
                                         ("2024-02-05", datetime.date(2024, 2, 5)),
                                         (datetime.datetime(2024, 2, 5), datetime.date(2024, 2, 5))])
def test_dates(text, value):
    assert parse_date(text) == value


def test_ocop_cells():
    assert parse_ocop("Miến dong (4 sao); Trà hoa vàng (3 sao)") == [("Miến dong", 4), ("Trà hoa vàng", 3)]
    assert parse_ocop("Gạo ST25 - 5 sao\nMật ong 3*") == [("Gạo ST25", 5), ("Mật ong", 3)]


# --- errors: all or nothing ------------------------------------------------------------------

def _duplicate_commune_in_a_province():
    """(province name, commune name) of two current communes sharing a name in one province."""
    seen = {}
    for commune in Area.objects.current_map().filter(level=Area.Level.COMMUNE).select_related("parent"):
        key = (commune.parent_id, search_key(commune.name))
        if key in seen:
            return commune.parent.name, commune.name
        seen[key] = commune
    pytest.skip("no two communes share a name in one province")


def _name_in_several_provinces():
    names = collections.defaultdict(set)
    for name, parent in Area.objects.current_map().filter(level=Area.Level.COMMUNE).values_list("name", "parent"):
        names[search_key(name)].add(parent)
    return next(name for name, parents in names.items() if len(parents) > 2)


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path):
    province, twin = _duplicate_commune_in_a_province()
    common = _name_in_several_provinces()
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    good = ["4900200001", "HTX Tốt", "HTX", "Lạng Sơn", "Xã Thất Khê", "01/01/2024", "Nông nghiệp", "Có",
            10, 5, 10, 5, ""]

    def bad(code, **changes):
        row = list(good)
        row[0] = code
        for index, value in changes.items():
            row[int(index[1:])] = value
        return row

    rows = [
        good,                                                   # row 3
        bad("", c1="Không mã"),                                 # 4 missing code
        bad("4900200004", c1=""),                               # 5 missing name
        bad("4900200005", c2=""),                               # 6 missing kind
        bad("4900200006", c3="", c4=""),                        # 7 missing commune
        bad("4900200007", c4="Xã Không Có Thật"),               # 8 unknown commune
        bad("4900200008", c3=province, c4=twin),                # 9 ambiguous in the province
        bad("4900200009", c3="", c4=common),                    # 10 ambiguous without province
        bad("4900200010", c9=12),                               # 11 female members > members
        bad("4900200011", c11=11),                              # 12 female workers > workers
        bad("4900200012", c5=future),                           # 13 founding date in the future
        bad("4900200013", c5="31/02/2024"),                     # 14 no such date
        bad("4900200014", c5="năm ngoái"),                      # 15 unparseable date
        bad("4900200015", c2="Công ty TNHH"),                   # 16 unknown kind
        bad("4900200016", c6="Khai thác vũ trụ"),               # 17 unknown sector
        bad("4900200001"),                                      # 18 the code of row 3 again
        bad("4900200018", c8="-5"),                             # 19 negative count
        bad("4900200019", c10="12,5"),                          # 20 not a whole number
        bad("4900200020", c3="Tỉnh Không Tồn Tại"),             # 21 unknown province
        bad("4900200021", c12="Miến dong"),                     # 22 OCOP without stars
    ]
    managers = [
        ["4900200001", "Nguyễn Thị A", "Nữ", 1980, "Giám đốc", "Có"],        # row 2, fine
        ["4900200001", "Nguyễn Thị B", "Nữ", 1980, "Bảo vệ", "Có"],          # 3 unknown role
        ["4900200001", "Nguyễn Văn C", "Khác", 1980, "Giám đốc", ""],        # 4 unknown gender
        ["9999999999", "Trần Thị D", "Nữ", 1980, "Giám đốc", ""],            # 5 code nowhere
        ["4900200001", "Lê Thị E", "Nữ", "một chín tám", "Kiểm soát viên", "Có"],  # 6 bad year
        ["4900200001", "Lê Thị G", "Nữ", 1990, "Kiểm soát viên", "Có lẽ"],   # 7 yes/no
        ["4900200001", "Nguyễn Thị A", "Nữ", 1981, "Giám đốc", "Có"],        # 8 the same manager twice
    ]
    path = write_book(tmp_path / "bad.xlsx", COOP_HEADERS, rows, MANAGER_HEADERS, managers,
                      above=[["Danh sách có lỗi"]])
    out, err = run_failing(path)
    lines = err.strip().splitlines()
    S, M = "Sheet 'Danh sách HTX'", "Sheet 'Cán bộ quản lý'"
    expected = [
        f"{S}, dòng 4, cột 'Mã số HTX': thiếu mã số HTX",
        f"{S}, dòng 5, cột 'Tên HTX/THT': thiếu tên HTX/THT",
        f"{S}, dòng 6, cột 'Loại hình': thiếu loại hình",
        f"{S}, dòng 7, cột 'Xã/Phường': thiếu xã/phường",
        f"{S}, dòng 8, cột 'Xã/Phường': không có xã/phường “Xã Không Có Thật”",
        f"{S}, dòng 9, cột 'Xã/Phường': tên xã/phường “{twin}” không rõ, trùng 2 đơn vị",
        f"{S}, dòng 10, cột 'Xã/Phường': tên xã/phường “{common}” không rõ",
        f"{S}, dòng 11, cột 'Thành viên nữ': số thành viên nữ (12) lớn hơn tổng số thành viên (10)",
        f"{S}, dòng 12, cột 'Lao động nữ': số lao động nữ (11) lớn hơn tổng số lao động (10)",
        f"{S}, dòng 13, cột 'Ngày thành lập': ngày thành lập {future} ở tương lai",
        f"{S}, dòng 14, cột 'Ngày thành lập': ngày “31/02/2024” không có thật",
        f"{S}, dòng 15, cột 'Ngày thành lập': “năm ngoái” không phải là ngày",
        f"{S}, dòng 16, cột 'Loại hình': loại hình “Công ty TNHH” không có",
        f"{S}, dòng 17, cột 'Lĩnh vực': lĩnh vực “Khai thác vũ trụ” không có trong danh mục",
        f"{S}, dòng 18, cột 'Mã số HTX': mã “4900200001” đã có ở dòng 3",
        f"{S}, dòng 19, cột 'Tổng số thành viên': số không được âm (-5)",
        f"{S}, dòng 20, cột 'Tổng số lao động': “12,5” không phải là số nguyên",
        f"{S}, dòng 21, cột 'Tỉnh/Thành phố': không có tỉnh/thành phố “Tỉnh Không Tồn Tại”",
        f"{S}, dòng 22, cột 'Sản phẩm OCOP': sản phẩm “Miến dong”: ghi tên và số sao",
        f"{M}, dòng 3, cột 'Chức vụ': chức vụ “Bảo vệ” không có",
        f"{M}, dòng 4, cột 'Giới tính': giới tính “Khác” không hiểu",
        f"{M}, dòng 5, cột 'Mã số HTX': mã “9999999999” không có trong sheet HTX của tệp",
        f"{M}, dòng 6, cột 'Năm sinh': “một chín tám” không phải là số nguyên",
        f"{M}, dòng 7, cột 'Đã qua đào tạo': “Có lẽ” không hiểu",
        f"{M}, dòng 8, cột 'Họ và tên': cán bộ này với chức vụ này đã có ở dòng 2",
    ]
    assert len(lines) == len(expected), err
    for line, start in zip(lines, expected):
        assert line.startswith(start), (line, start)
    assert "cooperatives:" not in out
    assert Cooperative.objects.count() == 0
    assert Manager.objects.count() == 0
    assert Training.objects.count() == 0
    assert Cooperative.history.count() == 0


def test_an_error_in_a_file_that_would_update_writes_nothing(tmp_path):
    run(clean_file(tmp_path))
    before = snapshot()
    coops = [list(r) for r in CLEAN_COOPS]
    coops[0][1] = "Tên mới"
    coops[2][9] = 99  # female members > members
    out, err = run_failing(write_book(tmp_path / "half.xlsx", COOP_HEADERS, coops, MANAGER_HEADERS, CLEAN_MANAGERS))
    assert err.strip().splitlines() == [
        "Sheet 'Danh sách HTX', dòng 4, cột 'Thành viên nữ': số thành viên nữ (99) lớn hơn tổng số thành viên (3)"]
    assert snapshot() == before


def test_manager_rows_may_name_a_cooperative_already_registered(tmp_path):
    run(clean_file(tmp_path))
    path = write_book(tmp_path / "managers.xlsx", COOP_HEADERS, [], MANAGER_HEADERS,
                      [["4900100002", "Hà Thị Mới", "Nữ", 1995, "Giám đốc", "Không"]])
    out, _ = run(path)
    assert last_line(out) == "cooperatives: created 0, updated 0, unchanged 0; managers: created 1, updated 0, unchanged 0"


def test_missing_column_and_missing_file(tmp_path):
    path = write_book(tmp_path / "cols.xlsx", ["Mã số HTX", "Tên HTX/THT", "Xã/Phường"], [["1", "A", "Xã Thất Khê"]])
    _, err = run_failing(path)
    assert err.strip() == "Sheet 'Danh sách HTX', dòng 1, cột 'Loại hình': thiếu cột bắt buộc"
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_cooperatives", str(tmp_path / "none.xlsx"))


# --- dry run, template -----------------------------------------------------------------------

def test_dry_run_writes_nothing_but_says_what_it_would_do(tmp_path):
    path = clean_file(tmp_path)
    out, _ = run(path, "--dry-run")
    assert last_line(out) == CREATED_LINE
    assert "--dry-run" in out
    assert Cooperative.objects.count() == Manager.objects.count() == Training.objects.count() == 0
    assert Cooperative.history.count() == 0
    run(path)
    out, _ = run(path, "--dry-run")
    assert last_line(out) == UNCHANGED_LINE


def test_the_template_imports_after_filling_one_row(tmp_path):
    wb = load_workbook(io.BytesIO(build_template()))
    coops, managers = wb.worksheets[0], wb["Cán bộ quản lý"]
    assert [c.value for c in coops[2]] == COOP_HEADERS[:3] + ["Mã xã/phường"] + COOP_HEADERS[3:]
    assert [c.value for c in managers[2]] == MANAGER_HEADERS
    assert len([dv for dv in coops.data_validations.dataValidation if dv.type == "list"]) == 3
    assert len([dv for dv in managers.data_validations.dataValidation if dv.type == "list"]) == 3
    coops.append(["4900300001", "HTX Mẫu", "HTX", None, "Lạng Sơn", "Thất Khê", "01/03/2024", "Du lịch", "Có",
                  7, 4, 9, 6, "Chè (3 sao)"])
    managers.append(["4900300001", "Bế Thị Hạnh", "Nữ", 1988, "Giám đốc", "Có"])
    path = tmp_path / "template.xlsx"
    wb.save(path)
    out, _ = run(path)
    assert last_line(out) == "cooperatives: created 1, updated 0, unchanged 0; managers: created 1, updated 0, unchanged 0"
    coop = Cooperative.objects.get(code="4900300001")
    assert (coop.sector, coop.is_women_managed, coop.many_women_jobs) == ("du_lich", True, True)


def test_import_function_accepts_a_file_object(tmp_path):
    data = clean_file(tmp_path).read_bytes()
    result = import_cooperatives(io.BytesIO(data), dry_run=True)
    assert result.ok and result.summary() == CREATED_LINE
