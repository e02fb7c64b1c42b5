"""What the fuzzers (tests/api/test_schema_fuzz.py, tests/test_form_fuzz.py) found, one plain
example each, so that each stays fixed whatever the fuzzers' seeds draw."""
import pytest
from django.urls import reverse
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


# The forms -----------------------------------------------------------------------------

HUGE = "1" + "0" * 28  # 29 digits: more than Decimal's context holds (28)


def _own_form_data(client, url):
    """The page's own POST form (action: the page itself), filled with the page's values."""
    from tests.test_form_fuzz import _forms

    page = client.get(url)
    assert page.status_code == 200
    form = next(f for f in _forms(page.content.decode(), url) if f["method"] == "post" and f["action"].endswith(url))
    data = {}
    for name, kind, value, options in form["fields"]:
        if kind.endswith("-off"):
            continue
        if kind == "select":
            value = value or options[:1]
        data.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return form["fields"], data


def test_a_whole_number_of_29_digits_is_refused_not_a_500():
    from django import forms as django_forms

    from plans.forms import CountField, WholeNumberField

    with pytest.raises(django_forms.ValidationError):
        WholeNumberField(required=False, min_value=0, max_digits=12, decimal_places=0).clean(HUGE)
    assert WholeNumberField(required=False).clean("12,0") == 12  # the quantize still normalises "12,0"
    assert str(CountField(required=False).clean("2.000")) == "2000"


def test_a_29_digit_report_figure_is_a_form_error(client, users):
    from tests.portal.test_scoping import _own_report_kw

    client.force_login(users["commune_editor"])
    url = reverse("reporting:detail", kwargs=_own_report_kw())
    fields, data = _own_form_data(client, url)
    figures = [name for name, kind, _v, _o in fields if kind == "text"]
    assert figures
    response = client.post(url, {**data, **{name: HUGE for name in figures}})
    assert response.status_code == 200  # the form again, with its errors


def test_a_29_digit_workforce_count_is_a_form_error(client, users):
    from tests.portal.test_scoping import _child_kw

    client.force_login(users["commune_editor"])
    url = reverse("cooperatives:workforce_edit", kwargs=_child_kw("workforce")())
    _fields, data = _own_form_data(client, url)
    assert "members" in data
    response = client.post(url, {**data, "members": HUGE})
    assert response.status_code == 200
    assert response.context["form"].errors["members"]


def _targets_post(client, plan, initial=None, total=None, drop_ids=False):
    """The targets page's formset as the browser would post it unchanged, its management form
    then tampered with."""
    page = client.get(reverse("plans:targets", args=[plan.pk]))
    formset = page.context["formset"]
    data = {}
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    management = formset.management_form
    data.update({management.add_prefix("TOTAL_FORMS"): total or str(len(formset.forms)),
                 management.add_prefix("INITIAL_FORMS"): initial or str(formset.initial_form_count()),
                 management.add_prefix("MIN_NUM_FORMS"): "0", management.add_prefix("MAX_NUM_FORMS"): "1000"})
    if drop_ids:
        data = {k: v for k, v in data.items() if not k.endswith("-id")}
    return client.post(reverse("plans:targets", args=[plan.pk]), data)


@pytest.mark.parametrize("initial, total, drop_ids", [("3", None, False), ("0", None, False), ("2", "3", False),
                                                      (None, None, True), ("abc", None, False), ("99999", "99999", False)])
def test_a_targets_formset_with_its_management_form_tampered_is_refused_not_a_500(client_for, users, initial, total,
                                                                                drop_ids):
    """INITIAL_FORMS lowered made the existing targets' rows new ones: the inline formset leaves
    the plan out of its unique check and the database refused them (an IntegrityError 500)."""
    from plans.models import Target

    plan = Plan.objects.get(key="lang-son-2023")
    before = sorted(Target.objects.filter(plan=plan).values_list("pk", "low", "high"))
    response = _targets_post(client_for(users["province_admin"]), plan, initial, total, drop_ids)
    assert response.status_code < 500
    if initial in ("3", "0"):          # the rows of existing targets posted as new ones
        assert response.status_code == 200 and "Chỉ tiêu này đã có mục tiêu cho mốc" in response.content.decode()
    assert sorted(Target.objects.filter(plan=plan).values_list("pk", "low", "high")) == before
