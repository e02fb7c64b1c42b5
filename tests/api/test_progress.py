"""/api/v1/progress/<code>/: exactly `manage.py progress --json` for the same arguments, in the
user's scope only (another area is 404), 400 with the reason for a bad milestone or date."""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.reporting.factories import report
from tests.reporting.helpers import other_lang_son_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def lang_son():
    """Lạng Sơn: old district 178's 2024 and 2025-H1 reports, Thất Khê's 2025 (approved), and a
    submitted 2025 report of another commune (counted only with include_submitted)."""
    report("178", "2024", HTX_MOI=3, THT_MOI=1)
    report("178", "2025-H1", HTX_MOI=2, NU_QL_DAO_TAO_TL=(5, 10), on=datetime.date(2025, 6, 30))
    report("06040", "2025", HTX_MOI=6, THT_MOI=5, NU_QL_DAO_TAO_TL=(8, 10))
    report(other_lang_son_commune(), "2025", status="submitted", HTX_MOI=4)


def command_json(*args):
    out = io.StringIO()
    call_command("progress", *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def url(code="20"):
    return reverse("api:progress", kwargs={"code": code})


@pytest.mark.parametrize("params, args", [
    ({"milestone": "2025"}, ["20", "--milestone", "2025"]),
    ({"milestone": "2025", "as_of": "2026-01-15"}, ["20", "--milestone", "2025", "--as-of", "2026-01-15"]),
    ({"milestone": "2025", "as_of": "15/01/2026", "include_submitted": "1"},
     ["20", "--milestone", "2025", "--as-of", "15/01/2026", "--include-submitted"]),
    ({"milestone": "2030", "plan": "de-an-01"}, ["20", "--milestone", "2030", "--plan", "de-an-01"]),
    ({"milestone": "2025", "as_of": "2025-06-30"}, ["178", "--milestone", "2025", "--as-of", "2025-06-30"]),
])
def test_the_body_is_the_commands_json(api_get, users, lang_son, params, args):
    response = api_get(users["province_reviewer"], url(args[0]), **params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == command_json(*args)


def test_the_figures_are_the_rollups(api_get, users, lang_son):
    data = api_get(users["province_leader"], url(), milestone="2025", as_of="2026-01-15").json()
    by_code = {i["code"]: i for i in data["indicators"]}
    assert (data["area"], data["milestone"], data["plan"]) == ("20", 2025, "lang-son-2023")
    assert by_code["HTX_MOI"]["actual"] == 9  # 3 (2024) + 6 (Thất Khê's annual replaces 178's H1 2)
    assert by_code["HTX_MOI"]["target"] == {"form": "range", "low": 20, "high": 25}
    with_submitted = api_get(users["province_leader"], url(), milestone="2025", as_of="2026-01-15",
                             include_submitted="1").json()
    assert {i["code"]: i for i in with_submitted["indicators"]}["HTX_MOI"]["actual"] == 13


@pytest.mark.parametrize("role", ["outsider_admin", "outsider_district", "commune_editor"])
def test_another_area_is_404(api_get, users, lang_son, role):
    response = api_get(users[role], url(), milestone="2025")
    assert response.status_code == 404
    assert "ngoài địa bàn" in response.json()["detail"]


def test_a_commune_user_reads_her_commune(api_get, users, lang_son):
    response = api_get(users["commune_editor"], url("06040"), milestone="2025")
    assert response.status_code == 200
    assert response.json() == command_json("06040", "--milestone", "2025")


@pytest.mark.parametrize("params, status, reason", [
    ({}, 400, "Cần ghi mốc"),
    ({"milestone": "abc"}, 400, "Mốc “abc” không hợp lệ"),
    ({"milestone": "25"}, 400, "Mốc “25” không hợp lệ"),
    ({"milestone": "2025", "as_of": "31/02/2025"}, 400, "Ngày “31/02/2025” không hợp lệ"),
    ({"milestone": "2025", "as_of": "hôm qua"}, 400, "YYYY-MM-DD hoặc dd/mm/yyyy"),
    ({"milestone": "2025", "include_submitted": "yes"}, 400, "Ghi 0 hoặc 1"),
    ({"milestone": "2025", "plan": "999/KH-XYZ"}, 400, "Không có kế hoạch số hoặc mã"),
    # another area's plan is one that does not exist (nothing said about whose it is)
    ({"milestone": "2025", "plan": "139/KH-BTV"}, 400, "Không có kế hoạch số hoặc mã “139/KH-BTV”"),
])
def test_bad_arguments_are_400_with_the_reason(api_get, users, params, status, reason):
    response = api_get(users["province_admin"], url(), **params)
    assert response.status_code == status
    assert reason in json.dumps(response.json(), ensure_ascii=False)


def test_a_readable_plan_that_does_not_cover_the_area_is_400(api_get, users):
    response = api_get(users["national_admin"], url(), milestone="2025", plan="139/KH-BTV")
    assert response.status_code == 400 and "không áp dụng cho Lạng Sơn" in response.json()["detail"]


def test_an_unknown_area_is_404(api_get, users):
    assert api_get(users["national_admin"], url("99"), milestone="2025").status_code == 404
    assert api_get(users["national_admin"], url("XX"), milestone="2025").status_code == 404
