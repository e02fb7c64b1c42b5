"""The access log is append-only and read by the administrators of the area it is about; grants
of person-level access are an administrator's, for a purpose and a time, and logged; the
notice is public, linked from the log-in page and every page's footer."""
import csv
import datetime
import io

import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import Area
from privacy import access
from privacy.models import AccessLog, AppendOnly, Grant

pytestmark = pytest.mark.django_db


def entry(area_code, *, user=None, action=AccessLog.Action.VIEW, days_ago=0, purpose=""):
    if days_ago:   # an old entry, written as it would have been then (the table refuses updates)
        return AccessLog.objects.create(at=timezone.now() - datetime.timedelta(days=days_ago), username="cu",
                                        area=Area.resolve(area_code), action=action, subject="manager",
                                        records=[9], count=1)
    return access.record(user, action, subject="manager", ids=[1, 2], area=Area.resolve(area_code), purpose=purpose)


def test_entries_cannot_be_changed_or_deleted(users):
    e = entry("06040", user=users["commune_editor"])
    e.purpose = "sửa"
    with pytest.raises(AppendOnly):
        e.save()
    with pytest.raises(AppendOnly):
        e.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=e.pk).update(purpose="sửa")
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()
    # nor behind the model's back: the database refuses (PostgreSQL: UPDATE and DELETE; SQLite: UPDATE)
    with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE privacy_accesslog SET purpose = 'x'")
    if connection.vendor == "postgresql":
        with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM privacy_accesslog")
    assert AccessLog.objects.get(pk=e.pk).purpose == ""


def test_purge_deletes_only_expired_entries(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    fresh = entry("06040")
    old = entry("06040", days_ago=31)
    assert access.purge_log() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not AccessLog.objects.filter(pk=old.pk).exists()


def test_deleting_an_account_keeps_its_entries(users):
    e = entry("06040", user=users["commune_editor"])
    users["commune_editor"].delete()
    kept = AccessLog.objects.get(pk=e.pk)
    assert kept.username == "lan" and kept.user_id is not None


def test_an_administrator_reads_her_areas_log(users, client):
    here = entry("06040", user=users["commune_editor"], purpose="xem hồ sơ")
    province = entry("20", user=users["province_admin"], action=AccessLog.Action.EXPORT, purpose="báo cáo quý")
    hanoi = entry("01", user=users["outsider_admin"])
    assert set(access.readable_log(users["province_admin"])) == {here, province}
    assert set(access.readable_log(users["outsider_admin"])) == {hanoi}
    assert set(access.readable_log(users["national_admin"])) == {here, province, hanoi}
    assert not access.readable_log(users["province_reviewer"]).exists()
    client.force_login(users["province_admin"])
    page = client.get(reverse("privacy:log"))
    assert page.status_code == 200 and set(page.context["page"].object_list) == {here, province}
    assert "báo cáo quý" in page.content.decode()
    only = client.get(reverse("privacy:log"), {"action": "export"})
    assert list(only.context["page"].object_list) == [province]
    by_who = client.get(reverse("privacy:log"), {"who": "lan"})
    assert list(by_who.context["page"].object_list) == [here]
    bad = client.get(reverse("privacy:log"), {"start": "2026-12-07", "end": "2026-01-01"})
    assert "end" in bad.context["form"].errors
    rows = list(csv.reader(io.StringIO(client.get(reverse("privacy:log_export", args=["csv"]),
                                                  {"action": "view"}).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời điểm", "Người thực hiện", "Hoạt động"]
    assert [(r[1], r[2], r[5], r[6]) for r in rows[1:]] == [("lan", "Xem", "1, 2", "Xã Thất Khê")]
    assert client.get(reverse("privacy:log_export", args=["pdf"])).status_code == 404
    client.force_login(users["province_reviewer"])
    assert client.get(reverse("privacy:log")).status_code == 403


def test_grants_are_given_for_a_purpose_and_a_time_and_logged(users, client):
    reviewer = users["province_reviewer"]
    assert not access.may_see_person_fields(reviewer)
    client.force_login(users["province_admin"])
    today = timezone.localdate()
    url = reverse("privacy:grants")
    short = client.post(url, {"user": reviewer.pk, "purpose": "xem", "until": today.isoformat()})
    assert "purpose" in short.context["form"].errors
    too_long = client.post(url, {"user": reviewer.pk, "purpose": "rà soát danh sách học viên",
                                 "until": (today + datetime.timedelta(days=400)).isoformat()})
    assert "until" in too_long.context["form"].errors
    outsider = client.post(url, {"user": users["outsider_admin"].pk, "purpose": "rà soát danh sách học viên",
                                 "until": today.isoformat()})
    assert "user" in outsider.context["form"].errors   # not an account she manages
    done = client.post(url, {"user": reviewer.pk, "purpose": "rà soát danh sách học viên dân tộc thiểu số",
                             "until": (today + datetime.timedelta(days=30)).isoformat()})
    assert done.status_code == 302
    grant = Grant.objects.get(user=reviewer)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)   # a new request, a new user object
    assert access.may_see_person_fields(reviewer)
    logged = AccessLog.objects.get(action=AccessLog.Action.GRANT)
    assert logged.records == [reviewer.pk] and "rà soát" in logged.purpose and logged.user == users["province_admin"]
    client.post(reverse("privacy:grant_revoke", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.revoked_at and grant.revoked_by == users["province_admin"]
    assert not access.may_see_person_fields(type(reviewer).objects.get(pk=reviewer.pk))
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE).count() == 1
    # another province's administrator cannot revoke it (404), nor see it
    client.force_login(users["outsider_admin"])
    assert client.post(reverse("privacy:grant_revoke", args=[grant.pk])).status_code == 404
    # an expired grant gives nothing
    Grant.objects.create(user=reviewer, purpose="cũ", until=today - datetime.timedelta(days=1))
    assert not access.may_see_person_fields(type(reviewer).objects.get(pk=reviewer.pk))


def test_the_notice_is_public_and_linked(client, users, settings):
    settings.PRIVACY_CONTACT_EMAIL = "dulieu@hoilhpn.example.vn"
    settings.PERSONAL_DATA_RETENTION_YEARS = 7
    page = client.get(reverse("privacy:notice"))
    text = page.content.decode()
    assert page.status_code == 200
    for words in ("Chính sách xử lý dữ liệu cá nhân", "91/2025/QH15", "Quyết định 01/QĐ-TTg", "Dân tộc là dữ liệu cá nhân nhạy cảm",
                  "<strong>7 năm</strong>", "dulieu@hoilhpn.example.vn", settings.PRIVACY_CONTROLLER):
        assert words in text, words
    assert reverse("privacy:notice") in client.get(reverse("login")).content.decode()
    client.force_login(users["commune_editor"])
    assert reverse("privacy:notice") in client.get(reverse("home")).content.decode()
    english = client.get(reverse("privacy:notice"), HTTP_ACCEPT_LANGUAGE="en",
                         HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    assert "Personal data notice" in english.content.decode()


def test_the_entry_forms_carry_the_notice(users, client):
    from tests.portal.test_scoping import _own_coop

    coop = _own_coop()
    client.force_login(users["commune_editor"])
    for url in (reverse("cooperatives:detail", args=[coop.pk]), reverse("cooperatives:manager_add", args=[coop.pk]),
                reverse("cooperatives:cadre_create")):
        text = client.get(url).content.decode()
        assert "entry-notice" in text and reverse("privacy:notice") in text, url


def test_a_long_log_is_paged(users, client):
    for _ in range(51):
        entry("06040", user=users["commune_editor"])
    client.force_login(users["province_admin"])
    first = client.get(reverse("privacy:log"))
    assert len(first.context["page"].object_list) == 50 and first.context["page"].has_next()
    second = client.get(reverse("privacy:log"), {"page": 2})
    assert len(second.context["page"].object_list) == 1
    empty = client.get(reverse("privacy:log"), {"action": "erase"})
    assert "Chưa có mục nào trong nhật ký" in empty.content.decode()
