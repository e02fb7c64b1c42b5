"""Logging in (django-axes lock-out), the login requirement, the language switch and the
Vietnamese formats of dates and numbers."""
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from portal.templatetags.portal_tags import so
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng"
LOCKED = "tạm thời bị khóa"


def html_lang(response):
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    return match and match.group(1)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def failures(username):
    attempt = AccessAttempt.objects.filter(username=username).first()
    return attempt.failures_since_start if attempt else 0


def test_login_page_is_vietnamese_with_the_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.templates[0].name == "registration/login.html"
    html = response.content.decode()
    assert html_lang(response) == "vi"
    assert "<title>Đăng nhập · Hội LHPN Việt Nam</title>" in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Kế hoạch, chỉ tiêu" not in html  # no menu before signing in


def test_right_password_logs_in_and_goes_home(client, users):
    response = log_in(client, "minh", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == users["province_reviewer"].pk


def test_wrong_password_shows_the_vietnamese_error(client, users):
    response = log_in(client, "minh", "sai-mat-khau")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert not signed_in(client)
    assert failures("minh") == 1


def test_five_wrong_passwords_lock_out_even_the_right_one(client, users):
    assert settings.AXES_FAILURE_LIMIT == 5  # as the login form's error message promises
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "minh", f"sai-{attempt}")
        assert response.status_code == 200, attempt
        assert WRONG_LOGIN in response.content.decode()
    response = log_in(client, "minh", "sai-5")  # the fifth: locked out at once
    assert LOCKED in response.content.decode()

    response = log_in(client, "minh", PASSWORD)
    assert response.status_code != 302
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert LOCKED in html and "15 phút" in html
    assert html_lang(response) == "vi"
    assert not signed_in(client)
    assert failures("minh") >= settings.AXES_FAILURE_LIMIT

    # The lock is on this user name (at this address): a colleague still logs in.
    assert log_in(client, "huong", PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_successful_login_resets_only_its_own_failures(client, users):
    for i in range(3):
        log_in(client, "lan", f"sai-{i}")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "minh", f"sai-{i}")
    assert (failures("lan"), failures("minh")) == (3, settings.AXES_FAILURE_LIMIT - 1)

    assert log_in(client, "minh", PASSWORD).status_code == 302
    assert failures("minh") == 0  # AXES_RESET_ON_SUCCESS
    assert failures("lan") == 3  # someone else's count is untouched
    client.post(reverse("logout"))
    assert not signed_in(client)

    # minh starts again from zero: four more mistakes do not lock her out...
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert LOCKED not in log_in(client, "minh", f"lai-sai-{i}").content.decode()
    assert log_in(client, "minh", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # ...while lan, who never succeeded, is locked after two more.
    log_in(client, "lan", "sai-3")
    assert LOCKED in log_in(client, "lan", "sai-4").content.decode()
    assert LOCKED in log_in(client, "lan", PASSWORD).content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize("path", ["/", "/ke-hoach/"])
def test_anonymous_requests_go_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_home_is_vietnamese_by_default_and_switches_to_english(client_for, users):
    client = client_for(users["province_reviewer"])
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "vi"
    html = response.content.decode()
    assert "Trang chủ" in html and "Xin chào, minh" in html

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "en"

    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert html_lang(client.get("/")) == "vi"


def test_language_switch_works_before_logging_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get(reverse("login"))) == "en"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_numbers_are_written_the_vietnamese_way(language):
    day = datetime.date(2026, 2, 5)
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05/02/2026"
        assert formats.date_format(day) == "05/02/2026"
        assert formats.get_format("DECIMAL_SEPARATOR") == ","
        assert so(1234.5) == "1.234,5"
        assert so(1234567) == "1.234.567"
        assert so(20.5, 2) == "20,50"
        rendered = Template("{% load portal_tags %}{{ d }} {{ n|so }}").render(Context({"d": day, "n": 1234.5}))
        assert rendered == "05/02/2026 1.234,5"
        assert forms.DateField().clean("05/02/2026") == day  # typed the same way: 5 February


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, users):
    client.force_login(users["province_reviewer"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page and "Trang chủ" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'lang="en"' in page and "Home" in page


def test_names_are_shown_family_name_first(users):
    from portal.models import User

    u = User(first_name="Minh", last_name="Trần Văn")
    assert u.get_full_name() == "Trần Văn Minh"
