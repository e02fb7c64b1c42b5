"""Need to know: a reviewer's and a leader's pages, exports and API never show a person's
ethnicity or birth year (privacy.access.may_see_person_fields). A sentinel manager of Lạng Sơn
(ethnicity "Sentinelthu", born 1931, changed from "Sentinelcu", 1932, so that the history holds
both) sits in every place managers show — her cooperative, its history, a province course — and
every route of the URL × role matrix (tests/portal/test_scoping.py) that answers these roles 200
is read as they read it, with the registry's and the managers' exports (in the request and as a
job) and the progress exports' jobs, the files opened (every XML part of an XLSX, a PDF's text).
The positive side keeps it from being vacuous: data entry and administrators see the values,
and each view is in the access log; a reviewer with a grant in force sees them, a revoked or
expired grant does not; the API gives them to an administrator who asks, with a purpose, logged.
"""
import datetime
import html
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from api.tokens import issue_token
from cooperatives import rules
from cooperatives.models import Cooperative, Training
from portal.models import Area
from privacy.models import AccessLog, Grant
from tests.portal.test_scoping import _API_BY_TOKEN, MATRIX, QUERY, _own_coop, _own_training_kw

pytestmark = pytest.mark.django_db

NAME = "Hoàng Thị Canh Gác"
ETHNICITY, OLD_ETHNICITY = "Sentinelthu", "Sentinelcu"
BIRTH_YEAR, OLD_BIRTH_YEAR = 1931, 1932
WORDS = (ETHNICITY, OLD_ETHNICITY)
YEARS = (BIRTH_YEAR, OLD_BIRTH_YEAR)
COOP_CODE = "4900000999"            # _own_coop(): HTX Ma Trận, Xã Thất Khê (06040), Lạng Sơn
LONE_CODE = "4900000998"            # a cooperative of one manager (the counts' test)
PURPOSE = "rà soát danh sách học viên"
QUIET = ("province_reviewer", "province_leader")
# The managers in office of HTX Ma Trận (and of Lạng Sơn: only they): Lý Thị Ma, nothing recorded,
# and the sentinel, of a minority, over 60 (born 1931).
TRUE_COUNTS = {"total": 2, "women": 2, "kinh": 0, "dan_toc_thieu_so": 1, "dan_toc_chua_ghi": 1,
               "tuoi_duoi_30": 0, "tuoi_30_44": 0, "tuoi_45_59": 0, "tuoi_tu_60": 1, "tuoi_chua_ghi": 1}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def sentinel(users):
    """The sentinel manager of _own_coop(), edited through the model (a "~" history row changing
    her birth year and ethnicity), and attending the province's course of the matrix."""
    coop = _own_coop()
    manager = coop.managers.create(full_name=NAME, gender=rules.FEMALE, role=rules.CHU_TICH_HDQT,
                                   birth_year=OLD_BIRTH_YEAR, ethnicity=OLD_ETHNICITY)
    manager.birth_year, manager.ethnicity = BIRTH_YEAR, ETHNICITY
    manager.save()
    assert list(manager.history.order_by("history_date").values_list("history_type", "birth_year", "ethnicity")) == [
        ("+", OLD_BIRTH_YEAR, OLD_ETHNICITY), ("~", BIRTH_YEAR, ETHNICITY)]
    Training.objects.get(pk=_own_training_kw()["pk"]).managers.add(manager)
    return manager


# --- reading a response, whatever it is -----------------------------------------------------

_RANDOM = re.compile(r'(nonce|integrity)="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
_ID_KEYS = re.compile(r"^(id|pk|.*_id)$")


def _year_pattern(year):
    # The year as a value: not a piece of a longer token (a hash, a nonce, a decimal) nor a
    # path segment of a link (an object's id in a URL).
    return re.compile(rf"(?<![\w/.-]){year}(?![\w/])")


def _without_ids(data):
    """JSON with the values of id keys dropped (a record's id may be any number)."""
    if isinstance(data, dict):
        return {k: (None if _ID_KEYS.match(k) and isinstance(v, int) else _without_ids(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_ids(v) for v in data]
    return data


def body_of(response):
    """The response's content as text: HTML, CSV and JSON decoded (character references too);
    an XLSX (any zip) as every part it holds; a PDF as its pages' text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(f"[{n}] " + html.unescape(archive.read(n).decode("utf-8", "replace"))
                             for n in archive.namelist())
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        except Exception:   # not a real PDF (the matrix's issued document is b"%PDF-1.7"): its bytes
            return content.decode("latin-1")
    text = content.decode("utf-8-sig", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(_without_ids(json.loads(text)), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(_RANDOM.sub("", text))


def leaks_in(text):
    """Each sentinel found in the text, with what surrounds it."""
    found = []
    lowered = text.lower()
    for word in WORDS:
        at = lowered.find(word.lower())
        if at >= 0:
            found.append(f"{word!r} in …{text[max(0, at - 80):at + 80]!r}…")
    for year in YEARS:
        match = _year_pattern(year).search(text)
        if match:
            found.append(f"{year} in …{text[max(0, match.start() - 80):match.end() + 80]!r}…")
    return found


def _get(client, api_client, name, kwargs_builder):
    url = reverse(name, kwargs=kwargs_builder()) + QUERY.get(name, "")
    return url, (api_client if name in _API_BY_TOKEN else client).get(url)


def _job_of(response):
    assert response.status_code == 302, response.status_code
    match = resolve(response.url)
    assert match.view_name == "jobs:detail", response.url
    from jobs.models import Job

    return Job.objects.get(pk=match.kwargs["pk"])


# --- 2. every route of the matrix, every export --------------------------------------------

@pytest.mark.parametrize("role", QUIET)
def test_no_route_export_or_api_shows_a_persons_ethnicity_or_birth_year(users, sentinel, role, settings, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    user = users[role]
    client, api = Client(), Client(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    client.force_login(user)
    leaks, read = [], []

    def check(what, response, status=200):
        assert response.status_code == status, f"{what} as {role}: {response.status_code}"
        read.append(what)
        leaks.extend(f"{what} as {role}: {leak}" for leak in leaks_in(body_of(response)))
        return response

    for name in sorted(MATRIX):
        kwargs_builder, expected = MATRIX[name]
        if expected[role] == 200:
            url, response = _get(client, api, name, kwargs_builder)
            check(f"{name} ({url})", response)
    assert len(read) > 40, f"only {len(read)} routes answer {role} 200: the matrix changed"

    # The sentinel is there (her name), only her fields are not.
    coop = sentinel.cooperative
    for name, url in (("cooperatives:detail", reverse("cooperatives:detail", args=[coop.pk])),
                      ("cooperatives:history", reverse("cooperatives:history", args=[coop.pk])),
                      ("cooperatives:training", reverse("cooperatives:training", kwargs=_own_training_kw()))):
        if NAME not in client.get(url).content.decode():
            leaks.append(f"{name} as {role}: the sentinel is not shown at all (the check would be vacuous)")
    if "(ẩn)" not in client.get(reverse("cooperatives:history", args=[coop.pk])).content.decode():
        leaks.append(f"cooperatives:history as {role}: her birth year and ethnicity are not shown as “(ẩn)”")

    # The registry's export in the request, both formats.
    for fmt in ("csv", "xlsx"):
        check(f"cooperatives:export {fmt}", client.get(reverse("cooperatives:export", args=[fmt])))

    # The managers' export: no person_fields field for these roles; asking for it anyway gives
    # the file without them, and nothing is logged as an export of person-level fields.
    page = client.get(reverse("cooperatives:managers")).content.decode()
    if 'name="person_fields"' in page or 'name="purpose"' in page:
        leaks.append(f"cooperatives:managers as {role}: the export form offers person-level fields")
    exports_before = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count()
    for fmt in ("xlsx", "csv"):
        for extra in ({}, {"person_fields": "on", "purpose": PURPOSE}):
            response = check(f"cooperatives:managers POST fmt={fmt} {extra}",
                             client.post(reverse("cooperatives:managers"), {"fmt": fmt, **extra}))
            assert response["Content-Disposition"].startswith("attachment"), f"managers export {fmt} as {role}"
            if NAME not in body_of(response):
                leaks.append(f"managers export {fmt} as {role}: the sentinel's row is missing (vacuous)")
    if AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() != exports_before:
        leaks.append(f"cooperatives:managers as {role}: an export of person-level fields was logged")

    # Exports made by a job: the registry's (above JOB_THRESHOLD_ROWS), the progress page's
    # XLSX and PDF of the province; the job's page, its file, the jobs list.
    settings.JOB_THRESHOLD_ROWS = 0
    starts = [(f"cooperatives:export {fmt} (job)", reverse("cooperatives:export", args=[fmt])) for fmt in ("csv", "xlsx")]
    starts += [("progress:export xlsx (job)", reverse("progress:export", kwargs={"code": "20", "fmt": "xlsx"})),
               ("progress:pdf (job)", reverse("progress:pdf", kwargs={"code": "20"}))]
    for what, url in starts:
        with django_capture_on_commit_callbacks(execute=True):
            job = _job_of(client.get(url))
        job.refresh_from_db()
        assert job.state == job.State.SUCCEEDED, f"{what} as {role}: {job.error}"
        check(f"{what}: jobs:detail", client.get(reverse("jobs:detail", args=[job.pk])))
        check(f"{what}: jobs:download", client.get(reverse("jobs:download", args=[job.pk])))
    check("jobs:list (with the jobs)", client.get(reverse("jobs:list")))

    assert not leaks, f"as {role}, person-level fields shown (or the check made vacuous):\n" + "\n".join(leaks)


# --- 3. the API, directly --------------------------------------------------------------------

@pytest.mark.parametrize("role", QUIET)
def test_the_api_gives_these_roles_names_and_counts_only(users, sentinel, role):
    api = Client(HTTP_AUTHORIZATION=f"Token {issue_token(users[role])}")
    url = reverse("api:managers")
    for query in ("", f"?q={COOP_CODE}"):
        response = api.get(url + query)
        assert response.status_code == 200, f"api:managers{query} as {role}"
        results = response.json()["results"]
        assert results, f"api:managers{query} as {role}: no managers"
        assert all(not {"birth_year", "ethnicity"} & set(row) for row in results), \
            f"api:managers{query} as {role}: birth_year/ethnicity keys in {results}"
    assert NAME in {row["full_name"] for row in results}, f"api:managers?q={COOP_CODE} as {role}: no sentinel"

    logged = AccessLog.objects.count()
    for query in (f"?fields=person&purpose={PURPOSE}", f"?fields=person&purpose={PURPOSE}&q={COOP_CODE}"):
        response = api.get(url + query)
        assert response.status_code == 403, f"api:managers{query} as {role}: {response.status_code}"
        assert not leaks_in(body_of(response)), f"api:managers{query} as {role}"
    assert AccessLog.objects.count() == logged, f"api:managers?fields=person as {role}: a refused read was logged"

    # HTX Ma Trận: Lý Thị Ma (nothing recorded) and the sentinel (1931, Sentinelthu), and the
    # province (the same two): totals shown; every group of 1-2 people null; a count shown is true.
    for query in (f"?q={COOP_CODE}", ""):
        summary = api.get(reverse("api:manager_profile") + query)
        assert summary.status_code == 200, f"api:manager_profile{query} as {role}"
        shown = summary.json()
        assert shown["total"] == TRUE_COUNTS["total"] and shown["women"] == TRUE_COUNTS["women"], \
            f"api:manager_profile{query} as {role}: {shown}"
        for key, true in TRUE_COUNTS.items():
            if key not in ("total", "women") and 0 < true < 3:
                assert shown[key] is None, f"api:manager_profile{query} as {role}: {key} = {shown[key]} (a group of {true})"
            assert shown[key] in (None, true), f"api:manager_profile{query} as {role}: {key} = {shown[key]}, not {true}"


def test_the_summary_counts_the_small_groups_for_an_administrator(users, sentinel):
    api = Client(HTTP_AUTHORIZATION=f"Token {issue_token(users['province_admin'])}")
    summary = api.get(reverse("api:manager_profile") + f"?q={COOP_CODE}").json()
    assert summary == TRUE_COUNTS, f"api:manager_profile as province_admin: {summary}"


# --- 4. who does see them, and the log of it ----------------------------------------------

def _view_entries(user):
    return AccessLog.objects.filter(action=AccessLog.Action.VIEW, subject="manager", user=user)


@pytest.mark.parametrize("role", ["commune_editor", "province_admin"])
def test_data_entry_and_administrators_see_them_and_each_view_is_logged(client, users, sentinel, role):
    user, coop = users[role], sentinel.cooperative
    client.force_login(user)
    page = body_of(client.get(reverse("cooperatives:detail", args=[coop.pk])))
    assert ETHNICITY in page and _year_pattern(BIRTH_YEAR).search(page), f"cooperatives:detail as {role}: the values are not shown"
    entry = _view_entries(user).get()
    assert sentinel.pk in entry.records, f"cooperatives:detail as {role}: {entry.records}"
    assert entry.user_id == user.pk and entry.username == user.username and entry.area == coop.commune, \
        f"cooperatives:detail as {role}: {entry.user_id} {entry.username} {entry.area}"
    assert entry.where == reverse("cooperatives:detail", args=[coop.pk])

    history = client.get(reverse("cooperatives:history", args=[coop.pk])).content.decode()
    for value in (ETHNICITY, OLD_ETHNICITY, str(BIRTH_YEAR), str(OLD_BIRTH_YEAR)):
        assert value in history, f"cooperatives:history as {role}: {value} is not shown"
    assert "(ẩn)" not in history, f"cooperatives:history as {role}: values hidden from who may see them"
    entries = _view_entries(user).order_by("at", "pk")
    assert entries.count() == 2 and sentinel.pk in entries.last().records and entries.last().area == coop.commune, \
        f"cooperatives:history as {role}: the view is not logged"


def test_a_reviewer_sees_the_history_hidden(client, users, sentinel):
    client.force_login(users["province_reviewer"])
    history = client.get(reverse("cooperatives:history", args=[sentinel.cooperative.pk])).content.decode()
    # created with 1932 and Sentinelcu (2), changed to 1931 and Sentinelthu (2 × before and after)
    assert history.count("(ẩn)") == 6, "cooperatives:history as province_reviewer: not every value hidden"
    assert not leaks_in(body_of(client.get(reverse("cooperatives:history", args=[sentinel.cooperative.pk]))))
    assert not _view_entries(users["province_reviewer"]).exists()


@pytest.mark.parametrize("state, sees", [("active", True), ("revoked", False), ("expired", False)])
def test_a_reviewer_sees_them_only_with_a_grant_in_force(client, users, sentinel, state, sees):
    reviewer, admin = users["province_reviewer"], users["province_admin"]
    today = timezone.localdate()
    Grant.objects.create(user=reviewer, purpose=PURPOSE, granted_by=admin,
                         until=today - datetime.timedelta(days=1) if state == "expired" else today + datetime.timedelta(days=30),
                         revoked_at=timezone.now() if state == "revoked" else None,
                         revoked_by=admin if state == "revoked" else None)
    client.force_login(reviewer)
    coop = sentinel.cooperative
    detail = body_of(client.get(reverse("cooperatives:detail", args=[coop.pk])))
    history = body_of(client.get(reverse("cooperatives:history", args=[coop.pk])))
    api = Client(HTTP_AUTHORIZATION=f"Token {issue_token(reviewer)}")
    person = api.get(reverse("api:managers") + f"?fields=person&purpose={PURPOSE}&q={COOP_CODE}")
    if sees:
        assert ETHNICITY in detail and str(BIRTH_YEAR) in detail, "cooperatives:detail, reviewer with a grant"
        assert OLD_ETHNICITY in history and "(ẩn)" not in history, "cooperatives:history, reviewer with a grant"
        assert _view_entries(reviewer).count() == 2, "a reviewer's views under a grant are logged"
        assert person.status_code == 200 and {r["ethnicity"] for r in person.json()["results"]} >= {ETHNICITY}
    else:
        assert not leaks_in(detail), f"cooperatives:detail, reviewer with a {state} grant: {leaks_in(detail)}"
        assert not leaks_in(history) and "(ẩn)" in history, f"cooperatives:history, reviewer with a {state} grant"
        assert not _view_entries(reviewer).exists()
        assert person.status_code == 403, f"api:managers?fields=person, reviewer with a {state} grant"


def test_the_managers_export_has_them_for_an_administrator_who_asks(client, users, sentinel):
    client.force_login(users["province_admin"])
    url = reverse("cooperatives:managers")
    plain = body_of(client.post(url, {"fmt": "csv"}))
    assert NAME in plain and not leaks_in(plain), "cooperatives:managers csv without person_fields"
    full = client.post(url, {"fmt": "xlsx", "person_fields": "on", "purpose": PURPOSE})
    assert full["Content-Type"] == XLSX
    text = body_of(full)
    assert ETHNICITY in text and _year_pattern(BIRTH_YEAR).search(text), "managers export with person_fields"
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT, user=users["province_admin"])
    assert sentinel.pk in entry.records and entry.purpose == PURPOSE


# --- 5. the API's person-level read -------------------------------------------------------

def test_the_api_gives_an_administrator_who_asks_them_and_logs_the_page(users, sentinel):
    admin = users["province_admin"]
    api = Client(HTTP_AUTHORIZATION=f"Token {issue_token(admin)}")
    plain = api.get(reverse("api:managers") + f"?q={COOP_CODE}").json()["results"]
    assert all("birth_year" not in r and "ethnicity" not in r for r in plain), "without fields=person: none"
    assert not AccessLog.objects.exists()

    response = api.get(reverse("api:managers"), {"fields": "person", "purpose": PURPOSE, "q": COOP_CODE})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    mine = next(r for r in results if r["id"] == sentinel.pk)
    assert mine["birth_year"] == BIRTH_YEAR and mine["ethnicity"] == ETHNICITY, mine
    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.API and entry.subject == "manager"
    assert entry.records == [r["id"] for r in results] and entry.count == len(results) == 2, entry.records
    assert entry.purpose == PURPOSE and entry.user_id == admin.pk and entry.area == admin.area
    assert entry.where.startswith(reverse("api:managers"))


# --- the counts of a small group ---------------------------------------------------------

@pytest.fixture
def lone_manager(users):
    """A cooperative of Thất Khê whose one manager is of an ethnic minority, born 1950."""
    coop = Cooperative.objects.create(code=LONE_CODE, name="HTX Một Người", commune=Area.resolve("06040"))
    return coop.managers.create(full_name="Nông Thị Một", gender=rules.FEMALE, role=rules.GIAM_DOC,
                                birth_year=1950, ethnicity="Tày")


GROUPS = {"ethnicity": ("kinh", "dan_toc_thieu_so", "dan_toc_chua_ghi"),
          "age": ("tuoi_duoi_30", "tuoi_30_44", "tuoi_45_59", "tuoi_tu_60", "tuoi_chua_ghi")}


def recoverable(profile):
    """The groups whose hidden cells follow from the total and the cells shown, read as the page
    reads them (a hidden cell is "dưới 3": 1 or 2 people): k hidden cells holding the S people
    the shown ones leave are each known when S is k (all 1) or 2k (all 2)."""
    found = []
    for group, keys in GROUPS.items():
        hidden = [k for k in keys if profile[k] is None]
        rest = profile["total"] - sum(profile[k] for k in keys if profile[k] is not None)
        if hidden and rest in (len(hidden), 2 * len(hidden)):
            found.append(f"{group}: {', '.join(hidden)} = {rest // len(hidden)} each")
    return found


@pytest.mark.parametrize("role", QUIET)
def test_the_hidden_small_groups_cannot_be_worked_out_from_the_others(client, users, lone_manager, role):
    """One cooperative's counts (?q=its code) as a reviewer or leader reads them must not give a
    hidden group away: were a group of one "dưới 3" while the other groups of the same total read
    0, the hidden one would be the total — the ethnic group (minority) and age band of a person
    the same user reads by name (api:managers?q=…, the cooperative's page)."""
    user = users[role]
    api = Client(HTTP_AUTHORIZATION=f"Token {issue_token(user)}")
    assert [r["full_name"] for r in api.get(reverse("api:managers"), {"q": LONE_CODE}).json()["results"]] == ["Nông Thị Một"]
    summary = api.get(reverse("api:manager_profile"), {"q": LONE_CODE}).json()
    client.force_login(user)
    page = client.get(reverse("cooperatives:managers"), {"q": LONE_CODE}).context["profile"]
    found = {"api:manager_profile": recoverable(summary), "cooperatives:managers": recoverable(page)}
    assert not any(found.values()), (
        f"LEAK as {role}: the counts of ?q={LONE_CODE} (one manager, Nông Thị Một) give her hidden groups away "
        f"(total − the cells shown): {found}; summary {summary}")
