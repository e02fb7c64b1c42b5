"""Personal tokens (the page and `manage.py api_token`), throttling per token, the OpenAPI
schema (valid) and the Swagger UI served from the portal's own static files."""
import io
import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiToken
from api.tokens import digest

pytestmark = pytest.mark.django_db


def _plans(client, key):
    return client.get(reverse("api:plans"), HTTP_AUTHORIZATION=f"Token {key}")


# The page -------------------------------------------------------------------------------

def _shown_key(response):
    match = re.search(r'readonly value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def test_the_page_makes_a_token_shown_once_and_stored_as_a_digest(client, users):
    user = users["province_leader"]
    client.force_login(user)
    page = client.get(reverse("api:token"))
    assert page.status_code == 200 and "chưa có mã truy cập" in page.content.decode()
    made = client.post(reverse("api:token"), {"do": "issue"})
    key = _shown_key(made)
    assert made.status_code == 200 and key and made["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    assert token.digest == digest(key) and key not in (token.digest, token.prefix)
    assert key not in client.get(reverse("api:token")).content.decode()  # shown once
    client.logout()
    assert _plans(client, key).status_code == 200


def test_a_new_token_replaces_the_old_one(client, users):
    client.force_login(users["province_leader"])
    old = _shown_key(client.post(reverse("api:token"), {"do": "issue"}))
    new = _shown_key(client.post(reverse("api:token"), {"do": "issue"}))
    assert old != new and ApiToken.objects.filter(user=users["province_leader"]).count() == 1
    client.logout()
    assert _plans(client, old).status_code == 401
    assert _plans(client, new).status_code == 200


def test_revoking_needs_confirmation(client, users):
    client.force_login(users["commune_editor"])
    key = _shown_key(client.post(reverse("api:token"), {"do": "issue"}))
    refused = client.post(reverse("api:token"), {"do": "revoke"})
    assert refused.status_code == 200 and "Đánh dấu ô này để xác nhận" in refused.content.decode()
    assert ApiToken.objects.filter(user=users["commune_editor"]).exists()
    done = client.post(reverse("api:token"), {"do": "revoke", "confirm": "on"})
    assert done.status_code == 302 and not ApiToken.objects.filter(user=users["commune_editor"]).exists()
    client.logout()
    assert _plans(client, key).status_code == 401


def test_the_page_is_for_signed_in_users_and_refuses_unknown_actions(client, users):
    response = client.get(reverse("api:token"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(users["commune_editor"])
    assert client.post(reverse("api:token"), {"do": "delete-everything"}).status_code == 400
    assert client.put(reverse("api:token")).status_code == 405


# The command ----------------------------------------------------------------------------

def test_the_command_prints_a_working_token_and_revokes_it(client, users):
    out = io.StringIO()
    call_command("api_token", "minh", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert len(key) >= 40 and "\n" not in key
    assert _plans(client, key).status_code == 200
    err = io.StringIO()
    call_command("api_token", "minh", "--revoke", stdout=io.StringIO(), stderr=err)
    assert "Đã thu hồi" in err.getvalue()
    assert _plans(client, key).status_code == 401


@pytest.mark.parametrize("args, reason", [
    (["khong-co-ai"], "Không có người dùng “khong-co-ai”"),
    (["minh", "--revoke"], "không có mã truy cập API"),
])
def test_the_command_fails_with_the_reason(users, args, reason):
    with pytest.raises(CommandError, match=reason):
        call_command("api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())


# Throttling -----------------------------------------------------------------------------

def test_requests_are_throttled_per_token(settings, users, api_get):
    settings.API_THROTTLE_RATE = "3/hour"
    url = reverse("api:plans")
    assert [api_get(users["province_reviewer"], url).status_code for _ in range(4)] == [200, 200, 200, 429]
    throttled = api_get(users["province_reviewer"], url)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in throttled.json()["detail"]
    assert api_get(users["province_admin"], url).status_code == 200  # another token has its own count


# Schema and docs ------------------------------------------------------------------------

def test_the_schema_validates():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=io.StringIO())
    schema = yaml.safe_load(out.getvalue())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/areas/", "/api/v1/plans/", "/api/v1/plans/{id}/",
                                    "/api/v1/progress/{code}/", "/api/v1/cooperatives/", "/api/v1/report-values/",
                                    "/api/v1/managers/", "/api/v1/managers/summary/"}
    assert all(set(ops) == {"get"} for ops in schema["paths"].values())  # read-only
    token_auth = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token_auth["in"], token_auth["name"]) == ("header", "Authorization") and '"Token"' in token_auth["description"]


def test_the_schema_is_served_to_a_token(client, users, api_get):
    assert client.get(reverse("api:schema")).status_code == 401
    response = api_get(users["commune_editor"], reverse("api:schema"), format="json")
    assert response.status_code == 200 and "/api/v1/progress/{code}/" in response.json()["paths"]


def test_the_docs_are_served_from_the_portal_without_a_cdn(client, users):
    assert client.get(reverse("api:docs")).status_code == 302  # signed out: the log-in page
    client.force_login(users["commune_editor"])
    page = client.get(reverse("api:docs"))
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no asset from another host"
    assets = re.findall(r'(?:src|href)="(/static/drf_spectacular_sidecar/swagger-ui-dist/[^"]+)"', html)
    assert any("swagger-ui-bundle" in a for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:  # served by the portal itself (whitenoise)
        assert client.get(asset).status_code == 200, asset
