"""When a plan's task falls due (no database): the years a task is expected to have been done.

- once: by its end year;
- yearly ("hằng năm"): every year from its start to its end;
- every N years ("02 năm/lần"): the N-th year of its span and every N years after — Lạng Sơn's
  honouring ceremony of a 2023–2030 plan is due in 2024, 2026, 2028 and 2030;
- per period (a media column "định kỳ hằng tháng, quý"): every year, and in every reporting
  period of it (reporting.tasks.due_periods).
"""

ONCE, YEARLY, EVERY_N, PER_PERIOD = "once", "yearly", "every_n", "per_period"


def due_years(recurrence, start_year, end_year, every_years=None):
    """The years in which a task is due, in order."""
    if start_year > end_year:
        return []
    if recurrence == ONCE:
        return [end_year]
    if recurrence == EVERY_N:
        step = every_years or 1
        return list(range(start_year + step - 1, end_year + 1, step))
    return list(range(start_year, end_year + 1))


def task_due_years(task):
    return due_years(task.recurrence, task.start_year, task.end_year, task.every_years)


def recurrence_text(recurrence, every_years=None):
    """How the timeframe reads in Vietnamese ("02 năm/lần")."""
    return {ONCE: "một lần", YEARLY: "hằng năm", PER_PERIOD: "mỗi kỳ báo cáo",
            EVERY_N: f"{every_years or 0:02d} năm/lần"}[recurrence]
