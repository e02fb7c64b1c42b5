"""At 390 px the users list, the reports list, the activities, the task tracking page and the
allocation table are cards, without sideways scrolling (they were tables wider than the phone)."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

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


def test_the_allocation_table_is_a_list_of_cards_on_a_phone(bootstrapped, browser):
    """Each unit a card: its fields full width under their labels, the total recomputed as one
    types, the save button kept on screen while the list scrolls."""
    from tests.plans.test_allocations import page_url

    _admin()
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, bootstrapped.url)
    page.goto(bootstrapped.url + page_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#alloc-table thead").evaluate("el => el.getBoundingClientRect().height") == 0
    giao = page.get_by_label("Giao cho Thành phố Lạng Sơn", exact=True)
    assert giao.evaluate("el => el.getBoundingClientRect().width") >= 150   # not a sliver beside the others
    giao.fill("7")
    expect(page.locator("#alloc-total-text")).to_contain_text("7")
    page.locator("#alloc-table tr.alloc-row").nth(30).scroll_into_view_if_needed()
    save = page.get_by_role("button", name="Lưu giao chỉ tiêu")
    box = save.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844
    context.close()


def test_the_progress_page_sections_stay_in_reach_on_a_phone(bootstrapped, browser):
    """The long progress page has a bar of its sections at the top: on a phone it stays on screen
    while the page scrolls, and a tap brings the section's heading into view below it."""
    _admin()
    report("06040", "2025", "approved", HTX_MOI=2)
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, bootstrapped.url)
    page.goto(bootstrapped.url + reverse("progress:area", args=["20"]) + "?moc=2025")
    nav = page.get_by_role("navigation", name="Các phần của trang")
    nav.get_by_role("link", name="Tình hình gửi báo cáo").click()
    heading = page.get_by_role("heading", name="Tình hình gửi báo cáo")
    expect(heading).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 2000           # far down the page
    bar, top = nav.bounding_box(), heading.bounding_box()
    assert bar["y"] == 0 and top["y"] >= bar["height"] - 1   # the bar on top, the heading below it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
