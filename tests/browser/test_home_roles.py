"""Each demo role's home page and its first action, in a real browser: chị Lan (data entry) sees
the report coming due and the bell with Minh's return, opens the report; anh Minh (reviewer)
opens the first report waiting for him; bà Hương (leader) opens the progress page from the
headline figures; chị Thảo (administrator) opens the users."""
import re

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD, ensure_demo_users
from portal.models import User
from reporting import services
from tests.reporting.helpers import THAT_KHE, editor_of, other_lang_son_commune, submitted

pytestmark = pytest.mark.browser


def _login(page, url, username, name):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {name}")


def _logout(page):
    page.locator("#account-menu").click()  # the account menu holds the log-out button
    page.locator("nav.navbar").get_by_role("button", name="Đăng xuất").click()


def test_each_role_home_page_and_first_action(bootstrapped, page, artifacts):
    url = bootstrapped.url
    ensure_demo_users()
    lan, minh = User.objects.get(username="nhaplieu"), User.objects.get(username="kiemduyet")
    returned = submitted(THAT_KHE, "2025", lan)
    services.return_report(returned, user=minh, comment="Số việc làm mới chưa khớp danh sách")
    other = other_lang_son_commune()
    waiting = submitted(other, "2025", editor_of(other))
    failures = []
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))

    # Lan: the bell says Minh returned her report; the comment is on top; the due report opens.
    _login(page, url, "nhaplieu", "Lý Thị Lan")
    expect(page.locator("#bell-count")).to_contain_text("1")
    expect(page.locator(".returned-report")).to_contain_text("“Số việc làm mới chưa khớp danh sách”")
    first_due = page.locator(".due-report").first
    expect(first_due.locator(".days-left")).to_have_text(re.compile(r"^(còn \d+ ngày|hạn hôm nay|quá hạn \d+ ngày|đã gửi)$"))
    page.screenshot(path=str(artifacts / "home-data-entry.png"), full_page=True)
    first_due.get_by_role("button", name="Mở báo cáo").or_(first_due.get_by_role("link", name="Mở báo cáo")).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/\d+/$"))
    expect(page.locator("main")).to_contain_text("Xã Thất Khê")
    page.locator("#bell").click()
    expect(page.locator("#notification-list")).to_contain_text("trả lại báo cáo năm 2025 của Xã Thất Khê")
    expect(page.locator("#bell-count")).to_have_count(0)
    _logout(page)

    # Minh: the queue on his home page; he opens the first report waiting.
    _login(page, url, "kiemduyet", "Trần Văn Minh")
    expect(page.locator("#returned-below")).to_contain_text("Xã Thất Khê")
    page.screenshot(path=str(artifacts / "home-reviewer.png"), full_page=True)
    page.locator(f"#queue-first li[data-report='{waiting.pk}'] a").click()
    expect(page).to_have_url(re.compile(rf"/bao-cao/{waiting.pk}/$"))
    _logout(page)

    # Hương: headline figures, then the progress page.
    _login(page, url, "lanhdao", "Hoàng Thị Hương")
    expect(page.locator("#headline-table tr[data-code='HTX_MOI']")).to_be_visible()
    page.screenshot(path=str(artifacts / "home-leader.png"), full_page=True)
    page.locator("#open-progress").click()
    expect(page).to_have_url(re.compile(r"/tien-do/20/"))
    _logout(page)

    # Thảo: accounts, imports, the data check (loaded after the page), then the users.
    _login(page, url, "quantri", "Nguyễn Thị Thảo")
    expect(page.locator("#user-counts")).to_contain_text("tài khoản đang hoạt động")
    expect(page.locator("#data-check")).to_contain_text(re.compile(r"Không có báo cáo nào lệch|HTX_MOI"))
    page.screenshot(path=str(artifacts / "home-admin.png"), full_page=True)
    page.locator("#open-users").click()
    expect(page).to_have_url(re.compile(r"/nguoi-dung/$"))
    assert failures == []
