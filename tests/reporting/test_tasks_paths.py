"""The paths of tasks and activities not walked elsewhere: the issue form's section II.3 text
(``tasks_text``) kept in the issued document and printed in its PDF, and the budget page
(administrators of the plan's area save planned amounts; other roles 403, other areas 404)."""
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from plans.models import Plan, Task, TaskBudget
from reporting.models import Activity, IssuedDocument, Period
from tests.reporting.factories import report
from tests.reporting.test_documents import FORM, issue_url

pytestmark = pytest.mark.django_db


def _pdf_text(data):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def _training_task():
    return Task.objects.get(group__plan__key="lang-son-2023", title__startswith="Đào tạo, bồi dưỡng nâng cao trình độ")


def test_the_issue_forms_tasks_text_is_kept_and_printed(client_for, users):
    import datetime

    from portal.models import Area

    commune = Area.resolve("06040")
    Activity.objects.create(area=commune, task=_training_task(), period=Period.objects.get(code="2025"),
                            kind="training", title="Tập huấn quản trị HTX", held_on=datetime.date(2025, 9, 12),
                            sessions=2, participants=80, women=70)
    report("06040", "2025", HTX_MOI=6)
    client = client_for(users["province_reviewer"])
    form = client.get(issue_url()).context["form"]
    drafted = form.initial["tasks_text"]
    assert "2 lớp tập huấn, đào tạo cho 80 lượt" in " ".join(drafted.split())  # drafted from the activities

    edited = "Các cấp Hội tổ chức 2 lớp tập huấn cho 80 lượt hội viên; duy trì chuyên mục trên Đài truyền thanh xã."
    response = client.post(issue_url(), {**FORM, "tasks_text": edited})
    doc = IssuedDocument.objects.get()
    assert response.status_code == 302
    assert doc.figures["tasks"]["text"] == edited
    assert "duy trì chuyên mục trên Đài truyền thanh xã" in _pdf_text(bytes(doc.pdf))
    reprint = client.get(reverse("documents:pdf", args=[doc.pk]))
    assert "duy trì chuyên mục trên Đài truyền thanh xã" in _pdf_text(b"".join(reprint.streaming_content)
                                                                       if reprint.streaming else reprint.content)


def _budget_url():
    return reverse("task_budget", args=[Plan.objects.get(key="lang-son-2023").pk])


def test_the_budget_page_saves_planned_amounts(client_for, users):
    task = _training_task()
    client = client_for(users["province_admin"])
    assert client.get(_budget_url()).status_code == 200
    response = client.post(_budget_url(), {"task": task.pk, "year": 2025, "source": "national", "amount": "20000000"})
    assert response.status_code == 302
    assert TaskBudget.objects.get(task=task, year=2025, source="national").amount == 20_000_000
    client.post(_budget_url(), {"task": task.pk, "year": 2025, "source": "national", "amount": "25000000"})
    assert TaskBudget.objects.get(task=task, year=2025, source="national").amount == 25_000_000  # changed, not doubled
    page = client.post(_budget_url(), {"task": task.pk, "year": 2040, "source": "province", "amount": "1"})
    assert page.status_code == 200 and "thời gian của kế hoạch" in page.content.decode()
    assert TaskBudget.objects.count() == 1


@pytest.mark.parametrize(("role", "status"), [("province_reviewer", 403), ("province_leader", 403),
                                              ("commune_editor", 403), ("outsider_admin", 404)])
def test_the_budget_page_is_for_the_plans_administrators(client_for, users, role, status):
    client = client_for(users[role])
    data = {"task": _training_task().pk, "year": 2025, "source": "province", "amount": "1000"}
    assert client.post(_budget_url(), data).status_code == status
    assert not TaskBudget.objects.exists()
