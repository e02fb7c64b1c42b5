"""python manage.py restore DIR — a backup of `manage.py backup` back into an empty database
and an empty media folder, decrypted with BACKUP_ENCRYPTION_KEY when it is encrypted; it
refuses, writing nothing, a damaged backup, a missing or wrong key, another engine, newer
migrations, a non-empty target (portal.backup says why, docs/backup.md how)."""
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = ("Phục hồi bản sao lưu trong thư mục DIR vào cơ sở dữ liệu trống và thư mục media trống "
            "(bản mã hoá cần đúng BACKUP_ENCRYPTION_KEY đã dùng khi sao lưu).")

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Thư mục của bản sao lưu (có manifest.json)")

    def handle(self, *args, dir, **options):
        try:
            result = backup.restore(dir)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(backup.restore_summary(dir, result))
