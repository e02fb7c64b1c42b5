"""The area picker in a browser: typing "hoa tham" in the user form offers "Xã Hoa Thám" (Lạng
Sơn) with its level and province, never Hưng Yên's "Xã Hoàng Hoa Thám" (outside the
administrator's scope); choosing it saves that unit. On the progress page, choosing a unit opens
its page. No policy violation on the way."""
import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.browser.test_csp import PASSWORD, WATCH

pytestmark = pytest.mark.browser


@pytest.fixture
def admin(bootstrapped):
    from portal.models import Area

    return User.objects.create_user("thao", password=PASSWORD, role=User.Role.ADMIN, area=Area.resolve("20"),
                                    first_name="Thảo")


def _login(page, url):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("thao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def test_typing_hoa_tham_finds_the_commune_in_scope(page, bootstrapped, admin):
    problems = []
    page.add_init_script(WATCH)
    page.on("pageerror", lambda e: problems.append(str(e)))
    url = bootstrapped.url
    _login(page, url)
    page.goto(url + "/nguoi-dung/them/")
    page.locator("#id_area-ts-control").fill("hoa tham")
    option = page.locator(".ts-dropdown .option", has_text="Xã Hoa Thám")
    expect(option).to_contain_text("Xã/phường · Lạng Sơn")
    expect(page.locator(".ts-dropdown")).not_to_contain_text("Hoàng Hoa Thám")
    option.click()
    page.locator("#id_username").fill("hoa")
    page.locator("#id_first_name").fill("Hoa")
    page.locator("#id_password1").fill("Xa-Hoa-Tham-2026")
    page.locator("#id_password2").fill("Xa-Hoa-Tham-2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("hoa")
    assert User.objects.get(username="hoa").area.code == "06073"

    page.goto(url + "/tien-do/20/")
    page.locator("#area-switch-ts-control").fill("hoa tham")
    page.locator(".ts-dropdown .option", has_text="Xã Hoa Thám").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Hoa Thám")
    assert "/tien-do/06073/" in page.url
    assert problems == [] and page.evaluate("window.__violations") == []
