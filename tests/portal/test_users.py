import pytest
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db


def form_data(**over):
    data = {"username": "hoa", "last_name": "Nông Thị", "first_name": "Hoa", "email": "",
            "position": "Cán bộ Hội LHPN xã", "role": "data_entry", "area": "06040", "is_active": "on",
            "password1": "Xa-That-Khe-2026", "password2": "Xa-That-Khe-2026"}
    data.update(over)
    return data


def test_admin_creates_an_account_in_her_area(client, users):
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_add"), form_data())
    assert response.status_code == 302
    hoa = User.objects.get(username="hoa")
    assert hoa.area.code == "06040" and hoa.role == "data_entry" and hoa.check_password("Xa-That-Khe-2026")
    assert "hoa" in client.get(reverse("users")).content.decode()


def test_admin_cannot_place_a_user_outside_her_area(client, users):
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_add"), form_data(area="01"))
    assert response.status_code == 200
    assert "nằm ngoài phạm vi quản lý" in response.content.decode()
    assert not User.objects.filter(username="hoa").exists()


def test_unknown_area_code_is_a_vietnamese_error(client, users):
    client.force_login(users["national_admin"])
    response = client.post(reverse("user_add"), form_data(area="99999"))
    assert "Không có đơn vị hành chính nào mã" in response.content.decode()


def test_moving_a_district_officer_to_a_new_commune_keeps_the_password(client, users):
    mai = users["old_district_editor"]
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_edit", args=[mai.pk]),
                           form_data(username="mai", area="06040", password1="", password2=""))
    assert response.status_code == 302
    mai.refresh_from_db()
    assert mai.area.code == "06040" and mai.check_password("Mat-khau-thu-2026")


def test_mismatched_passwords_are_refused(client, users):
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_add"), form_data(password2="khac-hoan-toan-99"))
    assert response.status_code == 200 and not User.objects.filter(username="hoa").exists()
