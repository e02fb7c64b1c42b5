"""python manage.py send_reminders [--date YYYY-MM-DD] — reminds the data-entry users of units
that have not sent a report REMINDER_DAYS (7 and 1) days before it is due (home.reminders).
Idempotent: run it as often as wanted, each reminder goes out once. `manage.py daily` runs it."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home.reminders import send_reminders


class Command(BaseCommand):
    help = "Nhắc cán bộ nhập liệu của các đơn vị chưa gửi báo cáo, 7 ngày và 1 ngày trước hạn (REMINDER_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Coi như hôm nay là ngày này (YYYY-MM-DD); mặc định: hôm nay.")

    def handle(self, *args, **options):
        try:
            today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: {options['date']!r} (cần YYYY-MM-DD)") from None
        reminders, sent = send_reminders(today)
        self.stdout.write(f"reminders: due {reminders}, sent {sent}")
