"""The generated registry (cooperatives.demo): realistic rows written in bulk, classified, removable;
and the list page costs the same number of queries for 10 and for 60 of them."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives import rules
from cooperatives.demo import delete_generated, generate_registry
from cooperatives.models import Cooperative, Manager, OcopProduct, Training, Workforce
from cooperatives.selectors import cooperative_list
from cooperatives.services import refresh_classification
from cooperatives.views import MirroredPaginator
from portal.models import Area
from portal.text import search_key
from tests.cooperatives.factories import coop, manager, training

pytestmark = pytest.mark.django_db


def lang_son_communes():
    return Area.objects.current_map().inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)


def generated():
    return Cooperative.objects.filter(code__startswith="98")


def test_generates_the_registry_in_bulk_without_history():
    counts = generate_registry(cooperatives=60, managers_per=2, seed=3)
    assert (counts["cooperatives"], counts["managers"]) == (60, 120)
    coops = list(generated().order_by("code"))
    assert len(coops) == 60 and coops[0].code == "9800000000" and coops[-1].code == "9800000059"
    assert Manager.objects.filter(cooperative__code__startswith="98").count() == 120
    assert Workforce.objects.count() == counts["workforce"] > 0
    assert OcopProduct.objects.count() == counts["ocop"]
    assert all(c.search_name == search_key(c.name) for c in coops)   # bulk_create skips save()
    assert all(c.name.endswith(f"{i:05d}") for i, c in enumerate(coops))
    today = datetime.date.today()
    assert all(datetime.date(2015, 1, 1) <= c.founded_on <= today for c in coops)
    assert all(c.commune.level == Area.Level.COMMUNE and c.commune.exists_on(today) for c in coops)
    assert {c.kind for c in coops} <= set(Cooperative.Kind.values) and len({c.sector for c in coops}) > 3
    for c in coops:
        assert bool(c.founding_supported_on) == c.hoi_supported_founding
        assert bool(c.consolidation_supported_on) == c.hoi_supported_consolidation
        assert (c.status == Cooperative.Status.ACTIVE) == (c.status_since is None)
    supported = sum(c.hoi_supported_founding for c in coops)
    assert 10 <= supported <= 40   # about 40 %
    # Generated, not edited by anyone: no history record per row.
    assert not Cooperative.history.exists() and not Manager.history.exists() and not Workforce.history.exists()


def test_workforce_and_managers_are_consistent_and_classified():
    generate_registry(cooperatives=60, managers_per=2, seed=3)
    for w in Workforce.objects.all():
        assert w.female_workers <= w.workers and w.female_members <= w.members
        assert 2023 <= w.year <= 2025 and w.year >= w.cooperative.founded_on.year
    managers = list(Manager.objects.select_related("cooperative"))
    assert {m.gender for m in managers} == {rules.FEMALE, rules.MALE}
    assert all(m.role in rules.MANAGEMENT_ROLES and m.full_name.count(" ") >= 2 for m in managers)
    assert all(m.from_date is None or m.to_date is None or m.from_date <= m.to_date for m in managers)
    # The classification was refreshed: computing it again changes nothing, and it is the rule's.
    assert refresh_classification() == 0
    for c in generated().prefetch_related("managers", "workforce"):
        facts = [rules.ManagerFacts(m.gender, m.role, m.from_date, m.to_date) for m in c.managers.all()]
        assert c.is_women_managed == rules.is_women_managed(facts, kind=c.kind)
        latest = max(c.workforce.all(), key=lambda w: w.year, default=None)
        assert c.many_women_jobs == (rules.creates_many_jobs_for_women(latest.workers, latest.female_workers)
                                     if latest else None)
    assert generated().filter(is_women_managed=True).exists() and generated().filter(is_women_managed=False).exists()


def test_the_same_seed_gives_the_same_registry_and_an_existing_one_is_not_doubled():
    communes = lang_son_communes()
    generate_registry(cooperatives=20, managers_per=2, seed=5, communes=communes)
    first = list(generated().order_by("code").values_list("name", "commune__code", "founded_on", "kind"))
    assert {code for _n, code, _f, _k in first} <= set(communes.values_list("code", flat=True))
    with pytest.raises(ValueError):
        generate_registry(cooperatives=20, managers_per=2, seed=5, communes=communes)
    generate_registry(cooperatives=20, managers_per=2, seed=5, communes=communes, replace=True)
    assert list(generated().order_by("code").values_list("name", "commune__code", "founded_on", "kind")) == first
    assert Manager.objects.count() == 40


def test_delete_generated_removes_only_the_generated_rows():
    mine = coop("06040", code="4900000001", workforce=(2024, 10, 6))
    manager(mine)
    generate_registry(cooperatives=30, managers_per=3, seed=2)
    course = training("20", managers=Manager.objects.filter(cooperative__code__startswith="98")[:3])
    counts = delete_generated("98")
    assert counts["cooperatives"] == 30 and counts["managers"] == 90 and counts["training attendance"] == 3
    assert list(Cooperative.objects.values_list("code", flat=True)) == ["4900000001"]
    assert Manager.objects.count() == 1 and Workforce.objects.count() == 1
    assert not OcopProduct.objects.exists()
    assert Training.objects.filter(pk=course.pk).exists() and not course.managers.exists()
    with pytest.raises(ValueError):
        delete_generated("")   # would name every cooperative


def test_the_command_generates_and_deletes():
    out = io.StringIO()
    call_command("generate_registry", cooperatives=12, managers_per=1, stdout=out)
    assert "generated: cooperatives 12, managers 12" in out.getvalue()
    assert generated().count() == 12
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_registry", cooperatives=12, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate_registry", delete=True, stdout=out)
    assert "deleted: cooperatives 12, managers 12" in out.getvalue()
    assert not generated().exists()


def _list_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cooperatives:list"), params)
    assert response.status_code == 200
    return len(queries), response.context["page"]


@pytest.mark.parametrize("who, params", [
    ("national_admin", {}),
    ("province_reviewer", {}),
    ("province_reviewer", {"q": "htx", "women_managed": "yes"}),
    ("national_admin", {"area": "20", "kind": "HTX"}),
])
def test_the_list_costs_the_same_queries_for_10_and_60_cooperatives(client_for, users, who, params):
    client = client_for(users[who])
    client.get(reverse("cooperatives:list"), params)  # warm-up (session, content types)
    generate_registry(cooperatives=10, managers_per=2, seed=4, communes=lang_son_communes())
    few, page = _list_queries(client, **params)
    assert 0 < len(page.object_list) <= 10 or params
    generate_registry(cooperatives=60, managers_per=2, seed=4, communes=lang_son_communes(), replace=True)
    many, page = _list_queries(client, **params)
    if not params:
        assert len(page.object_list) == 50 and page.count == 60 and page.count_exact
    assert many == few


@pytest.mark.parametrize("deep", [1000, 10, 0])
def test_pages_past_the_middle_or_deep_show_the_same_rows(users, deep, monkeypatch):
    monkeypatch.setattr(MirroredPaginator, "deep", deep)
    generate_registry(cooperatives=60, managers_per=1, seed=6, communes=lang_son_communes())
    Cooperative.objects.filter(code__in=["9800000003", "9800000004"]).update(
        name="HTX Trùng tên", search_name="htx trung ten")   # equal names: the code decides
    qs = cooperative_list(user=users["province_reviewer"], filters={"q": "h"})
    for per_page, orphans in ((7, 0), (7, 3), (50, 0), (60, 0)):
        plain, mirrored = Paginator(qs, per_page, orphans=orphans), MirroredPaginator(qs, per_page, orphans=orphans)
        assert mirrored.num_pages == plain.num_pages
        for number in plain.page_range:
            rows = list(mirrored.page(number))
            assert [c.code for c in rows] == [c.code for c in plain.page(number)], number
            assert all(c.commune.parent.code == "20" for c in rows)   # select_related kept
    with CaptureQueriesContext(connection) as queries:
        page = MirroredPaginator(qs, 7).get_page(9)
        assert len(page.object_list) == 4 and page.number == 9 and page.object_list[0].commune.name
    assert "DESC" in queries.captured_queries[1]["sql"]
    assert len(queries) == (3 if deep == 0 else 2)   # count, (the ids: a deep page,) the rows
