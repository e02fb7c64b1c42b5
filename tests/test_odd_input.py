"""Odd input that gave a 500 (issue 19, point 6): each answered as a mistake, never an error."""
import pytest
from django.urls import reverse

from api.tokens import issue_token
from axes.models import AccessAttempt
from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_a_superscript_level_in_the_area_search(client_for, users):
    response = client_for(users["commune_editor"]).get(reverse("area_search"), {"q": "that khe", "level": "²,3"})
    assert response.status_code == 200
    assert all(r["level"] for r in response.json()["results"])


def test_a_task_that_is_not_a_number_on_the_task_status_form(client_for, users):
    plan = Plan.objects.get(key="lang-son-2023")
    client = client_for(users["commune_editor"])
    for task in ("abc", "²", "", "1e3"):
        response = client.post(reverse("task_status_set", args=[plan.pk]),
                               {"task": task, "period": "2025", "status": "done"}, follow=True)
        assert response.status_code == 200, task
        assert "Tình trạng hoặc kỳ không hợp lệ." in response.content.decode()


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "31/12/9999"])
def test_an_as_of_day_out_of_range_on_the_api(client, users, as_of):
    key = issue_token(users["province_reviewer"])
    response = client.get(reverse("api:progress", args=["20"]), {"milestone": "2025", "as_of": as_of},
                          HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400
    assert "từ năm 1900" in response.content.decode()


def test_an_as_of_day_out_of_range_on_the_command(capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="từ năm 1900"):
        call_command("progress", "20", "--milestone", "2025", "--as-of", "9999-12-31", "--json")


def test_a_user_name_longer_than_any_account_at_log_in(client):
    response = client.post(reverse("login"), {"username": "a" * 300, "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert not AccessAttempt.objects.exists()          # nothing recorded: no account can have that name
