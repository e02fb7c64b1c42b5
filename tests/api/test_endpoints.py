"""Areas, plans, cooperatives and report values: they work for a Lạng Sơn user, another
area's object is 404 (or simply absent from a list), 401 without a token, 405 for a write."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives.demo import generate_registry
from cooperatives.models import Cooperative
from plans.models import Plan
from portal.models import Area
from tests.cooperatives.factories import coop
from tests.reporting.factories import report
from tests.reporting.helpers import ha_noi_commune

pytestmark = pytest.mark.django_db

LIST_ROUTES = ["api:areas", "api:plans", "api:cooperatives", "api:report_values"]


# Authentication and methods, for every route --------------------------------------------

def _every_api_url():
    return [reverse(n) for n in LIST_ROUTES] + [
        reverse("api:plan", kwargs={"pk": Plan.objects.get(key="lang-son-2023").pk}),
        reverse("api:progress", kwargs={"code": "20"}) + "?milestone=2025"]


def test_without_a_token_it_is_401_json_not_the_login_page(client):
    for url in _every_api_url():
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response["Content-Type"] == "application/json"
        assert "Authorization: Token" in response.json()["detail"]  # in Vietnamese, saying what to send


def test_a_wrong_or_revoked_token_is_401(client, users, api_get):
    from api.tokens import revoke_token

    url = reverse("api:plans")
    assert client.get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    assert api_get(users["province_reviewer"], url).status_code == 200
    revoke_token(users["province_reviewer"])
    response = api_get(users["province_reviewer"], url)
    assert response.status_code == 401
    assert "thu hồi" in response.json()["detail"]


def test_a_deactivated_users_token_stops_working(users, api_get):
    url = reverse("api:plans")
    assert api_get(users["province_admin"], url).status_code == 200
    users["province_admin"].is_active = False
    users["province_admin"].save()
    assert api_get(users["province_admin"], url).status_code == 401


def test_head_and_options_are_read_methods(users, api_get):
    for url in _every_api_url():
        assert api_get(users["province_admin"], url, method="head").status_code == 200, url
        assert api_get(users["province_admin"], url, method="options").status_code == 200, url


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405(users, api_get, method):
    for url in _every_api_url():
        assert api_get(users["province_admin"], url, method=method).status_code == 405, (url, method)


def test_a_user_without_an_area_is_403(db, api_get):
    from portal.models import User

    nobody = User.objects.create_user("nobody", password="x-Y-z-12345", role=User.Role.ADMIN)
    response = api_get(nobody, reverse("api:plans"))
    assert response.status_code == 403
    assert "chưa được gán địa bàn" in response.json()["detail"]


# Areas: both maps, public reference data --------------------------------------------------

def _codes(response):
    assert response.status_code == 200, response.content
    return [a["code"] for a in response.json()["results"]]


def test_areas_of_both_maps(users, api_get):
    user, url = users["commune_editor"], reverse("api:areas")
    current = api_get(user, url, parent="20", page_size=500).json()
    assert current["count"] == 65 and {a["level"] for a in current["results"]} == {3}
    old = api_get(user, url, parent="20", map="old").json()
    assert old["count"] == 11 and {a["level"] for a in old["results"]} == {2}
    assert "178" in [a["code"] for a in old["results"]]
    assert api_get(user, url, level="1").json()["count"] == 34
    assert api_get(user, url, level="1", map="old").json()["count"] == 63


def test_the_map_is_readable_by_everyone_signed_in(users, api_get):
    """As the map pages: a Lai Châu user reads Lạng Sơn's units (reference data, no figures)."""
    assert _codes(api_get(users["outsider_district"], reverse("api:areas"), q="06040")) == ["06040"]


def test_an_absorbed_province_points_to_its_successor(users, api_get):
    data = api_get(users["commune_editor"], reverse("api:areas"), map="old", level="1", q="Ninh Thuận").json()
    (ninh_thuan,) = data["results"]
    assert ninh_thuan["successor"] == "56" and ninh_thuan["valid_to"] == "2025-06-30"


@pytest.mark.parametrize("params, status", [({"map": "2024"}, 400), ({"level": "9"}, 400), ({"parent": "99"}, 404)])
def test_areas_refuse_bad_parameters(users, api_get, params, status):
    assert api_get(users["commune_editor"], reverse("api:areas"), **params).status_code == status


# Plans: those covering the user's area, with targets as written --------------------------

def test_plans_are_those_covering_the_users_area(users, api_get):
    keys = {p["key"] for p in api_get(users["commune_editor"], reverse("api:plans")).json()["results"]}
    assert keys == {"de-an-01", "hoi-lhpn-235-2023", "lien-minh-htx-2023", "lang-son-2023"}


def test_a_plans_targets_as_written(users, api_get):
    plan = Plan.objects.get(key="lang-son-2023")
    data = api_get(users["commune_editor"], reverse("api:plan", kwargs={"pk": plan.pk})).json()
    assert (data["key"], data["number"], data["area"]) == ("lang-son-2023", plan.number, "20")
    htx = next(t for t in data["targets"] if t["indicator"] == "HTX_MOI" and t["milestone"] == 2025)
    assert (htx["form"], htx["low"], htx["high"]) == ("range", 20, 25)
    assert htx["text"].startswith("từ 20 - 25") and htx["wording"]
    assert len(data["targets"]) == plan.targets.count()


def test_another_areas_plan_is_404(users, api_get):
    foreign = Plan.objects.get(key="ha-noi-2025")
    url = reverse("api:plan", kwargs={"pk": foreign.pk})
    assert api_get(users["province_admin"], url).status_code == 404
    assert api_get(users["outsider_admin"], url).status_code == 200


def test_the_plan_list_costs_the_same_queries_whatever_its_targets(users, api_get, django_assert_max_num_queries):
    api_get(users["national_admin"], reverse("api:plans"))  # warm-up (token)
    with django_assert_max_num_queries(8):
        response = api_get(users["national_admin"], reverse("api:plans"))
    assert response.json()["count"] == Plan.objects.count()


# Cooperatives: the list's filters and selector --------------------------------------------

def test_cooperatives_in_scope_with_the_lists_filters(users, api_get):
    mine = coop("06040", name="HTX Miến dong Thất Khê", workforce=(2025, 10, 7))
    coop("06040", name="Tổ hợp tác Mây tre", kind=Cooperative.Kind.THT)
    coop(ha_noi_commune(), name="HTX Hà Nội")
    url = reverse("api:cooperatives")
    rows = api_get(users["province_reviewer"], url).json()
    assert rows["count"] == 2
    found = api_get(users["province_reviewer"], url, q="mien dong").json()["results"]
    assert [c["code"] for c in found] == [mine.code]
    assert found[0]["commune"] == "06040" and found[0]["province"] == "20"
    assert found[0]["workforce"] == {"year": 2025, "members": 10, "female_members": 7, "workers": 10,
                                     "female_workers": 7}
    assert [c["kind"] for c in api_get(users["province_reviewer"], url, kind="THT").json()["results"]] == ["THT"]
    assert api_get(users["outsider_admin"], url, q="mien dong").json()["count"] == 0


def test_a_cooperative_filter_outside_the_users_area_is_refused(users, api_get):
    response = api_get(users["province_reviewer"], reverse("api:cooperatives"), area="01")
    assert response.status_code == 400
    assert "ngoài phạm vi quản lý" in response.json()["area"][0]


def test_cooperatives_cost_the_same_queries_for_10_and_50_rows(users, api_get):
    communes = Area.objects.current_map().inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)
    user, url = users["province_reviewer"], reverse("api:cooperatives")
    api_get(user, url)  # warm-up (token)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = api_get(user, url)
        assert response.status_code == 200
        return len(captured), response.json()

    generate_registry(cooperatives=10, managers_per=2, seed=4, communes=communes)
    few, data = queries()
    assert len(data["results"]) == 10
    generate_registry(cooperatives=50, managers_per=2, seed=4, communes=communes, replace=True)
    many, data = queries()
    assert len(data["results"]) == 50 and data["count"] == 50
    assert many == few <= 5


def test_cooperatives_are_paginated(users, api_get):
    communes = Area.objects.filter(code="06040")
    generate_registry(cooperatives=60, managers_per=0, seed=5, communes=communes)
    url = reverse("api:cooperatives")
    first = api_get(users["commune_editor"], url).json()
    second = api_get(users["commune_editor"], url, page=2).json()
    assert (first["count"], len(first["results"]), len(second["results"])) == (60, 50, 10)
    assert first["next"].endswith("page=2") and second["next"] is None
    assert not {c["code"] for c in first["results"]} & {c["code"] for c in second["results"]}
    beyond = api_get(users["commune_editor"], url, page=9)
    assert beyond.status_code == 404 and beyond.json()["detail"] == "Không có trang này."


# Report values: approved reports only, in scope -------------------------------------------

@pytest.fixture
def reports():
    report("06040", "2025", HTX_MOI=6, NU_QL_DAO_TAO_TL=(8, 10))
    report("178", "2024", HTX_MOI=3)
    report("178", "2025-H1", status="submitted", HTX_MOI=2, on=datetime.date(2025, 6, 30))
    report(ha_noi_commune(), "2025", HTX_MOI=9)


def test_report_values_are_approved_and_in_scope(users, api_get, reports):
    url = reverse("api:report_values")
    rows = api_get(users["province_reviewer"], url).json()["results"]
    assert [(r["area"], r["period"], r["indicator"], r["value"]) for r in rows] == [
        ("178", "2024", "HTX_MOI", 3), ("06040", "2025", "HTX_MOI", 6), ("06040", "2025", "NU_QL_DAO_TAO_TL", None)]
    assert (rows[2]["numerator"], rows[2]["denominator"]) == (8, 10)
    assert [r["area"] for r in api_get(users["commune_editor"], url).json()["results"]] == ["06040", "06040"]


def test_report_value_filters(users, api_get, reports):
    url, user = reverse("api:report_values"), users["province_reviewer"]
    rows = api_get(user, url, area="20", period="2025", indicator="HTX_MOI").json()["results"]
    assert [(r["area"], r["value"]) for r in rows] == [("06040", 6)]
    assert [r["area"] for r in api_get(user, url, area="178").json()["results"]] == ["178"]


@pytest.mark.parametrize("params, status", [
    ({"area": "01"}, 404), ({"area": "99"}, 404), ({"period": "2025-H3"}, 400), ({"indicator": "NOPE"}, 400)])
def test_report_values_refuse_another_area_and_bad_filters(users, api_get, reports, params, status):
    assert api_get(users["province_reviewer"], reverse("api:report_values"), **params).status_code == status
