"""XLSX files of report figures for `import_submissions` (written with openpyxl, as people send
them: a title block above the header, numeric codes Excel made of "06040", periods in words)."""
from openpyxl import Workbook

HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tử số", "Mẫu số"]
TITLE = [["BÁO CÁO SỐ LIỆU THỰC HIỆN ĐỀ ÁN 01 — TỈNH LẠNG SƠN"], ["(Số liệu lịch sử, đã duyệt)"], None]

# Lạng Sơn: old districts 178 and 181 (numeric cell), the new commune Thất Khê 06040 (numeric 6040).
LANG_SON_ROWS = [
    [1, "178", "Thành phố Lạng Sơn", 2024, "HTX_MOI", 3, None, None],
    [2, "178", "Thành phố Lạng Sơn", "Năm 2024", "THT_MOI", 1, None, None],
    [3, 181, "Huyện Bình Gia", "năm 2024", "HTX_MOI", 12, None, None],
    [4, "178", "Thành phố Lạng Sơn", "6 tháng đầu năm 2025", "HTX_MOI", 2, None, None],
    [5, "178", "Thành phố Lạng Sơn", "2025-H1", "NU_QL_DAO_TAO_TL", None, 5, 10],
    [6, 6040, "Xã Thất Khê", "Năm 2025", "HTX_MOI", 6, None, None],
    [7, 6040, "Xã Thất Khê", "NĂM 2025", "NU_QL_DAO_TAO_TL", "", 8, 10],
    [8, "06040", "Xã Thất Khê", "nam 2025", "THT_MOI", "5", None, None],
]
# 4 reports (178/2024, 181/2024, 178/2025-H1, 06040/2025), 8 values
CREATED = "reports: created 4, updated 0, unchanged 0; values: created 8, updated 0, unchanged 0"
UNCHANGED = "reports: created 0, updated 0, unchanged 4; values: created 0, updated 0, unchanged 8"


def write_book(path, rows, headers=HEADERS, *, above=TITLE, title="Số liệu", extra_sheets=()):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in [*above, headers, *rows]:
        ws.append(row if row is not None else [])
    for name, sheet_rows in extra_sheets:
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path


def lang_son_file(tmp_path, name="lang-son.xlsx"):
    return write_book(tmp_path / name, LANG_SON_ROWS)
