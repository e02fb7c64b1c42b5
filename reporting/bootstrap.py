"""The reporting steps of `python manage.py bootstrap`: the reporting periods, and with --demo
Lạng Sơn's demo cooperatives and reports in every state (reporting/demo.py)."""
from portal.bootstrap import fmt_counts
from reporting.models import Period, standard_periods


def load():
    """The standard periods (idempotent): "periods: created N, updated N, unchanged N"."""
    return f"periods: {fmt_counts(load_periods())}"


def load_periods():
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for values in standard_periods():
        code = values.pop("code")
        period, created = Period.objects.get_or_create(code=code, defaults=values)
        if created:
            counts["created"] += 1
        elif any(getattr(period, k) != v for k, v in values.items()):
            Period.objects.filter(pk=period.pk).update(**values)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def demo(stdout):
    """Demo cooperatives and reports of Lạng Sơn, once; prints what it added."""
    from reporting.demo import demo_reports

    made = demo_reports(stdout=stdout)
    stdout.write(f"demo data (Lạng Sơn): cooperatives created {made['cooperatives']}, managers created "
                 f"{made['managers']}; reports created {made['reports']}, unchanged "
                 f"{made['reports_unchanged']}; values created {made['values']}")
    from reporting.demo import demo_activities

    made = demo_activities()
    stdout.write(f"demo data (Lạng Sơn tasks): activities created {made['activities']}, unchanged "
                 f"{made['activities_unchanged']}; task statuses created {made['statuses']}, unchanged "
                 f"{made['statuses_unchanged']}; budgets created {made['budgets']}")
    from reporting.demo import demo_khanh_hoa

    made = demo_khanh_hoa()
    stdout.write(f"demo data (Khánh Hòa 2019): reports created {made['reports']}, unchanged "
                 f"{made['reports_unchanged']}; values created {made['values']}; "
                 f"area groups created {made['groups']}")
