"""Two administrators confirming the same cooperative import at once (issue 19, point 3): the
loser gets a message (409) and her upload is removed, never an IntegrityError 500; the rows are
written once. A real server process (two threads, two connections) on the test's database."""
import json
import os
import subprocess
import sys

import pytest
from django.db import IntegrityError
from django.urls import reverse

from cooperatives.models import Cooperative
from tests.cooperatives.test_import import clean_file
from tests.cooperatives.test_import_views import upload
from tests.jobs.test_worker import ROOT, WorkerDatabase
from tests.reporting.test_cache import committed_map  # noqa: F401  (a transactional test's map)

RACE = """
import json, os, threading
from django.db import connections
from django.test import Client
from portal.models import User

name, start, results = os.environ["RACE_UPLOAD"], threading.Barrier(2), []

def logged_in(username):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client

clients = [logged_in(u) for u in ("thao", "tw")]   # before the race: only the confirmations run at once
connections.close_all()

def confirm(client):
    try:
        start.wait(10)
        response = client.post("/hop-tac-xa/nhap/xac-nhan/", {"import_file_name": name, "original_name": "clean.xlsx"})
        results.append(response.status_code)
    except Exception as exc:
        results.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=confirm, args=(c,)) for c in clients]
for th in threads:
    th.start()
for th in threads:
    th.join(60)
print("RACE " + json.dumps(sorted(results, key=str)))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_two_confirmations_at_once(client_for, users, tmp_path, settings):
    settings.MEDIA_ROOT = media = tmp_path / "media"
    preview = upload(client_for(users["province_admin"]), clean_file(tmp_path))
    name = preview.context["confirm"].initial["import_file_name"]
    assert reverse("cooperatives:import_confirm") == "/hop-tac-xa/nhap/xac-nhan/"
    db = WorkerDatabase(tmp_path)
    db.push()
    env = {**os.environ, "DATABASE_URL": db.url, "DJANGO_SECRET_KEY": "test-race", "DJANGO_MEDIA_ROOT": str(media),
           "DJANGO_ALLOWED_HOSTS": "testserver", "RACE_UPLOAD": name}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", RACE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RACE ")), None)
    assert line, done.stdout + done.stderr
    statuses = json.loads(line[5:])
    assert len(statuses) == 2 and all(s in (302, 409) for s in statuses), (statuses, done.stderr[-3000:])
    db.pull()
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3
    assert not [p for p in media.rglob("*") if p.is_file() and name in p.name]   # the upload is gone


@pytest.mark.django_db
def test_the_confirmation_that_loses_the_race_gets_409_and_its_upload_removed(client_for, users, tmp_path,
                                                                             monkeypatch):
    """The moment itself, made certain: the other confirmation commits the same new rows between
    this one's reading and its writing (its INSERT hits the unique code)."""
    from cooperatives import import_views

    client = client_for(users["province_admin"])
    preview = upload(client, clean_file(tmp_path))
    name = preview.context["confirm"].initial["import_file_name"]

    def loses(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "cooperatives_cooperative_code_key"')
    monkeypatch.setattr(import_views, "import_cooperatives", loses)
    response = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": name,
                                                                    "original_name": "clean.xlsx"})
    assert response.status_code == 409
    assert "vừa được người khác nhập; tải lại danh sách để xem" in response.content.decode()
    again = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": name})
    assert again.status_code == 302 and again.url == reverse("cooperatives:import")    # the upload was removed
