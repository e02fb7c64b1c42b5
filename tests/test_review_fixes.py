"""Cases found in review, each pinned by a test."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from cooperatives.importer import import_cooperatives
from plans.models import Target
from portal.models import Area, User
from reporting import services
from reporting.models import Period, Report
from tests.cooperatives.factories import coop
from tests.cooperatives.test_import import COOP_HEADERS, CLEAN_COOPS, write_book

pytestmark = pytest.mark.django_db


def test_a_ratio_with_numerator_above_denominator_is_a_vietnamese_error_and_nothing_is_saved(users):
    report = services.get_or_create_report(area=Area.resolve("06040"), period=Period.objects.get(code="2025"))
    with pytest.raises(ValidationError, match="Tử số không được lớn hơn mẫu số"):
        services.save_values(report, values={"NU_QL_DAO_TAO_TL": {"numerator": Decimal(5), "denominator": Decimal(3)},
                                             "HTX_MOI": {"value": Decimal(2)}},
                             version=report.version, user=users["commune_editor"])
    report.refresh_from_db()
    assert report.values.count() == 0 and report.version == 1   # the version claim rolled back too


def test_nobody_approves_a_report_they_submitted(users):
    admin = users["national_admin"]
    # the national level reviews its own report (nothing above it), but not one she sent
    report = services.get_or_create_report(area=Area.resolve("VN"), period=Period.objects.get(code="2025"))
    services.submit(report, user=admin)
    with pytest.raises(PermissionDenied, match="không tự duyệt"):
        services.approve(report, user=admin)


def test_an_account_without_area_gets_a_clear_403(client):
    nobody = User.objects.create_user("chua-gan", password="x-Y-z-12345", role=User.Role.ADMIN)
    client.force_login(nobody)
    assert client.get(reverse("progress:mine")).status_code == 403
    response = client.get(reverse("cooperatives:import"))
    assert response.status_code == 403 and "chưa được gán địa bàn" in response.content.decode()


def test_a_file_that_is_not_xlsx_is_an_error_not_a_crash():
    result = import_cooperatives(io.BytesIO(b"not a zip at all"), dry_run=True)
    assert not result.ok and "không phải tệp Excel .xlsx hợp lệ" in str(result.errors[0])


def test_a_blank_hoi_supported_cell_keeps_what_the_registry_knows(tmp_path):
    existing = coop(code=CLEAN_COOPS[0][0], hoi_supported_founding=True,
                    founding_supported_on=datetime.date(2024, 3, 15))
    row = list(CLEAN_COOPS[0])
    row[7] = None
    import_cooperatives(write_book(tmp_path / "blank.xlsx", COOP_HEADERS, [row]))
    existing.refresh_from_db()
    assert existing.hoi_supported_founding and existing.founding_supported_on == datetime.date(2024, 3, 15)


def test_filtering_the_registry_by_an_old_district_explains_why(client_for, users):
    page = client_for(users["province_reviewer"]).get(reverse("cooperatives:list") + "?area=178").content.decode()
    assert "đã ngừng tồn tại" in page


def test_bootstrap_keeps_a_target_an_administrator_added():
    """Seeds are the starting point (docs/seeds.md): a target the seeds do not have is an
    administrator's, and bootstrap leaves it (it used to delete it with its allocations)."""
    plan_target = Target.objects.filter(plan__key="lang-son-2023").first()
    Target.objects.create(plan=plan_target.plan, indicator=plan_target.indicator, milestone=2027,
                          form="number", low=1)
    out = io.StringIO()
    call_command("bootstrap", no_migrate=True, stdout=out)
    assert Target.objects.get(plan__key="lang-son-2023", milestone=2027).low == 1
    assert "plans: created 0, updated 0," in out.getvalue()


def test_an_old_unit_that_shares_its_code_opens_by_date(client_for, users):
    from tests.reporting.factories import report

    report("56", "2024", on=datetime.date(2024, 12, 31), THT_MOI=3)  # the old Khánh Hòa's own report
    client = client_for(users["national_admin"])
    new = client.get(reverse("progress:area", args=["56"]) + "?moc=2025").content.decode()
    assert 'hieu_luc=2025-06-30' in new  # the old province's row links to its own page
    old = client.get(reverse("progress:area", args=["56"]) + "?moc=2025&hieu_luc=2025-06-30").content.decode()
    assert "Tỉnh Khánh Hòa" in old


def test_the_picker_opens_the_6_month_report_in_the_first_half(monkeypatch):
    from reporting import views

    periods = list(Period.objects.filter(year=2026))
    monkeypatch.setattr(views.timezone, "localdate", lambda: datetime.date(2026, 2, 10))
    assert views._default_period(periods) == "2026-H1"
    monkeypatch.setattr(views.timezone, "localdate", lambda: datetime.date(2026, 7, 1))
    assert views._default_period(periods) == "2026"
    assert not Report.objects.exists()  # choosing a period opens nothing by itself


def test_an_htx_code_is_ten_digits_and_never_changes(client_for, users):
    from cooperatives.models import Cooperative
    from tests.cooperatives.test_views import coop_data

    client = client_for(users["commune_editor"])
    page = client.post(reverse("cooperatives:create"), coop_data(code="12345")).content.decode()
    assert "10 chữ số" in page and not Cooperative.objects.filter(code="12345").exists()
    existing = coop(code="4900999001")
    client.post(reverse("cooperatives:edit", args=[existing.pk]), coop_data(code="4900999002", name="Tên mới"))
    existing.refresh_from_db()
    assert existing.code == "4900999001"
