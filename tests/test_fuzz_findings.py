"""What the fuzzers (tests/api/test_schema_fuzz.py, tests/test_form_fuzz.py) found, one plain
example each, so that each stays fixed whatever the fuzzers' seeds draw."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from api.tokens import issue_token
from plans.models import Plan

pytestmark = pytest.mark.django_db


def _token_get(client, user, url, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Token {issue_token(user)}")


# The API ------------------------------------------------------------------------------

def test_the_schema_says_which_codes_may_be_null(client, users):
    """The nation has no parent and most areas no successor; most plans are based on no plan."""
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["Area"]["properties"]["parent"]["nullable"] is True
    assert components["Area"]["properties"]["successor"]["nullable"] is True
    assert components["Plan"]["properties"]["based_on"]["nullable"] is True
    assert components["Cooperative"]["properties"]["province"]["nullable"] is True
    nation = _token_get(client, users["national_admin"], "/api/v1/areas/", level="0").json()["results"][0]
    assert nation["parent"] is None and nation["successor"] is None


def test_a_page_that_does_not_exist_is_a_documented_404(client, users):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/v1/areas/", "/api/v1/plans/", "/api/v1/cooperatives/", "/api/v1/report-values/"):
        assert "404" in paths[path]["get"]["responses"], path
    response = _token_get(client, users["national_admin"], "/api/v1/cooperatives/", page="0")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/plans/null,null/", "/api/v1/plans/-1/", "/api/v1/progress/a/b/",
                                  "/api/v1/khong-co/"])
def test_an_address_the_api_does_not_have_is_a_json_404(client, users, path):
    """Not the pages' HTML 404: an id that is not a number does not match the route at all."""
    response = _token_get(client, users["national_admin"], path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    anonymous = client.get(path, HTTP_AUTHORIZATION="")
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/json"


def test_the_catch_all_leaves_the_real_routes_and_the_slash_redirect_alone(client, users):
    plan = Plan.objects.get(key="lang-son-2023")
    assert _token_get(client, users["province_admin"], f"/api/v1/plans/{plan.pk}/").status_code == 200
    response = _token_get(client, users["province_admin"], "/api/v1/plans")
    assert response.status_code == 301 and response["Location"] == "/api/v1/plans/"
