"""python manage.py import_cooperatives FILE.xlsx [--dry-run] — DOMAIN.md §7.

Sheet 1: cooperatives; optional sheet "Cán bộ quản lý": managers. All or nothing: on any
error every bad row is printed to stderr as "Sheet 'X', dòng N, cột 'Y': reason", nothing is
written and the command exits non-zero. On success the last line is
"cooperatives: created N, updated N, unchanged N; managers: created N, updated N, unchanged N"
(with --dry-run: what it would do, nothing written).
"""
from django.core.management.base import BaseCommand

from cooperatives.importer import import_cooperatives
from portal.importing import run_import


class Command(BaseCommand):
    help = "Nhập danh sách HTX/THT và cán bộ quản lý từ tệp Excel (.xlsx); lỗi một dòng thì không ghi gì."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ làm gì, không ghi.")

    def handle(self, *args, file, dry_run=False, **options):
        run_import(self, import_cooperatives, file, dry_run=dry_run)
