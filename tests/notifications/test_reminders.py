"""Reminders (`manage.py send_reminders`): 7 and 1 days before a report is due, the data-entry
users of each unit that has not sent it; once only, however often the command runs."""
import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from home.selectors import period_due
from notifications.models import Notification
from portal.models import User
from tests.conftest import make_user
from tests.reporting.helpers import THAT_KHE, area, detail, period, report_of, submitted

pytestmark = pytest.mark.django_db


def _run(day):
    out = io.StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue().strip()


def _reminders(user):
    return list(Notification.objects.filter(recipient=user, kind=Notification.Kind.REMINDER).order_by("pk"))


@pytest.fixture
def due(users):
    """Thất Khê's 2026 annual report: its due date, as the report page states it."""
    day = period_due(area(THAT_KHE), period("2026"))
    report = report_of(THAT_KHE, "2026")
    from django.test import Client

    client = Client()
    client.force_login(users["commune_editor"])
    assert client.get(detail(report)).context["due"] == day  # the same rule as the report page
    report.delete()
    return day


def test_seven_and_one_days_before_once_each(users, due, django_capture_on_commit_callbacks):
    lan = users["commune_editor"]
    lan.email = "lan@example.vn"
    lan.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = _run(due - datetime.timedelta(days=7))
    [r] = _reminders(lan)
    assert r.text == f"Báo cáo năm 2026 của Xã Thất Khê: còn 7 ngày (hạn {due:%d/%m/%Y})."
    assert first.endswith("sent " + str(Notification.objects.filter(kind="reminder").count()))
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    # twice the same day: nothing again
    with django_capture_on_commit_callbacks(execute=True):
        again = _run(due - datetime.timedelta(days=7))
    assert again.endswith("sent 0") and len(_reminders(lan)) == 1 and len(mail.outbox) == 1
    # no reminder on other days
    _run(due - datetime.timedelta(days=3))
    assert len(_reminders(lan)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _run(due - datetime.timedelta(days=1))
        _run(due - datetime.timedelta(days=1))
    assert [n.text for n in _reminders(lan)][1] == f"Báo cáo năm 2026 của Xã Thất Khê: còn 1 ngày (hạn {due:%d/%m/%Y})."
    assert len(_reminders(lan)) == 2 and len(mail.outbox) == 2


def test_units_that_sent_the_report_and_other_roles_get_nothing(users, due):
    submitted(THAT_KHE, "2026", users["commune_editor"])
    _run(due - datetime.timedelta(days=7))
    assert not _reminders(users["commune_editor"])
    for key in ("province_reviewer", "province_leader", "province_admin"):
        assert not _reminders(users[key])


def test_a_returned_report_was_sent_so_no_reminder(users, due):
    from reporting import services

    report = submitted(THAT_KHE, "2026", users["commune_editor"])
    services.return_report(report, user=users["province_reviewer"], comment="Sửa")
    _run(due - datetime.timedelta(days=7))
    assert not _reminders(users["commune_editor"])


def test_an_old_district_is_not_reminded_of_periods_after_it_ceased(users, due):
    _run(due - datetime.timedelta(days=7))
    assert not _reminders(users["old_district_editor"])  # 178 ceased on 30/6/2025


def test_every_data_entry_user_of_the_unit_and_none_inactive(users, due):
    second = make_user("lan2", User.Role.DATA_ENTRY, THAT_KHE)
    gone = make_user("lan3", User.Role.DATA_ENTRY, THAT_KHE)
    gone.is_active = False
    gone.save()
    _run(due - datetime.timedelta(days=7))
    assert len(_reminders(users["commune_editor"])) == 1 and len(_reminders(second)) == 1
    assert not _reminders(gone)


def test_reminder_days_is_a_setting(users, due, settings):
    settings.REMINDER_DAYS = [3]
    _run(due - datetime.timedelta(days=7))
    assert not _reminders(users["commune_editor"])
    _run(due - datetime.timedelta(days=3))
    assert len(_reminders(users["commune_editor"])) == 1


def test_daily_sends_the_reminders(users, due, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: due - datetime.timedelta(days=7))
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "reminders: due" in out.getvalue()
    assert len(_reminders(users["commune_editor"])) == 1


def test_a_bad_date_fails_with_the_reason():
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("send_reminders", "--date", "31/12/2026")
