"""python manage.py check_worker — the worker container's health check: the database answers,
the media storage takes a file, and the task queue moves (jobs.health.TaskQueue). Exit 0 when
all pass; otherwise 1, each failure on stderr."""
import asyncio
import inspect

from django.core.management.base import BaseCommand, CommandError
from health_check.checks import Database, Storage

from jobs.health import TaskQueue


class Command(BaseCommand):
    help = "Kiểm tra worker: cơ sở dữ liệu, kho tệp và hàng đợi công việc."

    def handle(self, *args, **options):
        failures = []
        for check in (Database(), Storage(), TaskQueue()):
            try:
                result = check.run()
                if inspect.isawaitable(result):
                    asyncio.run(result)
            except Exception as exc:  # each check raises its own HealthCheckException
                failures.append(f"{type(check).__name__}: {exc}")
            else:
                self.stdout.write(f"{type(check).__name__}: OK")
        if failures:
            raise CommandError("; ".join(failures))
