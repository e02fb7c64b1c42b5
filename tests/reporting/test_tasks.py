"""Tasks and activities rolled up (reporting.tasks), the activity pages and the rules of
reporting.activities: the arithmetic without a database, then a commune's training and media
column counted once its report is approved, on the provincial page, the XLSX and the PDF."""
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Plan, Task, TaskBudget
from portal.models import Area
from reporting import tasks as T
from reporting.activities import attachment_error, period_of, sniff
from reporting.models import Activity, Report, TaskStatus
from tests.reporting.factories import report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# No database -----------------------------------------------------------------------------

def test_due_period_codes_and_combined_status():
    every2 = SimpleNamespace(recurrence="every_n", start_year=2023, end_year=2030, every_years=2)
    assert T.due_period_codes(every2) == ["2024", "2026", "2028", "2030"]
    column = SimpleNamespace(recurrence="per_period", start_year=2025, end_year=2025, every_years=None)
    assert T.due_period_codes(column) == ["2025-H1", "2025"]
    assert T.combined_status("not_done", {"done"}, True) == "not_done"   # the area's own word wins
    assert T.combined_status(None, {"not_done", "done"}, False) == "done"
    assert T.combined_status(None, set(), True) == "in_progress"
    assert T.combined_status(None, {"not_done"}, False) == "not_done"
    assert T.combined_status(None, set(), False) == "not_started"


def test_section_text_reads_like_a_report():
    r = T.TaskRollup(area_name="Tỉnh Lạng Sơn")
    r.kinds = [T.KindLine("training", "Lớp", count=12, sessions=12, participants=540, women=500)]
    r.budget = [{"source": "province", "label": "Ngân sách tỉnh", "planned": Decimal(0), "spent": Decimal(15000000)}]
    text = r.text
    assert "tổ chức 12 lớp tập huấn, đào tạo cho 540 lượt hội viên, phụ nữ (trong đó 500 lượt nữ)" in text
    assert "Kinh phí đã sử dụng 15.000.000 đồng (ngân sách tỉnh 15.000.000 đồng)." in text


def test_sniffing_goes_by_content_not_name(settings):
    assert sniff(PNG) == "image/png" and sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg" and sniff(b"<html>") is None
    assert attachment_error(SimpleUploadedFile("anh.png", b"<script>", content_type="image/png"))
    settings.ACTIVITY_ATTACHMENT_MAX_MB = 0
    assert "lớn hơn" in attachment_error(SimpleUploadedFile("anh.png", PNG))


# With the database ------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _task(start):
    return Task.objects.get(group__plan__key="lang-son-2023", title__startswith=start)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


@pytest.mark.django_db
def test_commune_records_training_and_column_counted_once_approved(users, client_for, media, settings, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    lan = users["commune_editor"]
    training = _task("Đào tạo, bồi dưỡng nâng cao trình độ quản trị")
    column = _task("Xây dựng và duy trì ít nhất 01")
    c = client_for(lan)
    for data in (
        dict(task=training.pk, kind="training", title="Tập huấn quản trị HTX", held_on="12/09/2025", sessions=2,
             participants=80, women=70, cooperatives_reached=3, spent_province=10000000, spent_national=5000000,
             spent_other=0),
        dict(task=column.pk, kind="media", title="Chuyên mục Phụ nữ với HTX", held_on="20/09/2025", sessions=3,
             participants=0, women=0, cooperatives_reached=0, spent_province=0, spent_national=0, spent_other=2000000),
    ):
        resp = c.post(reverse("activities:create"), {**data, "files": SimpleUploadedFile("anh.png", PNG, "image/png")})
        assert resp.status_code == 302, resp.content.decode()[:2000]
    acts = Activity.objects.filter(area=lan.area)
    assert acts.count() == 2 and {a.period.code for a in acts} == {"2025"}
    assert acts.get(kind="media").attachments.get().content_type == "image/png"
    # a forged file is refused by content
    resp = c.post(reverse("activities:create"), dict(task=column.pk, kind="media", title="x", held_on="21/09/2025",
                                                     sessions=1, participants=0, women=0, cooperatives_reached=0,
                                                     spent_province=0, spent_national=0, spent_other=0,
                                                     files=SimpleUploadedFile("anh.png", b"MZ...", "image/png")))
    assert resp.status_code == 200 and "không phải PDF, JPEG hoặc PNG" in resp.content.decode()
    TaskStatus.objects.create(task=column, area=lan.area, period=period_of(datetime.date(2025, 9, 1)), status="done")

    province = Area.resolve("20")
    plan = Plan.objects.get(key="lang-son-2023")
    TaskBudget.objects.create(task=training, year=2025, source="province", amount=50000000)
    before = T.task_rollup(province, plan, range(2023, 2026), as_of=datetime.date(2026, 1, 15))
    assert before.kinds == []  # no approved report yet

    r = report("06040", "2025", status=Report.Status.APPROVED)
    after = T.task_rollup(province, plan, range(2023, 2026), as_of=datetime.date(2026, 1, 15))
    kinds = {k.kind: k for k in after.kinds}
    assert (kinds["training"].sessions, kinds["training"].participants, kinds["training"].women) == (2, 80, 70)
    assert kinds["media"].sessions == 3
    budget = {b["source"]: b for b in after.budget}
    assert budget["province"]["planned"] == 50000000 and budget["province"]["spent"] == 10000000
    assert budget["other"]["spent"] == 2000000
    done = {(d.task.pk, d.period_code) for d in after.done}
    assert (column.pk, "2025") in done
    honours = _task("Tôn vinh, khen thưởng")
    late = {(d.task.pk, d.period_code) for d in after.late}
    assert (honours.pk, "2024") in late and (column.pk, "2025") not in late and (column.pk, "2025-H1") in late
    assert "tổ chức 2 lớp tập huấn, đào tạo cho 80 lượt hội viên, phụ nữ" in after.text

    # locked now that the report is approved
    act = acts.get(kind="training")
    assert c.get(reverse("activities:edit", args=[act.pk])).status_code == 403

    # the provincial page, the XLSX and the draft PDF
    rc = client_for(users["province_reviewer"])
    page = rc.get(reverse("progress:area", args=["20"]), {"ke_hoach": plan.key, "moc": 2025, "ngay": "2026-01-15"})
    html = page.content.decode()
    assert 'id="tasks-section"' in html and "Tôn vinh, khen thưởng" in html and "Ngân sách tỉnh" in html
    from openpyxl import load_workbook

    from tests.jobs.helpers import immediate_jobs, job_file, run_job_of

    immediate_jobs(settings, tmp_path)  # a province's XLSX and PDF are made by jobs
    query = f"?ke_hoach={plan.key}&moc=2025&ngay=2026-01-15"
    job = run_job_of(rc, reverse("progress:export", args=["20", "xlsx"]) + query, django_capture_on_commit_callbacks)
    ws = load_workbook(io.BytesIO(job_file(rc, job)))["Nhiệm vụ"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Lớp tập huấn, đào tạo" in cells and 10000000 in cells
    job = run_job_of(rc, reverse("progress:pdf", args=["20"]) + query, django_capture_on_commit_callbacks)
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(job_file(rc, job))).pages)
    assert "Kết quả thực hiện nhiệm vụ" in text and "80 lượt" in " ".join(text.split())
    assert r.pk


@pytest.mark.django_db
def test_tasks_due_for_the_lead_unit_this_period():
    province = Area.resolve("20")
    column = _task("Xây dựng và duy trì ít nhất 01")
    due = T.tasks_due_for(province, datetime.date(2026, 3, 1))
    keys = {(d.task.pk, d.period_code) for d in due}
    assert (column.pk, "2026-H1") in keys
    honours = _task("Tôn vinh, khen thưởng")
    assert (honours.pk, "2026") in keys and not any(d.task.pk == honours.pk for d in
                                                    T.tasks_due_for(province, datetime.date(2027, 3, 1)))
    from reporting.models import Period

    TaskStatus.objects.create(task=column, area=province, period=Period.objects.get(code="2026-H1"), status="done")
    assert (column.pk, "2026-H1") not in {(d.task.pk, d.period_code) for d in T.tasks_due_for(province, datetime.date(2026, 3, 1))}
    assert T.tasks_due_for(Area.resolve("06040"), datetime.date(2026, 3, 1)) == []  # no plan of its own


def test_task_list_names_the_plan_by_its_title_when_it_has_no_number(users, client_for):
    """Lạng Sơn's plan has no number: the breadcrumb and the title show the start of its title,
    not its internal key."""
    plan = Plan.objects.get(key="lang-son-2023")
    assert plan.number == ""
    html = client_for(users["province_reviewer"]).get(reverse("task_list", args=[plan.pk])).content.decode()
    assert "lang-son-2023" not in html
    assert f'<a href="{reverse("plans:detail", args=[plan.pk])}">Kế hoạch thực hiện Đề án' in html
    assert 'class="task-dues"' in html  # the periods side by side
