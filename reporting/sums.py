"""The national rollup's values, added up ahead: per period, current province, province of the
period's year, status and indicator (reporting.models.ProvinceSum), so that the national page
reads some tens of thousands of sums instead of every report's values (a million to 2030).

Exact, never stale: a group (a period and a current province) is read from its sums only while
its state says they were built from what the reports hold now (``fresh``) and
every report summed had been sent by the page's as-of day (``last_sent``); every other group is
added up from the reports' values in the same statement (``national_flows``). So a change is
visible at once, whether or not its group has been rebuilt yet.

- ``touch(groups)``, in the writer's transaction: marks the groups not current. The
  signals of reporting.cache call it for every save and delete of a report or of a counted
  value; the bulk writers (import_submissions) call ``changed`` themselves.
- ``rebuild(groups)``: under the state rows' lock, sums the groups anew from the reports and
  marks them current. A writer that changes the group meanwhile waits for the lock (its
  change is not committed, so the rebuild did not read it) and then marks the group not
  current again, so a rebuild never marks as current what it did not read.
- ``changed(groups)`` touches and, once the transaction commits, rebuilds (a few milliseconds
  for one province's period); a failed rebuild only leaves the group to be added up live.
- ``generate_demo``, ``bootstrap`` and ``manage.py refresh_sums`` rebuild every group (on
  PostgreSQL under a lock of the whole state table, so that a group a writer creates meanwhile
  is not summed halfway).
- Writes of reports and values run in a transaction (the services, the import and the demo data
  do): in autocommit Django sends ``post_save`` once the row is committed, so for an instant a
  group would read as fresh with the new row beside its old sums.

The arithmetic is unchanged: these are the same per-group sums the live query brings back,
and reporting.rollup applies its rules to them (tests/reporting/test_province_sums.py runs
the hand-computed cases both ways).
"""
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Sum

from reporting.models import ProvinceSum, ProvinceSumState, Report, ReportValue, counting_statuses

SUMMED = tuple(counting_statuses(include_submitted=True))   # the statuses any page counts
CHUNK = 300                          # groups per statement


def _q(model):
    return connection.ops.quote_name(model._meta.db_table)


def _groups(groups):
    """Distinct (period id, current province id) pairs; a report with no province (the country's
    own) is never summed."""
    return sorted({(int(p), int(v)) for p, v in groups if p is not None and v is not None})


def touch(groups):
    """Mark the groups changed, in the current transaction (their state row stays locked until
    it ends: a rebuild of the group waits for it)."""
    groups = _groups(groups)
    if not groups:
        return
    state = _q(ProvinceSumState)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {state} (period_id, province_id, fresh) VALUES (%s, %s, %s) "
            f"ON CONFLICT (period_id, province_id) DO UPDATE SET fresh = excluded.fresh",
            [(period, province, False) for period, province in groups])


class _Rebuild:
    """The rebuild run when the transaction that changed the groups commits (one per transaction)."""

    def __init__(self):
        self.groups = set()

    def __call__(self):
        rebuild(self.groups)


def changed(groups):
    """Touch the groups; rebuild them once the transaction commits. Outside a transaction
    (autocommit) the groups are only touched: a write that is followed by others (a report,
    then its values in bulk) must not be summed halfway."""
    groups = _groups(groups)
    if not groups:
        return
    touch(groups)
    if not connection.in_atomic_block:
        return
    pending = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Rebuild)), None)
    if pending is None:
        pending = _Rebuild()
        transaction.on_commit(pending, robust=True)
    pending.groups.update(groups)


def rebuild(groups=None):
    """Sum the groups anew (every group with a report when None); the number of groups built."""
    if groups is not None:
        groups = _groups(groups)
        return sum(_rebuild_some(groups[i:i + CHUNK]) for i in range(0, len(groups), CHUNK))
    return _rebuild_some(None)


def rebuild_stale():
    """Rebuild every group not marked fresh: one whose commit-time rebuild failed (a database
    restarting, a deadlock victim) would otherwise be added up live for good. `manage.py daily`
    runs it. Returns (groups found stale, groups built)."""
    stale = list(ProvinceSumState.objects.filter(fresh=False).values_list("period_id", "province_id"))
    return len(stale), rebuild(stale) if stale else 0


def _rebuild_some(groups):
    if groups == []:
        return 0
    state, sums, report, value = _q(ProvinceSumState), _q(ProvinceSum), _q(Report), _q(ReportValue)
    if groups is None:
        where, params = "", []
    else:
        where = f"(period_id, province_id) IN (VALUES {', '.join(['(%s, %s)'] * len(groups))})"
        params = [x for g in groups for x in g]
    summed = ", ".join(["%s"] * len(SUMMED))
    postgresql = connection.vendor == "postgresql"
    lock = " FOR UPDATE" if postgresql else ""
    with transaction.atomic(), connection.cursor() as cursor:
        if groups is None and postgresql:
            # every group, including those a writer creates meanwhile: writers wait until this
            # commits (their upsert), and this waits for those that have marked a group already
            cursor.execute(f"LOCK TABLE {state} IN SHARE ROW EXCLUSIVE MODE")
        # a state row for each group (a writer's uncommitted insert makes this wait for it)
        if groups is None:
            cursor.execute(f"INSERT INTO {state} (period_id, province_id, fresh) "
                           f"SELECT DISTINCT period_id, province_id, %s FROM {report} WHERE province_id IS NOT NULL "
                           f"ON CONFLICT (period_id, province_id) DO NOTHING", [False])
        else:
            cursor.executemany(f"INSERT INTO {state} (period_id, province_id, fresh) "
                               f"VALUES (%s, %s, %s) ON CONFLICT (period_id, province_id) DO NOTHING",
                               [(period, province, False) for period, province in groups])
        # locked in the order touch() marks them in (no deadlock with a writer of several groups)
        cursor.execute(f"SELECT id FROM {state}{' WHERE ' + where if where else ''} "
                       f"ORDER BY period_id, province_id{lock}", params)
        built = len(cursor.fetchall())
        cursor.execute(f"DELETE FROM {sums}{' WHERE ' + where if where else ''}", params)
        r_where = where.replace("(period_id, province_id)", "(r.period_id, r.province_id)")
        cursor.execute(
            f"INSERT INTO {sums} (period_id, province_id, period_province_id, status, indicator_id, value, numerator, "
            f"denominator) SELECT r.period_id, r.province_id, r.period_province_id, r.status, v.indicator_id, "
            f"SUM(v.value), SUM(v.numerator), SUM(v.denominator) FROM {value} v JOIN {report} r ON r.id = v.report_id "
            f"WHERE r.status IN ({summed}) AND r.first_submitted_at IS NOT NULL AND r.province_id IS NOT NULL"
            f"{' AND ' + r_where if where else ''} "
            f"GROUP BY r.period_id, r.province_id, r.period_province_id, r.status, v.indicator_id",
            [*SUMMED, *params])
        cursor.execute(
            f"UPDATE {state} SET fresh = %s, last_sent = (SELECT MAX(r.first_submitted_at) FROM {report} r "
            f"WHERE r.period_id = {state}.period_id AND r.province_id = {state}.province_id AND r.status IN ({summed}))"
            f"{' WHERE ' + where if where else ''}",
            [True, *SUMMED, *params])
    return built


def national_flows(statuses, periods, indicators, sent_before):
    """The counted values of the periods and indicators, sent before ``sent_before``, summed per
    (province of the period's year, current province, period, indicator): rows with pp, child,
    period, indicator, v, n, d. One statement: the groups whose sums are current and sent by
    then from their sums, the others from the reports' values."""
    current = ProvinceSumState.objects.filter(fresh=True, last_sent__lt=sent_before)
    ready = ProvinceSum.objects.filter(
        Exists(current.filter(period=OuterRef("period"), province=OuterRef("province"))),
        status__in=statuses, period__in=periods, indicator__in=indicators)
    ready = (ready.annotate(pp=F("period_province"), child=F("province"), per=F("period"), ind=F("indicator"))
             .values("pp", "child", "per", "ind")
             .annotate(v=Sum("value"), n=Sum("numerator"), d=Sum("denominator")).order_by())
    live = ReportValue.objects.filter(
        ~Exists(current.filter(period=OuterRef("report__period"), province=OuterRef("report__province"))),
        report__status__in=statuses, report__period__in=periods, indicator__in=indicators,
        report__first_submitted_at__lt=sent_before)
    live = (live.annotate(pp=F("report__period_province"), child=F("report__province"), per=F("report__period"),
                          ind=F("indicator"))
            .values("pp", "child", "per", "ind")
            .annotate(v=Sum("value"), n=Sum("numerator"), d=Sum("denominator")).order_by())
    return ready.union(live, all=True)


def state():
    """(groups, groups current) — for ``manage.py refresh_sums`` and the tests."""
    total = ProvinceSumState.objects.count()
    return total, ProvinceSumState.objects.filter(fresh=True).count()
