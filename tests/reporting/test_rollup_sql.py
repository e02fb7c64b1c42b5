"""The database adds up, reporting.rollup states the rules: the same hand-computed cases through
the SQL path (reporting.selectors._figures: per-group sums, one row per indicator and child)
and through the pure functions over one row per unit. Run on SQLite and on PostgreSQL
(DATABASE_URL=postgres://…)."""
import datetime
from collections import defaultdict
from decimal import Decimal as D

import pytest

from plans.models import Indicator
from portal.models import Area
from reporting import rollup
from reporting.models import Period, Report
from reporting.selectors import _facts, _figures, child_key
from tests.reporting.factories import report
from tests.reporting.helpers import ha_noi_commune, other_lang_son_commune

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2026, 1, 15)
LAST_OLD_DAY = datetime.date(2025, 6, 30)
WINDOW = (datetime.date(2023, 1, 1), datetime.date(2025, 12, 31))
CODES = ["HTX_MOI", "LD_NU_ON_DINH_HTX", "NU_QL_DAO_TAO_TL"]


@pytest.fixture
def units():
    """(code, period, values) of every report, all approved, sent 15 days before the period's end:

    old district 178   2024-H1 HTX 2; 2024 HTX 3, LD 40, trained 4/8; 2025-H1 HTX 1, LD 50
    old district 181   2024-H1 HTX 5 (Lạng Sơn has an annual 2024: no longer counts in its total)
    commune 06040      2025 HTX 6, LD 35, trained 8/10
    another commune    2025 HTX 4, LD 20
    Lạng Sơn itself    2025 HTX 1, trained 1/2
    a Hà Nội commune   2025 HTX 2, LD 7
    """
    district_181 = (Area.resolve("20", on=LAST_OLD_DAY).children.filter(level=Area.Level.DISTRICT)
                    .exclude(code="178").order_by("code").first().code)
    other, hanoi = other_lang_son_commune(), ha_noi_commune()
    rows = [
        ("178", "2024-H1", {"HTX_MOI": 2}),
        ("178", "2024", {"HTX_MOI": 3, "LD_NU_ON_DINH_HTX": 40, "NU_QL_DAO_TAO_TL": (4, 8)}),
        ("178", "2025-H1", {"HTX_MOI": 1, "LD_NU_ON_DINH_HTX": 50}),
        (district_181, "2024-H1", {"HTX_MOI": 5}),
        ("06040", "2025", {"HTX_MOI": 6, "LD_NU_ON_DINH_HTX": 35, "NU_QL_DAO_TAO_TL": (8, 10)}),
        (other, "2025", {"HTX_MOI": 4, "LD_NU_ON_DINH_HTX": 20}),
        ("20", "2025", {"HTX_MOI": 1, "NU_QL_DAO_TAO_TL": (1, 2)}),
        (hanoi, "2025", {"HTX_MOI": 2, "LD_NU_ON_DINH_HTX": 7}),
    ]
    for code, period, values in rows:
        report(code, period, **values)
    return {"181": district_181, "other": other, "hanoi": hanoi}


def sql_path(area, as_of):
    """The selector's figures for the CODES in the Đề án's 2025 window."""
    indicators = list(Indicator.objects.filter(code__in=CODES))
    periods = list(Period.objects.filter(year__gte=2023, year__lte=2025, starts_on__lte=as_of).order_by("ends_on"))
    evaluation = rollup.evaluation_date(WINDOW[1], as_of, area.valid_to)
    figures = _figures(area, indicators, periods, evaluation, [Report.Status.APPROVED], as_of)
    return {ind.code: figures[ind.pk] for ind in indicators}


def pure_path(area, as_of):
    """The same figures from one row per unit and report, through rollup's functions only."""
    national = area.level == Area.Level.COUNTRY
    evaluation = rollup.evaluation_date(WINDOW[1], as_of, area.valid_to)
    sent_by = as_of + datetime.timedelta(days=1)
    flows, latest = defaultdict(list), {}
    for r in (Report.objects.filter(Area.inside_q(area, "area"), status=Report.Status.APPROVED)
              .select_related("area", "period").prefetch_related("values__indicator")):
        if r.first_submitted_at.date() >= sent_by or not WINDOW[0].year <= r.period.year <= WINDOW[1].year:
            continue
        child = r.province_id if national else child_key(area, r.area.path)
        for v in r.values.all():
            figure = rollup.Figure(v.value, v.numerator, v.denominator)
            if v.indicator.over_time == Indicator.OverTime.FLOW:
                flows[v.indicator.code].append((child, rollup.FlowRow(
                    group=r.period_province_id, year=r.period.year, kind=r.period.kind, figure=figure)))
            elif r.area.exists_on(evaluation) and r.period.starts_on <= evaluation:
                key = (v.indicator.code, r.area_id)
                if key not in latest or latest[key][0] < r.period.ends_on:
                    latest[key] = (r.period.ends_on, child, figure)
    out = {}
    for code, rows in flows.items():
        per_child = defaultdict(list)
        for child, row in rows:
            per_child[child].append(rollup.FlowRow(group=(child, row.group), year=row.year, kind=row.kind,
                                                   figure=row.figure))
        out[code] = (rollup.flow_total(row for _, row in rows),
                     {k: rollup.flow_total(v) for k, v in per_child.items()})
    stocks = defaultdict(lambda: defaultdict(list))
    for (code, _), (_, child, figure) in latest.items():
        stocks[code][child].append(figure)
    for code, per_child in stocks.items():
        out[code] = (rollup.add(f for figs in per_child.values() for f in figs),
                     {k: rollup.add(v) for k, v in per_child.items()})
    return out


def values(figure):
    return figure.value, figure.numerator, figure.denominator


def assert_same(area, as_of):
    sql, pure = sql_path(area, as_of), pure_path(area, as_of)
    for code in CODES:
        total, children, _ = sql[code]
        pure_total, pure_children = pure.get(code, (rollup.EMPTY, {}))
        assert values(total) == values(pure_total), code
        assert {k: values(f) for k, f in children.items()} == {k: values(f) for k, f in pure_children.items()}, code
    return sql


def test_province_page_hand_computed_both_paths(units):
    lang_son = Area.resolve("20")
    sql = assert_same(lang_son, AFTER_2025)
    pk = {code: Area.resolve(code, on=LAST_OLD_DAY).pk for code in ("178", units["181"])}
    pk.update({code: Area.resolve(code).pk for code in ("06040", units["other"])})
    total, children, trend = sql["HTX_MOI"]
    # 2024: Lạng Sơn has an annual report (178's 3): the 6-month ones (2 and 5) no longer count;
    # 2025: annual reports 6 + 4 + 1 (the province's own)
    assert total.value == 3 + 11
    # each child by its own test: 178 2024 annual 3 + 2025-H1 1; 181 has only its 6-month 5
    assert {k: f.value for k, f in children.items()} == {
        pk["178"]: 4, pk[units["181"]]: 5, pk["06040"]: 6, pk[units["other"]]: 4, lang_son.pk: 1}
    assert {y: f.value for y, f in trend.items()} == {"2024": 3, "2025": 11}
    total, children, trend = sql["LD_NU_ON_DINH_HTX"]
    # 31/12/2025: the old districts no longer exist; the communes' latest reports
    assert total.value == 35 + 20
    assert {k: f.value for k, f in children.items()} == {pk["06040"]: 35, pk[units["other"]]: 20}
    assert {p: f.value for p, f in trend.items()} == {"2024": 40, "2025-H1": 50, "2025": 55}
    total, children, _ = sql["NU_QL_DAO_TAO_TL"]
    assert (total.numerator, total.denominator, total.actual(True)) == (9, 12, D("75.00"))
    assert {k: (f.numerator, f.denominator) for k, f in children.items()} == {pk["06040"]: (8, 10),
                                                                             lang_son.pk: (1, 2)}


def test_province_page_on_the_old_map_last_day_both_paths(units):
    sql = assert_same(Area.resolve("20"), LAST_OLD_DAY)
    # 30/6/2025: 178's 2025-H1 (sent 15/6) is its latest; the 2025 annual reports were not sent yet
    assert sql["LD_NU_ON_DINH_HTX"][0].value == 50
    assert values(sql["NU_QL_DAO_TAO_TL"][0])[1:] == (4, 8)
    assert sql["HTX_MOI"][0].value == 3 + 1       # 2024 annual; 2025: 178's 6-month only


def test_national_page_by_province_both_paths(units):
    vn = Area.resolve("VN")
    sql = assert_same(vn, AFTER_2025)
    lang_son, ha_noi = Area.resolve("20").pk, Area.resolve("01").pk
    total, children, _ = sql["HTX_MOI"]
    assert total.value == 14 + 2
    assert {k: f.value for k, f in children.items()} == {lang_son: 14, ha_noi: 2}
    total, children, _ = sql["LD_NU_ON_DINH_HTX"]
    assert (total.value, {k: f.value for k, f in children.items()}) == (62, {lang_son: 55, ha_noi: 7})


def test_the_database_brings_back_one_row_per_child_not_per_unit(units):
    """Two communes of Lạng Sơn: one stock row for the province, one flow row per group."""
    vn = Area.resolve("VN")
    indicators = list(Indicator.objects.filter(code__in=CODES))
    periods = list(Period.objects.filter(year__gte=2023, year__lte=2025))
    flows, stocks, _ = _facts(vn, indicators, periods, WINDOW[1], [Report.Status.APPROVED], True, AFTER_2025)
    ld = [r for r in stocks if r["code"] == "LD_NU_ON_DINH_HTX"]
    assert sorted((r["child"], r["v"]) for r in ld) == sorted([(Area.resolve("20").pk, 55),
                                                               (Area.resolve("01").pk, 7)])
    # HTX_MOI 2025 annual in Lạng Sơn: 06040, the other commune and the province: one row of 11
    annual_2025 = [r for r in flows if r["code"] == "HTX_MOI" and r["year"] == 2025 and r["kind"] == rollup.ANNUAL
                   and r["child"] == Area.resolve("20").pk]
    assert [r["v"] for r in annual_2025] == [11]


def test_national_completeness_on_time_is_the_local_due_day(db):
    """Due 20/12 by default: 20/12 23:30 in Hà Nội (16:30 UTC) is on time, 21/12 00:30 late."""
    from reporting.selectors import progress

    on_time = report("06040", "2025", submitted=datetime.datetime(2025, 12, 20, 16, 30, tzinfo=datetime.UTC),
                     HTX_MOI=1)
    late = report(other_lang_son_commune(), "2025", HTX_MOI=1,
                  submitted=datetime.datetime(2025, 12, 20, 17, 30, tzinfo=datetime.UTC))
    assert on_time.pk and late.pk
    prog = progress(Area.resolve("VN"), milestone=2025, as_of=AFTER_2025)
    periods = [p.code for p in prog.periods]
    tally = {province.code: cells for province, cells in prog.completeness}["20"][periods.index("2025")]
    assert (tally.on_time, tally.late) == (1, 1)
    assert tally.expected == Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE).count()


def test_completeness_as_of_a_day_counts_what_had_been_sent_by_then(db):
    """A report first sent after the as-of day is not sent yet on that day's page; before its due
    date the units without a report are pending, not missing."""
    from reporting.selectors import progress

    report("06040", "2025", submitted=datetime.datetime(2025, 12, 10, 3, tzinfo=datetime.UTC), HTX_MOI=1)
    report(other_lang_son_commune(), "2025", submitted=datetime.datetime(2026, 1, 5, 3, tzinfo=datetime.UTC),
           HTX_MOI=1)
    communes = Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE).count()

    def tally(as_of):
        prog = progress(Area.resolve("VN"), milestone=2025, as_of=as_of)
        periods = [p.code for p in prog.periods]
        return {province.code: cells for province, cells in prog.completeness}["20"][periods.index("2025")]

    before_due = tally(datetime.date(2025, 12, 15))      # due 20/12: one sent, the rest pending
    assert (before_due.on_time, before_due.late, before_due.missing, before_due.pending) == (1, 0, 0, communes - 1)
    after_due = tally(datetime.date(2025, 12, 31))       # the late one not sent yet: missing
    assert (after_due.on_time, after_due.late, after_due.missing, after_due.pending) == (1, 0, communes - 1, 0)
    later = tally(AFTER_2025)
    assert (later.on_time, later.late, later.missing) == (1, 1, communes - 2)

    prog = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2025, 12, 31))
    periods = [p.code for p in prog.periods]
    cells = {child.code: c for child, row in prog.completeness for c in [row[periods.index("2025")]]}
    assert cells["06040"].status == "on_time" and cells[other_lang_son_commune()].status == "missing"
