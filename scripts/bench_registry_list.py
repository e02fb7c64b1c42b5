"""Benchmark of the cooperative list at national scale: 100 000 cooperatives, 300 000 managers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python manage.py bootstrap
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python scripts/bench_registry_list.py

Generates the registry with cooperatives.demo.generate_registry (codes starting with 98) unless it is
there already (kept between runs: --regenerate to make it again, --cleanup to delete it at the
end), then requests the list page through django.test.Client as a national administrator and
as a province reviewer (both created if missing): first page, the pages after the 2 500th,
50 000th (the middle) and 99 950th rows (keyset: ``sau=<code>``, the cursor found once before
measuring), the page before the middle (``truoc=``), the last page (``cuoi=1``), a search, a
filter and a deep page of it, the province's own page; each 5 times after a warm-up, printing
the median time, the SQL queries per request and the slowest of them (goal: every page < 150 ms). Then the XLSX export of a filtered province list (time
and rows). The list must cost the same number of queries whatever the rows it shows.
"""
import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from cooperatives.demo import delete_generated, generate_registry, generated  # noqa: E402
from cooperatives.models import Cooperative, Manager  # noqa: E402
from cooperatives.views import LIST_ORDER  # noqa: E402
from portal.models import Area, User  # noqa: E402

CODE_PREFIX = "98"
REPEAT = 5
PROVINCE = "20"  # Lạng Sơn: the province reviewer's area


def ensure_user(username, role, code):
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": role, "area": Area.resolve(code), "first_name": username})
    if user.role != role or user.area_id != Area.resolve(code).pk:
        user.role, user.area = role, Area.resolve(code)
        user.save(update_fields=["role", "area"])
    return user


def ensure_registry(n, managers_per, regenerate):
    have = generated(CODE_PREFIX).count()
    if have and not regenerate:
        managers = Manager.objects.filter(cooperative__code__startswith=CODE_PREFIX).count()
        print(f"registry: {have:,} generated cooperatives and {managers:,} managers there already (kept)")
        return
    print(f"generating {n:,} cooperatives and {n * managers_per:,} managers (codes {CODE_PREFIX}…):")
    counts = generate_registry(cooperatives=n, managers_per=managers_per, code_prefix=CODE_PREFIX,
                               stdout=sys.stdout, replace=True)
    print(f"  generated in {counts['seconds']:.1f} s: {counts['cooperatives']:,} cooperatives, "
          f"{counts['managers']:,} managers, {counts['workforce']:,} workforce rows, {counts['ocop']:,} OCOP products")


def measure(client, url, params, repeat=REPEAT):
    """Median, min and max ms of ``repeat`` requests after one warm-up; queries of the last; the
    slowest query (ms); the last response (its HTML: response.context needs the test runner's
    template instrumentation, which would slow the page down)."""
    response = client.get(url, params)  # warm-up: session, content types, plans
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    slowest = max((float(q["time"]) * 1000 for q in queries.captured_queries), default=0)
    return statistics.median(times), min(times), max(times), len(queries), slowest, response


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cooperatives", type=int, default=100_000)
    parser.add_argument("--managers-per", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true", help="generate the registry again")
    parser.add_argument("--cleanup", action="store_true", help="delete the generated registry at the end")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of the first page")
    args = parser.parse_args()
    communes = Area.objects.current_map().filter(level=Area.Level.COMMUNE).count()
    if communes < 3000:
        sys.exit("The database has no current map (communes). Run `python manage.py bootstrap` first "
                 "(with the same DATABASE_URL).")
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {communes} communes; "
          f"{os.cpu_count()} CPUs")
    ensure_registry(args.cooperatives, args.managers_per, args.regenerate)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cooperatives_cooperative, cooperatives_manager, cooperatives_workforce, "
                           "portal_area")

    R = User.Role
    national = Client()
    national.force_login(ensure_user("bench_trunguong", R.ADMIN, "VN"))
    province = Client()
    province.force_login(ensure_user("bench_kiemduyet", R.REVIEWER, PROVINCE))
    url = reverse("cooperatives:list")
    everyone = Cooperative.objects.order_by(*LIST_ORDER).values_list("code", flat=True)
    total = everyone.count()

    def code_at(qs, row):  # the cursor of a deep page, found once (an OFFSET) before measuring
        return qs[min(row, total - 1)]

    women = everyone.filter(is_women_managed=True)
    cases = [
        ("national admin, first page", national, {}),
        ("national admin, after row 2 500 (page 51)", national, {"sau": code_at(everyone, 2_499)}),
        ("national admin, search 'det tho cam'", national, {"q": "det tho cam"}),
        (f"national admin, after row {total // 2:,} (the middle)", national, {"sau": code_at(everyone, total // 2 - 1)}),
        ("national admin, before the middle", national, {"truoc": code_at(everyone, total // 2)}),
        (f"national admin, after row {total - 50:,}", national, {"sau": code_at(everyone, total - 51)}),
        ("national admin, last page (cuoi=1)", national, {"cuoi": 1}),
        ("national admin, women_managed=yes", national, {"women_managed": "yes"}),
        ("national admin, women_managed=yes, after row 2 500", national,
         {"women_managed": "yes", "sau": code_at(women, 2_499)}),
        (f"province reviewer ({PROVINCE}), first page", province, {}),
        (f"province reviewer ({PROVINCE}), search 'det tho cam'", province, {"q": "det tho cam"}),
    ]
    rows = []
    for label, client, params in cases:
        median, fastest, slowest_request, queries, slowest_sql, response = measure(client, url, params)
        html = response.content.decode()
        shown = re.search(r'id="coop-count">([^<]*?) hợp tác xã', html)
        rows.append((label, f"{median:.0f}", f"{fastest:.0f}–{slowest_request:.0f}", str(queries),
                     f"{slowest_sql:.0f}", f"{html.count('data-code=')}/{shown.group(1) if shown else 0}"))
    if args.show_sql:
        with CaptureQueriesContext(connection) as queries:
            national.get(url)
        for q in queries.captured_queries:
            print(f"-- {float(q['time']) * 1000:.1f} ms\n{q['sql']}\n")

    export_url = reverse("cooperatives:export", args=["xlsx"])
    exports = [
        (f"XLSX export, province reviewer ({PROVINCE}), women_managed=yes", province, {"women_managed": "yes"}),
        (f"XLSX export, national admin, area={PROVINCE}, kind=HTX", national, {"area": PROVINCE, "kind": "HTX"}),
        ("XLSX export, national admin, area=01 (Hà Nội)", national, {"area": "01"}),
    ]
    for label, client, params in exports:
        times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(export_url, params)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        n_rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
        slowest_sql = max((float(q["time"]) * 1000 for q in queries.captured_queries), default=0)
        rows.append((label, f"{statistics.median(times):.0f}", f"{min(times):.0f}–{max(times):.0f}",
                     str(len(queries)), f"{slowest_sql:.0f}", f"{n_rows:,} rows"))

    header = ("request", "median ms", "min–max ms", "queries", "slowest SQL ms", "rows shown/total")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join("{:<%d}" % w if i == 0 else "{:>%d}" % w for i, w in enumerate(widths)) + " |"
    print()
    print(line.format(*header))
    print("|" + "|".join(("-" * (w + 1) + ":") if i else "-" * (w + 2) for i, w in enumerate(widths)) + "|")
    for row in rows:
        print(line.format(*row))
    print(f"\n(list requests: {REPEAT} runs after a warm-up; exports: 3 runs)")
    worst = max(float(r[1]) for r in rows if not r[0].startswith("XLSX"))
    print(f"slowest list page: {worst:.0f} ms (goal < 150 ms): {'OK' if worst < 150 else 'TOO SLOW'}")
    if args.cleanup:
        delete_generated(CODE_PREFIX, stdout=sys.stdout)


if __name__ == "__main__":
    main()
