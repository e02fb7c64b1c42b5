"""Background jobs run immediately (JOBS_IMMEDIATE's backend): a large export or import becomes a
job of its owner's, with a progress bar polled by htmx, a result kept for its owner only, errors
in Vietnamese, and a job whose worker died shown as failed."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cooperatives.models import Cooperative, Manager
from jobs import services
from jobs.models import Job
from tests.cooperatives.test_exports import registry  # noqa: F401 (fixture)
from tests.cooperatives.test_import_views import upload
from tests.cooperatives.test_import import clean_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_THRESHOLD_ROWS = 1
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_large_export_is_a_job_whose_file_only_its_owner_downloads(client_for, users, registry,  # noqa: F811
                                                                       django_capture_on_commit_callbacks):
    client = client_for(users["province_reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("cooperatives:export", args=["xlsx"]), {"q": "dong"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.SUCCEEDED and job.owner == users["province_reviewer"]
    assert job.rows_total == 2 and job.rows_done == 2 and job.result == {"rows": 2}
    page = client.get(response.url).content.decode()
    assert 'id="job-download"' in page and "Hoàn thành" in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
                .iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["4900000101", "4900000103"]
    other = client_for(users["province_admin"])
    for name in ("jobs:detail", "jobs:download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert "Danh sách HTX/THT (XLSX)" not in other.get(reverse("jobs:list")).content.decode()


def test_a_small_export_stays_immediate(client_for, users, registry, settings):  # noqa: F811
    settings.JOB_THRESHOLD_ROWS = 5000
    response = client_for(users["province_reviewer"]).get(reverse("cooperatives:export", args=["csv"]))
    assert response.status_code == 200 and not Job.objects.exists()


def test_an_expired_file_is_gone(client_for, users, registry, django_capture_on_commit_callbacks):  # noqa: F811
    client = client_for(users["province_reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cooperatives:export", args=["csv"]))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=25))
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    client.get(reverse("jobs:list"))  # purges expired files
    job.refresh_from_db()
    assert not job.file


def test_a_large_import_is_previewed_and_confirmed_by_jobs(client_for, users, tmp_path,
                                                           django_capture_on_commit_callbacks):
    client = client_for(users["province_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, clean_file(tmp_path))
    preview = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    assert response.url == reverse("jobs:detail", args=[preview.pk]) and preview.state == Job.State.SUCCEEDED
    assert not Cooperative.objects.filter(code__startswith="49001").exists()  # a preview writes nothing
    response = client.get(response.url)
    page = response.content.decode()
    assert 'id="import-summary"' in page and "4900100001" in page and "Xác nhận nhập" in page
    confirm = response.context["confirm"].initial
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cooperatives:import_confirm"), confirm)
    job = Job.objects.get(kind=Job.Kind.IMPORT_CONFIRM)
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.state == Job.State.SUCCEEDED
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3
    assert Manager.objects.filter(cooperative__code__startswith="49001").count() == 5
    assert "HTX/THT tạo mới 3, cập nhật 0, không đổi 0" in client.get(response.url).content.decode()


def test_a_failing_job_writes_nothing_and_says_why_in_vietnamese(client_for, users, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    client = client_for(users["province_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(users["province_admin"], Job.Kind.IMPORT_CONFIRM, "Nhập", file="khongco",
                             original_name="x.xlsx")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Tệp đã hết hạn hoặc đã được nhập; hãy tải tệp lên lại."
    page = client.get(reverse("jobs:list")).content.decode()
    assert "Thất bại" in page and "Tệp đã hết hạn" in page
    # A job from another area's file: every row is refused, nothing written, the rows listed.
    outsider = client_for(users["outsider_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(outsider, clean_file(tmp_path))
    preview = Job.objects.filter(owner=users["outsider_admin"]).get()
    assert preview.state == Job.State.SUCCEEDED and not preview.result["ok"]
    assert "nằm ngoài địa bàn của bạn" in outsider.get(reverse("jobs:detail", args=[preview.pk])).content.decode()
    assert not Cooperative.objects.filter(code__startswith="49001").exists()


def boom(job, progress):
    raise RuntimeError("division by zero")


def test_unexpected_errors_are_shown_in_vietnamese(users, settings, django_capture_on_commit_callbacks):
    settings.JOB_RUNNERS = {**settings.JOB_RUNNERS, Job.Kind.REGISTRY_EXPORT: f"{__name__}.boom"}
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start(users["province_admin"], Job.Kind.REGISTRY_EXPORT, "Xuất", fmt="csv")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error.startswith("Lỗi không mong đợi") and not job.file


def test_progress_bar_polls_until_finished(client_for, users):
    job = Job.objects.create(owner=users["province_admin"], kind=Job.Kind.REGISTRY_EXPORT, title="Xuất",
                             state=Job.State.RUNNING, rows_total=200, rows_done=50,
                             started_at=timezone.now(), heartbeat_at=timezone.now())
    client = client_for(users["province_admin"])
    url = reverse("jobs:detail", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="25"' in html and "50 / 200 dòng" in html
    assert "HX-Refresh" not in partial
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED, finished_at=timezone.now())
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true" and "hx-trigger" not in partial.content.decode()


def test_a_job_whose_worker_died_is_shown_failed_not_running_forever(client_for, users, settings):
    settings.JOB_STALE_SECONDS = 60
    old = timezone.now() - datetime.timedelta(seconds=61)
    dead = Job.objects.create(owner=users["province_admin"], kind=Job.Kind.IMPORT_CONFIRM, title="Nhập",
                              state=Job.State.RUNNING, started_at=old, heartbeat_at=old)
    alive = Job.objects.create(owner=users["province_admin"], kind=Job.Kind.IMPORT_CONFIRM, title="Nhập 2",
                               state=Job.State.RUNNING, started_at=old, heartbeat_at=timezone.now())
    page = client_for(users["province_admin"]).get(reverse("jobs:list")).content.decode()
    dead.refresh_from_db(), alive.refresh_from_db()
    assert dead.state == Job.State.FAILED and dead.error == services.STALE_ERROR
    assert alive.state == Job.State.RUNNING
    assert "Tiến trình xử lý đã dừng giữa chừng" in page
