"""Reminders before each due date (`manage.py send_reminders`, run daily by `manage.py daily`):
REMINDER_DAYS (default 7 and 1) days before a period's report is due for a unit (its due date
under the most specific plan covering it, as on the report page), each active data-entry user of
that unit gets a notification and an e-mail — unless the unit has already sent that report.

The same days, the tasks of the unit's own plans that fall due in that period and are not recorded
as done (reporting.tasks.tasks_due_for) are reminded too, in one notification per period.

Once only: each reminder is a notification with the key "reminder:<period>:<days>", and a user
never gets two notifications with the same key, so running the command twice a day, or again
after a failure, sends nothing twice."""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from home.selectors import days_left_text, period_due
from notifications.models import Notification
from notifications.services import notify
from portal.models import User
from reporting.entry import can_report_period
from plans.models import Task
from reporting.models import Period, Report
from reporting.tasks import tasks_due_for


@dataclass
class Reminder:
    area: object
    period: Period
    due: datetime.date
    days: int
    users: list


@dataclass
class TaskReminder:
    area: object
    period: Period
    due: datetime.date
    days: int
    users: list
    tasks: list


def reminders_due(today, days=None):
    """The reminders to send on ``today``: one per unit and period whose report is due in one of
    ``days`` days and not yet sent, with the unit's data-entry users."""
    days = sorted(set(settings.REMINDER_DAYS if days is None else days))
    wanted = {today + datetime.timedelta(days=d): d for d in days}
    periods = list(Period.objects.filter(year__in={day.year for day in wanted}))
    by_area = defaultdict(list)
    for user in User.objects.filter(role=User.Role.DATA_ENTRY, is_active=True, area__isnull=False).select_related(
            "area").order_by("pk"):
        by_area[user.area_id].append(user)
    sent = set(Report.objects.filter(area_id__in=by_area, period__in=periods, first_submitted_at__isnull=False)
               .values_list("area_id", "period_id"))
    out = []
    for users in by_area.values():
        area = users[0].area
        for period in periods:
            if (area.pk, period.pk) in sent or not can_report_period(area, period):
                continue
            due = period_due(area, period)
            if due in wanted:
                out.append(Reminder(area, period, due, wanted[due], users))
    return out


def task_reminders_due(today, days=None):
    """The task reminders to send on ``today``: for each unit with data-entry users whose own plans
    hold tasks, the tasks due in a period whose report is due in one of ``days`` days, not done."""
    days = sorted(set(settings.REMINDER_DAYS if days is None else days))
    wanted = {today + datetime.timedelta(days=d): d for d in days}
    leading = set(Task.objects.values_list("group__plan__area_id", flat=True))
    periods = list(Period.objects.filter(year__in={day.year for day in wanted}))
    by_area = defaultdict(list)
    for user in User.objects.filter(role=User.Role.DATA_ENTRY, is_active=True, area_id__in=leading).select_related(
            "area").order_by("pk"):
        by_area[user.area_id].append(user)
    out = []
    for users in by_area.values():
        area = users[0].area
        for period in periods:
            due = period_due(area, period)
            if due not in wanted:
                continue
            tasks = [t for t in tasks_due_for(area, due) if t.period_code == period.code]
            if tasks:
                out.append(TaskReminder(area, period, due, wanted[due], users, tasks))
    return out


def send_reminders(today, days=None):
    """Sends what ``reminders_due`` lists; returns (reminders considered, notifications sent)."""
    reminders = reminders_due(today, days)
    sent = 0
    for r in reminders:
        text = _("Báo cáo %(period)s của %(area)s: %(left)s (hạn %(day)s).") % {
            "period": r.period.label.lower(), "area": r.area.name, "left": days_left_text(r.due, today),
            "day": r.due.strftime("%d/%m/%Y")}
        sent += len(notify(r.users, Notification.Kind.REMINDER, text, reverse("reporting:list"),
                           key=f"reminder:{r.period.code}:{r.days}"))
    task_reminders = task_reminders_due(today, days)
    for r in task_reminders:
        names = "; ".join(t.task.title for t in r.tasks[:3]) + ("; …" if len(r.tasks) > 3 else "")
        text = _("%(n)s nhiệm vụ của %(area)s đến hạn trong kỳ %(period)s chưa hoàn thành (%(left)s): %(names)s") % {
            "n": len(r.tasks), "area": r.area.name, "period": r.period.label.lower(),
            "left": days_left_text(r.due, today), "names": names}
        plan = r.tasks[0].task.group.plan
        sent += len(notify(r.users, Notification.Kind.REMINDER, text, reverse("task_list", args=[plan.pk]),
                           key=f"tasks:{r.period.code}:{r.days}"))
    return len(reminders) + len(task_reminders), sent
