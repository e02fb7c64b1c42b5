"""Property-based fuzzing of every API route against the portal's own OpenAPI schema.

The schema is generated in-process (drf-spectacular, as /api/schema/ serves it); schemathesis
generates requests for each GET operation, valid and invalid, and sends them to the Django WSGI
application in this process, with a real personal token, inside the test's transaction. Each
response must not be a server error and must conform to the schema: a documented status code, the
documented content type, and a body that validates against the documented response schema.
The API is read-only: only its GET operations are generated (schemathesis also sends each route
the methods it does not document once, which must answer 405).

Bounded and repeatable: FUZZ_API_EXAMPLES examples per operation (default 25), derandomized with
a fixed seed; raise FUZZ_API_EXAMPLES to fuzz longer locally, FUZZ_RANDOM=1 for new examples
(docs/testing.md)."""
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import issue_token
from plans.models import Plan

MAX_EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "25"))
SEED = 20260101
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"  # FUZZ_RANDOM=1: new examples each run


def _raw_schema():
    """The schema /api/schema/ serves, rendered to JSON and read back (plain dicts and strings)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": DERANDOMIZE,
        "database": "none",
        # A NUL is refused by RejectNulMiddleware with 400 before any view (tests/test_hardening_inputs.py).
        "allow-x00": False,
    },
})
schema = schemathesis.openapi.from_dict(_raw_schema(), config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

WSGI = get_wsgi_application()


@pytest.fixture
def api_token(users, settings):
    """The national administrator's token: she sees every area, so answers carry data. The
    throttle is lifted (a 429 is tested in tests/api/test_endpoints.py, not here).

    The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that would close the test's own connection (PostgreSQL). Django's test client
    disconnects the same handler for the same reason."""
    settings.API_THROTTLE_RATE = "1000000/hour"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield issue_token(users["national_admin"])
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_api_route_is_fuzzed():
    ops = {(r.ok().method.upper(), r.ok().path) for r in schema.get_all_operations()}
    assert ops == {("GET", p) for p in ("/api/v1/areas/", "/api/v1/plans/", "/api/v1/plans/{id}/",
                                        "/api/v1/progress/{code}/", "/api/v1/cooperatives/",
                                        "/api/v1/report-values/", "/api/v1/managers/", "/api/v1/managers/summary/")}


# The fixtures (the users, the token) are read-only for the API: sharing them across examples is fine.
BOUNDED = settings(max_examples=MAX_EXAMPLES, derandomize=DERANDOMIZE, database=None, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.django_db
@schema.parametrize()
@BOUNDED
def test_api_fuzz(case, api_token):
    case.call_and_validate(app=WSGI, headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)


# Generated path parameters are nearly always a 404: the same operations again with the codes and
# ids that exist (the nation, a province, a commune, an old district; plans of several areas),
# the query parameters still generated.
CODES = ["VN", "20", "06040", "178", "01", "105"]
PLAN_KEYS = ["de-an-01", "lang-son-2023", "ha-noi-2025", "tp-lai-chau-2023"]


@pytest.mark.django_db
@BOUNDED
@given(case=schema["/api/v1/progress/{code}/"]["GET"].as_strategy(), code=st.sampled_from(CODES),
       milestone=st.sampled_from([2025, 2030]), plan=st.sampled_from([None, "generated", "lang-son-2023"]),
       as_of=st.sampled_from(["generated", None, "2025-06-30", "31/12/2025"]))
def test_progress_fuzz_on_real_areas(case, code, milestone, plan, as_of, api_token):
    case.path_parameters = {"code": code}
    query = {**(case.query or {}), "milestone": milestone}
    for name, value in (("plan", plan), ("as_of", as_of)):
        if value is None:
            query.pop(name, None)
        elif value != "generated":
            query[name] = value
    case.query = query
    case.call_and_validate(app=WSGI, headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)


@pytest.mark.django_db
@BOUNDED
@given(case=schema["/api/v1/plans/{id}/"]["GET"].as_strategy(), key=st.sampled_from(PLAN_KEYS))
def test_plan_fuzz_on_real_plans(case, key, api_token):
    case.path_parameters = {"id": Plan.objects.get(key=key).pk}
    case.call_and_validate(app=WSGI, headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)
