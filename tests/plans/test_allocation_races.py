"""Two administrators and one allocation table (issue 19, point 3): the second save, or a
confirmation of an import previewed before the first save, is answered 409 with a message and
writes nothing; two saves at the same moment never give a 500."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import allocations as rules
from plans.models import Allocation
from tests.plans.test_allocations import XLSX, book, form_data, page_url, row, target
from tests.reporting.test_cache import committed_map  # noqa: F401  (a transactional test's map)

CONFLICT = "Bảng vừa được người khác lưu; tải lại để xem."


@pytest.mark.django_db
def test_a_save_after_a_colleagues_is_refused_with_409(client_for, users):
    t = target()
    first, second = client_for(users["province_admin"]), client_for(users["national_admin"])
    page_a, page_b = first.get(page_url(t)), second.get(page_url(t))
    version = page_a.context["form"]["version"].value()
    assert version and version == page_b.context["form"]["version"].value()
    saved = first.post(page_url(t), {**form_data(t, {"178": "3"}), "version": version})
    assert saved.status_code == 302
    refused = second.post(page_url(t), {**form_data(t, {"178": "9", "06040": "2"}), "version": version})
    assert refused.status_code == 409 and CONFLICT in refused.content.decode()
    assert dict(Allocation.objects.filter(target=t).values_list("area__code", "low")) == {"178": 3}
    assert 'value="9"' in refused.content.decode()              # what she typed is still on the page
    fresh = second.get(page_url(t)).context["form"]["version"].value()
    again = second.post(page_url(t), {**form_data(t, {"178": "9"}), "version": fresh})   # after reloading
    assert again.status_code == 302 and Allocation.objects.get(target=t, area__code="178").low == 9


@pytest.mark.django_db
def test_an_import_confirmed_after_a_colleagues_save_is_refused_and_its_upload_removed(client_for, users, settings,
                                                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = target()
    client = client_for(users["province_admin"])
    preview = client.post(reverse("plans:target_allocate_import", args=[t.plan_id, t.pk]),
                          {"file": SimpleUploadedFile("giao.xlsx", book([("178", "", 3, None)]), content_type=XLSX)})
    confirm = preview.context["confirm"].initial
    assert confirm["version"] == rules.table_version(t)
    kept = list(tmp_path.rglob("*"))
    assert any(p.is_file() for p in kept)
    rules.save_allocations(t, [row("06040", 5)], users["national_admin"])        # a colleague, meanwhile
    response = client.post(reverse("plans:target_allocate_confirm", args=[t.plan_id, t.pk]), confirm)
    assert response.status_code == 409 and CONFLICT in response.content.decode()
    assert dict(Allocation.objects.filter(target=t).values_list("area__code", "low")) == {"06040": 5}
    assert not any(p.is_file() for p in tmp_path.rglob("*") if "nhap-giao-chi-tieu" in str(p))


@pytest.mark.django_db
def test_the_same_row_created_by_two_saves_at_once_is_a_conflict_not_a_500(users, monkeypatch):
    """What the row lock makes rare: a unit's row inserted by another save between this save's
    read and its write (the unique constraint catches it)."""
    t = target()
    rules.save_allocations(t, [row("178", 3)], users["national_admin"])
    real = rules._changes
    monkeypatch.setattr(rules, "_changes", lambda target, rows, existing: real(target, rows, []))  # stale read
    with pytest.raises(rules.Conflict):
        rules.save_allocations(t, [row("178", 4)], users["province_admin"])
    assert Allocation.objects.get(target=t).low == 3


RACE = """
import json, threading
from decimal import Decimal
from plans import allocations as rules
from plans.models import Target
from portal.models import Area, User

t = Target.objects.get(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025)
unit = Area.resolve("178", on=__import__("datetime").date(2025, 6, 30))
version = rules.table_version(t)
start, results = threading.Barrier(2), []

def save(username, value):
    try:
        user = User.objects.get(username=username)
        start.wait(10)
        rules.save_allocations(t, [rules.AllocationRow(area=unit, low=Decimal(value), high=None, form="", note="")], user,
                               expected_version=version)
        results.append("saved")
    except rules.Conflict:
        results.append("conflict")
    except Exception as exc:
        results.append(repr(exc))
    finally:
        connections.close_all()

threads = [threading.Thread(target=save, args=("thao", 3)), threading.Thread(target=save, args=("tw", 4))]
for th in threads:
    th.start()
for th in threads:
    th.join(60)
print("RACE " + json.dumps(sorted(results)))
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_two_administrators_saving_at_the_same_moment(users, tmp_path, settings):
    """Two threads of one server process, each its own connection, one version read by both: one
    save lands, the other is a Conflict — on PostgreSQL (the target's row lock) and on the
    embedded SQLite file (transactions take the write lock when they begin, and wait for it up
    to SQLITE_TIMEOUT_SECONDS), never "database is locked". The server is a real process on the
    test's database (SQLite's in-memory test database is copied to a file for it)."""
    import subprocess
    import sys

    from tests.jobs.test_worker import ROOT, WorkerDatabase

    db = WorkerDatabase(tmp_path)
    db.push()
    env = {**__import__("os").environ, "DATABASE_URL": db.url, "DJANGO_SECRET_KEY": "test-race"}
    done = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", RACE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RACE ")), None)
    assert line, done.stdout + done.stderr
    assert line == 'RACE ["conflict", "saved"]', line
    db.pull()
    assert Allocation.objects.filter(target=target()).count() == 1
