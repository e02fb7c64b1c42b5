"""The home page per role: what to do now. Data entry: the report due (days left), returned
reports with the reviewer's comment, drafts; reviewer: the queue, reports returned and not sent
again; leader: headline figures and documents; administrator: imports, accounts, data to check.
Another area's reports never appear; empty states in Vietnamese; the query count stays flat."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.selectors import days_left_text, due_now, period_due
from reporting import services
from tests.reporting.factories import report as make_report
from tests.reporting.helpers import (THAT_KHE, area, editor_of, ha_noi_commune, other_lang_son_commune, period,
                                     report_of, submitted)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_days_left_in_vietnamese():
    assert days_left_text(D(2026, 12, 20), D(2026, 12, 15)) == "còn 5 ngày"
    assert days_left_text(D(2026, 12, 20), D(2026, 12, 20)) == "hạn hôm nay"
    assert days_left_text(D(2026, 12, 20), D(2026, 12, 22)) == "quá hạn 2 ngày"


def test_the_report_due_now_and_the_one_overdue(users):
    that_khe = area(THAT_KHE)
    annual = period_due(that_khe, period("2026"))
    today = annual - datetime.timedelta(days=5)
    items = due_now(that_khe, today)
    h1_2026 = period_due(that_khe, period("2026-H1"))
    # the 6-month report never sent is overdue; the annual one comes next
    assert [(i.period.code, i.text, i.report) for i in items] == [
        ("2026-H1", f"quá hạn {(today - h1_2026).days} ngày", None), ("2026", "còn 5 ngày", None)]
    submitted(THAT_KHE, "2026-H1", users["commune_editor"])
    assert [i.period.code for i in due_now(that_khe, today)] == ["2026"]
    # early in 2027: the 2026 report was never sent, so it is overdue; the next is 2027-H1
    h1 = period_due(that_khe, period("2027-H1"))
    items = due_now(that_khe, D(2027, 1, 10))
    assert [(i.period.code, i.days) for i in items] == [("2026", -(D(2027, 1, 10) - annual).days),
                                                        ("2027-H1", (h1 - D(2027, 1, 10)).days)]
    assert items[0].text.startswith("quá hạn ")
    # once sent, the overdue one is gone
    submitted(THAT_KHE, "2026", users["commune_editor"])
    assert [i.period.code for i in due_now(that_khe, D(2027, 1, 10))] == ["2027-H1"]


def test_data_entry_sees_the_due_report_returned_ones_with_the_comment_and_drafts(users, client_for):
    lan, minh = users["commune_editor"], users["province_reviewer"]
    returned = submitted(THAT_KHE, "2025", lan)
    services.return_report(returned, user=minh, comment="Số việc làm mới chưa khớp danh sách")
    draft = report_of(THAT_KHE, "2026-H1")
    foreign = submitted(ha_noi_commune(), "2025", editor_of(ha_noi_commune()))
    services.return_report(foreign, user=users["outsider_admin"], comment="Hà Nội sửa lại")
    page = client_for(lan).get(reverse("home"))
    body = page.content.decode()
    assert [r.pk for r in page.context["returned"]] == [returned.pk]
    assert "“Số việc làm mới chưa khớp danh sách”" in body and "Hà Nội sửa lại" not in body
    assert [r.pk for r in page.context["drafts"]] == [draft.pk]
    assert page.context["due"], "a report is always coming due for a commune"
    assert 'class="text-' in body and "days-left" in body
    for name in ("cooperatives:create", "reporting:list", "cooperatives:list"):
        assert f'href="{reverse(name)}"' in body


def test_data_entry_empty_states(users, client_for, monkeypatch):
    from home import views

    monkeypatch.setattr(views.selectors, "due_now", lambda area, today: [])
    body = client_for(users["commune_editor"]).get(reverse("home")).content.decode()
    assert "Hiện không có báo cáo nào đến hạn cho đơn vị của bạn." in body
    assert "Bản nháp chưa gửi" not in body


def test_reviewer_sees_the_queue_and_reports_returned_not_yet_resent(users, client_for):
    minh = users["province_reviewer"]
    waiting = submitted(THAT_KHE, "2025", users["commune_editor"])
    other = other_lang_son_commune()
    back = submitted(other, "2025", editor_of(other))
    services.return_report(back, user=users["province_admin"], comment="Thiếu số liệu lao động")
    foreign = submitted(ha_noi_commune(), "2025", editor_of(ha_noi_commune()))
    page = client_for(minh).get(reverse("home"))
    assert [r.pk for r in page.context["queue"]] == [waiting.pk]
    assert [r.pk for r in page.context["returned_below"]] == [back.pk]
    body = page.content.decode()
    assert "Thiếu số liệu lao động" in body and f'data-report="{foreign.pk}"' not in body


def test_reviewer_empty_states(users, client_for):
    body = client_for(users["province_reviewer"]).get(reverse("home")).content.decode()
    assert "Không có báo cáo nào chờ duyệt." in body
    assert "Không có báo cáo nào đang chờ đơn vị sửa." in body


def test_leader_sees_the_headline_figures_as_on_the_progress_page(users, client_for):
    make_report(THAT_KHE, "2025", HTX_MOI=6)
    client = client_for(users["province_leader"])
    home = client.get(reverse("home"))
    progress = client.get(reverse("progress:area", args=["20"]))
    lines = {line.indicator.code: line for line in progress.context["prog"].lines}
    assert home.context["milestone"] == progress.context["milestone"]
    assert home.context["headline_plan"] == progress.context["plan"]
    for h in home.context["headline"]:
        assert (h.actual, h.status) == (lines[h.code].actual, lines[h.code].status)
    assert any(h.code == "HTX_MOI" and h.actual == 6 for h in home.context["headline"])
    assert "Chưa có văn bản nào được ban hành." in home.content.decode()


def test_leader_sees_the_latest_documents_of_her_area_only(users, client_for):
    from tests.portal.test_scoping import _document_kw

    own = _document_kw()["pk"]  # Thất Khê's document: inside Lạng Sơn
    page = client_for(users["province_leader"]).get(reverse("home"))
    assert [d.pk for d in page.context["documents"]] == [own]
    outsider = client_for(users["outsider_admin"]).get(reverse("home"))
    assert "documents" not in outsider.context or not outsider.context["documents"]


def test_admin_sees_accounts_imports_and_the_data_check(users, client_for):
    from cooperatives.models import Cooperative

    thao = users["province_admin"]
    page = client_for(thao).get(reverse("home"))
    counts = page.context["user_counts"]
    assert counts["total"] == 5 and counts["data_entry"] == 2 and counts["reviewer"] == 1
    assert page.context["imports"] == []
    assert "Chưa có lần nhập tệp Excel nào trong địa bàn." in page.content.decode()
    # an import recorded by the registry's history
    from simple_history.utils import bulk_create_with_history

    from cooperatives.importer import CHANGE_REASON
    bulk_create_with_history([Cooperative(code=f"49000009{i:02d}", name=f"HTX {i}", commune=area(THAT_KHE))
                              for i in range(3)], Cooperative, default_change_reason=CHANGE_REASON)
    [imp] = client_for(thao).get(reverse("home")).context["imports"]
    assert (imp["created"], imp["updated"]) == (3, 0)
    assert client_for(users["outsider_admin"]).get(reverse("home")).context["imports"] == []


def test_data_to_check_flags_large_gaps_in_scope(users, client_for):
    from cooperatives.models import Cooperative

    # the registry knows one new HTX in Thất Khê in 2025; the report says 9 (a gap), another commune agrees
    Cooperative.objects.create(code="4900000777", name="HTX Dệt", commune=area(THAT_KHE), kind="HTX",
                               founded_on=D(2025, 3, 1), hoi_supported_founding=True, is_women_managed=True)
    flagged = make_report(THAT_KHE, "2025", HTX_MOI=9)
    make_report(other_lang_son_commune(), "2025", HTX_MOI=0)
    make_report(ha_noi_commune(), "2025", HTX_MOI=50)
    client = client_for(users["province_admin"])
    page = client.get(reverse("data_check"))
    assert [(r.pk, [g.indicator.code for g in gaps]) for r, gaps in page.context["rows"]] == [
        (flagged.pk, ["HTX_MOI"])]
    fragment = client.get(reverse("data_check"), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "HTX_MOI 9" in fragment.content.decode()
    assert client_for(users["province_reviewer"]).get(reverse("data_check")).status_code == 403


@pytest.mark.parametrize("role", ["commune_editor", "province_reviewer", "province_leader", "province_admin"])
def test_query_count_is_flat(users, client_for, role):
    client = client_for(users[role])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    lan, minh = users["commune_editor"], users["province_reviewer"]
    for code, year in [(THAT_KHE, "2025"), (other_lang_son_commune(), "2025")]:
        editor = lan if code == THAT_KHE else editor_of(code)
        r = submitted(code, year, editor)
        services.return_report(r, user=minh, comment="sửa")
    for code in [THAT_KHE, other_lang_son_commune()]:
        submitted(code, "2026-H1", lan if code == THAT_KHE else editor_of(code))
        report_of(code, "2026")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
