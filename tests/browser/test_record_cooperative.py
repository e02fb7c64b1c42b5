"""Chị Lan (data entry, Xã Thất Khê) records a new HTX through the forms, adds two managers and
this year's workforce on its page (htmx, without leaving it), and finds it in the list."""
import re

import pytest
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from portal.models import Area, User

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-thu-2026"


def test_commune_editor_records_a_cooperative_with_two_managers(bootstrapped, page, artifacts):
    live_server = bootstrapped
    User.objects.create_user(username="lan", password=PASSWORD, role=User.Role.DATA_ENTRY,
                             area=Area.resolve("06040"), first_name="Lan")
    failures = []
    page.on("response", lambda resp: resp.status >= 400 and not resp.url.endswith("/favicon.ico")
            and failures.append(f"{resp.status} {resp.url}"))

    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Lan")

    page.locator("nav.navbar").get_by_role("link", name="Hợp tác xã", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hợp tác xã, tổ hợp tác")
    expect(page.locator("#coop-empty")).to_be_visible()
    page.get_by_role("link", name="Thêm HTX / THT").click()

    # Her commune is preselected.
    expect(page.get_by_label("Xã/phường")).to_have_value("06040")
    page.get_by_label("Mã số HTX").fill("4901112223")
    page.get_by_label("Tên HTX/THT").fill("Hợp tác xã Thổ cẩm Đồng Tâm")
    page.get_by_label("Ngày thành lập").fill("15/03/2025")
    page.get_by_label("Lĩnh vực").select_option(label="Tiểu thủ công nghiệp, làng nghề")
    page.get_by_role("checkbox", name="Hội hỗ trợ thành lập").check()
    page.locator("#coop-form").get_by_role("button", name="Lưu").click()

    expect(page).to_have_url(re.compile(r"/hop-tac-xa/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hợp tác xã Thổ cẩm Đồng Tâm")
    detail_url = page.url
    expect(page.locator("[data-class=de-an]")).to_contain_text("Không")

    managers = page.locator("#managers")
    for name, role in (("Hoàng Thị Mai", "Giám đốc"), ("Lý Thị Hoa", "Chủ tịch HĐQT")):
        form = managers.locator("form.part-form")
        form.get_by_label("Họ và tên").fill(name)
        form.get_by_label("Giới tính").select_option(label="Nữ")
        form.get_by_label("Chức vụ").select_option(label=role)
        form.get_by_role("button", name="Lưu").click()
        expect(managers.locator("table.table-managers")).to_contain_text(name)
    expect(managers.locator("table.table-managers tbody tr")).to_have_count(2)
    assert page.url == detail_url  # htmx: never left the page
    # The classification block was refreshed out of band.
    expect(page.locator("[data-class=women-managed]")).to_contain_text("Có")

    wf = page.locator("#workforce form.part-form")
    wf.get_by_label("Năm").fill("2025")
    wf.get_by_label("Tổng số thành viên").fill("12")
    wf.get_by_label("Thành viên nữ").fill("10")
    wf.get_by_label("Tổng số lao động").fill("12")
    wf.get_by_label("Lao động nữ").fill("10")
    wf.get_by_role("button", name="Lưu").click()
    expect(page.locator("#workforce tr[data-year='2025']")).to_be_visible()
    expect(page.locator("[data-class=many-jobs]")).to_contain_text("Có")
    expect(page.locator("[data-class=de-an]")).to_contain_text("cả hai tiêu chí")

    # Delete asks first; dismissing keeps the manager.
    page.once("dialog", lambda d: d.dismiss())
    managers.get_by_role("link", name="Xóa Lý Thị Hoa").click()
    expect(managers.locator("table.table-managers tbody tr")).to_have_count(2)

    page.locator("nav.navbar").get_by_role("link", name="Hợp tác xã", exact=True).click()
    page.get_by_label("Tìm").fill("dong tam")
    page.get_by_role("button", name="Lọc").click()
    row = page.locator("table.table-coops tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hợp tác xã Thổ cẩm Đồng Tâm")
    expect(row.locator(".badge-women-managed")).to_be_visible()
    expect(row.locator(".badge-many-jobs")).to_be_visible()
    page.screenshot(path=str(artifacts / "record_cooperative.png"), full_page=True)

    c = Cooperative.objects.get(code="4901112223")
    assert c.commune.code == "06040" and c.managers.count() == 2 and c.is_women_managed and c.many_women_jobs
    assert failures == []
