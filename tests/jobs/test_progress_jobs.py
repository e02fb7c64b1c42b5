"""The progress page's XLSX and PDF of a province or the country (settings.JOB_PROGRESS_LEVELS)
are made by a job, from the same rollup and the same writers as the immediate download; a
district's or commune's, and every CSV, stay in the request."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.models import Job
from portal.models import Area
from reporting.exports import progress_xlsx
from reporting.selectors import default_plan, progress
from tests.jobs.helpers import immediate_jobs, job_file, run_job_of
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
QUERY = "?moc=2025&ngay=2026-01-15&cho_duyet=1"


@pytest.fixture(autouse=True)
def immediate(settings, tmp_path):
    immediate_jobs(settings, tmp_path)


def _cells(data):
    return [[c.value for c in row] for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows()]


def test_a_provinces_xlsx_is_a_job_with_the_pages_choices(client_for, users, django_capture_on_commit_callbacks):
    report("06040", "2025", HTX_MOI=9)
    client = client_for(users["province_reviewer"])
    job = run_job_of(client, reverse("progress:export", args=["20", "xlsx"]) + QUERY,
                     django_capture_on_commit_callbacks)
    assert job.kind == Job.Kind.PROGRESS_EXPORT and job.owner == users["province_reviewer"]
    assert job.params["milestone"] == 2025 and job.params["as_of"] == "2026-01-15"
    assert job.params["include_submitted"] is True and job.file_name == "tien-do-20-2025.xlsx"
    area = Area.resolve("20")
    expected = progress_xlsx(progress(area, plan=default_plan(area, 2025), milestone=2025,
                                      as_of=datetime.date(2026, 1, 15), include_submitted=True))
    assert _cells(job_file(client, job)) == _cells(expected)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-download"' in page and "Tiến độ (XLSX): Lạng Sơn" in page
    # another user of the province cannot fetch it
    assert client_for(users["province_leader"]).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_provinces_draft_pdf_is_a_job(client_for, users, django_capture_on_commit_callbacks):
    client = client_for(users["province_reviewer"])
    job = run_job_of(client, reverse("progress:pdf", args=["20"]) + QUERY, django_capture_on_commit_callbacks)
    assert job.file_name == "du-thao-tien-do-20.pdf" and job_file(client, job).startswith(b"%PDF")


def test_a_communes_exports_and_every_csv_stay_immediate(client_for, users):
    client = client_for(users["province_reviewer"])
    response = client.get(reverse("progress:export", args=["06040", "xlsx"]) + QUERY)
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert client.get(reverse("progress:pdf", args=["06040"]) + QUERY).content.startswith(b"%PDF")
    assert client.get(reverse("progress:export", args=["20", "csv"]) + QUERY).status_code == 200
    assert not Job.objects.exists()


def test_the_levels_are_a_setting(client_for, users, settings):
    settings.JOB_PROGRESS_LEVELS = []
    response = client_for(users["province_reviewer"]).get(reverse("progress:export", args=["20", "xlsx"]) + QUERY)
    assert response.status_code == 200 and not Job.objects.exists()
