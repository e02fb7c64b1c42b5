"""The navbar at laptop widths: the menu and the tools (bell, language, account menu) fit on one
line at 1280 and 1366 px, for the administrator (the longest menu); the account menu opens and
is used with the keyboard alone; on a phone it opens inside the collapsed menu."""
import re

import pytest
from playwright.sync_api import expect

from portal.models import Area, User

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"


def _admin():
    return User.objects.create_user(username="thao", password=PASSWORD, role=User.Role.ADMIN,
                                    area=Area.resolve("20"), first_name="Thị Thảo", last_name="Nguyễn")


def _login(page, url):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("thao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("width", [1280, 1366])
def test_navbar_is_one_line_at_laptop_widths(bootstrapped, browser, width):
    _admin()
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 800})
    page = context.new_page()
    _login(page, bootstrapped.url)
    first_link = page.locator("nav.navbar .nav-link").first.bounding_box()
    for item in ["#bell", "select[name=language]", "#account-menu", "nav.navbar .nav-item >> nth=-1"]:
        box = page.locator(item).bounding_box()
        assert box is not None, item
        # Same row as the menu's first link, and inside the window.
        assert abs((box["y"] + box["height"] / 2) - (first_link["y"] + first_link["height"] / 2)) < 8, (width, item)
        assert box["x"] + box["width"] <= width, (width, item)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The account items are not on the bar itself any more.
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_hidden()
    context.close()


def test_account_menu_works_with_the_keyboard(bootstrapped, page):
    _admin()
    _login(page, bootstrapped.url)
    toggle = page.locator("#account-menu")
    expect(toggle).to_contain_text("Tài khoản")
    expect(toggle).to_contain_text("Nguyễn Thị Thảo")  # family name first
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#account .dropdown-menu")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Quản trị")
    expect(menu).to_contain_text("Lạng Sơn")
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Đổi mật khẩu")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Thông báo qua e-mail")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Mã truy cập API")).to_be_focused()
    page.keyboard.press("ArrowDown")     # an administrator's personal-data pages
    expect(menu.get_by_role("link", name="Yêu cầu về dữ liệu cá nhân")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name="Nhật ký dữ liệu cá nhân")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(bootstrapped.url + "/tai-khoan/thong-bao/")


def test_account_menu_on_a_phone(bootstrapped, browser):
    _admin()
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, bootstrapped.url)
    expect(page.locator("#account-menu")).to_be_hidden()  # inside the collapsed menu
    page.get_by_role("button", name="Mở menu").click()
    # as a person taps: once the menu has opened (its 0,35 s transition over), not during it
    expect(page.locator("#nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator("#nav")).not_to_have_class(re.compile("collapsing"))
    page.locator("#account-menu").click()
    expect(page.locator("#account-menu")).to_have_attribute("aria-expanded", "true")
    logout = page.get_by_role("button", name="Đăng xuất")
    expect(logout).to_be_visible()
    box = logout.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    logout.click()
    expect(page).to_have_url(bootstrapped.url + "/dang-nhap/")
    context.close()
