"""A notification in the portal: one line of text for one user, with where to go, read or not.

``key`` makes a notification once-only: a user never gets two with the same key (the reminders
of `manage.py send_reminders` use one per period and number of days, so running the command
twice a day sends nothing twice)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPORT_SUBMITTED = "report_submitted", _("Báo cáo gửi duyệt")
        REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
        REPORT_APPROVED = "report_approved", _("Báo cáo được duyệt")
        DOCUMENT_ISSUED = "document_issued", _("Văn bản ban hành")
        REMINDER = "reminder", _("Nhắc hạn báo cáo")
        JOB_FAILED = "job_failed", _("Công việc nền thất bại")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    key = models.CharField(max_length=120, blank=True, editable=False)
    created = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""),
                                               name="notification_once_per_key")]
        # the bell: "unread of this user" is one index lookup
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text
