"""Twenty approvals at once on the embedded SQLite (issue 19, point 3): 4 of 20 were refused with
"database is locked". Transactions that take the write lock when they begin and wait for it
(portal/settings.py) serve a small office: all 20 land. The same on PostgreSQL. A real process,
20 threads, 20 connections, on the test's database (SQLite's copied to a file for it)."""
import json
import os
import subprocess
import sys

import pytest

from portal.models import Area
from reporting.models import Report
from tests.jobs.test_worker import ROOT, WorkerDatabase
from tests.reporting.helpers import submitted
from tests.reporting.test_cache import committed_map  # noqa: F401  (a transactional test's map)

N = 20
RACE = """
import json, os, threading
from django.db import connections
from portal.models import User
from reporting import services
from reporting.models import Report

ids = json.loads(os.environ["RACE_REPORTS"])
start, results = threading.Barrier(len(ids)), []

def approve(pk):
    try:
        reviewer = User.objects.get(username="minh")
        report = Report.objects.get(pk=pk)
        start.wait(20)
        services.approve(report, user=reviewer)
        results.append("approved")
    except Exception as exc:
        results.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=approve, args=(pk,)) for pk in ids]
for th in threads:
    th.start()
for th in threads:
    th.join(120)
print("RACE " + json.dumps(results))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_twenty_approvals_at_once_all_land(users, tmp_path):
    communes = list(Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)
                    .order_by("code").values_list("code", flat=True)[:N])
    reports = [submitted(code, "2025", users["commune_editor"] if code == "06040" else _editor(code)).pk
               for code in communes]
    db = WorkerDatabase(tmp_path)
    db.push()
    env = {**os.environ, "DATABASE_URL": db.url, "DJANGO_SECRET_KEY": "test-race", "RACE_REPORTS": json.dumps(reports)}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", RACE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RACE ")), None)
    assert line, done.stdout + done.stderr[-3000:]
    assert json.loads(line[5:]) == ["approved"] * N, line
    db.pull()
    assert Report.objects.filter(pk__in=reports, status=Report.Status.APPROVED).count() == N


def _editor(code):
    from portal.models import User

    return User.objects.create_user(username=f"nhap{code}", password="x", role=User.Role.DATA_ENTRY,
                                    area=Area.resolve(code))
