"""A job whose worker died (SIGKILL, out of memory) is failed without anyone opening a page: by
the next worker at its start, by every worker every JOB_SWEEP_SECONDS, and by `manage.py daily`;
its queue row too, and its owner is notified once."""
import datetime
import io
import signal
import sqlite3
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs import services
from jobs.models import Job
from notifications.models import Notification
from tests.jobs.test_worker import WorkerDatabase, _bootstrap_after_module, bootstrapped  # noqa: F401


def left_running(owner, *, beat_seconds_ago, claimed_seconds_ago=None, state=Job.State.RUNNING):
    """A job and its queue row as a worker killed mid-job leaves them."""
    from jobs.tasks import run_job

    job = Job.objects.create(owner=owner, kind=Job.Kind.REGISTRY_EXPORT, title="Xuất danh sách HTX", state=state)
    result = run_job.enqueue(job.pk)
    claimed = timezone.now() - datetime.timedelta(seconds=claimed_seconds_ago or beat_seconds_ago)
    DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.RUNNING, started_at=claimed,
                                                     worker_ids=["dead-worker"])
    beat = timezone.now() - datetime.timedelta(seconds=beat_seconds_ago)
    fields = {"task_id": str(result.id)}
    if state == Job.State.RUNNING:
        fields.update(started_at=beat, heartbeat_at=beat)
    Job.objects.filter(pk=job.pk).update(**fields)
    return Job.objects.get(pk=job.pk)


def queue_row(job):
    return DBTaskResult.objects.get(id=job.task_id)


@pytest.mark.django_db
class TestMarkStale:
    def test_a_dead_workers_job_and_its_queue_row_fail_and_the_owner_is_told_once(self, users, settings):
        settings.JOB_STALE_SECONDS = 60
        owner = users["province_admin"]
        dead = left_running(owner, beat_seconds_ago=61)
        alive = left_running(owner, beat_seconds_ago=1, claimed_seconds_ago=120)   # a live worker's
        assert services.mark_stale() == 1
        dead.refresh_from_db(), alive.refresh_from_db()
        assert dead.state == Job.State.FAILED and dead.error == services.STALE_ERROR and dead.finished_at
        assert queue_row(dead).status == TaskResultStatus.FAILED and queue_row(dead).finished_at
        assert alive.state == Job.State.RUNNING and queue_row(alive).status == TaskResultStatus.RUNNING
        notes = Notification.objects.filter(recipient=owner, kind=Notification.Kind.JOB_FAILED)
        assert [n.url for n in notes] == [reverse("jobs:detail", args=[dead.pk])]
        assert "Xuất danh sách HTX" in notes.get().text and "dừng giữa chừng" in notes.get().text
        assert services.mark_stale() == 0 and notes.count() == 1      # told once

    def test_a_job_claimed_but_never_started_fails_too(self, users, settings):
        settings.JOB_STALE_SECONDS = 60
        job = left_running(users["province_admin"], beat_seconds_ago=0, claimed_seconds_ago=90,
                           state=Job.State.QUEUED)
        assert services.mark_stale() == 1
        job.refresh_from_db()
        assert job.state == Job.State.FAILED and queue_row(job).status == TaskResultStatus.FAILED

    def test_daily_fails_them(self, users, settings):
        settings.JOB_STALE_SECONDS = 60
        job = left_running(users["province_admin"], beat_seconds_ago=3600)
        out = io.StringIO()
        call_command("daily", stdout=out)
        assert "jobs: 1 left running by a stopped worker, marked failed" in out.getvalue()
        job.refresh_from_db()
        assert job.state == Job.State.FAILED and queue_row(job).status == TaskResultStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_worker_fails_a_dead_workers_job_at_its_start_and_then_every_sweep(users, settings, tmp_path,
                                                                              monkeypatch):
    """A real worker process: a job already silent when it starts is failed before it takes any
    task; one that goes silent while it runs (its heartbeat stops 6 s from now) is failed by a
    later sweep, JOB_STALE_SECONDS after that — nobody opens a jobs page."""
    monkeypatch.setenv("JOB_STALE_SECONDS", "3")
    monkeypatch.setenv("JOB_SWEEP_SECONDS", "1")
    owner = users["province_admin"]
    before = left_running(owner, beat_seconds_ago=3600)
    during = left_running(owner, beat_seconds_ago=-6)
    db = WorkerDatabase(tmp_path)
    db.push()
    worker = db.worker(settings.MEDIA_ROOT)
    seen = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not seen or seen[-1] != ["failed", "failed"]):
            states = _states(db, [before.pk, during.pk])
            if not seen or seen[-1] != states:
                seen.append(states)
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert seen[-1] == ["failed", "failed"], (seen, worker.stderr.read().decode()[-2000:])
    assert ["failed", "running"] in seen        # the start's sweep, then a later one
    db.pull()
    for job in (before, during):
        job.refresh_from_db()
        assert job.state == Job.State.FAILED and queue_row(job).status == TaskResultStatus.FAILED
    assert Notification.objects.filter(recipient=owner, kind=Notification.Kind.JOB_FAILED).count() == 2


def _states(db, ids):
    if db.sqlite:
        with sqlite3.connect(db.file) as con:
            rows = dict(con.execute(f"select id, state from jobs_job where id in ({','.join('?' * len(ids))})", ids))
        return [rows[i] for i in ids]
    return [Job.objects.get(pk=i).state for i in ids]
