"""Areas are chosen by name: the search behind every picker (portal.area_search), its JSON
endpoint, the form field's no-JavaScript fallback (a code or an exact name) and the widget."""
import pytest
from django.urls import reverse

from portal.area_search import AmbiguousName, resolve_input, search_areas, value_of
from portal.forms import AreaCodeField
from portal.models import Area

pytestmark = pytest.mark.django_db

HOA_THAM = "06073"           # Xã Hoa Thám, Lạng Sơn (inside the province users' scope)
HOANG_HOA_THAM = "12337"     # Xã Hoàng Hoa Thám, Hưng Yên (outside it)


def codes(results):
    return [r["code"] for r in results]


@pytest.mark.parametrize("typed", ["hoa tham", "Hòa Thám", "Hoa Thám", "HOA THAM", "tham hoa", "thám"])
def test_typed_with_or_without_diacritics_finds_hoa_tham_in_scope(users, typed):
    found = codes(search_areas(typed, user=users["province_admin"]))
    assert HOA_THAM in found
    assert HOANG_HOA_THAM not in found  # Hưng Yên lies outside Lạng Sơn


def test_the_whole_country_ranks_the_exact_name_first(users):
    found = codes(search_areas("hoa tham", user=users["national_admin"]))
    assert found[:2] == [HOA_THAM, HOANG_HOA_THAM]


def test_outside_the_scope_nothing_is_offered(users):
    assert search_areas("hoa tham", user=users["outsider_admin"]) == []
    assert search_areas("hoa tham", user=users["commune_editor"]) == []  # Thất Khê only


def test_the_public_map_searches_everything(users):
    assert HOANG_HOA_THAM in codes(search_areas("hoa tham", user=None))


def test_old_units_are_labelled_and_carry_their_day(users):
    found = search_areas("lang son", user=users["province_admin"], era="old")
    old_city = next(r for r in found if r["code"] == "178")
    assert old_city["until"] == "30/06/2025" and "đến 30/06/2025" in old_city["meta"]
    assert old_city["value"] == "178@2025-06-30"
    assert old_city["province"] == "Lạng Sơn" and old_city["level"] == "Huyện/quận"
    assert all(r["until"] for r in found if r["code"] != "20")  # the province itself came through unchanged


def test_era_and_level_narrow_the_suggestions(users):
    admin = users["province_admin"]
    assert "178" not in codes(search_areas("lang son", user=admin, era="current"))
    assert set(codes(search_areas("lang son", user=admin, levels=[1]))) == {"20"}


def test_digits_search_the_code(users):
    assert codes(search_areas("0607", user=users["province_admin"]))[:1] in (["06073"], ["06070"], ["06076"])
    assert codes(search_areas("06073", user=users["province_admin"])) == [HOA_THAM]


def test_at_most_twenty(users):
    assert len(search_areas("xa", user=users["national_admin"])) == 20


def test_endpoint_json_shape_and_scope(client_for, users):
    client = client_for(users["province_admin"])
    response = client.get(reverse("area_search"), {"q": "hoa tham", "era": "current", "level": "3"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert results[0] == {"value": HOA_THAM, "code": HOA_THAM, "text": "Xã Hoa Thám", "level": "Xã/phường",
                          "province": "Lạng Sơn", "until": "", "meta": "Xã/phường · Lạng Sơn"}
    assert HOANG_HOA_THAM not in codes(results)
    hanoi = client_for(users["outsider_admin"]).get(reverse("area_search"), {"q": "hoa tham"})
    assert hanoi.json()["results"] == []


def test_endpoint_public_map_and_odd_input(client_for, users):
    client = client_for(users["commune_editor"])
    assert HOANG_HOA_THAM in codes(client.get(reverse("area_search"), {"q": "hoa tham", "scope": "0"}).json()["results"])
    assert client.get(reverse("area_search"), {"q": "", "era": "x", "level": "a,b"}).json() == {"results": []}


def test_endpoint_needs_a_login(client):
    response = client.get(reverse("area_search"), {"q": "hoa tham"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# The value a form carries, and what can be typed without JavaScript ---------------------------

def test_an_old_unit_whose_code_lives_on_keeps_its_day():
    old = Area.objects.filter(code="08", level=1).exclude(valid_to=None).get()  # Tuyên Quang before 1/7/2025
    assert value_of(old) == "08@2025-06-30"
    assert resolve_input("08@2025-06-30") == old
    assert resolve_input("08") == Area.resolve("08") != old


@pytest.mark.parametrize("typed", ["06073", "０６０７３", "Xã Hoa Thám", "hoa tham", " Hoa  Thám "])
def test_field_takes_a_code_or_an_exact_name(users, typed):
    field = AreaCodeField()
    field.user = users["province_admin"]
    assert field.clean(typed).code == HOA_THAM


def test_a_name_is_looked_for_in_the_users_scope(users):
    field = AreaCodeField()
    field.user = users["outsider_admin"]
    with pytest.raises(Exception, match="Không có đơn vị hành chính nào mã hoặc tên"):
        field.clean("hoa tham")


def test_a_name_borne_by_several_units_asks_to_choose(users):
    with pytest.raises(AmbiguousName):
        resolve_input("xã tân lập")  # several current communes bear it
    field = AreaCodeField()
    with pytest.raises(Exception, match="đơn vị tên"):
        field.clean("xã tân lập")


def test_the_user_form_takes_a_name_and_refuses_outside_the_scope(client_for, users):
    from portal.models import User

    client = client_for(users["province_admin"])
    data = {"username": "hoa", "last_name": "Nông Thị", "first_name": "Hoa", "email": "", "position": "",
            "role": "data_entry", "area": "hoa tham", "is_active": "on",
            "password1": "Xa-That-Khe-2026", "password2": "Xa-That-Khe-2026"}
    assert client.post(reverse("user_add"), data).status_code == 302
    assert User.objects.get(username="hoa").area.code == HOA_THAM
    data.update(username="hoa2", area=HOANG_HOA_THAM)
    response = client.post(reverse("user_add"), data)
    assert "nằm ngoài phạm vi quản lý" in response.content.decode()


def test_the_widget_carries_the_endpoint_and_the_current_unit(client_for, users):
    client = client_for(users["province_admin"])
    page = client.get(reverse("user_edit", args=[users["commune_editor"].pk])).content.decode()
    assert f'data-area-picker="{reverse("area_search")}?era=all"' in page
    assert "Xã Thất Khê" in page and 'value="06040"' in page
    assert "vendor/tom-select/tom-select.complete.min." in page and "js/area-picker." in page


def test_the_training_form_and_the_list_filter_use_the_picker(client_for, users):
    client = client_for(users["province_admin"])
    assert "data-area-picker" in client.get(reverse("cooperatives:list")).content.decode()
    response = client.get(reverse("cooperatives:list"), {"area": "hoa tham"})
    assert response.status_code == 200 and "Xã Hoa Thám" in response.content.decode()


def test_the_progress_page_offers_an_area_switch(client_for, users):
    page = client_for(users["province_reviewer"]).get(reverse("progress:area", args=["20"])).content.decode()
    assert 'data-area-switch="/tien-do/__code__/"' in page and 'id="area-switch"' in page
    assert 'data-area-picker-option="{&quot;value&quot;: &quot;20&quot;' in page
