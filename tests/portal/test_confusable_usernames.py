"""Accounts that look the same (issue 19, point 5): user names compared case-insensitively and
refused when confusable with an existing one, on the form and on `createadmin`."""
import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import User
from portal.usernames import skeleton, skeletons
from tests.portal.test_users import form_data

pytestmark = pytest.mark.django_db

CYRILLIC_I = "\u0456"


@pytest.mark.parametrize("a, b", [("kiemduyet", "Kiemduyet"), ("kiemduyet", "KIEMDUYET"),
                                  ("kiemduyet", f"k{CYRILLIC_I}emduyet"), ("nhaplieu", "nhapIieu"),
                                  ("lan01", "lanOl"), ("minh", "rninh"), ("thao", "thao\u200b"),
                                  ("hoa", "ｈｏａ")])
def test_names_that_look_the_same(a, b):
    assert skeletons(a) & skeletons(b)


@pytest.mark.parametrize("a, b", [("lan", "lanh"), ("quantri", "quantri2"), ("a.b", "a_b"),
                                  ("huong", "hương"), ("minh", "minhh")])
def test_names_that_do_not(a, b):
    assert not skeletons(a) & skeletons(b)


def test_the_skeleton_of_a_cyrillic_name_is_latin():
    assert skeleton(f"k{CYRILLIC_I}emduyet") == skeleton("kiemduyet")


@pytest.mark.parametrize("name", ["Minh", f"m{CYRILLIC_I}nh", "MINH"])
def test_the_user_form_refuses_a_look_alike(client, users, name):
    client.force_login(users["province_admin"])
    response = client.post(reverse("user_add"), form_data(username=name))
    assert response.status_code == 200
    assert "dễ nhầm với tài khoản đã có “minh”" in response.content.decode()
    assert not User.objects.filter(username=name).exists()


def test_the_user_form_still_saves_an_account_under_its_own_name(client, users):
    client.force_login(users["province_admin"])
    minh = users["province_reviewer"]
    response = client.post(reverse("user_edit", args=[minh.pk]), form_data(
        username="minh", first_name="Minh", role="reviewer", area="20", password1="", password2=""))
    assert response.status_code == 302
    assert client.post(reverse("user_add"), form_data(username="hoa")).status_code == 302


def test_createadmin_refuses_a_look_alike(users, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_ADMIN_PASSWORD", "Quan-tri-moi-2026-xyz")
    with pytest.raises(CommandError, match="dễ nhầm với tài khoản đã có “tw”"):
        call_command("createadmin", "TW", "--area", "VN", stdout=io.StringIO())
    call_command("createadmin", "tw2026", "--area", "VN", stdout=io.StringIO())
    assert User.objects.filter(username="tw2026", role=User.Role.ADMIN).exists()
