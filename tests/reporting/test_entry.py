"""Data entry of a report: the list and the period picker, the form (one field per indicator,
counts and ratios, the registry's figure beside it and the gap flag), saving a draft,
submitting, the locks, the concurrent-edit refusal, and scoping (another area's report is a
404 whatever the page, also by guessed id)."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperatives import rules
from cooperatives.services import refresh_classification
from plans.figures import Figure
from portal.models import User
from reporting import entry, services
from reporting.models import Report, ReportTransition, ReportValue, due_date
from reporting.selectors import covering_plans
from tests.conftest import make_user
from tests.cooperatives.factories import coop, manager
from tests.reporting.helpers import (THAT_KHE, area, detail, editor_of, form_data, ha_noi_commune,
                                     other_lang_son_commune,
                                     period, report_of, submitted)

S = Report.Status


# The rules, without a request ----------------------------------------------------------------

@pytest.mark.parametrize("entered, registry, flagged", [
    (10, 10, False), (12, 10, False),    # 2 units: not more than 2
    (13, 10, True), (7, 10, True),       # 3 units and 30 %
    (103, 100, False), (120, 100, False),  # 3 units but 3 %; 20 units but exactly 20 %
    (121, 100, True), (79, 100, True),
    (3, 0, True), (2, 0, False),
    (None, 5, False), (5, None, False),
    (Decimal("12.00"), 9, True),
])
def test_large_gap(entered, registry, flagged):
    assert entry.large_gap(entered, registry) is flagged


def test_a_ratio_is_flagged_on_its_numerator_or_denominator():
    figure = Figure(numerator=10, denominator=20)
    assert not entry.ratio_gap(10, 20, figure)
    assert entry.ratio_gap(4, 20, figure)
    assert entry.ratio_gap(10, 40, figure)
    assert not entry.ratio_gap(4, 20, Figure(numerator=0, denominator=0))  # the registry has none


def test_percent_and_late():
    assert entry.percent(1, 4) == Decimal("25.00")
    assert entry.percent(1, 0) is None and entry.percent(None, 4) is None
    due = datetime.date(2025, 12, 20)
    assert not entry.is_late(due, today=datetime.date(2025, 12, 20))
    assert entry.is_late(due, today=datetime.date(2025, 12, 21))
    assert not entry.is_late(due, submitted_on=datetime.date(2025, 12, 19), today=datetime.date(2026, 3, 1))
    assert entry.is_late(due, submitted_on=datetime.date(2025, 12, 22))


@pytest.mark.django_db
def test_which_periods_an_area_reports():
    old_district = area("178", "2025-06-30")
    codes = [p.code for p in entry.reportable_periods(old_district)]
    assert codes[0] == "2023-H1" and codes[-1] == "2025-H1" and "2025" not in codes
    codes = [p.code for p in entry.reportable_periods(area(THAT_KHE))]
    assert codes[0] == "2025" and codes[-1] == "2030" and "2025-H1" not in codes
    assert len(entry.reportable_periods(area("20"))) == 16


@pytest.mark.django_db
def test_the_most_specific_covering_plan_sets_the_due_date():
    plans = covering_plans(area(THAT_KHE), year=2025)
    assert {p.key for p in plans} >= {"de-an-01", "lang-son-2023"}
    assert plans[0].key == "lang-son-2023"
    assert due_date(plans[0], period("2025")) == datetime.date(2025, 12, 20)
    lai_chau = covering_plans(area("105", "2025-06-30"), year=2024)
    assert lai_chau[0].key == "tp-lai-chau-2023"
    assert due_date(lai_chau[0], period("2024")) == datetime.date(2024, 11, 15)
    ha_noi = covering_plans(area(ha_noi_commune()), year=2025)
    assert ha_noi[0].key == "ha-noi-2025"
    assert "ha-noi-2025" not in {p.key for p in covering_plans(area(ha_noi_commune()), year=2026)}


# The list and the period picker -----------------------------------------------------------------

def test_list_shows_reports_in_scope_with_badges_and_an_empty_state(client_for, users):
    client = client_for(users["province_reviewer"])
    page = client.get(reverse("reporting:list"))
    assert page.status_code == 200 and 'id="report-empty"' in page.content.decode()
    assert 'id="open-report"' not in page.content.decode()  # a reviewer opens no report of her own
    own = submitted(THAT_KHE, "2025", users["commune_editor"])
    report_of(other_lang_son_commune(), "2025")
    foreign = report_of(ha_noi_commune(), "2025")
    page = client.get(reverse("reporting:list"))
    listed = {r.pk for r in page.context["page"].object_list}
    assert own.pk in listed and foreign.pk not in listed and len(listed) == 2
    assert "report-status-submitted" in page.content.decode()
    assert client.get(reverse("reporting:list"), {"trang_thai": "submitted"}).context["page"].paginator.count == 1


def test_list_is_paginated(client_for, users):
    communes = area("20").children.filter(level=3).order_by("code")[:55]
    p = period("2025")
    Report.objects.bulk_create([Report(area=c, period=p, province=area("20")) for c in communes])
    client = client_for(users["province_leader"])
    first = client.get(reverse("reporting:list"))
    assert first.context["page"].paginator.num_pages == 2 and len(first.context["page"].object_list) == 50
    assert len(client.get(reverse("reporting:list"), {"page": 2}).context["page"].object_list) == 5


def test_a_commune_editor_picks_a_period_of_her_commune_and_gets_a_draft(client_for, users):
    client = client_for(users["commune_editor"])
    page = client.get(reverse("reporting:list"))
    offered = [p.code for p, _r in page.context["own_periods"]]
    assert offered[0] == "2025" and "2024" not in offered  # Thất Khê exists from 1/7/2025
    response = client.post(reverse("reporting:open"), {"ky": "2025"})
    report = Report.objects.get(area__code=THAT_KHE, period__code="2025")
    assert response.status_code == 302 and response.url == detail(report)
    assert report.status == S.DRAFT and report.created_by == users["commune_editor"]
    assert report.province.code == "20"
    # Opening again opens the same report.
    assert client.post(reverse("reporting:open"), {"ky": "2025"}).url == detail(report)
    assert Report.objects.count() == 1
    # A period before the commune existed is refused.
    response = client.post(reverse("reporting:open"), {"ky": "2024"}, follow=True)
    assert "không báo cáo kỳ này" in response.content.decode()
    assert Report.objects.count() == 1


def test_an_old_district_opens_2024_but_not_2026(client_for, users):
    client = client_for(users["old_district_editor"])
    response = client.post(reverse("reporting:open"), {"ky": "2024"})
    report = Report.objects.get(period__code="2024")
    assert report.area == users["old_district_editor"].area and response.url == detail(report)
    assert client.post(reverse("reporting:open"), {"ky": "2025-H1"}).status_code == 302
    for code in ("2025", "2026"):
        client.post(reverse("reporting:open"), {"ky": code})
        assert not Report.objects.filter(period__code=code).exists()
    page = client.get(detail(report))
    assert page.status_code == 200 and page.context["editable"]
    assert 'id="no-registry"' in page.content.decode()  # the registry has nothing of an old district


def test_a_province_data_entry_opens_the_provinces_own_report(client_for, users):
    client = client_for(users["province_admin"])
    client.post(reverse("reporting:open"), {"ky": "2024"})
    assert Report.objects.get().area.code == "20"


def test_only_data_entry_opens_reports(client_for, users):
    for role in ("province_reviewer", "province_leader"):
        assert client_for(users[role]).post(reverse("reporting:open"), {"ky": "2025"}).status_code == 403
    assert not Report.objects.exists()


# The form ---------------------------------------------------------------------------------------

def test_one_field_per_indicator_of_the_covering_plans_and_the_catalog(client_for, users):
    report = report_of(THAT_KHE, "2025")
    form = client_for(users["commune_editor"]).get(detail(report)).context["form"]
    names = set(form.fields)
    # counts: one whole-number field; ratios: numerator and denominator, no percentage field
    assert {"v_HTX_MOI", "v_THT_MOI", "v_VIEC_LAM_NU_MOI", "v_LD_NU_ON_DINH_HTX"} <= names
    assert {"n_NU_QL_DAO_TAO_TL", "d_NU_QL_DAO_TAO_TL", "n_CB_HOI_KY_NANG_TL", "d_CB_HOI_KY_NANG_TL"} <= names
    assert "v_NU_QL_DAO_TAO_TL" not in names and "n_HTX_MOI" not in names
    assert "v_CHUYEN_MUC_TT" in names          # the Lạng Sơn plan's own indicator
    assert not any("HO_NGHEO" in n for n in names)  # Khánh Hòa's plan does not cover Lạng Sơn
    assert "version" in names and form.initial["version"] == report.version
    codes = [i.code for i in form.indicators]
    assert codes.index("HTX_MOI") < codes.index("THT_MOI") < codes.index("CHUYEN_MUC_TT")


def test_a_ratio_shows_its_percentage_computed(client_for, users):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = client.get(detail(report)).context["form"]
    response = client.post(detail(report), form_data(form, n_NU_QL_DAO_TAO_TL=1, d_NU_QL_DAO_TAO_TL=4))
    assert response.status_code == 302
    value = ReportValue.objects.get(report=report, indicator__code="NU_QL_DAO_TAO_TL")
    assert (value.numerator, value.denominator, value.value) == (1, 4, None)
    assert "25,00 %" in client.get(detail(report)).content.decode()


@pytest.mark.parametrize("num, den, error", [
    ("3", "", "Cần nhập cả tử số và mẫu số."),
    ("5", "4", "Tử số không được lớn hơn mẫu số."),
    ("0", "0", "Mẫu số phải lớn hơn 0."),
])
def test_a_bad_ratio_is_refused_and_nothing_is_saved(client_for, users, num, den, error):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = client.get(detail(report)).context["form"]
    response = client.post(detail(report), form_data(form, n_NU_QL_DAO_TAO_TL=num, d_NU_QL_DAO_TAO_TL=den))
    assert response.status_code == 200 and error in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1 and not report.values.exists()


def test_counts_are_whole_numbers_written_the_vietnamese_way(client_for, users):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = client.get(detail(report)).context["form"]
    assert client.post(detail(report), form_data(form, v_VIEC_LAM_NU_MOI="1.200")).status_code == 302
    assert ReportValue.objects.get(indicator__code="VIEC_LAM_NU_MOI").value == 1200
    form = client.get(detail(report)).context["form"]
    response = client.post(detail(report), form_data(form, v_VIEC_LAM_NU_MOI="12,5"))
    assert response.status_code == 200 and "Nhập số nguyên." in response.content.decode()
    response = client.post(detail(report), form_data(form, v_VIEC_LAM_NU_MOI="-3"))
    assert response.status_code == 200 and ReportValue.objects.get(indicator__code="VIEC_LAM_NU_MOI").value == 1200


@pytest.fixture
def registry():
    """Thất Khê in the registry: an HTX founded in 2025 with the Hội's support, women-managed,
    12 workers of whom 10 women; one woman manager, not trained."""
    c = coop(THAT_KHE, founded_on=datetime.date(2025, 3, 1), workforce=(2025, 12, 10))
    manager(c, role=rules.GIAM_DOC, gender=rules.FEMALE, name="Lý Thị Lan")
    refresh_classification([c.pk])
    return c


def test_the_form_starts_from_the_registry_and_shows_it_beside(client_for, users, registry):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    page = client.get(detail(report))
    form, html = page.context["form"], page.content.decode()
    assert form.initial["v_HTX_MOI"] == 1
    assert form.initial["v_LD_NU_ON_DINH_HTX"] == 10
    assert (form.initial["n_NU_QL_DAO_TAO_TL"], form.initial["d_NU_QL_DAO_TAO_TL"]) == (0, 1)
    assert form.initial["n_CB_HOI_TAP_HUAN_TL"] is None  # the registry has no cadre: 0/0 is no figure
    assert form.initial["v_VIEC_LAM_NU_MOI"] is None     # the registry says nothing of jobs
    assert 'id="prefill-note"' in html and "từ sổ HTX" in html
    rows = {r.indicator.code: r for r in page.context["rows"]}
    assert rows["HTX_MOI"].figure.value == 1 and rows["HTX_MOI"].prefilled
    assert "Chênh lệch lớn so với sổ HTX" not in html
    # The saved figures, not the registry's, once the report holds values.
    assert client.post(detail(report), form_data(form, v_HTX_MOI=0, v_VIEC_LAM_NU_MOI=9)).status_code == 302
    form = client.get(detail(report)).context["form"]
    assert form.initial["v_HTX_MOI"] == 0 and form.initial["v_LD_NU_ON_DINH_HTX"] == 10


def test_a_large_gap_with_the_registry_is_flagged(client_for, users, registry):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = client.get(detail(report)).context["form"]
    client.post(detail(report), form_data(form, v_LD_NU_ON_DINH_HTX=12))   # 2 more: no flag
    page = client.get(detail(report))
    assert "Chênh lệch lớn so với sổ HTX" not in page.content.decode()
    client.post(detail(report), form_data(page.context["form"], v_LD_NU_ON_DINH_HTX=25))
    page = client.get(detail(report))
    assert page.content.decode().count("Chênh lệch lớn so với sổ HTX") == 1
    assert [r.indicator.code for r in page.context["rows"] if r.gap] == ["LD_NU_ON_DINH_HTX"]


def test_a_provinces_own_report_is_not_prefilled_with_the_whole_province(client_for, users, registry):
    report = report_of("20", "2025")
    page = client_for(users["province_admin"]).get(detail(report))
    assert page.context["form"].initial["v_HTX_MOI"] is None
    rows = {r.indicator.code: r for r in page.context["rows"]}
    assert rows["HTX_MOI"].figure.value == 1  # shown for reference
    assert not any(r.gap for r in page.context["rows"])


def test_the_due_date_and_lateness_are_shown(client_for, users):
    report = report_of("105", "2024", on="2025-06-30")
    page = client_for(users["outsider_district"]).get(detail(report))
    assert page.context["due"] == datetime.date(2024, 11, 15)
    assert page.context["late"] and "Quá hạn" in page.content.decode()


# Saving and submitting ------------------------------------------------------------------------

def test_save_a_draft(client_for, users):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    form = client.get(detail(report)).context["form"]
    response = client.post(detail(report), form_data(form, v_HTX_MOI=2, v_VIEC_LAM_NU_MOI=15, note="Đã rà soát"))
    assert response.status_code == 302 and response.url == detail(report)
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.version == 2 and report.note == "Đã rà soát"
    assert report.updated_by == users["commune_editor"]
    values = {v.indicator.code: v.value for v in report.values.select_related("indicator")}
    assert values["HTX_MOI"] == 2 and values["VIEC_LAM_NU_MOI"] == 15
    assert not ReportTransition.objects.exists()
    assert "Đã lưu bản nháp." in client.get(detail(report)).content.decode()


def test_submit_saves_and_sends(client_for, users):
    client = client_for(users["commune_editor"])
    report = report_of(THAT_KHE, "2025")
    page = client.get(detail(report))
    assert 'id="confirm-submit"' in page.content.decode()  # the confirmation dialog
    response = client.post(detail(report), form_data(page.context["form"], action="submit", v_HTX_MOI=4))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.submitted_at and report.first_submitted_at
    assert report.values.get(indicator__code="HTX_MOI").value == 4
    t = report.transitions.get()
    assert (t.from_status, t.to_status, t.by) == (S.DRAFT, S.SUBMITTED, users["commune_editor"])
    page = client.get(detail(report))
    assert page.context["form"] is None and 'id="locked"' in page.content.decode()


def test_a_data_entry_user_cannot_approve_or_return(client_for, users):
    report = submitted(THAT_KHE, "2025", users["commune_editor"])
    client = client_for(users["commune_editor"])
    assert client.post(reverse("reporting:approve", args=[report.pk])).status_code == 403
    assert client.post(reverse("reporting:return", args=[report.pk]), {"comment": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    assert 'id="review"' not in client.get(detail(report)).content.decode()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_a_submitted_or_approved_report_cannot_be_changed(client_for, users, status):
    report = submitted(THAT_KHE, "2025", users["commune_editor"])
    if status == S.APPROVED:
        services.approve(report, user=users["province_reviewer"])
    report.refresh_from_db()
    version = report.version
    client = client_for(users["commune_editor"])
    page = client.get(detail(report))
    assert page.context["form"] is None and "<input" not in page.content.decode().split('id="report-figures"')[1]
    data = {"version": version, "v_HTX_MOI": "99", "action": "submit"}
    response = client.post(detail(report), data)
    assert response.status_code == 403 and 'id="refused"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == status and report.version == version
    assert report.values.get(indicator__code="HTX_MOI").value == 3


def test_a_returned_report_shows_the_comment_and_is_corrected_and_resubmitted(client_for, users):
    report = submitted(THAT_KHE, "2025", users["commune_editor"])
    services.return_report(report, user=users["province_reviewer"], comment="Số việc làm mới chưa khớp danh sách")
    client = client_for(users["commune_editor"])
    page = client.get(detail(report))
    html = page.content.decode()
    assert 'id="return-comment"' in html and "Số việc làm mới chưa khớp danh sách" in html
    assert page.context["editable"]
    response = client.post(detail(report), form_data(page.context["form"], action="submit", v_VIEC_LAM_NU_MOI=7))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.values.get(indicator__code="VIEC_LAM_NU_MOI").value == 7
    assert [(t.from_status, t.to_status) for t in report.transitions.all()] == [
        (S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.RETURNED), (S.RETURNED, S.SUBMITTED)]
    assert 'id="return-comment"' not in client.get(detail(report)).content.decode()


def test_two_people_saving_the_same_report(client, users):
    """Both load the form at the same version; the first saves; the second is refused with the
    message, keeps what she typed on the page, and the first's figures stay."""
    lan, hoa = users["commune_editor"], make_user("hoa", User.Role.DATA_ENTRY, THAT_KHE)
    report = report_of(THAT_KHE, "2025")
    client.force_login(lan)
    lan_form = client.get(detail(report)).context["form"]
    client.force_login(hoa)
    hoa_form = client.get(detail(report)).context["form"]
    client.force_login(lan)
    assert client.post(detail(report), form_data(lan_form, v_HTX_MOI=5)).status_code == 302
    client.force_login(hoa)
    response = client.post(detail(report), form_data(hoa_form, action="submit", v_HTX_MOI=8))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Báo cáo vừa được người khác lưu lúc" in html
    assert "hãy tải lại trang để xem bản mới nhất. Dữ liệu bạn nhập chưa được lưu." in html
    assert response.context["form"]["v_HTX_MOI"].value() == "8"   # her input is kept on the page
    report.refresh_from_db()
    assert report.values.get(indicator__code="HTX_MOI").value == 5 and report.version == 2
    assert report.status == S.DRAFT and report.updated_by == lan


# Who may open and change what ----------------------------------------------------------------------

def test_readers_in_scope_see_the_report_read_only(client_for, users):
    report = submitted(THAT_KHE, "2025", users["commune_editor"])
    services.return_report(report, user=users["province_reviewer"], comment="Sửa lại")
    for role in ("province_leader", "province_admin", "province_reviewer", "national_admin"):
        client = client_for(users[role])
        page = client.get(detail(report))
        assert page.status_code == 200 and page.context["form"] is None, role
        response = client.post(detail(report), {"version": report.version + 1, "v_HTX_MOI": "50"})
        assert response.status_code == 403, role
    assert report.values.get(indicator__code="HTX_MOI").value == 3


def test_another_areas_report_is_404_on_every_page(client_for, users):
    theirs = submitted(other_lang_son_commune(), "2025", editor_of(other_lang_son_commune()))
    foreign = submitted(ha_noi_commune(), "2025", editor_of(ha_noi_commune()))
    cases = [("commune_editor", theirs), ("commune_editor", foreign), ("old_district_editor", theirs),
             ("outsider_admin", theirs), ("outsider_district", theirs), ("province_reviewer", foreign)]
    for role, report in cases:
        client = client_for(users[role])
        assert client.get(detail(report)).status_code == 404, role
        assert client.post(detail(report), {"version": report.version, "v_HTX_MOI": "1"}).status_code == 404
        assert client.post(reverse("reporting:approve", args=[report.pk])).status_code == 404, role
        assert client.post(reverse("reporting:return", args=[report.pk]), {"comment": "x"}).status_code == 404
        assert report.pk not in {r.pk for r in client.get(reverse("reporting:list")).context["page"].object_list}
    # Ids that do not exist at all answer the same.
    client = client_for(users["commune_editor"])
    missing = Report.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("reporting:detail", args=[missing])).status_code == 404
    for report in (theirs, foreign):
        report.refresh_from_db()
        assert report.status == S.SUBMITTED


def test_a_commune_editor_cannot_edit_her_provinces_report(client_for, users):
    report = report_of("20", "2025")
    client = client_for(users["commune_editor"])
    assert client.get(detail(report)).status_code == 404


def test_a_province_data_entry_reads_but_does_not_edit_a_communes_report(client_for, users):
    report = report_of(THAT_KHE, "2025")
    client = client_for(users["province_admin"])
    page = client.get(detail(report))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(detail(report), {"version": 1, "v_HTX_MOI": "2"}).status_code == 403
    assert not report.values.exists()


def test_the_report_pages_refuse_other_methods(client_for, users):
    report = report_of(THAT_KHE, "2025")
    client = client_for(users["commune_editor"])
    assert client.get(reverse("reporting:open")).status_code == 405
    assert client.put(detail(report)).status_code == 405
    assert client.post(reverse("reporting:list")).status_code == 405
