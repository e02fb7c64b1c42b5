"""Steps that were dead ends: the document form's "Ban hành" after "Xem trước" (the preview opens
in a new tab and leaves the form usable: portal.js makes busy only the buttons of a submission
that leaves the page); the bell on a phone (on the bar, not in the collapsed menu); activities
from the menu and the data-entry home; "Thêm HTX/THT" for an account left on an old district
(not offered; the address says why instead of a form that can never be saved)."""
import pytest
from playwright.sync_api import expect

from portal.models import Area, User

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"


def test_preview_then_issue_stays_enabled(bootstrapped, page):
    live_server = bootstrapped
    User.objects.create_user(username="minh", password=PASSWORD, role=User.Role.REVIEWER,
                             area=Area.resolve("20"), first_name="Minh")
    page.goto(live_server.url + "/dang-nhap/?next=/tien-do/20/ban-hanh/")
    page.get_by_label("Tên đăng nhập").fill("minh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    issue = page.get_by_role("button", name="Ban hành")
    expect(issue).to_be_enabled()
    with page.context.expect_page() as preview:
        page.locator("#preview-button").click()
    preview.value.wait_for_load_state()
    page.wait_for_timeout(300)          # past portal.js's setTimeout(0)
    expect(issue).to_be_enabled()
    expect(issue).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#preview-button")).to_be_enabled()
    # the issue itself still turns busy (no double submit): the confirmation dismissed, nothing sent
    page.once("dialog", lambda dialog: dialog.dismiss())
    issue.click()
    expect(issue).to_be_enabled()


def _login(page, base, username, path="/"):
    page.goto(base + "/dang-nhap/?next=" + path)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_on_a_phone_the_bell_is_on_the_bar_and_activities_are_in_reach(bootstrapped, browser):
    live_server = bootstrapped
    User.objects.create_user(username="lan", password=PASSWORD, role=User.Role.DATA_ENTRY,
                             area=Area.resolve("06040"), first_name="Lan")
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    _login(page, live_server.url, "lan")
    expect(page.locator("#bell")).to_be_visible()             # the menu is still collapsed
    expect(page.locator("#nav")).to_be_hidden()
    page.locator("#quick-links").get_by_role("link", name="Ghi hoạt động").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi hoạt động")
    page.locator(".navbar-toggler").click()
    page.locator("#nav").get_by_role("link", name="Hoạt động", exact=True).click()
    expect(page).to_have_url(live_server.url + "/hoat-dong/")
    context.close()


def test_an_old_district_account_is_told_why_it_cannot_add_a_cooperative(bootstrapped, page):
    import datetime

    live_server = bootstrapped
    User.objects.create_user(username="mai", password=PASSWORD, role=User.Role.DATA_ENTRY,
                             area=Area.resolve("178", on=datetime.date(2025, 6, 30)), first_name="Mai")
    _login(page, live_server.url, "mai")
    expect(page.locator("#quick-links").get_by_role("link", name="Thêm HTX/THT")).to_have_count(0)
    page.goto(live_server.url + "/hop-tac-xa/")
    expect(page.get_by_role("link", name="Thêm HTX / THT")).to_have_count(0)
    page.goto(live_server.url + "/hop-tac-xa/them/")
    expect(page.locator("#cannot-add")).to_contain_text("không còn xã/phường nào")
    expect(page.locator("form select[name=commune]")).to_have_count(0)
