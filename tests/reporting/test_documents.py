"""Issuing the progress report as a document, and reprinting it unchanged after later reports."""
import io
import subprocess

import pytest
from django.urls import reverse

from reporting.models import IssuedDocument
from tests.jobs.helpers import immediate_jobs, job_file, run_job_of
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db

FORM = {"number": "15/BC-HPN", "place": "Lạng Sơn", "issued_on": "05/02/2026", "parent_body": "HỘI LHPN VIỆT NAM",
        "issuing_body": "HỘI LHPN TỈNH LẠNG SƠN", "signer_authority": "TM. BAN THƯỜNG VỤ",
        "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Hoàng Thị Hương",
        "recipients": "UBND tỉnh Lạng Sơn\nTrung ương Hội LHPN Việt Nam\nLưu: VT",
        "assessment": "Năm 2025 các cấp Hội đã tích cực hỗ trợ thành lập HTX.",
        "difficulties": "Nguồn lực còn hạn chế.", "proposals": "Đề nghị UBND tỉnh bố trí kinh phí."}


def text_of(pdf_bytes):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf_bytes, capture_output=True,
                          check=True).stdout.decode()


def issue_url():
    return reverse("progress:issue", args=["20"]) + "?moc=2025&ngay=2026-01-15"


def test_reviewer_issues_and_the_document_reprints_unchanged(client_for, users, settings, tmp_path,
                                                            django_capture_on_commit_callbacks):
    report("06040", "2025", HTX_MOI=6)
    client = client_for(users["province_reviewer"])
    assert "TM. BAN THƯỜNG VỤ" in client.get(issue_url()).content.decode()  # defaults filled in
    response = client.post(issue_url(), FORM)
    doc = IssuedDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("documents:detail", args=[doc.pk])
    first = client.get(reverse("documents:pdf", args=[doc.pk])).content
    text = text_of(first)
    assert "Số: 15/BC-HPN" in text and "Lạng Sơn, ngày 05 tháng 02 năm 2026" in text
    assert "Hoàng Thị Hương" in text and "Nguồn lực còn hạn chế." in text
    assert doc.figures["lines"] and doc.created_by == users["province_reviewer"]

    report("06040", "2026", HTX_MOI=50)                            # a later report…
    report(users["province_reviewer"].area.children.filter(level=3).exclude(code="06040").first().code,
           "2025", HTX_MOI=40)                                      # …and a late one for 2025
    again = client.get(reverse("documents:pdf", args=[doc.pk])).content
    assert again == first                                            # prints exactly as issued
    immediate_jobs(settings, tmp_path)  # a province's draft PDF is made by a job
    job = run_job_of(client, reverse("progress:pdf", args=["20"]) + "?moc=2025&ngay=2026-01-15",
                     django_capture_on_commit_callbacks)
    fresh = text_of(job_file(client, job))
    assert "46" in fresh                                             # the live draft has the new figure
    assert client.get(reverse("documents:list")).content.decode().count("15/BC-HPN") >= 1


def test_bad_number_and_date_are_vietnamese_errors(client_for, users):
    client = client_for(users["province_reviewer"])
    page = client.post(issue_url(), {**FORM, "number": "15", "issued_on": "2026-13-45"}).content.decode()
    assert "Số, ký hiệu ghi dạng 15/BC-HPN" in page and "dd/mm/yyyy" in page
    assert not IssuedDocument.objects.exists()


def test_only_reviewers_issue_and_documents_are_scoped(client_for, users):
    assert client_for(users["commune_editor"]).get(issue_url()).status_code == 404        # above her area
    assert client_for(users["province_leader"]).get(issue_url()).status_code == 403        # read-only role
    client = client_for(users["province_reviewer"])
    client.post(issue_url(), FORM)
    doc = IssuedDocument.objects.get()
    outsider = client_for(users["outsider_admin"])
    assert outsider.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    assert outsider.get(reverse("documents:pdf", args=[doc.pk])).status_code == 404
    assert "15/BC-HPN" not in outsider.get(reverse("documents:list")).content.decode()
    assert io.BytesIO(doc.pdf).read(4) == b"%PDF"
