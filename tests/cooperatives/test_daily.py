"""`manage.py daily`: recomputes the classifications and deletes the browser-import uploads that
were previewed but never confirmed, once older than IMPORT_UPLOAD_MAX_AGE_HOURS."""
import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperatives.models import Cooperative
from cooperatives.uploads import FOLDER, delete_abandoned_uploads
from tests.cooperatives.factories import coop, manager
from tests.cooperatives.test_import_views import upload
from tests.cooperatives.test_import import clean_file

pytestmark = pytest.mark.django_db
HOUR = 3600


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_UPLOAD_MAX_AGE_HOURS = 24
    return settings.MEDIA_ROOT


def previewed(client, tmp_path, name):
    """Uploads a clean file (the preview stores it) and returns the name the confirmation needs."""
    response = upload(client, clean_file(tmp_path, name))
    return response.context["confirm"].initial["import_file_name"]


def age(media, stored, hours):
    path = media / FOLDER / stored
    then = time.time() - hours * HOUR
    os.utime(path, (then, then))
    return path


def test_daily_deletes_uploads_abandoned_longer_than_the_setting(client_for, users, tmp_path, media):
    client = client_for(users["province_admin"])
    old = age(media, previewed(client, tmp_path, "old.xlsx"), 25)
    recent_name = previewed(client, tmp_path, "recent.xlsx")
    recent = age(media, recent_name, 23)
    assert old.exists() and recent.exists()

    out = io.StringIO()
    call_command("daily", stdout=out)

    assert "uploads: deleted 1 (older than 24 h)" in out.getvalue()
    assert not old.exists() and recent.exists()
    # the recent one can still be confirmed; the old one asks for the file again
    response = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": old.name})
    assert response.status_code == 302 and response.url == reverse("cooperatives:import")
    assert not Cooperative.objects.filter(code__startswith="49001").exists()
    response = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": recent_name})
    assert response.status_code == 302 and response.url == reverse("cooperatives:list")
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3


def test_the_age_comes_from_the_setting(client_for, users, tmp_path, media, settings):
    client = client_for(users["province_admin"])
    path = age(media, previewed(client, tmp_path, "a.xlsx"), 3)
    settings.IMPORT_UPLOAD_MAX_AGE_HOURS = 4
    assert delete_abandoned_uploads() == 0 and path.exists()
    settings.IMPORT_UPLOAD_MAX_AGE_HOURS = 2
    assert delete_abandoned_uploads() == 1 and not path.exists()


def test_other_media_files_are_left_alone(media):
    other = media / "khac" / "giu-lai.xlsx"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"x")
    os.utime(other, (time.time() - 100 * HOUR,) * 2)
    assert delete_abandoned_uploads(max_age=timedelta(hours=1)) == 0
    assert other.exists()


def test_nothing_uploaded_yet_is_not_an_error(media):
    assert not media.exists()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "uploads: deleted 0" in out.getvalue()


def test_daily_also_refreshes_the_classification(media):
    """A manager's term that ended yesterday stops counting without any edit."""
    import datetime

    from cooperatives import rules
    from cooperatives.services import refresh_classification

    c = coop(code="4900888001", name="HTX Hết nhiệm kỳ")
    manager(c, gender=rules.FEMALE, role=rules.GIAM_DOC, to_date=datetime.date.today() + datetime.timedelta(days=1))
    refresh_classification()
    c.refresh_from_db()
    assert c.is_women_managed
    c.managers.update(to_date=datetime.date.today() - datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("daily", stdout=out)
    c.refresh_from_db()
    assert not c.is_women_managed and "classification: changed 1" in out.getvalue()
