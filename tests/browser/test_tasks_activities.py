"""Tasks and activities end to end: chị Lan (data entry, Xã Thất Khê) records a training and a
media column with a photo, marks the column done for 2025 and sends her commune's 2025 report;
anh Minh (reviewer, Lạng Sơn) approves it; the province's progress page then shows the tasks
done and late and the budget by source, and the commune's draft PDF has the section II text."""
import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Plan, Task, TaskBudget
from portal.models import Area, User
from reporting.models import Activity, Report, TaskStatus

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _login(page, live_server, username, first_name):
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {first_name}")


def _record(page, live_server, task, kind, title, day, sessions, participants, women, province, other, photo=None):
    page.goto(live_server.url + reverse("activities:list"))
    page.get_by_role("link", name="Ghi hoạt động").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi hoạt động")
    page.locator("#id_task").select_option(value=str(task.pk))
    page.locator("#id_kind").select_option(value=kind)
    page.locator("#id_title").fill(title)
    page.locator("#id_held_on").fill(day)
    page.locator("#id_sessions").fill(str(sessions))
    page.locator("#id_participants").fill(str(participants))
    page.locator("#id_women").fill(str(women))
    page.locator("#id_spent_province").fill(str(province))
    page.locator("#id_spent_other").fill(str(other))
    if photo:
        page.locator("#id_files").set_input_files(str(photo))
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(r"/hoat-dong/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_commune_activities_approved_show_on_the_province_page_and_in_the_pdf(bootstrapped, browser, page,
                                                                              artifacts, settings, tmp_path):
    live_server = bootstrapped
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    User.objects.create_user(username="lan", password=PASSWORD, role=User.Role.DATA_ENTRY,
                             area=Area.resolve("06040"), first_name="Lan")
    User.objects.create_user(username="minh", password=PASSWORD, role=User.Role.REVIEWER,
                             area=Area.resolve("20"), first_name="Minh")
    plan = Plan.objects.get(key="lang-son-2023")
    training = Task.objects.get(group__plan=plan, title__startswith="Đào tạo, bồi dưỡng nâng cao trình độ quản trị")
    column = Task.objects.get(group__plan=plan, title__startswith="Xây dựng và duy trì ít nhất 01")
    TaskBudget.objects.create(task=training, year=2025, source="province", amount=50_000_000)
    photo = tmp_path / "chuyen-muc.png"
    photo.write_bytes(PNG)
    failures = []
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))

    # 1. Lan records a training and a media column (with its photo).
    _login(page, live_server, "lan", "Lan")
    _record(page, live_server, training, "training", "Tập huấn quản trị HTX cho nữ cán bộ", "12/09/2025",
            2, 80, 70, 10_000_000, 0)
    _record(page, live_server, column, "media", "Chuyên mục Phụ nữ với HTX", "20/09/2025", 3, 0, 0, 0, 2_000_000,
            photo=photo)
    expect(page.locator("main")).to_contain_text("chuyen-muc.png")
    media = Activity.objects.get(kind="media")
    assert media.period.code == "2025" and media.attachments.get().content_type == "image/png"
    page.screenshot(path=str(artifacts / "tasks_1_activity.png"), full_page=True)

    # 2. She marks the column done for 2025 on the plan's task list.
    page.goto(live_server.url + reverse("task_list", args=[plan.pk]))
    row = page.locator(f"#task-{column.pk}")
    with page.expect_navigation():
        row.get_by_label("Tình trạng Năm 2025").select_option(value="done")
    expect(page.locator("main")).to_contain_text("Đã ghi tình trạng nhiệm vụ.")
    assert TaskStatus.objects.get(task=column, period__code="2025").status == "done"

    # 3. She sends her commune's 2025 report.
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    picker = page.locator("#open-report")
    picker.get_by_label("Kỳ báo cáo").select_option(value="2025")
    picker.get_by_role("button", name="Mở báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo Năm 2025 — Xã Thất Khê")
    page.locator("#report-figures tr[data-code='HTX_MOI'] input").fill("2")
    page.locator("#report-form").get_by_role("button", name="Gửi duyệt").click()
    page.locator("#confirm-submit").get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator(".report-status").first).to_have_text("Đã gửi, chờ duyệt")
    report = Report.objects.get(area__code="06040", period__code="2025")
    assert report.status == Report.Status.SUBMITTED
    # the activities are locked with the report
    page.goto(live_server.url + reverse("activities:detail", args=[media.pk]))
    expect(page.get_by_role("link", name="Sửa")).to_have_count(0)

    # 4. Minh approves it.
    minh_ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    minh_ctx.set_default_timeout(15_000)
    try:
        mp = minh_ctx.new_page()
        mp.on("dialog", lambda d: d.accept())
        _login(mp, live_server, "minh", "Minh")
        mp.goto(live_server.url + reverse("reporting:detail", args=[report.pk]))
        mp.locator("#review").get_by_role("button", name="Duyệt").click()
        expect(mp.locator("main")).to_contain_text("Đã duyệt báo cáo Xã Thất Khê — Năm 2025.")
        report.refresh_from_db()
        assert report.status == Report.Status.APPROVED

        # 5. The province's progress page: tasks done and late, activities, budget by source.
        mp.goto(live_server.url + reverse("progress:area", args=["20"]) + f"?ke_hoach={plan.key}&moc=2025")
        section = mp.locator("#tasks-section")
        expect(section).to_be_visible()
        tally = section.locator("#tasks-tally")
        expect(tally).to_contain_text(re.compile(r"Đã hoàn thành: [1-9]"))
        expect(tally).to_contain_text(re.compile(r"Chậm: [1-9]"))
        expect(section.locator("#tasks-late")).to_contain_text("Tôn vinh, khen thưởng")
        kinds = section.locator("#tasks-kinds")
        expect(kinds.locator("tr", has_text="Lớp tập huấn, đào tạo")).to_contain_text("80")
        expect(kinds.locator("tr", has_text="Chuyên trang, chuyên mục, phát sóng")).to_contain_text("3")
        budget = section.locator("#tasks-budget")
        expect(budget.locator("tr", has_text="Ngân sách tỉnh")).to_contain_text("50.000.000")
        expect(budget.locator("tr", has_text="Ngân sách tỉnh")).to_contain_text("10.000.000")
        expect(budget.locator("tr", has_text="Nguồn hợp pháp khác")).to_contain_text("2.000.000")
        section.screenshot(path=str(artifacts / "tasks_2_province_section.png"))

        # 6. The commune's draft PDF (made at once) carries the section II text.
        pdf = mp.request.get(live_server.url + reverse("progress:pdf", args=["06040"])
                             + f"?ke_hoach={plan.key}&moc=2025")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
        assert "Kết quả thực hiện nhiệm vụ" in text
        assert "2 lớp tập huấn, đào tạo cho 80 lượt" in text
    finally:
        minh_ctx.close()
    assert failures == []
