"""python manage.py import_submissions FILE.xlsx [--dry-run] [--status approved|submitted] — DOMAIN.md §7.

One row per area, period and indicator: `Mã đơn vị`, `Kỳ báo cáo`, `Mã chỉ tiêu`, `Giá trị`
(counts) or `Tử số` + `Mẫu số` (ratios); see reporting.importer for the rules. All or nothing:
on any error every bad row is printed to stderr as "Sheet 'X', dòng N, cột 'Y': reason",
nothing is written and the command exits non-zero. On success the last line is
"reports: created N, updated N, unchanged N; values: created N, updated N, unchanged N"
(with --dry-run: what it would do, nothing written).
"""
from django.core.management.base import BaseCommand, CommandError

from portal.importing import run_import
from reporting.importer import IMPORT_STATUSES, import_submissions


class Command(BaseCommand):
    help = ("Nhập số liệu báo cáo (mỗi dòng một đơn vị, kỳ, chỉ tiêu) từ tệp Excel (.xlsx); "
            "lỗi một dòng thì không ghi gì.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ làm gì, không ghi.")
        parser.add_argument("--status", default="approved",
                            help="Trạng thái của báo cáo được nhập: approved (mặc định, số liệu lịch sử) "
                                 "hoặc submitted (chờ duyệt).")

    def handle(self, *args, file, dry_run=False, status="approved", **options):
        status = (status or "").strip().lower()
        if status not in IMPORT_STATUSES:
            raise CommandError(f"--status “{status}” không hợp lệ: chỉ nhận approved hoặc submitted")
        run_import(self, import_submissions, file, dry_run=dry_run, status=status)
