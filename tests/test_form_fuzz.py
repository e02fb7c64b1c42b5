"""A form fuzzer over the URL × role matrix (tests/portal/test_scoping.py): no odd input is a 500.

For every route and every role that may open it, the page is read once; each of its POST forms
(method="post", or htmx's hx-post) is parsed with html.parser for its inputs, selects and
textareas, and hypothesis posts to the form's action values drawn field by field: the page's own
value, one of the select's options, or an odd one (unicode, very long, empty, "2.500.000", "²",
"1e309", "-0", "31/02/2025", "9999-12-31", ids that are not numbers, ...), fields left out, and the
formsets' management fields tampered with (TOTAL_FORMS/INITIAL_FORMS "abc", "-1", "99999",
INITIAL_FORMS above TOTAL_FORMS). The pages' query parameters (their GET forms' fields and the
parameters the views read: page, q, level, moc, ngay, ke_hoach, ...) are fuzzed the same way.
Every answer must be below 500 (the test client re-raises a view's exception, so a crash fails
too). No NUL is drawn: RejectNulMiddleware answers it with 400 before any view.

Each example runs in a savepoint rolled back afterwards, so one example's writes (a saved form,
an approved report) do not change the next one's page. Bounded and repeatable: FUZZ_FORM_EXAMPLES
examples per form and role (default 5), FUZZ_QUERY_EXAMPLES per page and role (default 3),
derandomized (FUZZ_RANDOM=1 draws new ones); raise them to fuzz longer locally (docs/testing.md)."""
import os
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.test_scoping import _API_BY_TOKEN, MATRIX, QUERY, ROLES

pytestmark = pytest.mark.django_db

FORM_EXAMPLES = int(os.environ.get("FUZZ_FORM_EXAMPLES", "5"))
QUERY_EXAMPLES = int(os.environ.get("FUZZ_QUERY_EXAMPLES", "3"))
# FUZZ_RANDOM=1: new examples each run (pytest --hypothesis-seed=N to replay one), not CI's fixed ones.
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"

# Files and JSON, not forms; the API is fuzzed against its schema (tests/api/test_schema_fuzz.py).
NOT_PAGES = _API_BY_TOKEN | {"api:schema", "api:docs", "health", "health_queue", "cooperatives:export",
                             "progress:export", "progress:pdf", "documents:pdf", "activities:attachment",
                             "jobs:download", "plans:target_allocate_template", "plans:area_groups_template",
                             "activities:import_template", "cooperatives:import_template",
                             "reporting:import_template"}
# The query parameters the views read (request.GET), besides their GET forms' fields.
QUERY_PARAMS = ["page", "q", "level", "moc", "ngay", "ke_hoach", "hieu_luc", "scope", "loai", "ky", "era",
                "cho_duyet", "cham", "next"]

ODD = [
    "", " ", "0", "-0", "-1", "1", "00012", "2.500.000", "2,5", "1.5", "²", "½", "١٢", "𝟚𝟘𝟚𝟝", "Ⅻ", "1e309", "-1e309",
    "NaN", "inf", "99999999999999999999999999", "1" + "0" * 28, "9" * 40, "9223372036854775808", "31/02/2025", "29/02/2025", "9999-12-31",
    "0001-01-01", "0000-00-00", "2025-13-01", "32/13/2025", "2025", "abc", "null", "None", "true", "[]", "{}",
    "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%", "%00", "\\", "\u202e", "\ufeff", "\u200b",
    "Đồng Văn", "0123456789abcdef0123456789abcdef", "x" * 5000, "Thất Khê " * 300, "\t\r\n", "a\nb",
]
# Unicode without NUL, without surrogates (not encodable), short; and long.
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
ODD_VALUE = st.one_of(st.sampled_from(ODD), TEXT, st.integers().map(str),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr),
                      st.dates().map(lambda d: d.strftime("%d/%m/%Y")))
MANAGEMENT = ["abc", "-1", "99999", "", "1001", "0", "1.5", "²"]

FUZZ = settings(max_examples=FORM_EXAMPLES, derandomize=DERANDOMIZE, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


class _Forms(HTMLParser):
    """The page's forms: method, action and fields (name -> list of (kind, value, options))."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            method = "post" if a.get("hx-post") is not None else a.get("method", "get").lower()
            action = a.get("hx-post") or a.get("action", "")
            self._form = {"method": method, "action": action, "fields": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit":
                    self._form["fields"].append((a["name"], "submit", a.get("value", ""), []))
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].append((a["name"], kind + "-off", a.get("value", "on"), []))
                return
            self._form["fields"].append((a["name"], kind, a.get("value", ""), []))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form["fields"].append((a["name"], "submit", a.get("value", ""), []))
        elif tag == "select":
            self._select = (a["name"], "select", [], [])
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select[3].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = [a["name"], "textarea", "", []]
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms(html, page_url):
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        form["action"] = urljoin(page_url, form["action"]) if form["action"] else page_url
    return parser.forms


def _field_value(draw, name, kind, value, options):
    """One field's value in an example: None leaves it out."""
    if name == "csrfmiddlewaretoken":
        return value
    if name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
        return draw(st.one_of(st.just(value), st.sampled_from(MANAGEMENT), st.none()))
    if kind == "submit":
        return draw(st.one_of(st.just(value), st.none()))
    if kind == "file":
        return draw(st.one_of(st.none(), ODD_VALUE))  # a string where a file is expected, or no file
    if kind == "select":
        own = value if value else [options[0]] if options else [""]
        choices = [st.just(own), ODD_VALUE.map(lambda v: [v]), st.none()]
        if options:
            choices.append(st.lists(st.sampled_from(options), min_size=1, max_size=3))
        return draw(st.one_of(*choices))
    if kind.endswith("-off"):
        return draw(st.one_of(st.none(), st.just(value), ODD_VALUE))
    return draw(st.one_of(st.just(value), ODD_VALUE, st.none()))


@st.composite
def _form_data(draw, fields):
    data = {}
    for name, kind, value, options in fields:
        v = _field_value(draw, name, kind, value, options)
        if v is None:
            continue
        values = v if isinstance(v, list) else [v]
        data.setdefault(name, []).extend(values)
    # Sometimes INITIAL_FORMS above TOTAL_FORMS, whatever else was drawn.
    for name in [n for n in data if n.endswith("-TOTAL_FORMS")]:
        prefix = name[: -len("TOTAL_FORMS")]
        if draw(st.booleans()):
            total = draw(st.integers(-1, 30))
            data[name] = [str(total)]
            data[prefix + "INITIAL_FORMS"] = [str(total + draw(st.integers(1, 1000)))]
    return data


class _Rollback(Exception):
    pass


def _in_savepoint(call):
    """The request inside a savepoint that is rolled back: each example starts from the same data."""
    try:
        with transaction.atomic():
            response = call()
            raise _Rollback(response)
    except _Rollback as done:
        return done.args[0]


# The log-out and language forms are on every page: fuzzed once (test_login_and_language_forms_never_500).
_EVERY_PAGE = {reverse("logout"), reverse("set_language")}


def _cases():
    for name in sorted(set(MATRIX) - NOT_PAGES):
        for role in ROLES:
            if MATRIX[name][1][role] == 200:
                yield pytest.param(name, role, id=f"{name}-{role}")


def _open(client, users, name, role):
    kwargs, _expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs()) + QUERY.get(name, "")
    client.force_login(users[role])
    response = client.get(url)
    assert response.status_code == 200, f"{name} as {role}"
    return url, response


@pytest.mark.parametrize("name, role", list(_cases()))
def test_post_forms_never_500(client, users, name, role):
    url, page = _open(client, users, name, role)
    if "text/html" not in page["Content-Type"]:
        return
    forms = [f for f in _forms(page.content.decode(), url) if f["method"] == "post"]
    seen = set()
    for form in forms:
        action = urlsplit(form["action"])
        key = (action.path, tuple(sorted({f[0] for f in form["fields"]})))
        if key in seen or action.netloc or action.path in _EVERY_PAGE:
            continue
        seen.add(key)
        _fuzz_post(client, users[role], form["action"], form["fields"])


def _fuzz_post(client, user, action, fields):
    @FUZZ
    @given(data=_form_data(fields))
    def post(data):
        client.force_login(user)  # outside the savepoint: a changed password would sign her out
        response = _in_savepoint(lambda: client.post(action, data))
        assert response.status_code < 500, (action, data)

    post()


# The routes that only take a POST (405 on a GET for every role in the matrix), with the fields
# their views read: their forms appear only in some states (an upload's preview, a submitted report).
POST_ONLY_FIELDS = {
    "reporting:open": ["ky"],
    "reporting:return": ["comment", "version"],
    "reporting:approve": ["comment", "version"],
    "reporting:import_confirm": ["import_file_name", "original_name", "status"],
    "cooperatives:import_confirm": ["import_file_name", "original_name"],
    "activities:import_confirm": ["import_file_name", "original_name"],
    "plans:target_allocate_confirm": ["import_file_name", "original_name", "version"],
    "plans:area_groups_confirm": ["import_file_name", "original_name", "version"],
    "task_status_set": ["task", "period", "status", "note"],
    "privacy:grant_revoke": [],
}


def test_every_post_only_route_is_fuzzed():
    post_only = {name for name, (_kw, expected) in MATRIX.items() if set(expected.values()) == {405}}
    assert post_only == set(POST_ONLY_FIELDS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POST_ONLY_FIELDS))
def test_post_only_routes_never_500(client, users, name, role):
    kwargs, _expected = MATRIX[name]
    fields = [(field, "text", "", []) for field in POST_ONLY_FIELDS[name]]
    _fuzz_post(client, users[role], reverse(name, kwargs=kwargs()), fields)


@st.composite
def _query(draw, names, fields):
    params = {}
    for name, kind, value, options in fields:
        v = _field_value(draw, name, kind, value, options)
        if v is not None:
            params.setdefault(name, []).extend(v if isinstance(v, list) else [v])
    for name in names:
        if draw(st.booleans()):
            params[name] = [draw(ODD_VALUE)]
    return params


@pytest.mark.parametrize("name, role", list(_cases()))
def test_query_strings_never_500(client, users, name, role):
    url, page = _open(client, users, name, role)
    fields = []
    if "text/html" in page["Content-Type"]:
        for form in _forms(page.content.decode(), url):
            if form["method"] == "get" and urlsplit(form["action"]).path == urlsplit(url).path:
                fields += [f for f in form["fields"] if f[1] != "submit"]
    path, own = urlsplit(url).path, dict(parse_qsl(urlsplit(url).query))

    @settings(FUZZ, max_examples=QUERY_EXAMPLES)
    @given(params=_query(QUERY_PARAMS, fields))
    def get(params):
        response = _in_savepoint(lambda: client.get(path, {**own, **params}))
        assert response.status_code < 500, (path, params)

    get()


def test_login_and_language_forms_never_500(client, users):
    """The log-in form signed out (axes counts the failures: a lock-out is a 4xx, not a 500), and
    the language form once, from the home page."""
    url = reverse("login")
    forms = [f for f in _forms(client.get(url).content.decode(), url) if f["method"] == "post"]
    assert forms

    @FUZZ
    @given(data=_form_data(forms[0]["fields"]))
    def login(data):
        client.logout()
        response = _in_savepoint(lambda: client.post(forms[0]["action"], data))
        assert response.status_code < 500, data

    login()
    client.force_login(users["commune_editor"])
    home = reverse("home")
    language = [f for f in _forms(client.get(home).content.decode(), home)
                if urlsplit(f["action"]).path == reverse("set_language")]
    assert language
    _fuzz_post(client, users["commune_editor"], language[0]["action"], language[0]["fields"])
