"""Benchmark of the upload limits (portal/spreadsheet_limits.py): how fast one streaming pass
measures a valid file of 200 000 cooperatives (14 columns, inline strings, as openpyxl writes
them), and how long each hostile file of tests/portal/test_hostile_spreadsheets.py takes to refuse.

    python scripts/bench_spreadsheet_limits.py [--rows 200000]

Prints the file's size, the XML inflated, the time and MB/s of the measure, then one line per
hostile file (limits of the tests: 500 rows, 1 MB), then the issue's million-row file and 200 MB
of sheet XML at the real limits (200 000 rows, 180 MB).
"""
import argparse
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from portal.spreadsheet_limits import measure_workbook  # noqa: E402
from tests.cooperatives.test_import import clean_file  # noqa: E402
from tests.portal.test_hostile_spreadsheets import HOSTILE, MAIN, SHEET, rewrite  # noqa: E402

COLUMNS = "ABCDEFGHIJKLMN"


def valid_file(path, rows):
    """The clean workbook with its first sheet replaced by ``rows`` rows of 14 columns."""
    base = clean_file(path.parent, "base.xlsx")
    values = ["4900100001", "HTX Nông sản Thất Khê số {i}", "HTX", "Lạng Sơn", "Xã Thất Khê", "05/02/2024",
              "Nông nghiệp", "Có", "1250", "800", "40", "25", "Miến dong (4 sao); Trà hoa vàng (3 sao)", "x"]
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for info in src.infolist():
            if info.filename != SHEET:
                out.writestr(info, src.read(info))
                continue
            with out.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN + b'"><sheetData>')
                for i in range(1, rows + 1):
                    cells = "".join(f'<c r="{c}{i}" t="inlineStr"><is><t>{v.format(i=i)}</t></is></c>'
                                    for c, v in zip(COLUMNS, values))
                    sheet.write(f'<row r="{i}">{cells}</row>'.encode())
                sheet.write(b"</sheetData></worksheet>")
    return path


def timed(path):
    start = time.perf_counter()
    size = measure_workbook(path)
    return size, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    translation.activate("vi")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        path = valid_file(tmp / "valid.xlsx", args.rows)
        print(f"valid file: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB on disk, "
              f"written in {time.perf_counter() - start:.1f} s")
        timed(path)  # warm the page cache
        best = min((timed(path) for _ in range(3)), key=lambda measured: measured[1])
        size, seconds = best
        mb = size.expanded_bytes / 1024 / 1024
        print(f"measure: {mb:.0f} MB inflated, {size.rows} rows counted, {seconds:.2f} s, {mb / seconds:.0f} MB/s, "
              f"refusal: {size.refusal}")
        settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_EXPANDED_MB = 500, 1
        base = clean_file(tmp, "hostile-base.xlsx")
        for name, (make, _reason) in sorted(HOSTILE.items()):
            hostile = make(base, tmp / f"{name}.xlsx")
            size, seconds = timed(hostile)
            print(f"  {name:34} {hostile.stat().st_size / 1000:6.1f} kB  refused in {seconds * 1000:6.1f} ms: "
                  f"{size.refusal[:60]}")
        settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_EXPANDED_MB = 200_000, 180
        million = rewrite(base, tmp / "million.xlsx", {
            SHEET: b'<worksheet xmlns="' + MAIN + b'"><sheetData>' + b"<row><c><v>0</v></c></row>" * 1_000_000 +
            b"</sheetData></worksheet>"})
        expanding = tmp / "expanding.xlsx"
        with zipfile.ZipFile(base) as src, zipfile.ZipFile(expanding, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in src.infolist():
                if info.filename != SHEET:
                    out.writestr(info, src.read(info))
            with out.open(SHEET, "w", force_zip64=True) as sheet:  # 200 MB of sheet XML
                sheet.write(b'<worksheet xmlns="' + MAIN + b'"><sheetData>')
                for _ in range(200):
                    sheet.write(b"<c><v>0</v></c>" * (1024 * 1024 // 15))
                sheet.write(b"</sheetData></worksheet>")
        for name, path in [("1 000 000 rows, real limits", million), ("200 MB of XML, real limits", expanding)]:
            size, seconds = timed(path)
            print(f"  {name:34} {path.stat().st_size / 1000:6.1f} kB  refused in {seconds * 1000:6.1f} ms: "
                  f"{size.refusal[:60]}")


if __name__ == "__main__":
    main()
