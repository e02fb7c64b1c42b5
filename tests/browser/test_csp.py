"""The Content-Security-Policy breaks nothing: the main pages load, their scripts run (Bootstrap,
htmx, the progress chart, the report form's live percentage, the language switch, the confirm
dialogs) and the browser reports no violation of the policy."""
import re

import pytest
from playwright.sync_api import expect

from portal.models import Area, User
from tests.cooperatives.factories import coop, manager
from tests.cooperatives.test_import import clean_file

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"

# Runs before any script of every page (Playwright's own injection is not subject to the policy).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list every CSP violation, console complaint about the policy and
    script error ends up in."""
    problems = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))

    def check(where):
        problems.extend(f"{where}: {v}" for v in page.evaluate("window.__violations || []"))
        return problems

    page.check = check
    return page, problems


def _login(page, url, username):
    page.goto(url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


def _visit(page, url, path):
    response = page.goto(url + path)
    assert response.status == 200, path
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    page.wait_for_load_state("load")
    page.check(path)


def test_main_pages_run_under_the_policy_without_violations(bootstrapped, watched, settings, tmp_path):
    live_server = bootstrapped
    settings.MEDIA_ROOT = tmp_path / "media"
    page, problems = watched
    User.objects.create_user(username="thao", password=PASSWORD, role=User.Role.ADMIN,
                             area=Area.resolve("20"), first_name="Thảo")
    c = coop(code="4900555001", name="HTX Chính Sách")
    manager(c, name="Nông Thị Sách")

    _login(page, live_server.url, "thao")
    page.check("login + home")
    for path in ("/", "/hop-tac-xa/", f"/hop-tac-xa/{c.pk}/", "/hop-tac-xa/nhap/", "/ke-hoach/", "/bao-cao/",
                 "/ban-do/"):
        _visit(page, live_server.url, path)

    # htmx: the manager's edit form comes in place, and goes away again
    _visit(page, live_server.url, f"/hop-tac-xa/{c.pk}/")
    page.locator("#managers").get_by_title("Sửa").first.click()
    expect(page.locator("#managers form.part-form")).to_be_visible()
    page.check("htmx swap")

    # the progress page draws its chart (Chart.js) and sorts its table
    _visit(page, live_server.url, "/tien-do/20/")
    expect(page.locator("#progress-chart")).to_be_visible()
    assert page.evaluate("!!Chart.getChart(document.getElementById('progress-chart'))")
    page.check("progress chart")

    # the import's confirm button (data-busy-text) still sends its form
    page.goto(live_server.url + "/hop-tac-xa/nhap/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(clean_file(tmp_path)))
    page.get_by_role("button", name="Xem trước").click()
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("main .alert-success")).to_contain_text("tạo mới 3")
    page.check("import")

    # the language switch submits itself (data-autosubmit, no onchange=)
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.check("language switch")
    assert not problems, problems


def test_report_form_and_confirmations_work_under_the_policy(bootstrapped, watched):
    live_server = bootstrapped
    page, problems = watched
    User.objects.create_user(username="lan", password=PASSWORD, role=User.Role.DATA_ENTRY,
                             area=Area.resolve("06040"), first_name="Lan")
    _login(page, live_server.url, "lan")
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    picker = page.locator("#open-report")
    picker.get_by_label("Kỳ báo cáo").select_option(value="2025")
    picker.get_by_role("button", name="Mở báo cáo").click()
    expect(page.locator("#report-form")).to_be_visible()
    page.check("report form")

    # static/js/report.js: a ratio's percentage follows what is typed
    row = page.locator("#report-figures tr[data-ratio]").first
    inputs = row.locator("input")
    inputs.nth(0).fill("3")
    inputs.nth(1).fill("4")
    expect(row.locator(".percent")).to_have_text("75,00 %")
    page.check("ratio")

    # data-confirm on a form: dismissing the question sends nothing
    page.evaluate("""() => {
      const f = document.createElement("form");
      f.method = "post"; f.action = "/bao-cao/"; f.dataset.confirm = "Chắc chưa?"; f.id = "probe";
      f.innerHTML = '<button type="submit">Gửi thử</button>';
      document.querySelector("main").appendChild(f);
    }""")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Gửi thử").click()
    expect(page.locator("#probe")).to_be_visible()  # still here: not sent
    assert asked == ["Chắc chưa?"]
    assert re.search(r"/bao-cao/\d+/$", page.url)
    page.check("confirm")
    assert not problems, problems
