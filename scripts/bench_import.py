"""Benchmark of import_cooperatives: 10 000 cooperatives and 30 000 managers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python manage.py bootstrap
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python scripts/bench_import.py [--keep]

Writes a deterministic (seeded) XLSX spread over the real current communes (half the rows
name the commune by code, half by province and name), imports it with the real importer,
imports it a second time (everything unchanged), and prints file generation time, import time,
rows per second and SQL queries of each run. The benchmark's cooperatives (codes starting with 99)
are deleted at the end unless --keep.
"""
import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from cooperatives import rules  # noqa: E402
from cooperatives.importer import COOP_COLUMNS, MANAGER_COLUMNS, MANAGER_SHEET, import_cooperatives  # noqa: E402
from cooperatives.models import Cooperative, Training  # noqa: E402
from portal.models import Area  # noqa: E402
from portal.text import search_key  # noqa: E402

CODE_PREFIX = "99"
SECTORS = [str(s.label) for s in Cooperative.Sector]
KINDS = ["HTX", "HTX", "HTX", "THT", "Liên hiệp HTX"]
ROLE_NAMES = [label for _, label in rules.ROLES]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Lương", "Nông", "Hà", "Bế", "Đinh", "Lý"]
MIDDLE_F, MIDDLE_M = ["Thị", "Thị Thu", "Thị Minh", "Ngọc"], ["Văn", "Đức", "Minh", "Quang"]
GIVEN = ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Hạnh", "Nam", "Tú", "Hùng", "Dũng", "Sơn", "Bình", "An", "Cúc"]
PRODUCTS = ["Miến dong", "Trà hoa vàng", "Hồi", "Quế", "Rượu men lá", "Mật ong", "Gạo nếp", "Chè Shan tuyết"]


def generate(path, n_coops, managers_per_coop, seed=2025):
    rng = random.Random(seed)
    communes = list(Area.objects.current_map().filter(level=Area.Level.COMMUNE)
                    .values_list("code", "name", "parent__name"))
    # a name that two communes of one province share cannot be named without its code
    seen = {}
    for code, name, province in communes:
        seen.setdefault((province, search_key(name)), []).append(code)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hợp tác xã")
    ws.append(["DANH SÁCH HTX, THT (dữ liệu thử nghiệm)"])
    ws.append([header for _, header, _ in COOP_COLUMNS])
    today = datetime.date.today()
    codes = []
    for i in range(n_coops):
        code = f"{CODE_PREFIX}{i:08d}"
        codes.append(code)
        commune_code, commune_name, province = rng.choice(communes)
        by_code = i % 2 == 0 or len(seen[(province, search_key(commune_name))]) > 1
        members = rng.randint(5, 300)
        workers = rng.randint(2, 150)
        founded = today - datetime.timedelta(days=rng.randint(30, 9000))
        ocop = "; ".join(f"{p} ({rng.randint(3, 5)} sao)" for p in rng.sample(PRODUCTS, rng.choice([0, 0, 0, 1, 2])))
        ws.append([
            code, f"HTX thử nghiệm số {i}", rng.choice(KINDS),
            commune_code if by_code else None, None if by_code else province, None if by_code else commune_name,
            founded.strftime("%d/%m/%Y") if i % 3 else founded, rng.choice(SECTORS), rng.choice(["Có", "Không", ""]),
            members, rng.randint(0, members), workers, rng.randint(0, workers), ocop,
        ])
    ms = wb.create_sheet(MANAGER_SHEET)
    ms.append([header for _, header, _ in MANAGER_COLUMNS])
    for code in codes:
        for j in range(managers_per_coop):
            female = rng.random() < 0.6
            name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M), rng.choice(GIVEN),
                             str(j)])  # unique inside the cooperative
            ms.append([code, name, "Nữ" if female else "Nam", rng.randint(1955, 2000), ROLE_NAMES[j % len(ROLE_NAMES)],
                       rng.choice(["Có", "Không", ""])])
    wb.save(path)


def cleanup():
    """Deletes the benchmark's rows without a history record per row (raw deletes, children first)."""
    from django.db import transaction

    from cooperatives.models import Manager, OcopProduct, Workforce

    coops = Cooperative.objects.filter(code__startswith=CODE_PREFIX)
    with transaction.atomic():
        through = Training.managers.through.objects.filter(manager__cooperative__in=coops)
        trainings = list(through.values_list("training_id", flat=True).distinct())
        for qs in (through, Manager.objects.filter(cooperative__in=coops),
                   Workforce.objects.filter(cooperative__in=coops), OcopProduct.objects.filter(cooperative__in=coops)):
            qs.model.objects.filter(pk__in=list(qs.values_list("pk", flat=True)))._raw_delete(qs.db)
        Training.objects.filter(pk__in=trainings, managers__isnull=True, cadres__isnull=True).delete()
        coops._raw_delete(coops.db)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(path, rows):
    counter = QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = import_cooperatives(path)
    elapsed = time.perf_counter() - start
    if result.errors:
        for error in result.errors[:20]:
            print(error, file=sys.stderr)
        sys.exit(f"{len(result.errors)} errors: the benchmark file should be clean")
    print(f"  {result.summary()}")
    print(f"  import: {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s, {counter.count} SQL queries")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cooperatives", type=int, default=10_000)
    parser.add_argument("--managers-per-cooperative", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows")
    args = parser.parse_args()
    communes = Area.objects.current_map().filter(level=Area.Level.COMMUNE).count()
    if communes < 3000:
        sys.exit("The database has no current map (communes). Run `python manage.py bootstrap` first "
                 "(with the same DATABASE_URL).")
    if Cooperative.objects.filter(code__startswith=CODE_PREFIX).exists():
        sys.exit(f"Cooperatives with codes {CODE_PREFIX}… exist already (an earlier --keep run): delete them first.")
    n, m = args.cooperatives, args.cooperatives * args.managers_per_cooperative
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {communes} communes; "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        start = time.perf_counter()
        generate(path, n, args.managers_per_cooperative)
        print(f"file: {n} cooperatives + {m} managers, {path.stat().st_size / 1e6:.1f} MB, "
              f"generated in {time.perf_counter() - start:.2f} s")
        try:
            print("first import (everything new):")
            timed_import(path, n + m)
            print("second import of the same file (everything unchanged):")
            timed_import(path, n + m)
        finally:
            if not args.keep:
                start = time.perf_counter()
                cleanup()
                print(f"cleaned up in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
