"""Accessibility: axe-core (axe-playwright-python ships it; injected by Playwright, so the
Content-Security-Policy does not stop it) finds no serious or critical violation on the main
pages of each role; and at 390 px the report form, the progress page and the cooperative list
do not scroll sideways (cards, not wide tables)."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Plan
from portal.models import Area, User
from reporting.models import Period
from reporting.services import get_or_create_report
from tests.cooperatives.factories import coop
from tests.reporting.factories import report

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"
BLOCKING = {"serious", "critical"}


def _cast():
    """One user per role (Lạng Sơn), a cooperative, a draft report and approved figures."""
    R = User.Role
    users = {
        "lan": User.objects.create_user(username="lan", password=PASSWORD, role=R.DATA_ENTRY,
                                        area=Area.resolve("06040"), first_name="Lan"),
        "minh": User.objects.create_user(username="minh", password=PASSWORD, role=R.REVIEWER,
                                         area=Area.resolve("20"), first_name="Minh"),
        "huong": User.objects.create_user(username="huong", password=PASSWORD, role=R.LEADER,
                                          area=Area.resolve("20"), first_name="Hương"),
        "thao": User.objects.create_user(username="thao", password=PASSWORD, role=R.ADMIN,
                                         area=Area.resolve("20"), first_name="Thảo"),
    }
    c = coop(code="4900555001", name="HTX Tiếp Cận")
    report("178", "2024", HTX_MOI=3, NU_QL_DAO_TAO_TL=(5, 9))
    report("06040", "2025", "submitted", HTX_MOI=4)
    draft = get_or_create_report(area=users["lan"].area, period=Period.objects.get(code="2026-H1"), user=users["lan"])
    plan = Plan.objects.get(key="lang-son-2023")
    return users, {
        "lan": ["/", "/hop-tac-xa/", f"/hop-tac-xa/{c.pk}/sua/", "/hop-tac-xa/them/",
                reverse("reporting:detail", args=[draft.pk]), "/tien-do/06040/"],
        "minh": ["/", "/bao-cao/cho-duyet/", "/tien-do/20/", "/tien-do/20/?moc=2025&cham=1",
                 "/tien-do/20/ban-hanh/"],
        "huong": ["/", "/tien-do/20/", "/van-ban/", f"/ke-hoach/{plan.pk}/"],
        "thao": ["/", "/nguoi-dung/", "/ke-hoach/", f"/ke-hoach/{plan.pk}/", "/tien-do/20/"],
    }, draft


def _login(page, url, username):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _problems(results, where):
    out = []
    for v in results.response["violations"]:
        if v["impact"] in BLOCKING:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            out.append(f"{where}: {v['impact']} {v['id']} ({v['help']}) at {targets}")
    return out


def test_axe_finds_no_serious_or_critical_violation(bootstrapped, browser):
    live_server = bootstrapped
    users, pages, _draft = _cast()
    axe = Axe()
    problems = []
    for username, paths in pages.items():
        context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _login(page, live_server.url, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (username, path)
            page.wait_for_load_state("load")
            problems += _problems(axe.run(page), f"{username} {path}")
        context.close()
    assert not problems, "\n".join(problems)


def test_phone_width_has_no_sideways_scrolling(bootstrapped, browser):
    live_server = bootstrapped
    users, _pages, draft = _cast()
    wide = []
    for username, paths in {"lan": [reverse("reporting:detail", args=[draft.pk]), "/hop-tac-xa/",
                                    "/tien-do/06040/"],
                            "minh": ["/tien-do/20/?moc=2025", "/tien-do/20/ban-hanh/"]}.items():
        context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        _login(page, live_server.url, username)
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if sizes[0] > sizes[1]:
                wide.append(f"{username} {path}: {sizes[0]} px wide in a {sizes[1]} px window")
        context.close()
    assert not wide, wide
