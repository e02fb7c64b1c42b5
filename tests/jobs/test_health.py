"""The task queue's health: the worker container's `check_worker` and /suc-khoe/hang-doi/ fail when
a job waits with no worker taking it, or a running job's worker has died."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job

pytestmark = pytest.mark.django_db


def _job(owner, **fields):
    return Job.objects.create(owner=owner, kind=Job.Kind.REGISTRY_EXPORT, title="Xuất", **fields)


def test_the_queue_url_needs_no_login(client):
    # (the view runs its checks in a thread of its own, which sees only committed rows: the
    # failing cases are asked of the command, which runs the same check in this transaction)
    assert client.get(reverse("health_queue"), HTTP_ACCEPT="application/json").status_code == 200


def test_a_quiet_queue_is_healthy(users, capsys):
    _job(users["province_admin"])  # just queued: a worker will take it
    call_command("check_worker")
    assert "TaskQueue: OK" in capsys.readouterr().out


def test_a_job_waiting_too_long_means_no_worker(users, settings):
    job = _job(users["province_admin"])
    Job.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.JOB_QUEUE_MAX_WAIT_SECONDS + 5))
    with pytest.raises(CommandError, match="không có worker nào đang chạy"):
        call_command("check_worker")


def test_a_silent_running_job_means_its_worker_died(users, settings):
    _job(users["province_admin"], state=Job.State.RUNNING,
         heartbeat_at=timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS + 5))
    with pytest.raises(CommandError, match="worker đã dừng"):
        call_command("check_worker")
