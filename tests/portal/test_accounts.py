"""Accounts people run themselves: their own password, a password set by an administrator
changed at the first log-in, and `createadmin` for a working administrator."""
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import User
from tests.portal.test_users import form_data

pytestmark = pytest.mark.django_db


def test_a_user_changes_her_own_password(client, users):
    lan = users["commune_editor"]
    client.force_login(lan)
    response = client.post(reverse("password_change"), {
        "old_password": "Mat-khau-thu-2026", "new_password1": "Rieng-cua-Lan-2026",
        "new_password2": "Rieng-cua-Lan-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    lan.refresh_from_db()
    assert lan.check_password("Rieng-cua-Lan-2026")


def test_a_wrong_current_password_is_said_in_vietnamese(client, users):
    client.force_login(users["commune_editor"])
    response = client.post(reverse("password_change"), {
        "old_password": "sai", "new_password1": "Rieng-cua-Lan-2026", "new_password2": "Rieng-cua-Lan-2026"})
    assert "Mật khẩu hiện tại không đúng." in response.content.decode()


def test_an_account_created_by_an_administrator_must_choose_its_password_first(client, users):
    client.force_login(users["province_admin"])
    client.post(reverse("user_add"), form_data())
    hoa = User.objects.get(username="hoa")
    assert hoa.must_change_password
    client.force_login(hoa)
    response = client.get(reverse("cooperatives:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    assert "Mật khẩu của bạn do quản trị viên đặt" in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": "Xa-That-Khe-2026", "new_password1": "Hoa-tu-dat-2026", "new_password2": "Hoa-tu-dat-2026",
        "next": reverse("cooperatives:list")})
    assert response["Location"] == reverse("cooperatives:list")
    hoa.refresh_from_db()
    assert not hoa.must_change_password
    assert client.get(reverse("cooperatives:list")).status_code == 200


def test_an_administrator_resets_a_password_inside_her_scope(client, users):
    lan = users["commune_editor"]
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_edit", args=[lan.pk]), form_data(
        username="lan", password1="Dat-lai-2026-xx", password2="Dat-lai-2026-xx"))
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.check_password("Dat-lai-2026-xx") and lan.must_change_password


def test_the_password_page_does_not_redirect_off_site(client, users):
    client.force_login(users["commune_editor"])
    response = client.post(reverse("password_change"), {
        "old_password": "Mat-khau-thu-2026", "new_password1": "Rieng-cua-Lan-2026",
        "new_password2": "Rieng-cua-Lan-2026", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_createadmin_makes_a_working_administrator(client, monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "Quan-tri-tinh-2026")
    call_command("createadmin", "thao2", "--area", "20", "--name", "Hoàng Thị Thảo")
    thao = User.objects.get(username="thao2")
    assert thao.role == User.Role.ADMIN and thao.area.code == "20" and not thao.is_superuser
    assert thao.get_full_name() == "Hoàng Thị Thảo" and thao.check_password("Quan-tri-tinh-2026")
    assert "admin thao2: area 20" in capsys.readouterr().out
    response = client.post(reverse("login"), {"username": "thao2", "password": "Quan-tri-tinh-2026"})
    assert response.status_code == 302
    assert client.get(reverse("users")).status_code == 200


def test_createadmin_refuses_an_unknown_area_or_an_existing_account(monkeypatch, users):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "Quan-tri-tinh-2026")
    with pytest.raises(CommandError, match="Không có đơn vị hành chính nào mã"):
        call_command("createadmin", "x", "--area", "99999")
    with pytest.raises(CommandError, match="đã có"):
        call_command("createadmin", "lan", "--area", "20")
    call_command("createadmin", "lan", "--area", "20", "--update")
    assert User.objects.get(username="lan").role == User.Role.ADMIN
