"""A province reviewer signs in through the real form and reads her province's plan targets."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.models import Area, User

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"


def test_reviewer_logs_in_and_reads_lang_son_targets(bootstrapped, page, artifacts):
    live_server = bootstrapped
    User.objects.create_user(username="minh", password=PASSWORD, role=User.Role.REVIEWER,
                             area=Area.resolve("20"), first_name="Minh")
    requests, failures = [], []
    page.on("request", lambda req: requests.append(req.url))
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))
    page.on("requestfailed", lambda req: failures.append(f"failed {req.url}: {req.failure}"))

    # Anonymous: the portal sends the visitor to its Vietnamese login form.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("minh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # Home, in Vietnamese, with the reviewer's province.
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Minh")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("main")).to_contain_text("Lạng Sơn")

    page.locator("nav.navbar").get_by_role("link", name="Kế hoạch, chỉ tiêu", exact=True).click()
    expect(page).to_have_url(live_server.url + "/ke-hoach/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch và chỉ tiêu")

    plan_link = page.get_by_role("link", name=re.compile("trên địa bàn tỉnh Lạng Sơn"))
    expect(plan_link).to_have_count(1)
    plan_link.click()
    expect(page).to_have_url(re.compile(r"/ke-hoach/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("trên địa bàn tỉnh Lạng Sơn")

    targets = page.locator("table.table-targets")
    expect(targets.first).to_be_visible()
    new_htx = targets.locator("tr[data-indicator='HTX_MOI'] td.target-written", has_text="từ 20 - 25 HTX")
    expect(new_htx.first).to_be_visible()
    # The page is styled by the portal's own Bootstrap: the navbar is laid out as a flex row.
    assert page.locator("nav.navbar").evaluate("el => getComputedStyle(el).display") == "flex"

    page.screenshot(path=str(artifacts / "login_open_plan.png"), full_page=True)

    # Every request went to the live server: the portal serves all its assets itself.
    origin = urlsplit(live_server.url)
    foreign = [u for u in requests
               if not u.startswith("data:") and urlsplit(u)[:2] != (origin.scheme, origin.netloc)]
    assert foreign == []
    assert any(u.endswith(".css") for u in requests) and any(u.endswith(".js") for u in requests)
    assert failures == []
