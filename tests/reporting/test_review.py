"""Review: the queue of submitted reports in the reviewer's scope (oldest first), returning
with a required comment, approving (which locks), the transitions kept with who, when and
the comment, and a reviewer never approving her own level's report."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import Report, ReportTransition
from tests.reporting.helpers import (THAT_KHE, detail, editor_of, form_data, ha_noi_commune,
                                     other_lang_son_commune, report_of, submitted)

S = Report.Status


def _approve(report):
    return reverse("reporting:approve", args=[report.pk])


def _return(report):
    return reverse("reporting:return", args=[report.pk])


@pytest.fixture
def reports(users):
    """Submitted: Thất Khê 2025 (first), another Lạng Sơn commune 2025 (later), the old district
    178 2024, Lạng Sơn's own 2025 report, a Hà Nội commune 2025. A draft: Thất Khê 2026."""
    lan = users["commune_editor"]
    out = {
        "that_khe": submitted(THAT_KHE, "2025", lan),
        "other": submitted(other_lang_son_commune(), "2025", editor_of(other_lang_son_commune())),
        "district": submitted("178", "2024", users["old_district_editor"], on="2025-06-30"),
        "province": submitted("20", "2025", users["province_admin"]),
        "ha_noi": submitted(ha_noi_commune(), "2025", editor_of(ha_noi_commune())),
        "draft": report_of(THAT_KHE, "2026"),
    }
    # Oldest first: make the submission times distinct and out of creation order.
    base = timezone.now() - datetime.timedelta(days=10)
    for days, key in enumerate(["district", "that_khe", "other", "province", "ha_noi"]):
        Report.objects.filter(pk=out[key].pk).update(submitted_at=base + datetime.timedelta(days=days))
    return out


def test_the_queue_lists_submitted_reports_in_scope_oldest_first(client_for, users, reports):
    page = client_for(users["province_reviewer"]).get(reverse("reporting:queue"))
    listed = [r.pk for r in page.context["page"].object_list]
    assert listed == [reports["district"].pk, reports["that_khe"].pk, reports["other"].pk]
    assert [r.sender.username for r in page.context["page"].object_list] == [
        "mai", "lan", f"nhap-{other_lang_son_commune()}"]
    # Not the province's own report (reviewed above), not Hà Nội's, not a draft.
    page = client_for(users["outsider_admin"]).get(reverse("reporting:queue"))
    assert [r.pk for r in page.context["page"].object_list] == [reports["ha_noi"].pk]
    # The national level reviews the provinces' own reports too.
    page = client_for(users["national_admin"]).get(reverse("reporting:queue"))
    assert reports["province"].pk in [r.pk for r in page.context["page"].object_list]


def test_the_queue_is_for_reviewers(client_for, users, reports):
    for role in ("commune_editor", "province_leader", "old_district_editor"):
        assert client_for(users[role]).get(reverse("reporting:queue")).status_code == 403


def test_the_home_page_counts_the_reports_waiting(client_for, users, reports):
    html = client_for(users["province_reviewer"]).get(reverse("home")).content.decode()
    assert 'id="reports-waiting"' in html and reverse("reporting:queue") in html
    assert client_for(users["province_reviewer"]).get(reverse("home")).context["reports_waiting"] == 3
    home = client_for(users["commune_editor"]).get(reverse("home"))
    assert home.context["reports_waiting"] is None and 'id="reports-waiting"' not in home.content.decode()


def test_the_empty_queue(client_for, users):
    page = client_for(users["province_reviewer"]).get(reverse("reporting:queue"))
    assert 'id="queue-empty"' in page.content.decode()


def test_a_report_is_shown_with_the_registry_figures_and_the_two_actions(client_for, users, reports):
    page = client_for(users["province_reviewer"]).get(detail(reports["that_khe"]))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["reviewable"]
    assert 'id="approve-form"' in html and 'id="return-form"' in html
    assert "Sổ HTX" in html and page.context["form"] is None
    rows = {r.indicator.code: r for r in page.context["rows"]}
    assert rows["HTX_MOI"].value == 3 and rows["HTX_MOI"].figure.value == 0
    # A reader sees the report but not the actions.
    page = client_for(users["province_leader"]).get(detail(reports["that_khe"]))
    assert page.status_code == 200 and 'id="review"' not in page.content.decode()


def test_return_requires_a_comment(client_for, users, reports):
    report = reports["that_khe"]
    client = client_for(users["province_reviewer"])
    for comment in ("", "   "):
        response = client.post(_return(report), {"comment": comment})
        assert response.status_code == 400
        assert "Hãy ghi lý do trả lại" in response.content.decode()
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.transitions.count() == 1


def test_return_with_a_comment_is_recorded(client_for, users, reports):
    report = reports["that_khe"]
    client = client_for(users["province_reviewer"])
    response = client.post(_return(report), {"comment": "  Số việc làm mới chưa khớp danh sách  "})
    assert response.status_code == 302 and response.url == reverse("reporting:queue")
    report.refresh_from_db()
    assert report.status == S.RETURNED
    t = report.transitions.last()
    assert (t.from_status, t.to_status, t.by, t.comment) == (
        S.SUBMITTED, S.RETURNED, users["province_reviewer"], "Số việc làm mới chưa khớp danh sách")
    assert report.pk not in [r.pk for r in client.get(reverse("reporting:queue")).context["page"].object_list]
    # The history is on the report page for everyone in scope.
    for role in ("commune_editor", "province_leader", "province_reviewer"):
        html = client_for(users[role]).get(detail(report)).content.decode()
        assert "Số việc làm mới chưa khớp danh sách" in html and "minh" in html
        assert "Đã gửi, chờ duyệt → <strong>Bị trả lại để sửa</strong>" in html


def test_approve_locks_the_report(client_for, users, reports):
    report = reports["that_khe"]
    response = client_for(users["province_reviewer"]).post(_approve(report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.approved_at
    t = report.transitions.last()
    assert (t.from_status, t.to_status, t.by) == (S.SUBMITTED, S.APPROVED, users["province_reviewer"])
    # Nothing changes it any more: not the data entry, not a second approval or a return.
    editor = client_for(users["commune_editor"])
    page = editor.get(detail(report))
    assert page.context["form"] is None and "Bản nháp" not in page.content.decode().split('id="history"')[0]
    response = editor.post(detail(report), {"version": report.version, "v_HTX_MOI": "40", "action": "save"})
    assert response.status_code == 403
    reviewer = client_for(users["province_reviewer"])
    reviewer.post(_return(report), {"comment": "Trả lại sau khi duyệt"})
    reviewer.post(_approve(report))
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.values.get(indicator__code="HTX_MOI").value == 3
    assert report.transitions.count() == 2


def test_approving_a_report_that_is_not_waiting_changes_nothing(client_for, users, reports):
    client = client_for(users["province_reviewer"])
    response = client.post(_approve(reports["draft"]), follow=True)
    assert "Chỉ duyệt được báo cáo đang chờ duyệt." in response.content.decode()
    assert Report.objects.get(pk=reports["draft"].pk).status == S.DRAFT


def test_a_province_reviewer_cannot_approve_the_provinces_own_report(client_for, users, reports):
    report = reports["province"]
    for role in ("province_reviewer", "province_admin"):
        client = client_for(users[role])
        assert not client.get(detail(report)).context["reviewable"]
        assert client.post(_approve(report)).status_code == 403
        assert client.post(_return(report), {"comment": "Không được"}).status_code == 403
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    # The national level can.
    assert client_for(users["national_admin"]).post(_approve(report)).status_code == 302
    report.refresh_from_db()
    assert report.status == S.APPROVED


def test_a_leader_reads_but_does_not_review(client_for, users, reports):
    client = client_for(users["province_leader"])
    assert client.post(_approve(reports["that_khe"])).status_code == 403
    assert client.post(_return(reports["that_khe"]), {"comment": "x"}).status_code == 403
    assert Report.objects.get(pk=reports["that_khe"].pk).status == S.SUBMITTED


def test_a_reviewer_of_another_province_gets_404(client_for, users, reports):
    client = client_for(users["outsider_admin"])
    for key in ("that_khe", "district", "province"):
        assert client.get(detail(reports[key])).status_code == 404
        assert client.post(_approve(reports[key])).status_code == 404
        assert client.post(_return(reports[key]), {"comment": "x"}).status_code == 404
    assert not ReportTransition.objects.filter(by=users["outsider_admin"]).exists()


def test_return_and_approve_are_post_only(client_for, users, reports):
    client = client_for(users["province_reviewer"])
    assert client.get(_approve(reports["that_khe"])).status_code == 405
    assert client.get(_return(reports["that_khe"])).status_code == 405


def test_the_whole_round(client_for, users):
    """Chị Lan submits, Anh Minh returns it with a comment, she corrects and resubmits, he
    approves; every step is in the history with who and the comment."""
    lan = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = lan.get(detail(report)).context["form"]
    lan.post(detail(report), form_data(form, action="submit", v_VIEC_LAM_NU_MOI=30))
    minh = client_for(users["province_reviewer"])
    minh.post(_return(report), {"comment": "số việc làm mới chưa khớp danh sách"})
    lan = client_for(users["commune_editor"])
    form = lan.get(detail(report)).context["form"]
    lan.post(detail(report), form_data(form, action="submit", v_VIEC_LAM_NU_MOI=24))
    minh = client_for(users["province_reviewer"])
    minh.post(_approve(report))
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.values.get(indicator__code="VIEC_LAM_NU_MOI").value == 24
    steps = [(t.to_status, t.by.username, t.comment) for t in report.transitions.all()]
    assert steps == [(S.SUBMITTED, "lan", ""), (S.RETURNED, "minh", "số việc làm mới chưa khớp danh sách"),
                     (S.SUBMITTED, "lan", ""), (S.APPROVED, "minh", "")]
    html = minh.get(detail(report)).content.decode()
    assert html.count('class="transition"') == 4


def test_reviewer_home_lists_the_units_late_with_the_last_report_due(client_for, users):
    import datetime

    from reporting.queue import late_units
    from tests.reporting.factories import report as make_report

    make_report("06040", "2025", HTX_MOI=1)
    period, deadline, units = late_units(users["province_reviewer"], today=datetime.date(2026, 1, 10))
    codes = {u.code for u in units}
    assert period.code == "2025" and deadline == datetime.date(2025, 12, 20)
    assert "06040" not in codes and len(codes) == 64          # Lạng Sơn's 65 communes, Thất Khê sent
    assert "178" not in codes                                   # districts did not exist on 31/12/2025
    page = client_for(users["province_reviewer"]).get("/").content.decode()
    assert 'id="late-units"' in page
    assert late_units(users["commune_editor"]) is None          # not a reviewer
