"""Who may edit and who may review a report is one rule (reporting.permissions), and the three
places that apply it agree on every user × report: the report page (the form, the review
actions), the workflow (reporting.services accepts or refuses) and the reviewer's queue."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reporting import permissions, services
from reporting.models import Report
from reporting.queue import waiting_for
from tests.reporting.helpers import (THAT_KHE, detail, editor_of, ha_noi_commune, other_lang_son_commune,
                                     report_of, submitted)

S = Report.Status


class _Rollback(Exception):
    pass


def accepted(action):
    """Whether the workflow accepts the action (undone either way)."""
    try:
        with transaction.atomic():
            action()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


@pytest.fixture
def cast(users):
    other = other_lang_son_commune()
    people = dict(users, other_editor=editor_of(other), ha_noi_editor=editor_of(ha_noi_commune()))
    returned = submitted(other, "2025", people["other_editor"])
    services.return_report(returned, user=users["province_reviewer"], comment="Sửa lại số liệu")
    approved = submitted(other, "2024", people["other_editor"])
    services.approve(approved, user=users["province_reviewer"])
    reports = {
        "commune_submitted": submitted(THAT_KHE, "2025", users["commune_editor"]),
        "commune_draft": report_of(THAT_KHE, "2026"),
        "other_returned": returned,
        "other_approved": approved,
        "old_district_submitted": submitted("178", "2024", users["old_district_editor"], on="2025-06-30"),
        "province_own_submitted": submitted("20", "2025", users["province_admin"]),
        "national_own_submitted": submitted("VN", "2025", users["national_admin"]),
        "ha_noi_submitted": submitted(ha_noi_commune(), "2025", people["ha_noi_editor"]),
    }
    return people, {k: Report.objects.select_related("area", "period").get(pk=r.pk) for k, r in reports.items()}


def test_page_workflow_and_queue_agree_on_every_user_and_report(cast, client_for):
    people, reports = cast
    seen_edit = seen_review = 0
    for who, user in people.items():
        queue = set(waiting_for(user).values_list("pk", flat=True))
        client = client_for(user)
        for what, report in reports.items():
            report = Report.objects.select_related("area", "period").get(pk=report.pk)
            label = f"{who} × {what}"
            may_edit, may_review = permissions.can_edit(user, report), permissions.can_review(user, report)
            # the workflow
            assert accepted(lambda report=report, user=user: services.save_values(
                report, values={"HTX_MOI": {"value": 1}}, version=report.version, user=user)) == may_edit, label
            assert accepted(lambda report=report, user=user: services.submit(report, user=user)) == may_edit, label
            assert accepted(lambda report=report, user=user: services.approve(report, user=user)) == may_review, label
            assert accepted(lambda report=report, user=user: services.return_report(report, user=user, comment="x")) == may_review, label
            # the queue
            assert (report.pk in queue) == may_review, label
            # the page
            page = client.get(detail(report))
            if page.status_code == 404:
                assert not (may_edit or may_review), label
            else:
                assert page.context["editable"] == may_edit and page.context["reviewable"] == may_review, label
            seen_edit += may_edit
            seen_review += may_review
    assert seen_edit >= 2 and seen_review >= 5   # the matrix holds both answers


def test_the_rules_edges(cast):
    people, reports = cast
    can_review, can_edit = permissions.can_review, permissions.can_edit
    # a reviewer reviews the areas below her, old and new, not her own level's report
    assert can_review(people["province_reviewer"], reports["commune_submitted"])
    assert can_review(people["province_reviewer"], reports["old_district_submitted"])
    assert not can_review(people["province_reviewer"], reports["province_own_submitted"])
    assert not can_review(people["province_admin"], reports["province_own_submitted"])
    # the national level, with nothing above it, reviews its own report, but not one she sent
    assert can_review(people["national_admin"], reports["province_own_submitted"])
    assert not can_review(people["national_admin"], reports["national_own_submitted"])
    assert permissions.reviewer_refusal(people["national_admin"], reports["national_own_submitted"]) == (
        "Người gửi báo cáo không tự duyệt hoặc trả lại báo cáo của mình.")
    # another province's report, a leader, data entry: never
    assert not can_review(people["province_reviewer"], reports["ha_noi_submitted"])
    assert not can_review(people["province_leader"], reports["commune_submitted"])
    assert not can_review(people["commune_editor"], reports["commune_submitted"])
    # edit: the report's own area's data entry, on a draft or a returned report
    assert can_edit(people["commune_editor"], reports["commune_draft"])
    assert can_edit(people["other_editor"], reports["other_returned"])
    assert not can_edit(people["other_editor"], reports["other_approved"])
    assert not can_edit(people["commune_editor"], reports["commune_submitted"])
    assert not can_edit(people["commune_editor"], reports["other_returned"])
    assert not can_edit(people["province_admin"], reports["commune_draft"])    # above it: reads only
    assert not can_edit(people["province_reviewer"], reports["commune_draft"])
