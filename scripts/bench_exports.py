"""Benchmark of the registry export at national scale: 100 000 cooperatives, XLSX and CSV.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python manage.py bootstrap
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python scripts/bench_exports.py

Generates the registry with `manage.py generate_registry` (codes starting with 98) unless it is
there already, then exports the whole national list, as a national administrator sees it, once per
format, each in a child process of its own (so that its peak memory, ru_maxrss, is the export's
alone): the same code path as the export button and the background job (cooperative_list ->
exports.cooperative_rows -> exports.write), written to a temporary file. Prints rows, seconds,
the file's size and the child's peak resident memory.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def child(fmt, path):
    import django

    django.setup()
    from cooperatives import exports
    from cooperatives.selectors import cooperative_list
    from cooperatives.exports import planned_for_every_row
    from portal.models import Area, User

    user, _ = User.objects.get_or_create(username="bench_exports", defaults={
        "role": User.Role.ADMIN, "area": Area.resolve("VN")})
    start = time.perf_counter()
    rows = 0

    def counted():
        nonlocal rows
        for row in exports.cooperative_rows(cooperative_list(user=user)):
            rows += 1
            yield row

    with planned_for_every_row(), open(path, "wb") as out:
        exports.write(counted(), fmt, out)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{fmt}: {rows - 1:,} rows in {seconds:.1f} s, {os.path.getsize(path) / 1e6:.1f} MB file, "
          f"peak memory {peak_mb:.0f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cooperatives", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("FMT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cooperatives.demo import generated

    have = generated("98").count()
    if have < args.cooperatives:
        call_command("generate_registry", cooperatives=args.cooperatives, replace=bool(have))
    else:
        print(f"registry: {have:,} generated cooperatives there already (kept)")
    connection.close()
    print(f"database: {connection.vendor}; machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("xlsx", "csv"):
            subprocess.run([sys.executable, __file__, "--child", fmt, os.path.join(tmp, f"export.{fmt}")],
                           check=True)


if __name__ == "__main__":
    main()
