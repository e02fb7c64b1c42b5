"""The task queue's health check (django-health-check): the queue moves. A job that has waited
longer than JOB_QUEUE_MAX_WAIT_SECONDS for a worker means no worker is running; a running job
whose heartbeat has stopped means its worker died (jobs.services marks it failed)."""
import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    def run(self):
        from jobs.models import Job

        now = timezone.now()
        waiting = Job.objects.filter(
            state=Job.State.QUEUED,
            created_at__lt=now - datetime.timedelta(seconds=settings.JOB_QUEUE_MAX_WAIT_SECONDS)).count()
        if waiting:
            raise ServiceUnavailable(f"{waiting} công việc chờ quá {settings.JOB_QUEUE_MAX_WAIT_SECONDS} giây: "
                                     "không có worker nào đang chạy")
        silent = Job.objects.filter(
            state=Job.State.RUNNING,
            heartbeat_at__lt=now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)).count()
        if silent:
            raise ServiceUnavailable(f"{silent} công việc đang chạy đã ngừng báo hiệu: worker đã dừng")
