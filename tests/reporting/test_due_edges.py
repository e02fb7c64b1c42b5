"""The edges of "on time" and of a registry window, where an off-by-one or a UTC date would
slip: a report first sent on its due date (local date, Asia/Ho_Chi_Minh) is on time, even late
in the evening; one sent the next morning is late, even though it is still the due date in UTC.
A cooperative founded on the first day of a report's data window counts in that report's
registry figure, and not in the previous one's."""
import datetime

import pytest
from django.utils import timezone

from cooperatives.figures import registry_figures
from cooperatives.services import refresh_classification
from reporting import entry
from reporting.models import Report, due_date
from reporting.selectors import completeness, default_plan
from tests.cooperatives.factories import coop, manager
from tests.reporting.helpers import THAT_KHE, area, detail, period, submitted

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))   # Asia/Ho_Chi_Minh (UTC+7)


@pytest.mark.parametrize("sent, expected", [
    (local(2025, 12, 20, 0, 5), "on_time"),    # the due day's first minutes (still 19/12 in UTC)
    (local(2025, 12, 20, 23, 30), "on_time"),  # the due day's last hour
    (local(2025, 12, 21, 5, 0), "late"),       # the next morning, though still 20/12 in UTC
    (local(2025, 12, 19, 10, 0), "on_time"),
])
def test_a_report_sent_on_its_due_date_is_on_time(users, client_for, sent, expected):
    province, commune, p = area("20"), area(THAT_KHE), period("2025")
    plan = default_plan(province, 2025)
    assert due_date(plan, p) == datetime.date(2025, 12, 20)
    report = submitted(THAT_KHE, "2025", users["commune_editor"])
    Report.objects.filter(pk=report.pk).update(first_submitted_at=sent, submitted_at=sent)
    # the completeness table of the progress page, the PDF and the exports
    rows = completeness(province, plan, [p], {commune.pk: commune}, False, datetime.date(2026, 1, 15))
    assert rows[0][1][0].status == expected
    # national: the province's tally of units on time
    tally = completeness(area("VN"), plan, [p], {province.pk: province}, True, datetime.date(2026, 1, 15))[0][1][0]
    assert (tally.on_time, tally.late) == ((1, 0) if expected == "on_time" else (0, 1))
    # the report page
    page = client_for(users["province_reviewer"]).get(detail(report))
    assert page.context["late"] is (expected == "late")
    assert entry.is_late(page.context["due"], submitted_on=timezone.localdate(sent)) is (expected == "late")


def test_a_cooperative_founded_on_the_windows_first_day_counts():
    annual = period("2025")
    start, end = entry.registry_window(annual)
    assert start == datetime.date(2024, 12, 15)     # Nghị định 09/2019: 15/12 of the year before
    first_day = coop(THAT_KHE, founded_on=start)
    manager(first_day)                              # a woman Giám đốc: women-managed
    day_before = coop(THAT_KHE, founded_on=start - datetime.timedelta(days=1))
    manager(day_before)
    refresh_classification()
    commune = area(THAT_KHE)
    assert registry_figures(commune, start, end)["HTX_MOI"].value == 1            # the first day, not the 14/12
    assert registry_figures(commune, *entry.registry_window(period("2025-H1")))["HTX_MOI"].value == 1
    assert registry_figures(commune, *entry.registry_window(period("2024")))["HTX_MOI"].value == 1  # the 14/12
    assert registry_figures(commune, end, end)["HTX_MOI"].value == 0
    last_day = coop(THAT_KHE, founded_on=end)
    manager(last_day)
    refresh_classification([last_day.pk])
    assert registry_figures(commune, start, end)["HTX_MOI"].value == 2             # and the last day
