"""Cached progress (reporting/cache.py) and the data version (portal/dataversion.py): a repeated
view costs one query and a cache read; every change that can move a figure bumps the version, so
the next view is computed anew; a draft's typing does not.

The suite's tests run inside a transaction that is never committed, so the version's on-commit
increment never runs by itself: ``commit()`` runs what the commit would run. The tests at the end
commit for real (transactional), through the pages, on SQLite and PostgreSQL, and with Redis."""
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from plans import allocations
from plans.models import AreaGroup, Plan, Target
from portal import dataversion
from portal.models import Area, DataVersion
from reporting import cache as progress_cache
from reporting import services
from reporting.cache import cached_progress
from reporting.importer import import_submissions
from reporting.models import Report
from reporting.selectors import find_plan, progress
from tests.reporting.factories import report
from tests.reporting.helpers import THAT_KHE, report_of, submitted
from tests.reporting.submissions import lang_son_file

pytestmark = pytest.mark.django_db
AS_OF = datetime.date.today()  # reports are sent today: counted as of today


def commit():
    """Runs the version increments the end of the test's transaction would run, as a commit does."""
    bumps = [entry for entry in connection.run_on_commit if isinstance(entry[1], dataversion._Bump)]
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry not in bumps]
    for _sids, func, *_ in bumps:
        func()


def lang_son_progress(area=None, plan=None, **kwargs):
    return cached_progress(area or Area.resolve("20"), plan=plan or find_plan("lang-son-2023"), milestone=2025,
                           as_of=AS_OF, **kwargs)


def lang_son():
    return {"area": Area.resolve("20"), "plan": find_plan("lang-son-2023")}


def actual(prog, code="HTX_MOI"):
    return next(line.actual for line in prog.lines if line.indicator.code == code)


@pytest.fixture
def reviewer(users):
    return users["province_reviewer"]


@pytest.fixture
def waiting(users):
    """Thất Khê's 2025 report, submitted (HTX_MOI 3), committed; the version read."""
    r = submitted(THAT_KHE, "2025", users["commune_editor"])
    commit()
    return r


# --- the version ------------------------------------------------------------------------------

def test_the_version_moves_once_per_transaction_after_the_commit(users):
    before = dataversion.current()
    report(THAT_KHE, "2025", HTX_MOI=3)          # a report and a value: two saves, one pending bump
    assert dataversion.current() is None         # uncommitted changes: not from the shared cache
    assert sum(isinstance(e[1], dataversion._Bump) for e in connection.run_on_commit) == 1
    commit()
    assert dataversion.current() == before + 1
    assert DataVersion.objects.get().reason == "reporting.Report"


def test_a_missing_row_is_created_from_the_clock():
    DataVersion.objects.all().delete()
    assert dataversion.current() > 1_000_000_000
    assert DataVersion.objects.count() == 1


def test_a_rolled_back_change_does_not_move_it(users):
    from django.db import transaction

    before = dataversion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        report(THAT_KHE, "2025", HTX_MOI=3)
        raise RuntimeError("rolled back")
    assert dataversion.current() == before       # the savepoint's callback went with it
    commit()
    assert dataversion.current() == before


# --- the cache --------------------------------------------------------------------------------

def test_a_repeated_view_costs_one_query_and_gives_the_same_json(waiting, django_assert_max_num_queries):
    first = lang_son_progress(include_submitted=True)
    args = lang_son()
    with django_assert_max_num_queries(1):          # the version; the figures come from the cache
        second = lang_son_progress(**args, include_submitted=True)
    assert second.as_json() == first.as_json()
    assert second.as_json() == progress(Area.resolve("20"), plan=find_plan("lang-son-2023"), milestone=2025,
                                        as_of=AS_OF, include_submitted=True).as_json()
    assert actual(second) == 3


def test_the_key_holds_every_argument_and_the_resolved_date(waiting):
    area, plan = Area.resolve("20"), find_plan("lang-son-2023")
    key = progress_cache.progress_key
    base = dict(plan=plan, milestone=2025, as_of=AS_OF, include_submitted=False, breakdown=True)
    keys = {key(7, area, **base), key(8, area, **base), key(7, Area.resolve(THAT_KHE), **base),
            key(7, area, **{**base, "plan": None}), key(7, area, **{**base, "milestone": 2030}),
            key(7, area, **{**base, "as_of": AS_OF + datetime.timedelta(days=1)}),
            key(7, area, **{**base, "include_submitted": True}), key(7, area, **{**base, "breakdown": False})}
    assert len(keys) == 8
    # no date given: today's, in the key (tomorrow is another key)
    cached_progress(area, plan=plan, milestone=2025)
    today = datetime.date.today().isoformat()
    assert progress_cache.cache.get(key(dataversion.current(), area, **{**base, "as_of": datetime.date.today()}))
    assert today in key(1, area, **{**base, "as_of": datetime.date.today()})


def test_the_cached_value_is_small_enough(waiting):
    import pickle

    national = cached_progress(Area.resolve("VN"), milestone=2025, as_of=AS_OF)
    assert len(pickle.dumps(national)) < 1_000_000   # well under Redis's and locmem's comfort


def test_an_unreadable_cache_entry_is_computed_again(waiting, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("unpickling failed")

    monkeypatch.setattr(progress_cache.cache, "get", broken)
    assert actual(lang_son_progress(include_submitted=True)) == 3


# --- every path that moves a figure bumps the version -----------------------------------------

def moved(change):
    """The version before, the change committed, and whether the version moved."""
    before = dataversion.current()
    change()
    commit()
    return dataversion.current() != before


def test_approval_shows_at_once(waiting, reviewer):
    assert actual(lang_son_progress()) is None       # nothing approved yet (and now cached)
    assert moved(lambda: services.approve(Report.objects.get(pk=waiting.pk), user=reviewer))
    assert actual(lang_son_progress()) == 3


def test_return_moves_the_figures_with_submitted_reports(waiting, reviewer):
    assert actual(lang_son_progress(include_submitted=True)) == 3
    assert moved(lambda: services.return_report(Report.objects.get(pk=waiting.pk), user=reviewer,
                                                comment="Sai số liệu"))
    assert actual(lang_son_progress(include_submitted=True)) is None


def test_submission_moves_the_figures_with_submitted_reports(users):
    editor = users["commune_editor"]
    r = report_of(THAT_KHE, "2025", user=editor)
    services.save_values(r, values={"HTX_MOI": {"value": 4}}, version=r.version, user=editor)
    commit()
    assert actual(lang_son_progress(include_submitted=True)) is None
    assert moved(lambda: services.submit(Report.objects.get(pk=r.pk), user=editor))
    assert actual(lang_son_progress(include_submitted=True)) == 4


def test_typing_into_a_draft_moves_nothing(users):
    editor = users["commune_editor"]
    r = report_of(THAT_KHE, "2025", user=editor)
    commit()
    r.refresh_from_db()
    assert not moved(lambda: services.save_values(r, values={"HTX_MOI": {"value": 4}}, version=r.version,
                                                  user=editor))


def test_an_import_moves_the_figures(tmp_path):
    assert actual(lang_son_progress()) is None
    assert moved(lambda: import_submissions(lang_son_file(tmp_path)))
    after = actual(lang_son_progress())              # the file's rows, approved
    assert after and after == actual(progress(Area.resolve("20"), plan=find_plan("lang-son-2023"), milestone=2025,
                                              as_of=AS_OF))
    assert not moved(lambda: import_submissions(lang_son_file(tmp_path), dry_run=True))


def test_a_target_edit_moves_the_figures(waiting):
    target = Target.objects.get(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025)

    def edit():
        target.low, target.high = Decimal(1), Decimal(2)
        target.save()
    before = next(line for line in lang_son_progress().lines if line.indicator.code == "HTX_MOI").target.low
    assert moved(edit)
    after = next(line for line in lang_son_progress().lines if line.indicator.code == "HTX_MOI").target.low
    assert (before, after) == (20, 1)


def test_a_plan_edit_and_a_target_deletion_move_the_figures(waiting):
    plan = Plan.objects.get(key="lang-son-2023")

    def edit():
        plan.year_end = plan.year_end
        plan.save()
    assert moved(edit)
    assert moved(lambda: Target.objects.filter(plan=plan, indicator__code="THT_MOI").delete())


def test_an_allocation_moves_the_figures(users):
    target = Target.objects.get(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025)
    row = allocations.AllocationRow(area=Area.resolve(THAT_KHE), low=Decimal(2), high=None, form="", note="")
    assert moved(lambda: allocations.save_allocations(target, [row], users["province_admin"]))
    commune = cached_progress(Area.resolve(THAT_KHE), plan=target.plan, milestone=2025, as_of=AS_OF)
    assert next(line for line in commune.lines if line.indicator.code == "HTX_MOI").allocated
    # the same rows again change nothing, and bump nothing
    assert not moved(lambda: allocations.save_allocations(target, [row], users["province_admin"]))


def test_an_area_group_moves_the_figures(users):
    from tests.conftest import make_user

    admin = make_user("khanhhoa", users["province_admin"].Role.ADMIN, "56")
    district = Area.objects.get(code="573", level=Area.Level.DISTRICT)
    assert moved(lambda: allocations.save_area_groups([allocations.GroupRow(district, "miền núi")], admin))
    assert AreaGroup.objects.filter(area=district).exists()
    assert moved(lambda: AreaGroup.objects.filter(area=district).delete())


def test_generate_demo_moves_the_figures():
    assert moved(lambda: call_command("generate_demo", scale="province", no_registry=True, stdout=io.StringIO()))
    assert actual(lang_son_progress())


def test_bootstrap_moves_the_version():
    assert moved(lambda: call_command("bootstrap", no_migrate=True, verbosity=0, stdout=io.StringIO()))


def test_the_registry_moves_no_figure(tmp_path):
    from tests.cooperatives.test_import import clean_file

    from cooperatives.importer import import_cooperatives

    assert not moved(lambda: import_cooperatives(clean_file(tmp_path)))


# --- for real: committed, through the pages ---------------------------------------------------

def _page_actual(client, code="HTX_MOI"):
    response = client.get(reverse("progress:area", args=["20"]) + "?moc=2025")
    assert response.status_code == 200
    return response.content.decode().split(f'data-indicator="{code}"')[1].split("</tr>")[0]


@pytest.fixture
def committed_map(django_db_blocker):
    """A transactional test starts from (and leaves) the bootstrapped map and plans."""
    if not Area.objects.exists():
        call_command("bootstrap", no_migrate=True, verbosity=0, stdout=io.StringIO())
    yield
    if not Area.objects.exists():
        call_command("bootstrap", no_migrate=True, verbosity=0, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_an_approval_shows_on_the_very_next_page(committed_map, users, client_for, django_assert_max_num_queries):
    r = submitted(THAT_KHE, "2025", users["commune_editor"])
    client = client_for(users["province_reviewer"])
    before = _page_actual(client)
    assert ">3<" not in before
    # a repeated view: the figures from the cache (one query: the version)
    args = lang_son()
    with django_assert_max_num_queries(1):
        lang_son_progress(**args)
    assert client.post(reverse("reporting:approve", args=[r.pk])).status_code == 302
    assert ">3<" in _page_actual(client)
    # the API and the exports read the same, current, figures
    api = client.get(reverse("api:progress", args=["20"]) + "?milestone=2025&plan=lang-son-2023")
    assert next(i for i in api.json()["indicators"] if i["code"] == "HTX_MOI")["actual"] == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_sharing_redis_see_the_change(committed_map, users, monkeypatch,
                                                  django_assert_max_num_queries):
    """Two cache clients (two gunicorn workers, or two machines) on one Redis: what one computed
    the other reads; after an approval both compute the new figures (version in the database)."""
    from django.core.cache.backends.redis import RedisCache

    prefix = f"test-{uuid.uuid4().hex}"
    worker_a = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": prefix})
    worker_b = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": prefix})
    try:
        r = submitted(THAT_KHE, "2025", users["commune_editor"])
        monkeypatch.setattr(progress_cache, "cache", worker_a)
        assert actual(lang_son_progress()) is None
        monkeypatch.setattr(progress_cache, "cache", worker_b)
        args = lang_son()
        with django_assert_max_num_queries(1):       # computed by worker A, read by worker B
            assert actual(lang_son_progress(**args)) is None
        services.approve(r, user=users["province_reviewer"])
        assert actual(lang_son_progress()) == 3      # worker B
        monkeypatch.setattr(progress_cache, "cache", worker_a)
        with django_assert_max_num_queries(1):       # worker B's result, read by worker A
            assert actual(lang_son_progress(**args)) == 3
    finally:
        client = worker_a._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


# --- the page's body, cached ------------------------------------------------------------------

def test_the_page_body_is_cached_per_role_and_area_of_the_viewer(waiting, users, client_for):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    url = reverse("progress:area", args=["20"]) + "?moc=2025&cho_duyet=1"
    issue = reverse("progress:issue", args=["20"])
    reviewer = client_for(users["province_reviewer"])
    with CaptureQueriesContext(conn) as first:
        page = reviewer.get(url).content.decode()
    with CaptureQueriesContext(conn) as second:
        again = reviewer.get(url).content.decode()
    def body(html):  # the page without its CSRF token (masked anew for each response)
        return html[html.index('<h1 class="h3 mb-1">'):html.index('id="chart-data"')]
    assert body(again) == body(page) and issue in page
    assert len(second) < len(first)                  # the rollup and the body came from the cache
    assert not any("reporting_reportvalue" in q["sql"] for q in second.captured_queries)
    leader = client_for(users["province_leader"]).get(url).content.decode()
    assert issue not in leader                       # same area, no review role: another body
    national = client_for(users["national_admin"]).get(url).content.decode()
    # what differs with the viewer's area: the breadcrumbs above the body (and the links in it)
    assert reverse("progress:area", args=["VN"]) in national and reverse("progress:area", args=["VN"]) not in page
