"""python manage.py refresh_classification — recomputes every cooperative's two Đề án
classifications for today. A manager's term ending changes them without any edit, so run it
daily (cron); bootstrap runs it too."""
from django.core.management.base import BaseCommand

from cooperatives.services import refresh_classification


class Command(BaseCommand):
    help = "Tính lại phân loại Đề án (do phụ nữ quản lý, nhiều việc làm cho lao động nữ) của mọi HTX/THT."

    def handle(self, *args, **options):
        changed = refresh_classification()
        self.stdout.write(f"classification: changed {changed}")
