"""Jobs through the database queue with a real worker process (`manage.py db_worker`), on the test
database: one runs a cooperative import to its end; another is killed (SIGKILL) in the middle of
an import, and nothing is written and the job is shown as failed.

The worker is another process, so these tests commit (transactional). On PostgreSQL it connects to
the test database itself; SQLite's test database lives in memory, so it is copied to a file for
the worker and copied back afterwards (sqlite3's backup API)."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from cooperatives.models import Cooperative
from jobs import services
from jobs.models import Job
from portal.models import Area
from tests.cooperatives.test_import import COOP_HEADERS, clean_file

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


@pytest.fixture(autouse=True)
def bootstrapped(settings, tmp_path):
    """A transactional test starts from (and leaves) the bootstrapped map and plans."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Area.objects.exists():
        call_command("bootstrap", no_migrate=True, verbosity=0, stdout=_Null())
    yield
    connection.close()


@pytest.fixture(scope="module", autouse=True)
def _bootstrap_after_module(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        if not Area.objects.exists():
            call_command("bootstrap", no_migrate=True, verbosity=0, stdout=_Null())


class WorkerDatabase:
    """The database the worker process uses: the test database itself (PostgreSQL), or a file
    copy of SQLite's in-memory one, pushed before the worker starts and pulled after it ends."""

    def __init__(self, tmp_path):
        self.sqlite = connection.vendor == "sqlite"
        self.file = tmp_path / "worker.sqlite3"
        settings = connection.settings_dict
        if self.sqlite:
            self.url = f"sqlite:///{self.file}"
        else:
            self.url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
                        f"{settings['PORT'] or 5432}/{settings['NAME']}")

    def push(self):
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
                # as a running portal's file is (settings: WAL), before the other process opens it
                target.execute("PRAGMA journal_mode=WAL")
            finally:
                target.close()

    def pull(self):
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as source:
                source.backup(connection.connection)

    def worker(self, media, *args):
        env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_MEDIA_ROOT": str(media),
               "JOB_HEARTBEAT_SECONDS": "1", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "test-worker-secret"}
        env.pop("JOBS_IMMEDIATE", None)
        return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-startup-delay",
                                 "--interval", "0.2", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _upload(client, path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("cooperatives:import"), {"file": SimpleUploadedFile(
        path.name, path.read_bytes(), content_type="application/octet-stream")})


def big_file(path, n):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách HTX")
    ws.append(COOP_HEADERS)
    for i in range(n):
        ws.append([f"47{i:08d}", f"HTX Thử Nghiệm {i}", "HTX", "Lạng Sơn", "Xã Thất Khê", "05/02/2024",
                   "Nông nghiệp", "Có", 10, 6, 12, 8, ""][:len(COOP_HEADERS)])
    wb.save(path)
    return path


def test_a_worker_process_runs_the_preview_and_the_import(client_for, users, settings, tmp_path):
    settings.JOB_THRESHOLD_ROWS = 1
    db = WorkerDatabase(tmp_path)
    client = client_for(users["province_admin"])
    response = _upload(client, clean_file(tmp_path))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.state == Job.State.QUEUED
    db.push()
    worker = db.worker(settings.MEDIA_ROOT, "--batch")
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()
    db.pull()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["ok"], job.error
    assert job.result["cooperatives"]["created"] == 3 and job.started_at and job.finished_at
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert "Xác nhận nhập" in response.content.decode()
    response = client.post(reverse("cooperatives:import_confirm"), response.context["confirm"].initial)
    confirm = Job.objects.get(kind=Job.Kind.IMPORT_CONFIRM)
    assert not Cooperative.objects.filter(code__startswith="49001").exists()  # queued, not run yet
    db.push()
    worker = db.worker(settings.MEDIA_ROOT, "--batch")
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()
    db.pull()
    confirm.refresh_from_db()
    assert confirm.state == Job.State.SUCCEEDED, confirm.error
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3


def test_a_worker_killed_mid_import_writes_nothing_and_the_job_shows_failed(client_for, users, settings,
                                                                             tmp_path):
    settings.JOB_THRESHOLD_ROWS = 1
    db = WorkerDatabase(tmp_path)
    client = client_for(users["national_admin"])
    name = "47-big.xlsx"
    path = big_file(tmp_path / name, 6000)
    from cooperatives.uploads import upload_storage as stored_upload

    stored_upload("bigfile").save(path.read_bytes())
    job = services.start(users["national_admin"], Job.Kind.IMPORT_CONFIRM, "Nhập tệp lớn", file="bigfile",
                         original_name=name)
    db.push()
    worker = db.worker(settings.MEDIA_ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the import itself has begun
            if db.sqlite:
                with sqlite3.connect(db.file) as con:
                    message = con.execute("select message from jobs_job where id = ?", [job.pk]).fetchone()[0]
            else:
                message = Job.objects.get(pk=job.pk).message
            if message == "Đang nhập…":
                break
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started the import")
        time.sleep(1.5)  # reading, checking, writing 6 000 rows: killed in the middle
        assert worker.poll() is None, "the import ended before the kill: make the file larger"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    db.pull()
    assert not Cooperative.objects.filter(code__startswith="47").exists()  # nothing partial
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # as the dead worker left it...
    settings.JOB_STALE_SECONDS = 2
    time.sleep(2.5)
    page = client.get(reverse("jobs:list")).content.decode()  # ...until somebody looks
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == services.STALE_ERROR
    assert "Tiến trình xử lý đã dừng giữa chừng" in page
