"""Chị Thảo (administrator, Lạng Sơn) imports a cooperative file that is "large" (the threshold
lowered to one row): the upload becomes a background job whose page shows a progress bar, polled
by htmx; a worker (`manage.py db_worker --batch`, the database queue) runs it; the page turns into
the preview; she confirms, a second job imports, and its page shows the bar full and the counts."""
import re
import signal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cooperatives.models import Cooperative, Manager
from jobs.models import Job
from portal.models import Area, User
from tests.cooperatives.test_import import clean_file

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"
SIGNALS = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def run_worker():
    """The queue's worker runs what is waiting, then exits (it sets signal handlers of its own:
    pytest's are put back)."""
    saved = {s: signal.getsignal(s) for s in SIGNALS}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, stdout=_Null())
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def test_a_large_cooperative_import_runs_as_jobs_with_a_progress_bar(bootstrapped, page, artifacts, settings,
                                                                      tmp_path):
    live_server = bootstrapped
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_THRESHOLD_ROWS = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.create_user(username="thao", password=PASSWORD, role=User.Role.ADMIN, area=Area.resolve("20"),
                             first_name="Thảo")
    failures = []
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))

    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("thao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Thảo")

    page.locator("nav.navbar").get_by_role("link", name="Hợp tác xã", exact=True).click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(clean_file(tmp_path)))
    page.get_by_role("button", name="Xem trước").click()

    # The job's page: its progress bar, waiting for a worker, polled every second.
    expect(page).to_have_url(re.compile(r"/cong-viec/\d+/$"))
    bar = page.locator("#job-progress [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#job-progress")).to_contain_text("Đang chờ")
    expect(page.locator("#job-progress")).to_have_attribute("hx-trigger", "every 1s")
    preview = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    assert preview.state == Job.State.QUEUED and not Cooperative.objects.filter(code__startswith="49001").exists()

    run_worker()
    preview.refresh_from_db()
    assert preview.state == Job.State.SUCCEEDED and (preview.rows_done, preview.rows_total) == (3, 3)
    # The poll sees the job finished and reloads the page: the preview, nothing written yet.
    summary = page.locator("#import-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("tbody tr").first).to_contain_text("3")
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    assert not Cooperative.objects.filter(code__startswith="49001").exists()
    page.get_by_role("button", name="Xác nhận nhập").click()

    expect(page).to_have_url(re.compile(r"/cong-viec/\d+/$"))
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#job-progress")).to_contain_text("Đang chờ")
    run_worker()
    counts = page.locator("#job-import-counts")
    expect(counts).to_have_text(re.compile(r"HTX/THT tạo mới 3, cập nhật 0, không đổi 0; "
                                           r"cán bộ quản lý tạo mới 5, cập nhật 0, không đổi 0"))
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#job-progress")).to_contain_text("Hoàn thành — 3 / 3 dòng")
    page.screenshot(path=str(artifacts / "import_job.png"), full_page=True)

    job = Job.objects.get(kind=Job.Kind.IMPORT_CONFIRM)
    assert job.state == Job.State.SUCCEEDED and job.owner.username == "thao"
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3
    assert Manager.objects.filter(cooperative__code__startswith="49001").count() == 5
    assert all(c.commune.lies_in(Area.resolve("20")) for c in Cooperative.objects.filter(code__startswith="49001"))
    assert failures == []
