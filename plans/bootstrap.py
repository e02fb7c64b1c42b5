"""The plans' step of `python manage.py bootstrap`: the Đề án, the seed plans with every numeric
target, and the indicator catalog (plans/loader.py). Seeds are the starting point: what an
administrator changed stays (docs/seeds.md)."""
from plans.loader import load_plans, seeds_report
from portal.bootstrap import fmt_counts


def load():
    """Seeds and indicators (idempotent): "plans: created N, updated N, unchanged N", then
    ", skipped N" and one line per record left alone when a changed seed met an edited record."""
    counts = load_plans()
    return "\n".join([f"plans: {fmt_counts(counts)}", *counts.lines])


def report():
    """`bootstrap --seeds-report`: every difference between the seed files and the database."""
    lines = seeds_report()
    head = (f"seeds: {len(lines)} khác biệt giữa tệp seed (plans/seeds) và cơ sở dữ liệu"
            if lines else "seeds: cơ sở dữ liệu khớp với tệp seed")
    return "\n".join([head, *(f"  {line}" for line in lines)])
