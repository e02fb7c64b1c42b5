"""python manage.py backup DIR — the database, the media files and a manifest into DIR (a new
folder), encrypted when BACKUP_ENCRYPTION_KEY is set; the logic, and why it is written so, in
portal.backup (docs/backup.md)."""
from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu, các tệp media và manifest.json vào thư mục DIR (thư mục mới); "
            "mã hoá bằng gpg khi đã đặt BACKUP_ENCRYPTION_KEY.")

    def add_arguments(self, parser):
        parser.add_argument("dir", help="Thư mục sao lưu, ví dụ /backups/2026-12-07")
        parser.add_argument("--no-encrypt", action="store_true",
                            help="Không mã hoá, dù đã đặt BACKUP_ENCRYPTION_KEY (một bản rõ, có chủ ý).")

    def handle(self, *args, dir, no_encrypt, **options):
        try:
            manifest = backup.backup(dir, encrypt=not no_encrypt)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(backup.backup_summary(dir, manifest))
        if not manifest["encrypted"] and (warning := backup.unencrypted_warning()):
            self.stderr.write(warning)
