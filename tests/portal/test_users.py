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


# An administrator may never take over an account that reaches further than hers --------------

@pytest.fixture
def powerful(users):
    """A superuser and a staff account whose area lies inside Lạng Sơn, and another
    administrator of the country (above the province)."""
    superuser = User.objects.create_superuser("root", "root@example.org", "Sieu-quan-tri-2026",
                                              role=User.Role.ADMIN, area=users["commune_editor"].area)
    staff = User.objects.create_user("staff", password="Nhan-vien-2026", is_staff=True,
                                     role=User.Role.DATA_ENTRY, area=users["commune_editor"].area)
    return {"superuser": superuser, "staff": staff}


@pytest.mark.parametrize("who", ["superuser", "staff"])
def test_province_admin_cannot_open_or_reset_a_superuser_or_staff_account(client, users, powerful, who):
    target = powerful[who]
    client.force_login(users["province_admin"])
    url = reverse("user_edit", args=[target.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, form_data(username=target.username, area="06040",
                                          password1="Chiem-quyen-2026", password2="Chiem-quyen-2026",
                                          is_active=""))
    assert response.status_code == 404
    target.refresh_from_db()
    assert not target.check_password("Chiem-quyen-2026") and target.is_active


def test_user_list_does_not_offer_superusers_or_staff(client, users, powerful):
    client.force_login(users["province_admin"])
    body = client.get(reverse("users")).content.decode()
    assert "lan" in body
    assert "root" not in body and "staff" not in body


def test_superuser_still_manages_accounts_of_her_area(client, users, powerful):
    client.force_login(powerful["superuser"])
    assert client.get(reverse("user_edit", args=[powerful["staff"].pk])).status_code == 200


def test_admin_cannot_reach_an_account_above_her_area(client, users):
    client.force_login(users["province_admin"])
    assert client.get(reverse("user_edit", args=[users["national_admin"].pk])).status_code == 404
