"""At 390 px the users list, the reports list, the activities and the task tracking page are
cards, without sideways scrolling (they were tables wider than the phone)."""
import pytest
from django.urls import reverse

from plans.models import Plan, Task
from portal.models import Area
from reporting.models import Activity, Period
from tests.browser.test_account_menu import _admin, _login
from tests.reporting.factories import report

pytestmark = pytest.mark.browser


def test_lists_do_not_scroll_sideways_on_a_phone(bootstrapped, browser):
    _admin()
    report("06040", "2025", "approved", HTX_MOI=2)
    plan = Plan.objects.get(key="lang-son-2023")
    Activity.objects.create(area=Area.resolve("06040"), task=Task.objects.filter(group__plan=plan).first(),
                            kind=Activity.Kind.TRAINING, held_on="2025-09-12",
                            period=Period.objects.get(code="2025"), title="Tập huấn quản trị, điều hành HTX cho nữ cán bộ quản lý",
                            sessions=2, participants=80, women=70)
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, bootstrapped.url)
    for path, table in [(reverse("users"), "table.table-cards"), (reverse("reporting:list"), "#report-table"),
                        (reverse("activities:list"), "#activity-table"),
                        (reverse("task_list", args=[plan.pk]), "table.task-table")]:
        page.goto(bootstrapped.url + path)
        assert page.locator(f"{table} tbody tr").count() > 0, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.locator(f"{table} thead").first.evaluate("el => el.getBoundingClientRect().width") <= 1, path
    context.close()
