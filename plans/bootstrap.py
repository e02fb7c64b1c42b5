"""The plans' step of `python manage.py bootstrap`: the Đề án, the seed plans with every numeric
target, and the indicator catalog (plans/loader.py)."""
from plans.loader import load_plans
from portal.bootstrap import fmt_counts


def load():
    """Seeds and indicators (idempotent): "plans: created N, updated N, unchanged N, ..."."""
    return f"plans: {fmt_counts(load_plans())}"
