from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Trang chủ"

    def ready(self):
        # home composes the base apps: a job failed because its worker died (jobs) is told to its
        # owner (notifications), which neither of the two may import from the other.
        from jobs.services import job_failed

        job_failed.connect(notify_job_failed, dispatch_uid="home.notify_job_failed")


def notify_job_failed(sender, job, **kwargs):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from notifications.models import Notification
    from notifications.services import notify

    notify([job.owner], Notification.Kind.JOB_FAILED,
           _("Công việc “%(title)s” đã dừng giữa chừng vì tiến trình xử lý bị tắt; không có dữ liệu nào "
             "được ghi. Hãy chạy lại.") % {"title": job.title},
           reverse("jobs:detail", args=[job.pk]), key=f"job-failed-{job.pk}")
