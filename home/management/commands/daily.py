"""python manage.py daily — the portal's daily maintenance, for cron (docs/operations.md):
recomputes the cooperatives' classifications (a manager's term ending changes them without any
edit), deletes the browser-import uploads previewed but never confirmed, once older than
IMPORT_UPLOAD_MAX_AGE_HOURS (24 by default), sends the reminders of reports coming due
(`send_reminders`, once each), rebuilds the national sums of any province and period left not
fresh (a rebuild that failed at commit), and fails the background jobs whose worker died
(their owners are notified), deletes job files older than JOB_RESULT_MAX_AGE_HOURS, anonymises the managers whose retention has run out
(PERSONAL_DATA_RETENTION_YEARS after their term or their cooperative ended) and deletes the
access-log entries older than ACCESS_LOG_RETENTION_DAYS. It lives in the home app because it
composes several apps."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cooperatives import personal_data
from cooperatives.services import refresh_classification
from cooperatives.uploads import delete_abandoned_uploads
from home.reminders import send_reminders
from jobs.services import mark_stale, purge_expired
from privacy.access import purge_log
from reporting import sums


class Command(BaseCommand):
    help = ("Việc hằng ngày: tính lại phân loại Đề án của mọi HTX/THT; xóa các tệp nhập Excel "
            "đã xem trước nhưng không xác nhận, quá IMPORT_UPLOAD_MAX_AGE_HOURS giờ; nhắc hạn báo cáo; "
            "tính lại tổng số liệu chưa cập nhật; đánh dấu thất bại công việc nền bị bỏ dở; "
            "ẩn danh hóa dữ liệu cá nhân hết hạn lưu trữ; xóa nhật ký truy cập quá hạn.")

    def handle(self, *args, **options):
        changed = refresh_classification()
        self.stdout.write(f"classification: changed {changed}")
        deleted = delete_abandoned_uploads()
        self.stdout.write(f"uploads: deleted {deleted} (older than {settings.IMPORT_UPLOAD_MAX_AGE_HOURS} h)")
        reminders, sent = send_reminders(timezone.localdate())
        self.stdout.write(f"reminders: due {reminders}, sent {sent}")
        stale, built = sums.rebuild_stale()
        self.stdout.write(f"sums: {stale} not fresh, rebuilt {built}")
        self.stdout.write(f"jobs: {mark_stale()} left running by a stopped worker, marked failed")
        self.stdout.write(f"job files: deleted {purge_expired()} (older than {settings.JOB_RESULT_MAX_AGE_HOURS} h)")
        expired = personal_data.expire()
        self.stdout.write(f"personal data: anonymised {expired} (retention {settings.PERSONAL_DATA_RETENTION_YEARS} years)")
        self.stdout.write(f"access log: deleted {purge_log()} (older than {settings.ACCESS_LOG_RETENTION_DAYS} days)")
