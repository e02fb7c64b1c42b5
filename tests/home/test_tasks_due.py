"""A task due this period and not done appears on its lead unit's home page and in the reminders
(issue: tasks, point 4). Lạng Sơn's plan leads its tasks: the province's data entry sees them."""
import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from home.reminders import task_reminders_due
from home.selectors import period_due
from notifications.models import Notification
from plans.models import Task
from portal.models import Area, User
from reporting.models import Period, TaskStatus
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_editor(db):
    return make_user("tinh", User.Role.DATA_ENTRY, "20")


def _column():
    return Task.objects.get(group__plan__key="lang-son-2023", title__startswith="Xây dựng và duy trì ít nhất 01")


def test_the_lead_units_home_page_lists_its_tasks_due(client, province_editor, monkeypatch):
    import home.views

    monkeypatch.setattr(home.views.timezone, "localdate", lambda: datetime.date(2026, 3, 1))
    client.force_login(province_editor)
    body = client.get(reverse("home")).content.decode()
    assert 'id="tasks-due"' in body and _column().title[:40] in body
    for code in ("2026-H1", "2026"):  # due every reporting period: done in both
        TaskStatus.objects.create(task=_column(), area=Area.resolve("20"), period=Period.objects.get(code=code),
                                  status="done")
    assert _column().title[:40] not in client.get(reverse("home")).content.decode()


def test_a_commune_without_a_plan_of_its_own_sees_no_task_block(client, users):
    client.force_login(users["commune_editor"])
    assert 'id="tasks-due"' not in client.get(reverse("home")).content.decode()


def test_tasks_are_reminded_with_the_report_once(province_editor, django_capture_on_commit_callbacks):
    due = period_due(Area.resolve("20"), Period.objects.get(code="2026-H1"))
    day = due - datetime.timedelta(days=7)
    reminders = task_reminders_due(day)
    assert [r.area.code for r in reminders] == ["20"]
    assert _column().pk in {t.task.pk for t in reminders[0].tasks}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", day.isoformat())
        call_command("send_reminders", "--date", day.isoformat())
    notes = Notification.objects.filter(recipient=province_editor, key__startswith="tasks:")
    assert notes.count() == 1 and "nhiệm vụ" in notes.get().text
    assert notes.get().url == reverse("task_list", args=[_column().group.plan_id])
