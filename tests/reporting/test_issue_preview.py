"""The issue form: "Xem trước" renders the real document from what was typed (nothing saved),
section III is required, three warnings before "Ban hành", and one way of writing the number."""
import pytest
from django.urls import reverse

from reporting.models import IssuedDocument
from tests.reporting.factories import report
from tests.reporting.test_documents import FORM, issue_url, text_of

pytestmark = pytest.mark.django_db


def test_preview_renders_the_typed_document_and_saves_nothing(client_for, users):
    report("06040", "2025", HTX_MOI=6)
    client = client_for(users["province_reviewer"])
    typed = {**FORM, "number": "7/BC-HPN", "signer_name": "Lò Thị Xem", "recipients": "Sở Nội vụ tỉnh\nLưu: VT",
             "assessment": "Đánh giá gõ để xem trước.", "xem_truoc": "1"}
    response = client.post(issue_url(), typed)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "xem-truoc-07-BC-HPN.pdf" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "Số: 07/BC-HPN" in text and "Lò Thị Xem" in text and "Sở Nội vụ tỉnh" in text
    assert "Đánh giá gõ để xem trước." in text and "ngày 05 tháng 02 năm 2026" in text
    assert "DỰ THẢO" not in text
    assert not IssuedDocument.objects.exists()


def test_section_three_is_required(client_for, users):
    client = client_for(users["province_reviewer"])
    for field in ("assessment", "difficulties", "proposals"):
        page = client.post(issue_url(), {**FORM, field: "  "}).content.decode()
        assert "Mục III của báo cáo cần có nội dung này." in page
    assert not IssuedDocument.objects.exists()


def _issue(client, **changes):
    return client.post(issue_url(), {**FORM, **changes})


def test_issue_date_before_the_as_of_date_warns_and_needs_confirmation(client_for, users):
    client = client_for(users["province_reviewer"])
    page = _issue(client, issued_on="10/01/2026").content.decode()          # as-of 15/01/2026
    assert 'id="issue-warnings"' in page and "Ngày ban hành 10/01/2026 trước ngày số liệu" in page
    assert not IssuedDocument.objects.exists()
    assert _issue(client, issued_on="10/01/2026", confirm_warnings="on").status_code == 302
    assert IssuedDocument.objects.count() == 1


def test_a_number_used_by_the_same_body_that_year_warns(client_for, users):
    client = client_for(users["province_reviewer"])
    assert _issue(client, number="5/BC-HPN").status_code == 302
    page = _issue(client, number="05/BC-HPN", issuing_body="Hội LHPN  tỉnh Lạng Sơn").content.decode()
    assert "Số 05/BC-HPN đã được" in page and "trong năm 2026" in page
    assert IssuedDocument.objects.count() == 1
    # another body, or another year: no warning
    assert _issue(client, number="5/BC-HPN", issuing_body="HỘI LHPN XÃ THẤT KHÊ").status_code == 302
    assert _issue(client, number="5/BC-HPN", issued_on="05/02/2027").status_code == 302


def test_a_closed_milestone_with_unapproved_reports_warns(client_for, users):
    report("06040", "2025", "submitted", HTX_MOI=6)
    client = client_for(users["province_reviewer"])
    page = _issue(client).content.decode()
    assert "Mốc 2025 đã kết thúc nhưng còn 1 báo cáo trong kỳ chưa được duyệt" in page
    assert not IssuedDocument.objects.exists()
    open_milestone = reverse("progress:issue", args=["20"]) + "?moc=2025&ngay=2025-10-01"
    page = client.post(open_milestone, {**FORM, "issued_on": "05/10/2025"}).content.decode()
    assert "đã kết thúc" not in page


def test_the_number_reads_the_same_on_the_page_the_list_and_the_pdf(client_for, users):
    client = client_for(users["province_reviewer"])
    _issue(client, number="5/BC-HPN")
    doc = IssuedDocument.objects.get()
    assert doc.number == "05/BC-HPN"
    detail = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    listing = client.get(reverse("documents:list")).content.decode()
    pdf = text_of(client.get(reverse("documents:pdf", args=[doc.pk])).content)
    assert "05/BC-HPN" in detail and "05/BC-HPN" in listing and "Số: 05/BC-HPN" in pdf
    assert ">5/BC-HPN" not in detail + listing


def test_an_older_document_stored_without_the_zero_is_shown_with_it(client_for, users):
    client = client_for(users["province_reviewer"])
    _issue(client)
    IssuedDocument.objects.update(number="6/BC-HPN")       # as stored before numbers were normalised
    listing = client.get(reverse("documents:list")).content.decode()
    assert "06/BC-HPN" in listing and ">6/BC-HPN" not in listing


def test_the_list_shows_plan_titles_not_keys(client_for, users):
    client = client_for(users["province_reviewer"])
    _issue(client)
    doc = IssuedDocument.objects.select_related("plan").get()
    listing = client.get(reverse("documents:list")).content.decode()
    assert doc.plan.title[:40] in listing
    assert f">{doc.plan.key} " not in listing and f"{doc.plan.key} ·" not in listing
