"""A background job as its owner sees it: what it does, how far it got, and its result.

The queue itself is django-tasks-db's (DBTaskResult); this row is the portal's side of it:
owner, kind, progress (rows done / total, updated by the job), the Vietnamese reason of a
failure, the result (the counts and preview of an import) or a file to download, kept
JOB_RESULT_MAX_AGE_HOURS and served to its owner only (jobs.views)."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        REGISTRY_EXPORT = "registry_export", _("Xuất danh sách HTX/THT")
        IMPORT_PREVIEW = "import_preview", _("Kiểm tra tệp nhập HTX/THT")
        IMPORT_CONFIRM = "import_confirm", _("Nhập HTX/THT")
        PROGRESS_EXPORT = "progress_export", _("Xuất tiến độ (XLSX, PDF)")
        FIGURES_PREVIEW = "figures_preview", _("Kiểm tra tệp số liệu báo cáo")
        FIGURES_CONFIRM = "figures_confirm", _("Nhập số liệu báo cáo")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        SUCCEEDED = "succeeded", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tên"), max_length=255)
    params = models.JSONField(default=dict)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True)
    message = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True)
    file = models.FileField(upload_to="cong-viec/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    heartbeat_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
                   models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat")]

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @property
    def finished(self):
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self):
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))

    @property
    def duration(self):
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def expires_at(self):
        if not self.finished_at:
            return None
        return self.finished_at + datetime.timedelta(hours=settings.JOB_RESULT_MAX_AGE_HOURS)

    @property
    def downloadable(self):
        return bool(self.state == self.State.SUCCEEDED and self.file and timezone.now() < self.expires_at)
