"""Benchmark of the progress page (/tien-do/…) at national scale: every commune, district and
province reporting, 23 figures a report (manage.py generate_demo --scale national).

    createdb -h 127.0.0.1 -U postgres portal_national
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_national
    python manage.py bootstrap
    python manage.py generate_demo --scale national
    python scripts/bench_progress.py [--repeat 5] [--explain] [--show-sql] [--cached]

Requests the pages through django.test.Client as a national administrator (area VN) and as a
Lạng Sơn province reviewer (both created if missing): the national page for the 2025 and the
2030 milestones, the province's page, a commune's page, the province's draft PDF (when
reporting.pdf is there) and the national XLSX export; each ``--repeat`` times after a warm-up,
printing the median time and the SQL queries of a request (the rollup runs the same handful of
aggregate queries whatever the size of the area: the national and provincial counts are shown
side by side). --explain prints EXPLAIN ANALYZE of the slowest queries of the national page
(PostgreSQL); --show-sql prints every query of it with its time.

With the 2030 scale (`generate_demo --scale national --through 2030`: every period to 2030) it
also requests the national page for the 2030 milestone as of 31/01/2031 (every report counts),
uncached, and times the bare SQL that computes the same figures in one statement (flows with
the 6-month/annual test per province of the year, stocks' latest report per area in existence,
summed per indicator and province): it prints both and their ratio (goal: ≤ 2 × and < 500 ms).
The national page reads each province's period from its sums (reporting/sums.py) where they are
fresh; the benchmark then marks every group changed and compares again (the page adding all
the values up itself, the cost before a rebuild), and rebuilds them.
"""
import argparse
import importlib.util
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Uncached: every request computes (the cached figures are the load benchmark's, bench_load.py),
# unless --cached is given.
if "--cached" not in sys.argv:
    os.environ["CACHE_URL"] = "dummycache://"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Indicator  # noqa: E402
from portal.models import Area, User  # noqa: E402
from reporting import rollup, sums  # noqa: E402
from reporting.models import ProvinceSumState, Report, ReportValue  # noqa: E402
from reporting.selectors import default_plan  # noqa: E402

PROVINCE = "20"      # Lạng Sơn: the province reviewer's area
COMMUNE = "06040"    # Xã Thất Khê


def ensure_user(username, role, code):
    area = Area.resolve(code)
    user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "area": area,
                                                                      "first_name": username})
    if user.role != role or user.area_id != area.pk:
        user.role, user.area = role, area
        user.save(update_fields=["role", "area"])
    return user


def check_database():
    """The database must hold the national demo: reports from (nearly) every commune and old district."""
    communes = Area.objects.current_map().filter(level=Area.Level.COMMUNE).count()
    if communes < 3000:
        sys.exit("The database has no current map (communes). Run `python manage.py bootstrap` and then "
                 "`python manage.py generate_demo --scale national` first (with the same DATABASE_URL).")
    reporting_communes = Report.objects.filter(area__level=Area.Level.COMMUNE).values("area").distinct().count()
    reporting_districts = Report.objects.filter(area__level=Area.Level.DISTRICT).values("area").distinct().count()
    if reporting_communes < 0.9 * communes or reporting_districts < 600:
        sys.exit(f"Only {reporting_communes} of {communes} communes and {reporting_districts} of 696 old districts "
                 "have reports: this benchmark measures the national scale. Run "
                 "`python manage.py generate_demo --scale national` first (with the same DATABASE_URL).")
    return communes, reporting_communes, reporting_districts


def measure(client, url, params, repeat):
    """Median, min and max ms of ``repeat`` requests after one warm-up; the queries of the last one."""
    response = client.get(url, params)  # warm-up: session, plans, templates
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return statistics.median(times), min(times), max(times), queries.captured_queries, response


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


BARE_SQL = """
WITH v AS (
  SELECT r.period_province_id AS pp, r.province_id AS child, r.area_id, p.year, p.kind, p.starts_on, p.ends_on,
         i.code, i.over_time, rv.value, rv.numerator, rv.denominator, a.valid_from, a.valid_to
  FROM reporting_reportvalue rv
  JOIN reporting_report r ON r.id = rv.report_id
  JOIN reporting_period p ON p.id = r.period_id
  JOIN plans_indicator i ON i.id = rv.indicator_id
  JOIN portal_area a ON a.id = r.area_id
  WHERE r.status = 'approved' AND p.year BETWEEN %(first)s AND %(last)s AND p.starts_on <= %(as_of)s
    AND r.first_submitted_at < %(sent_before)s AND rv.indicator_id IN %(indicators)s
), groups AS (
  SELECT pp, child, year, kind, code, SUM(value) AS v, SUM(numerator) AS n, SUM(denominator) AS d
  FROM v WHERE over_time = 'flow' GROUP BY pp, child, year, kind, code
), latest AS (
  SELECT child, code, value, numerator, denominator,
         ROW_NUMBER() OVER (PARTITION BY area_id, code ORDER BY ends_on DESC) AS rank
  FROM v WHERE over_time = 'stock' AND starts_on <= %(evaluation)s
    AND (valid_from IS NULL OR valid_from <= %(evaluation)s) AND (valid_to IS NULL OR valid_to >= %(evaluation)s)
)
SELECT code, child, SUM(v), SUM(n), SUM(d) FROM groups g
WHERE kind = 'Y' OR NOT EXISTS (SELECT 1 FROM groups y WHERE y.kind = 'Y' AND y.pp = g.pp AND y.year = g.year
                                AND y.code = g.code)
GROUP BY code, child
UNION ALL
SELECT code, child, SUM(value), SUM(numerator), SUM(denominator) FROM latest WHERE rank = 1 GROUP BY code, child
"""


def bare_sql(milestone, as_of, repeat):
    """Median ms of the bare SQL computing the national page's figures (per indicator and
    province), and its rows."""
    import datetime

    vn = Area.resolve("VN")
    plan = default_plan(vn, milestone)
    start, end = rollup.window(plan, milestone)
    indicators = tuple(t.indicator_id for t in plan.targets.filter(milestone=milestone)) or tuple(
        Indicator.objects.filter(in_catalog=True).values_list("pk", flat=True))   # as progress() picks them
    params = {"first": start.year, "last": end.year, "as_of": as_of, "evaluation": min(end, as_of),
              "sent_before": datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time(),
                                                       tzinfo=datetime.UTC),
              "indicators": indicators}
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            begin = time.perf_counter()
            cursor.execute(BARE_SQL, params)
            rows = cursor.fetchall()
            times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times[1:]), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cached", action="store_true", help="keep the progress cache (default: every request computes)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries (PostgreSQL)")
    parser.add_argument("--show-sql", action="store_true", help="print the queries of the national page")
    args = parser.parse_args()
    communes, reporting_communes, reporting_districts = check_database()
    settings.JOB_PROGRESS_LEVELS = []  # the PDF and XLSX rendered in the request: their cost, not a job's redirect
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {os.cpu_count()} CPUs; "
          f"{Report.objects.count():,} reports, {ReportValue.objects.count():,} values; reports from "
          f"{reporting_communes}/{communes} communes, {reporting_districts} old districts")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_report, reporting_reportvalue, reporting_period, plans_indicator, "
                           "portal_area, reporting_provincesum, reporting_provincesumstate")
    groups, fresh = sums.state()
    print(f"national sums (reporting/sums.py): {fresh} of {groups} provinces × periods fresh"
          + ("" if groups and fresh == groups else " — `python manage.py refresh_sums` builds them"))

    R = User.Role
    national = Client()
    national.force_login(ensure_user("bench_trunguong", R.ADMIN, "VN"))
    province = Client()
    province.force_login(ensure_user("bench_kiemduyet", R.REVIEWER, PROVINCE))

    def page(code):
        return reverse("progress:area", args=[code])

    cases = [
        ("national page VN, moc=2025", "national", national, page("VN"), {"moc": 2025}),
        ("national page VN, moc=2030", "national", national, page("VN"), {"moc": 2030}),
        (f"province page {PROVINCE}, moc=2025", "province", province, page(PROVINCE), {"moc": 2025}),
        (f"province page {PROVINCE}, moc=2030", "province", province, page(PROVINCE), {"moc": 2030}),
        (f"commune page {COMMUNE}, moc=2025", "province", province, page(COMMUNE), {"moc": 2025}),
    ]
    scale_2030 = Report.objects.filter(period__code="2030").count() > 0.9 * communes
    if scale_2030:
        cases.insert(2, ("national page VN, moc=2030, ngay=2031-01-31", "national", national, page("VN"),
                         {"moc": 2030, "ngay": "2031-01-31"}))
    else:
        print("(no 2030 reports: `generate_demo --scale national --through 2030` for the 2030 scale)")
    if importlib.util.find_spec("reporting.pdf") is not None:
        cases.append((f"province draft PDF {PROVINCE}, moc=2025", "province", province,
                      reverse("progress:pdf", args=[PROVINCE]), {"moc": 2025}))
    else:
        print("(reporting.pdf is not there: no PDF measured)")
    cases.append(("national XLSX export VN, moc=2025", "national", national,
                  reverse("progress:export", args=["VN", "xlsx"]), {"moc": 2025}))

    rows, captured = [], {}
    for label, who, client, url, params in cases:
        median, fastest, slowest, queries, response = measure(client, url, params, args.repeat)
        captured[label] = queries
        slowest_sql = max((float(q["time"]) * 1000 for q in queries), default=0)
        sql_total = sum(float(q["time"]) * 1000 for q in queries)
        rows.append((label, who, f"{median:.0f}", f"{fastest:.0f}–{slowest:.0f}", str(len(queries)),
                     f"{sql_total:.0f}", f"{slowest_sql:.0f}", f"{len(response.content) / 1024:.0f} KB"))

    header = ("request", "as", "median ms", "min–max ms", "queries", "SQL ms", "slowest SQL ms", "size")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(("{:<%d}" if i < 2 else "{:>%d}") % w for i, w in enumerate(widths)) + " |"
    print()
    print(line.format(*header))
    print("|" + "|".join(("-" * (w + 1) + ":") if i >= 2 else "-" * (w + 2) for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(line.format(*row))
    print(f"\n({args.repeat} requests each after a warm-up; SQL ms: the database time of the last request)")

    by_label = {r[0]: r for r in rows}
    print("\nqueries per request, national vs provincial (same rollup, same handful of queries):")
    for milestone in (2025, 2030):
        n = by_label[f"national page VN, moc={milestone}"][4]
        p = by_label[f"province page {PROVINCE}, moc={milestone}"][4]
        print(f"  moc={milestone}: national {n:>3}   province {p:>3}")

    national_queries = captured["national page VN, moc=2025"]
    if args.show_sql:
        print("\nqueries of the national page (moc=2025):")
        for q in national_queries:
            print(f"-- {float(q['time']) * 1000:.1f} ms\n{q['sql']}\n")
    if args.explain:
        if connection.vendor != "postgresql":
            print("\n--explain needs PostgreSQL")
        else:
            for q in sorted(national_queries, key=lambda q: -float(q["time"]))[:3]:
                print(f"\n-- {float(q['time']) * 1000:.1f} ms\n{q['sql']}\n{explain(q['sql'])}")

    target = float(by_label["national page VN, moc=2025"][2])
    print(f"\nnational page: {target:.0f} ms (target < 1000 ms): {'OK' if target < 1000 else 'TOO SLOW'}")

    import datetime
    today = datetime.date.today()
    comparisons = [("national page VN, moc=2025", {"moc": 2025}, 2025, today),
                   ("national page VN, moc=2030 (the page a national user opens today)", {"moc": 2030}, 2030, today)]
    if scale_2030:
        comparisons.append(("national page VN, moc=2030, ngay=2031-01-31 (every report counts)",
                            {"moc": 2030, "ngay": "2031-01-31"}, 2030, datetime.date(2031, 1, 31)))
    print(f"\nthe page (uncached) against the bare SQL that computes the same figures, taken in turn "
          f"({args.repeat * 2} of each, so that the machine's ups and downs fall on both):")
    for label, params, milestone, as_of in comparisons:
        page_ms, sql_ms, sql_rows = compare(national, page("VN"), params, milestone, as_of, args.repeat * 2)
        ok = page_ms <= 2 * sql_ms and page_ms < 500
        print(f"  {label}: page {page_ms:.0f} ms, bare SQL {sql_ms:.0f} ms ({len(sql_rows)} rows), "
              f"ratio {page_ms / sql_ms:.2f} ({'OK' if ok else 'over the goal: ≤ 2 × and < 500 ms'})")

    # The worst case: every province's sums changed since their last rebuild (as inside a
    # national import before it commits): the page adds every value up itself.
    sums.touch(ProvinceSumState.objects.values_list("period_id", "province_id"))
    try:
        print(f"\nthe same with every province's sums marked changed (the page adds all the values up itself, "
              f"as before a rebuild; {args.repeat * 2} of each):")
        for label, params, milestone, as_of in comparisons:
            page_ms, sql_ms, _ = compare(national, page("VN"), params, milestone, as_of, args.repeat * 2)
            print(f"  {label}: page {page_ms:.0f} ms, bare SQL {sql_ms:.0f} ms, ratio {page_ms / sql_ms:.2f}")
    finally:
        call_command("refresh_sums", stdout=io.StringIO())   # rebuilt, and vacuumed as after a deploy


def compare(client, url, params, milestone, as_of, repeat):
    """Median ms of the page and of the bare SQL, requested alternately ``repeat`` times each."""
    client.get(url, params)
    pages, sqls, rows = [], [], None
    for _ in range(repeat):
        begin = time.perf_counter()
        response = client.get(url, params)
        pages.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
        sql_ms, rows = bare_sql(milestone, as_of, 1)
        sqls.append(sql_ms)
    return statistics.median(pages), statistics.median(sqls), rows

if __name__ == "__main__":
    main()
