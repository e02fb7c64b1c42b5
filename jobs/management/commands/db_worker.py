"""python manage.py db_worker — django-tasks-db's worker, which also fails the jobs of dead workers.

A worker killed with SIGKILL (or by the kernel's out-of-memory killer, or with its machine)
leaves its job "running" and its queue row RUNNING: nothing in django-tasks-db ever looks at
them again. So this worker, before it takes its first task and then every JOB_SWEEP_SECONDS
from a thread of its own, runs jobs.services.mark_stale: a job whose heartbeat has been silent
for JOB_STALE_SECONDS is failed, its queue row too, and its owner is notified. A job that a
live worker is running keeps its heartbeat and is left alone. Same options as the original
(settings.INSTALLED_APPS lists `jobs` before django_tasks_db so that this command is the one run)."""
import logging
import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs import services

logger = logging.getLogger(__name__)


def sweep():
    try:
        failed = services.mark_stale()
    except Exception:  # a busy SQLite, a database restarting: the next sweep will do
        logger.warning("stale jobs not checked", exc_info=True)
        return 0
    finally:
        connections.close_all()
    return failed


class Sweeper(threading.Thread):
    def __init__(self, every):
        super().__init__(daemon=True, name="job-sweeper")
        self.every, self.stopped = every, threading.Event()

    def run(self):
        while not self.stopped.wait(self.every):
            sweep()


class Command(DBWorkerCommand):
    help = "Chạy các công việc nền; đánh dấu thất bại các công việc mà worker đã chết để lại."

    def handle(self, *args, **options):
        failed = sweep()
        if failed:
            logger.warning("%s job(s) left running by a stopped worker marked failed", failed)
        sweeper = Sweeper(settings.JOB_SWEEP_SECONDS)
        sweeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            sweeper.stopped.set()
