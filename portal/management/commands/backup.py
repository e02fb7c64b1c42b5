"""python manage.py backup DIR — the database, the media files and a manifest into DIR (a new
folder); the logic, and why it is written so, in portal.backup (docs/backup.md)."""
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, các tệp media và manifest.json vào thư mục DIR (thư mục mới)."

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Thư mục sao lưu, ví dụ /backups/2026-12-07")

    def handle(self, *args, dir, **options):
        try:
            manifest = backup.backup(dir)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(backup.backup_summary(dir, manifest))
