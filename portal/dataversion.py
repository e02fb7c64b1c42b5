"""The data version: one number, in one database row, that every change able to move a progress
figure increments (an approval, a return, a submission, an import, a target, plan, allocation or
area-group edit, the map and periods at bootstrap). Cached figures (reporting.cache) are keyed by
it, so the page is never stale: a change is visible to the very next request on every gunicorn
worker and every machine, because they all read the same row.

- ``current()``: the version (one query), or None inside a transaction that has changed figures
  and not yet committed — its own reads must not come from (or go into) the shared cache.
- ``bump(reason)``: increments the row when the transaction commits (transaction.on_commit; at
  once outside a transaction), once per transaction however many rows it writes. After the
  commit, not inside it: a long import does not hold a lock on the row that an approval would
  wait for, and the order "data committed, then version incremented" means a reader that sees
  the new version also sees the new data (a reader that computed from the old data under the
  old version stored its result under a key nobody reads any more).

Model saves and deletes bump through signals (reporting.cache); bulk writes, which send no
signals, call ``bump`` themselves.
"""
import logging
import time

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.models import DataVersion

log = logging.getLogger(__name__)
ROW = 1


class _Bump:
    """The on-commit callback (a class, so that a pending one is recognised in the queue)."""

    def __init__(self, reason):
        self.reason = reason

    def __call__(self):
        reason = self.reason[:100]
        if not DataVersion.objects.filter(pk=ROW).update(value=F("value") + 1, reason=reason,
                                                          changed_at=timezone.now()):
            _create(reason)
        log.info("data version bumped: %s", reason)


def _create(reason=""):
    """The row, when missing (a flushed database): started from the clock, so that a number
    used before the flush is not used again for other data."""
    try:
        with transaction.atomic():
            row, _ = DataVersion.objects.get_or_create(pk=ROW, defaults={
                "value": time.time_ns() // 1000, "reason": reason, "changed_at": timezone.now()})
    except IntegrityError:  # created meanwhile by another process
        row = DataVersion.objects.get(pk=ROW)
    return row.value


def pending():
    """Whether the current transaction has changed figures it has not committed yet."""
    return connection.in_atomic_block and any(isinstance(entry[1], _Bump) for entry in connection.run_on_commit)


def bump(reason):
    """Increment the version when the current transaction commits (at once outside one)."""
    if pending():
        return  # one increment per transaction is enough
    transaction.on_commit(_Bump(reason))


def current():
    """The version, or None while the current transaction has uncommitted changes to figures."""
    if pending():
        return None
    value = DataVersion.objects.filter(pk=ROW).values_list("value", flat=True).first()
    return _create() if value is None else value
