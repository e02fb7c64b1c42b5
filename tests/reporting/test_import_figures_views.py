"""Report figures imported in the browser: upload → preview (nothing written) → confirm, by the
administrators of an area, limited to it; the same importer as `import_submissions`; a job above
settings.JOB_THRESHOLD_ROWS; a template of the administrator's scope."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from portal.models import Area
from reporting.importer import import_submissions
from reporting.models import Report, ReportValue
from tests.jobs.helpers import immediate_jobs
from tests.reporting.submissions import LANG_SON_ROWS, lang_son_file, write_book

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path, status="approved"):
    return client.post(reverse("reporting:import"), {
        "file": SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX), "status": status})


def confirm(client, response):
    return client.post(reverse("reporting:import_confirm"), response.context["confirm"].initial)


def test_preview_writes_nothing_then_confirm_imports(client_for, users, tmp_path):
    client = client_for(users["province_admin"])
    response = upload(client, lang_son_file(tmp_path))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-summary"' in page and "Xác nhận nhập" in page
    result = response.context["result"]
    assert (result["reports"]["created"], result["values"]["created"]) == (4, 8)
    assert [row[:5] for row in result["preview"][:2]] == [[5, "178", "Thành phố Lạng Sơn", "2024", "HTX_MOI"],
                                                         [6, "178", "Thành phố Lạng Sơn", "2024", "THT_MOI"]]
    assert "06040" in page and "tạo mới" in page
    assert not Report.objects.exists()  # a preview writes nothing

    response = confirm(client, response)
    assert response.status_code == 302 and response.url == reverse("reporting:list")
    assert Report.objects.count() == 4 and ReportValue.objects.count() == 8
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.APPROVED}
    assert set(Report.objects.values_list("created_by", flat=True)) == {users["province_admin"].pk}
    page = client.get(response.url).content.decode()
    assert "báo cáo tạo mới 4, cập nhật 0, không đổi 0; số liệu tạo mới 8" in page


def test_preview_names_every_bad_row(client_for, users, tmp_path):
    rows = [*LANG_SON_ROWS, [9, "178", "", 2024, "KHONG_CO", 1, None, None]]
    response = upload(client_for(users["province_admin"]), write_book(tmp_path / "bad.xlsx", rows))
    page = response.content.decode()
    assert response.context["result"]["errors"] == [
        {"sheet": "Số liệu", "row": 13, "column": "Mã chỉ tiêu", "reason": "không có chỉ tiêu mã “KHONG_CO”"}]
    assert 'id="import-errors"' in page and "KHONG_CO" in page and "1 lỗi" in page
    assert "confirm" not in response.context and "Xác nhận nhập" not in page
    assert not Report.objects.exists()


def test_a_row_outside_the_administrators_area_is_refused(client_for, users, tmp_path):
    response = upload(client_for(users["outsider_admin"]), lang_son_file(tmp_path))  # Hà Nội's administrator
    errors = response.context["result"]["errors"]
    assert len(errors) == 8 and {e["column"] for e in errors} == {"Mã đơn vị"}
    assert errors[0]["reason"] == "đơn vị mã 178 (Thành phố Lạng Sơn) nằm ngoài địa bàn của bạn (Thành phố Hà Nội)"
    assert "Xác nhận nhập" not in response.content.decode() and not Report.objects.exists()
    # the rule itself, in the importer the command uses too
    result = import_submissions(lang_son_file(tmp_path), within=Area.resolve("06040"))
    assert [e.row for e in result.errors] == [5, 6, 7, 8, 9]  # 178, 181: outside Thất Khê and not Report.objects.exists()


def test_the_same_file_twice_is_unchanged(client_for, users, tmp_path):
    client = client_for(users["province_admin"])
    confirm(client, upload(client, lang_son_file(tmp_path)))
    response = upload(client, lang_son_file(tmp_path))
    result = response.context["result"]
    assert result["reports"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert result["values"] == {"created": 0, "updated": 0, "unchanged": 8} and result["preview"] == []
    assert 'id="import-nothing"' in response.content.decode()
    response = confirm(client, response)
    assert "báo cáo tạo mới 0, cập nhật 0, không đổi 4" in client.get(response.url).content.decode()
    assert Report.objects.count() == 4


def test_status_submitted_sends_the_reports_for_review(client_for, users, tmp_path):
    client = client_for(users["province_admin"])
    response = upload(client, lang_son_file(tmp_path), status="submitted")
    assert "Chờ duyệt" in response.content.decode()
    confirm(client, response)
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.SUBMITTED}


def test_a_large_file_is_previewed_and_imported_by_jobs(client_for, users, tmp_path, settings,
                                                        django_capture_on_commit_callbacks):
    immediate_jobs(settings, tmp_path)
    settings.JOB_THRESHOLD_ROWS = 3
    client = client_for(users["province_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, lang_son_file(tmp_path))
    preview = Job.objects.get(kind=Job.Kind.FIGURES_PREVIEW)
    assert response.url == reverse("jobs:detail", args=[preview.pk]) and preview.state == Job.State.SUCCEEDED
    assert (preview.rows_done, preview.rows_total) == (8, 8) and not Report.objects.exists()
    response = client.get(response.url)
    assert "Xác nhận nhập" in response.content.decode() and response.context["result"]["values"]["created"] == 8
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, response)
    job = Job.objects.get(kind=Job.Kind.FIGURES_CONFIRM)
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.state == Job.State.SUCCEEDED, job.error
    assert Report.objects.count() == 4 and ReportValue.objects.count() == 8
    page = client.get(response.url).content.decode()
    assert 'id="job-import-counts"' in page and "báo cáo tạo mới 4, cập nhật 0, không đổi 0" in page
    # the job's preview is its owner's only
    assert client_for(users["outsider_admin"]).get(reverse("jobs:detail", args=[preview.pk])).status_code == 404


def test_the_importers_report_their_progress(tmp_path):
    from cooperatives.importer import import_cooperatives
    from tests.cooperatives.test_import import clean_file

    calls = []
    assert import_submissions(lang_son_file(tmp_path), dry_run=True, on_progress=lambda *a: calls.append(a)).ok
    assert calls[0] == (0, 8) and calls[-1] == (8, 8)
    calls.clear()
    assert import_cooperatives(clean_file(tmp_path), on_progress=lambda *a: calls.append(a)).ok
    assert calls[0] == (0, 3) and calls[-1] == (3, 3) and all(t == 3 for _, t in calls)


def test_the_template_lists_the_scope_and_imports_as_it_is_filled(client_for, users, tmp_path):
    response = client_for(users["province_admin"]).get(reverse("reporting:import_template"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('mau-nhap-so-lieu-20.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Số liệu", "Đơn vị", "Chỉ tiêu", "Kỳ báo cáo"]
    data = book["Số liệu"]
    assert [c.value for c in data[2]] == ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Tử số", "Mẫu số"]
    areas = {row[0]: row for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert areas["20"][1:3] == ("Lạng Sơn", "Tỉnh/thành phố") and "06040" in areas and "178" in areas
    assert "01" not in areas and "VN" not in areas  # Hà Nội, the country: outside her scope
    assert areas["178"][4] == "30/06/2025"  # an old district, with its validity
    indicators = {row[0]: row for row in book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert indicators["HTX_MOI"][2] == "Số lượng" and indicators["NU_QL_DAO_TAO_TL"][2] == "Tỷ lệ"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in data.data_validations.dataValidation}
    assert lists["A3"] == f"'Đơn vị'!$A$2:$A${len(areas) + 1}" and lists["C3"].startswith("'Chỉ tiêu'!")
    # filled in (codes typed as text, as the template's columns are), it imports as it is
    for row in (["06040", "2025", "HTX_MOI", 6, None, None], ["06040", "2025", "NU_QL_DAO_TAO_TL", None, 8, 10]):
        data.append(row)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = import_submissions(path, dry_run=True, within=users["province_admin"].area)
    assert result.ok and (result.reports.created, result.values.created) == (1, 2)
