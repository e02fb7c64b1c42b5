"""Area groups: an administrator sets the group of each commune or old district of her area,
among the group names of the targets of the plans covering it (Khánh Hòa's 2019 plan:
"đồng bằng 95 %, miền núi 80 %"), in the browser and by spreadsheet, with history."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans import allocations as rules
from plans import sheets
from plans.models import AreaGroup, Plan
from portal.models import Area, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def old(code):
    """An old district (Khánh Hòa's: 568 Nha Trang, 573 Khánh Vĩnh ...)."""
    return Area.objects.get(code=code, level=Area.Level.DISTRICT)


@pytest.fixture
def kh_admin(db):
    return make_user("khanhhoa", User.Role.ADMIN, "56")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def groups():
    return dict(AreaGroup.objects.values_list("area__code", "name"))


# --- the rules --------------------------------------------------------------------------------

def test_a_unit_may_take_the_group_names_of_the_plans_covering_it():
    names = rules.group_names([old("573"), old("584"), Area.resolve("22333"), Area.resolve("06040")])
    assert names[old("573").pk] == ["đồng bằng", "miền núi"]  # old Khánh Hòa: its 2019 plan
    assert names[old("584").pk] == []                          # Ninh Thuận's district: no such plan
    assert names[Area.resolve("22333").pk] == []               # today's commune: not under old Khánh Hòa
    assert names[Area.resolve("06040").pk] == []


def test_the_units_of_an_area_are_its_communes_and_old_districts():
    units = list(rules.group_units(Area.resolve("56")))
    assert {u.level for u in units} == {Area.Level.DISTRICT, Area.Level.COMMUNE}
    assert sum(1 for u in units if u.level == Area.Level.COMMUNE) == 65
    assert len(rules.group_units(Area.resolve("20"))) == 76


def test_saving_groups_keeps_history_and_the_targets_spelling(kh_admin):
    outcome = rules.save_area_groups([rules.GroupRow(old("573"), "Miền núi"),
                                      rules.GroupRow(old("568"), "đồng bằng")], kh_admin)
    assert outcome.created == 2
    assert groups() == {"573": "miền núi", "568": "đồng bằng"}
    outcome = rules.save_area_groups([rules.GroupRow(old("573"), "đồng bằng"), rules.GroupRow(old("568"), "")],
                                     kh_admin)
    assert (outcome.updated, outcome.deleted) == (1, 1)
    assert groups() == {"573": "đồng bằng"}
    history = AreaGroup.history.filter(area__code="573").order_by("history_date")
    assert [(h.history_type, h.name, h.history_user) for h in history] == [
        ("+", "miền núi", kh_admin), ("~", "đồng bằng", kh_admin)]
    assert AreaGroup.history.filter(area__code="568", history_type="-").get().history_user == kh_admin


def test_a_typo_is_refused_with_the_allowed_names(kh_admin):
    with pytest.raises(rules.Refused) as info:
        rules.save_area_groups([rules.GroupRow(old("568"), "đồng bằng"), rules.GroupRow(old("573"), "mien nui")],
                               kh_admin)
    (problem,) = info.value.problems
    assert problem.area.code == "573" and problem.field == "name"
    assert problem.message == "nhóm “mien nui” không có; chọn một trong: “đồng bằng”, “miền núi”"
    assert not AreaGroup.objects.exists()  # all or nothing


def test_a_unit_no_plan_groups_cannot_take_a_group(kh_admin):
    problems = rules.check_area_groups([rules.GroupRow(Area.resolve("22333"), "miền núi")], kh_admin)
    assert "chưa có kế hoạch nào áp dụng cho “Phường Bắc Nha Trang”" in problems[0].message


def test_another_provinces_unit_is_refused(users):
    problems = rules.check_area_groups([rules.GroupRow(old("573"), "miền núi")], users["province_admin"])
    assert problems[0].field == "area" and "không thuộc địa bàn bạn quản lý" in problems[0].message


# --- the page ---------------------------------------------------------------------------------

def url(code="56"):
    return reverse("plans:area_groups", args=[code])


def test_the_administrator_sets_groups_in_the_browser(client_for, kh_admin):
    client = client_for(kh_admin)
    page = client.get(url())
    html = page.content.decode()
    assert page.status_code == 200 and 'id="group-names"' in html
    assert html.count('<tr data-code="') == 81
    assert f'name="group_{old("573").pk}"' in html
    assert f'name="group_{Area.resolve("22333").pk}"' not in html  # nothing to choose for it
    response = client.post(url(), {f"group_{old('573').pk}": "miền núi", f"group_{old('568').pk}": "đồng bằng"})
    assert response.status_code == 302
    assert groups() == {"573": "miền núi", "568": "đồng bằng"}


def test_a_name_not_offered_is_marked_and_nothing_saved(client_for, kh_admin):
    response = client_for(kh_admin).post(url(), {f"group_{old('573').pk}": "trung du",
                                                 f"group_{old('568').pk}": "đồng bằng"})
    assert response.status_code == 200 and not AreaGroup.objects.exists()


def test_a_province_without_group_targets_says_so(client_for, users):
    html = client_for(users["province_admin"]).get(url("20")).content.decode()
    assert 'id="no-group-targets"' in html and "chưa cần phân nhóm" in html


def test_another_provinces_administrator_gets_404(client_for, users):
    client = client_for(users["outsider_admin"])
    assert client.get(url("20")).status_code == 404
    assert client.post(url("20"), {}).status_code == 404
    assert client.get(url("56")).status_code == 404


@pytest.mark.parametrize("role", ["province_reviewer", "province_leader"])
def test_reviewers_and_leaders_read_but_cannot_set(client_for, users, role):
    client = client_for(users[role])
    page = client.get(url("20"))
    assert page.status_code == 200 and 'name="group_' not in page.content.decode()
    assert client.post(url("20"), {}).status_code == 403


def test_wrong_methods_are_405(client_for, kh_admin):
    client = client_for(kh_admin)
    assert client.put(url()).status_code == 405
    assert client.get(reverse("plans:area_groups_confirm", args=["56"])).status_code == 405
    assert client.post(reverse("plans:area_groups_template", args=["56"])).status_code == 405


def test_the_plan_page_says_when_groups_are_not_set(client_for, kh_admin):
    client = client_for(kh_admin)
    detail = reverse("plans:detail", args=[Plan.objects.get(key="khanh-hoa-2019").pk])
    html = client.get(detail).content.decode()
    assert "chưa phân nhóm địa bàn" in html and url("56") in html
    rules.save_area_groups([rules.GroupRow(old("573"), "miền núi"), rules.GroupRow(old("568"), "đồng bằng")],
                           kh_admin)
    assert "chưa phân nhóm địa bàn" not in client.get(detail).content.decode()


# --- the spreadsheet --------------------------------------------------------------------------

def book(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhóm địa bàn"
    ws.append(["Mã đơn vị", "Tên đơn vị", "Nhóm địa bàn"])
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_lists_the_units_and_the_allowed_names(kh_admin):
    rules.save_area_groups([rules.GroupRow(old("573"), "miền núi")], kh_admin)
    wb = load_workbook(io.BytesIO(sheets.group_template(Area.resolve("56"))))
    ws = wb["Nhóm địa bàn"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 81 and rows["573"][2] == "miền núi" and rows["573"][3] == "đến 30/06/2025"
    assert [c.value for c in wb["Danh mục"]["A"]][1:] == ["đồng bằng", "miền núi"]
    result = sheets.import_area_groups(io.BytesIO(sheets.group_template(Area.resolve("56"))), Area.resolve("56"),
                                       kh_admin)
    assert result.ok and not result.outcome.changes  # read back as it is: nothing changes


def test_import_is_all_or_nothing_and_names_every_bad_row(kh_admin):
    data = book([("573", "", "miền núi"), ("568", "", "đồng bang"), ("06040", "", "miền núi"), ("22333", "", "")])
    result = sheets.import_area_groups(io.BytesIO(data), Area.resolve("56"), kh_admin)
    assert not result.ok and not AreaGroup.objects.exists()
    assert [str(e) for e in result.errors] == [
        "Sheet 'Nhóm địa bàn', dòng 3, cột 'Nhóm địa bàn': nhóm “đồng bang” không có; chọn một trong: "
        "“đồng bằng”, “miền núi”",
        "Sheet 'Nhóm địa bàn', dòng 4, cột 'Mã đơn vị': “Xã Thất Khê” (06040) không thuộc Khánh Hòa",
    ]


def test_browser_import_previews_then_confirms(client_for, kh_admin):
    client = client_for(kh_admin)
    response = client.post(reverse("plans:area_groups_import", args=["56"]), {
        "file": SimpleUploadedFile("nhom.xlsx", book([("573", "", "miền núi"), ("568", "", "đồng bằng")]),
                                   content_type=sheets.XLSX)})
    assert response.status_code == 200 and "Xác nhận nhập" in response.content.decode()
    assert not AreaGroup.objects.exists()
    name = response.context["confirm"].initial["import_file_name"]
    response = client.post(reverse("plans:area_groups_confirm", args=["56"]), {"import_file_name": name})
    assert response.status_code == 302 and response.url == url("56")
    assert groups() == {"573": "miền núi", "568": "đồng bằng"}
    assert AreaGroup.history.filter(history_user=kh_admin).count() == 2


def test_only_administrators_upload(client_for, users):
    data = book([("178", "", "")])
    for role in ("province_reviewer", "province_leader"):
        response = client_for(users[role]).post(reverse("plans:area_groups_import", args=["20"]), {
            "file": SimpleUploadedFile("nhom.xlsx", data, content_type=sheets.XLSX)})
        assert response.status_code == 403
