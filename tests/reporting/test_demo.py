"""The demo data: `bootstrap --demo` adds Lạng Sơn's demo cooperatives and reports once (a second
run changes nothing) in every state of the workflow; `generate_demo` fills a province (the
national run is the same code over the whole map: scripts/bench_progress.py measures it)."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cooperatives.models import Cooperative, Manager, Workforce
from plans.models import Indicator
from portal.models import Area, User
from reporting import rollup
from reporting.demo import COOP_PREFIX, RETURN_COMMENT
from reporting.management.commands.generate_demo import CODES, GENERATED_NOTE
from reporting.models import Report, ReportTransition, ReportValue
from reporting.queue import waiting_for
from reporting.selectors import find_plan, progress

pytestmark = pytest.mark.django_db
S = Report.Status


def counts():
    return {
        "reports": Report.objects.count(), "values": ReportValue.objects.count(),
        "transitions": ReportTransition.objects.count(), "users": User.objects.count(),
        "cooperatives": Cooperative.objects.count(), "managers": Manager.objects.count(),
        "workforce": Workforce.objects.count(),
        "statuses": sorted(Report.objects.values_list("area__code", "period__code", "status")),
        "figures": sorted(ReportValue.objects.values_list("report__area__code", "report__period__code",
                                                          "indicator__code", "value", "numerator", "denominator")),
    }


def bootstrap_demo():
    out = io.StringIO()
    call_command("bootstrap", demo=True, no_migrate=True, stdout=out)
    return out.getvalue()


def test_bootstrap_demo_twice_changes_nothing_and_covers_every_state():
    first = bootstrap_demo()
    after_first = counts()
    second = bootstrap_demo()
    assert counts() == after_first
    assert "demo data (Lạng Sơn): cooperatives created 30, managers created 90; reports created 18" in first
    assert "cooperatives created 0, managers created 0; reports created 0, unchanged 18; values created 0" in second

    province = Area.resolve("20")
    # Lạng Sơn's demo reports (Khánh Hòa's 2019 ones: tests/reporting/test_unit_and_group_targets.py)
    demo = Report.objects.filter(Area.inside_q(province, "area"), note__startswith="Số liệu mẫu")
    assert set(demo.values_list("status", flat=True)) == {S.APPROVED, S.SUBMITTED, S.RETURNED, S.DRAFT}
    assert "demo data (Khánh Hòa 2019): reports created 8" in first and "reports created 0, unchanged 8" in second
    assert all(r.province_id == province.pk for r in demo)
    old = {r.area.code for r in demo.filter(area__level=Area.Level.DISTRICT)}
    assert old == {"178", "180", "183"}
    assert set(demo.filter(area__code="178").values_list("period__code", flat=True)) == {"2023", "2024", "2025-H1"}
    assert demo.get(area__code="06040", period__code="2025").status == S.APPROVED

    # every state has the transitions that led to it, dated in the past, by the demo users
    for report in demo:
        path = [t.to_status for t in report.transitions.all()]
        assert path == {S.DRAFT: [], S.SUBMITTED: [S.SUBMITTED], S.APPROVED: [S.SUBMITTED, S.APPROVED],
                        S.RETURNED: [S.SUBMITTED, S.RETURNED]}[report.status]
        assert all(t.at.date() < datetime.date.today() for t in report.transitions.all())
    returned = ReportTransition.objects.get(report__in=demo, to_status=S.RETURNED)
    assert returned.comment == RETURN_COMMENT and returned.by.username == "kiemduyet"
    assert "chưa khớp danh sách" in returned.comment
    approved = demo.get(area__code="178", period__code="2024")
    assert [t.by.username for t in approved.transitions.all()] == ["nhaplieu_huyen", "kiemduyet"]

    # the reviewer has the submitted one waiting
    reviewer = User.objects.get(username="kiemduyet")
    assert [r.area.code for r in waiting_for(reviewer)] == ["06001"]

    # demo cooperatives: in Lạng Sơn's communes, with managers (women among them) and workforce
    coops = Cooperative.objects.filter(code__startswith=COOP_PREFIX)
    assert coops.count() == 30
    assert all(c.commune.lies_in(province) for c in coops)
    assert Manager.objects.filter(cooperative__in=coops, gender="F").exists()
    assert Workforce.objects.filter(cooperative__in=coops).exists()


def test_demo_province_page_shows_a_mix():
    bootstrap_demo()
    province = Area.resolve("20")
    plan = find_plan("lang-son-2023")
    p2025 = progress(province, plan=plan, milestone=2025, as_of=datetime.date(2026, 6, 30))
    by_code = {line.indicator.code: line for line in p2025.lines}
    assert by_code["HTX_MOI"].actual == 22 and by_code["HTX_MOI"].status == rollup.ACHIEVED
    # the 2025 window closed on 31/12/2025: a missed target is "not achieved", no longer "behind"
    assert by_code["THT_MOI"].actual == 47 and by_code["THT_MOI"].status == rollup.NOT_ACHIEVED
    assert by_code["VIEC_LAM_NU_MOI"].status == rollup.ACHIEVED
    p2030 = progress(province, plan=plan, milestone=2030, as_of=datetime.date(2026, 6, 30))
    assert {line.status for line in p2030.lines} >= {rollup.ACHIEVED, rollup.ON_TRACK, rollup.BEHIND}


def test_generate_demo_province(client):
    bootstrap_demo()
    all_reports = Report.objects.count()
    demo_reports = Report.objects.filter(Area.inside_q(Area.resolve("20"), "area")).count()
    out = io.StringIO()
    call_command("generate_demo", scale="province", cooperatives=40, stdout=out)
    text = out.getvalue()
    province = Area.resolve("20")
    generated = Report.objects.filter(note=GENERATED_NOTE)
    # every unit of the province, every period it existed in up to today (the demo's are kept)
    units = Area.objects.inside(province).exclude(level=Area.Level.COUNTRY)
    assert not generated.exclude(area__in=units).exists()
    assert generated.filter(area__level=Area.Level.DISTRICT).values("area").distinct().count() == 11
    assert generated.filter(area__level=Area.Level.COMMUNE).values("area").distinct().count() == 65
    assert not generated.filter(area__level=Area.Level.DISTRICT, period__year__gt=2025).exists()
    assert not generated.filter(area__level=Area.Level.DISTRICT, period__code="2025").exists()
    assert not generated.filter(area__level=Area.Level.COMMUNE, period__year__lt=2025).exists()
    assert not generated.filter(period__starts_on__gt=datetime.date.today()).exists()
    assert Report.objects.count() == all_reports + generated.count()
    assert not generated.filter(period__year__lt=2023).exists()    # not the demo's 2019 period
    assert f"kept {demo_reports}" in text
    assert generated.filter(status=S.APPROVED).count() > 0.6 * generated.count()
    # one figure for every indicator some plan sets a target for (23), ratios with numerator ≤ denominator
    from plans.models import Target
    report = generated.filter(area__level=Area.Level.COMMUNE).first()
    targeted = set(Target.objects.values_list("indicator__code", flat=True))
    assert set(report.values.values_list("indicator__code", flat=True)) == set(CODES) == targeted
    assert len(CODES) == 23
    ratios = ReportValue.objects.filter(report__in=generated, indicator__kind=Indicator.Kind.RATIO)
    assert all(v.denominator > 0 and v.numerator <= v.denominator for v in ratios)
    assert Cooperative.objects.filter(code__startswith="98").count() == 40

    # a second run adds nothing
    again = io.StringIO()
    call_command("generate_demo", scale="province", cooperatives=40, stdout=again)
    assert "generate_demo: reports 0, values 0, transitions 0" in again.getvalue()

    # the province page renders with it
    reviewer = User.objects.get(username="kiemduyet")
    client.force_login(reviewer)
    response = client.get(reverse("progress:area", args=["20"]), {"moc": 2025})
    assert response.status_code == 200
    assert "HTX_MOI" in response.content.decode() or "Hợp tác xã" in response.content.decode()

    # --delete removes the generated reports only
    call_command("generate_demo", scale="province", delete=True, stdout=io.StringIO())
    assert not Report.objects.filter(note=GENERATED_NOTE).exists()
    assert Report.objects.count() == all_reports


def test_generate_demo_refuses_a_non_province():
    with pytest.raises(CommandError, match="không phải mã tỉnh"):
        call_command("generate_demo", scale="province", province="06040", no_registry=True, stdout=io.StringIO())


def test_generate_demo_through_2030_fills_every_period_as_if_the_year_were_over():
    out = io.StringIO()
    call_command("generate_demo", scale="province", through=2030, no_registry=True, stdout=out)
    generated = Report.objects.filter(note=GENERATED_NOTE)
    communes = Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE).count()
    # every current commune: 2025 annual, then 2026-H1 … 2030 (11 periods); nothing after 2030
    assert generated.filter(area__level=Area.Level.COMMUNE).count() == communes * 11
    assert generated.filter(period__code="2030").count() == communes + 1   # and the province's own
    assert not generated.filter(period__year__gt=2030).exists()
    last = generated.filter(period__code="2030")
    # the year is over: reviewed like any past period, sent around the due date (in December 2030)
    assert last.filter(status=S.APPROVED).count() > 0.8 * last.count()
    sent = last.exclude(first_submitted_at=None).values_list("first_submitted_at", flat=True)
    assert all(datetime.date(2030, 11, 1) <= s.date() <= datetime.date(2031, 1, 31) for s in sent)
    # 23 figures a report, one per indicator some plan targets (the province's own has no workers
    # of cooperatives: 21)
    assert ReportValue.objects.filter(report__in=last).count() == 23 * communes + 21
    again = io.StringIO()
    call_command("generate_demo", scale="province", through=2030, no_registry=True, stdout=again)
    assert "generate_demo: reports 0, values 0, transitions 0" in again.getvalue()


def test_generate_demo_refuses_a_year_outside_the_programme():
    with pytest.raises(CommandError, match="--through 2019"):
        call_command("generate_demo", scale="province", through=2019, no_registry=True, stdout=io.StringIO())


def test_demo_tasks_and_activities_show_on_the_province_page():
    from reporting import tasks as T
    from reporting.models import Activity, TaskStatus

    first = bootstrap_demo()
    assert "demo data (Lạng Sơn tasks): activities created 6, unchanged 0; task statuses created 5" in first
    second = bootstrap_demo()
    assert "activities created 0, unchanged 6; task statuses created 0, unchanged 5; budgets created 0" in second
    assert Activity.objects.count() == 6 and TaskStatus.objects.count() == 5
    # approved and not: Thất Khê's report is approved, 06001's waits for the reviewer
    assert Report.objects.get(area__code="06001", period__code="2025").status == S.SUBMITTED
    assert Activity.objects.filter(area__code="06001").exists()

    province = Area.resolve("20")
    plan = find_plan("lang-son-2023")
    r = T.task_rollup(province, plan, range(2023, 2026), as_of=datetime.date(2026, 1, 15))
    kinds = {k.kind: k for k in r.kinds}
    assert kinds["training"].participants == 80  # 06001's 45 not yet: its report is not approved
    assert kinds["meeting"].participants == 120  # the old district's 2025-H1, approved
    assert r.done and r.late
    budget = {b["source"]: b for b in r.budget}
    assert budget["province"]["planned"] == 80_000_000 and budget["province"]["spent"] == 10_000_000 + 6_000_000 + 15_000_000
    assert "2 lớp tập huấn, đào tạo cho 80 lượt" in " ".join(r.text.split())
