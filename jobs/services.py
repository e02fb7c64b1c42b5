"""Background jobs: start one, run it, report its progress, and notice a dead one.

``start(owner, kind, title, **params)`` writes the Job row and enqueues jobs.tasks.run_job once the
transaction commits; a worker (`python manage.py db_worker`) or, with JOBS_IMMEDIATE=1, the request
itself runs it through ``run``. What each kind does lives in the app it belongs to, named by settings.JOB_RUNNERS
(jobs sits in the base layer and imports no feature app).

Nothing partial is ever left: an import writes inside the importer's one transaction (a failure or
a killed worker rolls it back), an export writes a temporary file that becomes the job's result
only when it is complete. A running job writes a heartbeat every JOB_HEARTBEAT_SECONDS from a
thread of its own (its own database connection, so it commits while the work's transaction is
open); ``mark_stale`` turns a job silent for JOB_STALE_SECONDS into a failure, so that a worker
killed mid-job never leaves a job "running" forever.
"""
import datetime
import logging
import threading

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus

from jobs.models import Job

logger = logging.getLogger(__name__)

STALE_ERROR = ("Tiến trình xử lý đã dừng giữa chừng (máy chủ khởi động lại hoặc hết bộ nhớ); "
               "không có dữ liệu nào được ghi. Hãy chạy lại.")
UNEXPECTED_ERROR = "Lỗi không mong đợi khi xử lý; không có dữ liệu nào được ghi. Hãy báo cho quản trị hệ thống."


# Sent with ``job`` when a job was failed because its worker died (mark_stale). The layer above
# connects to it (home/apps.py): jobs itself knows no notifications.
job_failed = Signal()


class JobFailed(Exception):
    """A failure to show the owner as it is (a Vietnamese sentence)."""


def threshold():
    return settings.JOB_THRESHOLD_ROWS


def start(owner, kind, title, **params):
    from jobs.tasks import run_job

    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params)

    def enqueue():
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job


def runner(kind):
    """The function that does a kind of job (a dotted path in settings.JOB_RUNNERS)."""
    return import_string(settings.JOB_RUNNERS[kind])


def run(job_id, *, heartbeat=True):
    """Runs a queued job to its end: succeeded with its result, or failed with its reason."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.RUNNING, started_at=now, heartbeat_at=now):
        return  # already taken, or marked failed meanwhile
    job = Job.objects.select_related("owner", "owner__area").get(pk=job_id)
    beat = _Heartbeat(job.pk) if heartbeat else None
    try:
        runner(job.kind)(job, Progress(job.pk))
    except JobFailed as exc:
        _finish(job, Job.State.FAILED, error=str(exc))
    except Exception:
        logger.exception("job %s failed", job.pk)
        _finish(job, Job.State.FAILED, error=_(UNEXPECTED_ERROR))
    else:
        _finish(job, Job.State.SUCCEEDED)
    finally:
        if beat:
            beat.stop()


def _finish(job, state, error=""):
    fields = {"state": state, "error": error, "finished_at": timezone.now(), "result": job.result}
    if state == Job.State.SUCCEEDED:
        fields.update(file=job.file.name if job.file else "", file_name=job.file_name,
                      rows_done=Coalesce(F("rows_total"), F("rows_done")))
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(**fields)


class Progress:
    """How far a job got: ``total(n)``, then ``done(n, message)`` as often as wanted (it writes at
    most every half second, and always the last one). The object itself is an importer's
    ``on_progress(done, total)`` callback."""

    def __init__(self, job_id):
        self.job_id, self._last, self._total = job_id, 0.0, None

    def __call__(self, done, total):
        if total != self._total:
            self._total = total
            self.total(total)
        self.done(done, force=done >= total)

    def total(self, rows):
        Job.objects.filter(pk=self.job_id).update(rows_total=rows, heartbeat_at=timezone.now())

    def done(self, rows, message="", force=False):
        import time

        if not force and time.monotonic() - self._last < 0.5:
            return
        self._last = time.monotonic()
        fields = {"rows_done": rows, "heartbeat_at": timezone.now()}
        if message:
            fields["message"] = message[:255]
        Job.objects.filter(pk=self.job_id).update(**fields)


class _Heartbeat:
    def __init__(self, job_id):
        self.job_id, self._stop = job_id, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"job-{job_id}-heartbeat")
        self._thread.start()

    def _run(self):
        from django.db import connections

        try:
            while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a busy SQLite: the next beat will do
                    logger.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def stop(self):
        self._stop.set()
        self._thread.join()


def mark_stale():
    """Jobs whose worker died are failed, their queue row with them, and their owner is told.

    A running job whose heartbeat stopped for JOB_STALE_SECONDS (its worker was killed: SIGKILL,
    out of memory, a machine lost) and a queued job whose queue row a worker claimed that long
    ago without ever starting it. Called by the worker at its start and every JOB_SWEEP_SECONDS
    (jobs/management/commands/db_worker.py), by `manage.py daily`, and by the jobs pages. Each
    job is failed by one caller only (the conditional update), so its owner is told once
    (the ``job_failed`` signal; home/apps.py turns it into a notification). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    limit = now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
    running = Job.objects.filter(state=Job.State.RUNNING).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, started_at__lt=limit))
    claimed = {str(i) for i in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=limit).values_list("id", flat=True)}
    never_started = Job.objects.filter(state=Job.State.QUEUED, task_id__in=claimed) if claimed else Job.objects.none()
    failed = []
    for job in [*running.select_related("owner"), *never_started.select_related("owner")]:
        if Job.objects.filter(pk=job.pk, state=job.state).update(
                state=Job.State.FAILED, error=_(STALE_ERROR), finished_at=now):
            failed.append(job)
    queue_rows = [job.task_id for job in failed if job.task_id]
    if queue_rows:
        DBTaskResult.objects.filter(id__in=queue_rows, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now, exception_class_path="jobs.services.WorkerLost",
            traceback="The worker running this task stopped (its job's heartbeat went silent).")
    for job in failed:
        job.state, job.error, job.finished_at = Job.State.FAILED, _(STALE_ERROR), now
        logger.warning("job %s (%s) failed: its worker stopped", job.pk, job.kind)
        job_failed.send(sender=Job, job=job)
    return len(failed)


def purge_expired():
    """Deletes the files of jobs older than JOB_RESULT_MAX_AGE_HOURS; returns how many. Run by
    the jobs list and by `manage.py daily` (a file may hold personal data: docs/personal-data.md)."""
    limit = timezone.now() - datetime.timedelta(hours=settings.JOB_RESULT_MAX_AGE_HOURS)
    deleted = 0
    for job in Job.objects.filter(finished_at__lt=limit).exclude(file=""):
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted
