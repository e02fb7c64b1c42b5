"""A token ends with the password it was made under (issue 19, point 4): an administrator's reset,
the user's own change and a raw write of the hash all revoke it; while a new password must be
chosen, the API answers 401 with the reason."""
import pytest
from django.urls import reverse

from api.models import ApiToken
from api.tokens import issue_token, password_mark
from portal.models import User
from tests.conftest import PASSWORD
from tests.portal.test_users import form_data

pytestmark = pytest.mark.django_db


def api(client, key):
    return client.get(reverse("api:plans"), HTTP_AUTHORIZATION=f"Token {key}")


def reason(response):
    return response.json()["detail"]


def test_an_administrators_reset_revokes_the_token(client, users):
    lan = users["commune_editor"]
    key = issue_token(lan)
    assert api(client, key).status_code == 200
    admin = client.__class__()
    admin.force_login(users["province_admin"])
    response = admin.post(reverse("user_edit", args=[lan.pk]), form_data(
        username="lan", first_name="lan", area="06040", password1="Dat-lai-2026-xyz", password2="Dat-lai-2026-xyz"))
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=lan).exists()      # gone at once: the page shows no dead token
    refused = api(client, key)
    assert refused.status_code == 401 and "thu hồi" in reason(refused)


def test_changing_ones_own_password_revokes_the_token(client, users):
    minh = users["province_reviewer"]
    key = issue_token(minh)
    client.force_login(minh)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Mat-khau-moi-2026-abc", "new_password2": "Mat-khau-moi-2026-abc"})
    assert response.status_code == 302
    assert api(client.__class__(), key).status_code == 401


def test_a_password_written_behind_the_portals_back_still_ends_the_token(client, users):
    huong = users["province_leader"]
    key = issue_token(huong)
    huong.set_password("Doi-qua-lenh-2026")
    User.objects.filter(pk=huong.pk).update(password=huong.password)      # no signal
    refused = api(client, key)
    assert refused.status_code == 401 and "mật khẩu của tài khoản đã thay đổi" in reason(refused)
    assert not ApiToken.objects.filter(user=huong).exists()


def test_while_a_new_password_must_be_chosen_the_token_is_refused_with_the_reason(client, users):
    thao = users["province_admin"]
    key = issue_token(thao)
    User.objects.filter(pk=thao.pk).update(must_change_password=True)
    refused = api(client, key)
    assert refused.status_code == 401 and "chọn mật khẩu mới" in reason(refused)
    User.objects.filter(pk=thao.pk).update(must_change_password=False)
    assert api(client, key).status_code == 200                      # same password: the token is still hers


def test_saving_a_user_without_touching_the_password_keeps_the_token(client, users):
    lan = users["commune_editor"]
    key = issue_token(lan)
    lan.position = "Chủ tịch Hội LHPN xã"
    lan.save()
    client.force_login(lan)                                          # last_login written
    assert api(client.__class__(), key).status_code == 200
    assert ApiToken.objects.get(user=lan).password_mark == password_mark(lan.password)
