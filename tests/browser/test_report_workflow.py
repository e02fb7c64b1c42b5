"""The report workflow end to end, in two browsers: chị Lan (data entry, Xã Thất Khê) fills in
her commune's 2025 annual report and sends it; anh Minh (reviewer, Lạng Sơn) returns it with a
comment; Lan corrects HTX_MOI and sends it again; Minh approves it and finds the figure on the
province's progress page."""
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import Area, User
from reporting.models import Report

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"
COMMENT = "Số việc làm mới chưa khớp danh sách"
S = Report.Status


def _login(page, live_server, username, first_name):
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {first_name}")


def _watch(page, failures):
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))


def _htx_moi(page):
    return page.locator("#report-figures tr[data-code='HTX_MOI'] input")


def _send(page):
    """The "Gửi duyệt" button asks first (a Bootstrap modal); the modal's own "Gửi duyệt" saves and sends."""
    page.locator("#report-form").get_by_role("button", name="Gửi duyệt").click()
    modal = page.locator("#confirm-submit")
    expect(modal).to_be_visible()
    expect(modal.get_by_role("heading", name="Gửi báo cáo để duyệt?")).to_be_visible()
    modal.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator(".report-status").first).to_have_text("Đã gửi, chờ duyệt")
    expect(page.locator("main")).to_contain_text("Đã gửi báo cáo để cấp trên duyệt.")
    expect(page.locator("#locked")).to_be_visible()
    expect(page.locator("#report-form")).to_have_count(0)  # locked while waiting


def _open_from_queue(page, report):
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Chờ duyệt").click()  # with its count
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo chờ duyệt")
    row = page.locator(f"#queue-table tr[data-report='{report.pk}']")
    expect(row).to_contain_text("Xã Thất Khê")
    expect(row).to_contain_text("Năm 2025")
    expect(row).to_contain_text("Lan")  # the sender
    row.get_by_role("link", name="Xem và duyệt").click()
    expect(page).to_have_url(re.compile(rf"/{report.pk}/$"))
    expect(page.locator("#review")).to_be_visible()


def test_report_is_returned_corrected_and_approved(bootstrapped, browser, page, artifacts):
    live_server = bootstrapped
    lan = User.objects.create_user(username="lan", password=PASSWORD, role=User.Role.DATA_ENTRY,
                                   area=Area.resolve("06040"), first_name="Lan")
    minh = User.objects.create_user(username="minh", password=PASSWORD, role=User.Role.REVIEWER,
                                    area=Area.resolve("20"), first_name="Minh")
    failures = []
    _watch(page, failures)

    # 1. Lan opens her commune's 2025 annual report through the period picker and sends it.
    _login(page, live_server, "lan", "Lan")
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo định kỳ")
    picker = page.locator("#open-report")
    expect(picker).to_contain_text("Báo cáo của Xã Thất Khê")
    picker.get_by_label("Kỳ báo cáo").select_option(value="2025")
    picker.get_by_role("button", name="Mở báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo Năm 2025 — Xã Thất Khê")
    expect(page.locator(".report-status").first).to_have_text("Bản nháp")
    report = Report.objects.get(area__code="06040", period__code="2025")
    assert report.status == S.DRAFT

    _htx_moi(page).fill("4")
    page.get_by_label("Thuyết minh").fill("Hỗ trợ thành lập 4 HTX do phụ nữ quản lý.")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("main")).to_contain_text("Đã lưu bản nháp.")
    expect(_htx_moi(page)).to_have_value("4")
    expect(page.locator(".report-status").first).to_have_text("Bản nháp")
    page.screenshot(path=str(artifacts / "report_workflow_1_draft.png"), full_page=True)
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.values.get(indicator__code="HTX_MOI").value == 4

    _send(page)
    page.screenshot(path=str(artifacts / "report_workflow_2_submitted.png"), full_page=True)
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    # 2. Minh, in his own browser, returns it with a comment.
    minh_ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    minh_ctx.set_default_timeout(15_000)
    try:
        mp = minh_ctx.new_page()
        _watch(mp, failures)
        mp.on("dialog", lambda d: d.accept())  # "Duyệt" asks with confirm()
        _login(mp, live_server, "minh", "Minh")
        _open_from_queue(mp, report)
        expect(mp.locator("#report-figures tr[data-code='HTX_MOI'] .num")).to_have_text("4")
        review = mp.locator("#review")
        review.get_by_label("Lý do trả lại").fill(COMMENT)
        review.get_by_role("button", name="Trả lại").click()
        expect(mp.get_by_role("heading", level=1)).to_have_text("Báo cáo chờ duyệt")
        expect(mp.locator("main")).to_contain_text("Đã trả lại báo cáo Xã Thất Khê — Năm 2025.")
        expect(mp.locator("#queue-empty")).to_be_visible()
        mp.screenshot(path=str(artifacts / "report_workflow_3_returned.png"), full_page=True)
        report.refresh_from_db()
        assert report.status == S.RETURNED

        # 3. Lan reopens it from the list, reads the comment, corrects HTX_MOI and sends again.
        page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
        row = page.locator(f"#report-table tr[data-report='{report.pk}']")
        expect(row.locator(".report-status")).to_have_text("Bị trả lại để sửa")
        row.get_by_role("link", name="Năm 2025").click()
        comment = page.locator("#return-comment")
        expect(comment).to_contain_text(COMMENT)
        expect(comment).to_contain_text("Minh")
        expect(_htx_moi(page)).to_have_value("4")
        _htx_moi(page).fill("5")
        page.screenshot(path=str(artifacts / "report_workflow_4_correcting.png"), full_page=True)
        _send(page)
        expect(page.locator("#return-comment")).to_have_count(0)
        expect(page.locator("#history tr.transition")).to_have_count(3)
        report.refresh_from_db()
        assert report.status == S.SUBMITTED and report.values.get(indicator__code="HTX_MOI").value == 5

        # 4. Minh approves it.
        _open_from_queue(mp, report)
        expect(mp.locator("#report-figures tr[data-code='HTX_MOI'] .num")).to_have_text("5")
        mp.locator("#review").get_by_role("button", name="Duyệt").click()
        expect(mp.get_by_role("heading", level=1)).to_have_text("Báo cáo chờ duyệt")
        expect(mp.locator("main")).to_contain_text("Đã duyệt báo cáo Xã Thất Khê — Năm 2025.")
        mp.goto(live_server.url + reverse("reporting:detail", args=[report.pk]))
        expect(mp.locator(".report-status").first).to_have_text("Đã duyệt")
        expect(mp.locator("#locked")).to_contain_text("đã được duyệt và khóa")
        expect(mp.locator("#review")).to_have_count(0)
        mp.screenshot(path=str(artifacts / "report_workflow_5_approved.png"), full_page=True)

        # 5. The province's progress page counts the approved figure.
        mp.goto(live_server.url + "/tien-do/20/?moc=2025")  # as of today: the report was just sent
        expect(mp.get_by_role("heading", level=1)).to_contain_text("Lạng Sơn")
        htx = mp.locator("#targets-table tr[data-indicator='HTX_MOI']").first
        expect(htx.locator("td.num").first).to_have_text("5")
        mp.screenshot(path=str(artifacts / "report_workflow_6_progress.png"), full_page=True)
    finally:
        minh_ctx.close()

    # Lan sees it approved and locked.
    page.reload()
    expect(page.locator(".report-status").first).to_have_text("Đã duyệt")
    expect(page.locator("#report-form")).to_have_count(0)

    report.refresh_from_db()
    assert report.status == S.APPROVED and report.approved_at is not None
    assert report.values.get(indicator__code="HTX_MOI").value == 5
    steps = [(t.from_status, t.to_status, t.by_id, t.comment) for t in report.transitions.order_by("at", "pk")]
    assert steps == [
        (S.DRAFT, S.SUBMITTED, lan.pk, ""),
        (S.SUBMITTED, S.RETURNED, minh.pk, COMMENT),
        (S.RETURNED, S.SUBMITTED, lan.pk, ""),
        (S.SUBMITTED, S.APPROVED, minh.pk, ""),
    ]
    assert failures == []
