"""The progress page: figures, breakdown, completeness, drill-down, the submitted switch,
scoping (404 outside the user's area) and a flat query count."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Area
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    report("178", "2024", HTX_MOI=3)
    report("06040", "2025", HTX_MOI=6, NU_QL_DAO_TAO_TL=(8, 10))
    other = Area.resolve("20").children.filter(level=Area.Level.COMMUNE).exclude(code="06040").first()
    report(other.code, "2025", "submitted", HTX_MOI=10)
    return other


def url(code, **params):
    from urllib.parse import urlencode

    return reverse("progress:area", args=[code]) + ("?" + urlencode(params) if params else "")


def test_province_page_shows_targets_actuals_and_status(client_for, users, data):
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    assert "từ 20 - 25 HTX" in page
    assert 'data-indicator="HTX_MOI"' in page
    row = page.split('data-indicator="HTX_MOI"')[1].split("</tr>")[0]
    # as of 15/01/2026 the 2025 window is closed: "Chưa đạt", not "Chậm tiến độ"
    assert ">9<" in row and "45,0 %" in row and "Chưa đạt" in row and "Chậm tiến độ" not in row
    assert "80,00 %" in page and "8/10" in page
    assert "chỉ báo cáo đã duyệt" in page


def test_the_switch_adds_submitted_reports_labelled(client_for, users, data):
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="2026-01-15", cho_duyet=1)).content.decode()
    row = page.split('data-indicator="HTX_MOI"')[1].split("</tr>")[0]
    assert ">19<" in row and "gồm cả báo cáo chờ duyệt" in page


def test_breakdown_drills_down_and_completeness_shows_who_reported(client_for, users, data):
    client = client_for(users["province_reviewer"])
    page = client.get(url("20", moc=2025, ngay="2026-01-15")).content.decode()
    assert 'id="children-table"' in page and "Xã Thất Khê" in page and "Thành phố Lạng Sơn" in page
    assert reverse("progress:area", args=["06040"]) in page
    assert 'id="completeness-table"' in page and "Đúng hạn" in page and "Chưa gửi" in page
    commune = client.get(url("06040", moc=2025, ngay="2026-01-15")).content.decode()
    assert "Xã Thất Khê" in commune


def test_national_page_for_a_national_user(client_for, users, data):
    page = client_for(users["national_admin"]).get(url("VN", moc=2025, ngay="2026-01-15")).content.decode()
    assert "01/QĐ-TTg" in page and "Lạng Sơn" in page and 'id="completeness-table"' in page


def test_another_area_is_404(client_for, users, data):
    client = client_for(users["outsider_district"])
    assert client.get(url("20")).status_code == 404
    assert client.get(url("06040")).status_code == 404
    assert client.get(reverse("progress:export", args=["20", "xlsx"])).status_code == 404
    assert client.get(reverse("progress:pdf", args=["20"])).status_code == 404
    commune = client_for(users["commune_editor"])
    assert commune.get(url("20")).status_code == 404        # above her area
    assert commune.get(url("VN")).status_code == 404
    assert commune.get(url("99999")).status_code == 404


def test_my_progress_goes_to_my_area(client_for, users):
    response = client_for(users["commune_editor"]).get(reverse("progress:mine"))
    assert response.status_code == 302 and response.url == reverse("progress:area", args=["06040"])


def test_query_count_does_not_grow_with_data(client_for, users, data):
    client = client_for(users["national_admin"])
    with CaptureQueriesContext(connection) as small:
        client.get(url("VN", moc=2025))
    for code in ("01", "12", "56"):
        commune = Area.resolve(code).children.filter(level=Area.Level.COMMUNE).first()
        report(commune.code, "2025", THT_MOI=2)
        report(code, "2025-H1", THT_MOI=1)  # the province itself (old Khánh Hòa for 56)
    with CaptureQueriesContext(connection) as large:
        client.get(url("VN", moc=2025))
    assert len(small) == len(large)
    # and as few as when the page showed figures only (before the tasks section): the session,
    # the user with her area, the area, its plans, their milestones (one query for both), the
    # data version (once per request), the targets, the periods, the provinces, the flows, the
    # stocks, the allocations, the map's units and the reports sent per province (completeness),
    # the plan's tasks and the unread notifications
    assert len(large) <= 16, "\n".join(q["sql"][:120] for q in large.captured_queries)


def test_xlsx_export_of_the_page(client_for, users, data, settings, tmp_path, django_capture_on_commit_callbacks):
    import io

    from openpyxl import load_workbook

    from tests.jobs.helpers import immediate_jobs, job_file, run_job_of

    immediate_jobs(settings, tmp_path)  # a province's XLSX is made by a job
    client = client_for(users["province_reviewer"])
    job = run_job_of(client, reverse("progress:export", args=["20", "xlsx"]) + "?moc=2025&ngay=2026-01-15",
                     django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(job_file(client, job)))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "HTX_MOI" in values and 9 in values
    assert datetime.date(2026, 1, 15)


def test_a_bad_date_is_said_not_silently_ignored(client_for, users):
    page = client_for(users["province_reviewer"]).get(url("20", moc=2025, ngay="31-02-2025")).content.decode()
    assert "không hợp lệ" in page and 'id="targets-table"' in page
