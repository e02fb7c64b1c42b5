"""Keyset pagination for long lists (the registry's 100 000 cooperatives): a page is found from
the row it follows or precedes, never by skipping rows (OFFSET n reads n rows), so that every
page — the first, a deep one, the last — costs one index range read. The count is exact only
while it is cheap: it stops at ``EXACT_COUNT_LIMIT`` rows ("hơn 10.000").

Links: first (no cursor), next (``sau=<key of the page's last row>``), previous
(``truoc=<key of its first row>``) and last (``cuoi=1``: the list read backwards). The key is
the list's unique last ordering field (a cooperative's code); the ordering must be total.
"""
from dataclasses import dataclass

from django.db.models import Q

EXACT_COUNT_LIMIT = 10_000
AFTER, BEFORE, LAST = "sau", "truoc", "cuoi"


@dataclass
class KeysetPage:
    object_list: list
    has_previous: bool
    has_next: bool
    previous_cursor: str | None
    next_cursor: str | None
    count: int
    count_exact: bool

    @property
    def has_other_pages(self):
        return self.has_previous or self.has_next

    def __len__(self):
        return len(self.object_list)


def capped_count(qs, limit=None):
    """(count, exact): the rows counted up to ``limit`` (a COUNT over at most limit + 1 rows)."""
    limit = limit or EXACT_COUNT_LIMIT
    n = qs.order_by().values("pk")[:limit + 1].count()
    return min(n, limit), n <= limit


def after_q(fields, values, reverse=False):
    """Rows strictly after (before, ``reverse``) the given values in the ordering ``fields``:
    (a, b) > (x, y) written as a >= x AND (a > x OR b > y), so that an index on the first field
    gives the range's start."""
    gt, ge = ("lt", "lte") if reverse else ("gt", "gte")
    (first, *rest), (value, *others) = fields, values
    if not rest:
        return Q(**{f"{first}__{gt}": value})
    return Q(**{f"{first}__{ge}": value}) & (Q(**{f"{first}__{gt}": value}) | after_q(rest, others, reverse))


def keyset_page(qs, params, *, fields, per_page, count_limit=None):
    """The page of ``qs`` (ordered by ``fields``, the last one unique) that ``params`` (the
    request's GET) asks for: first, after a key, before a key, or last. A key that is no longer
    in the list (deleted, or the filter changed) gives the first page."""
    key = fields[-1]
    count, exact = capped_count(qs, count_limit or EXACT_COUNT_LIMIT)
    after, before, last = params.get(AFTER), params.get(BEFORE), params.get(LAST)
    backwards = bool(before) or bool(last) and not after
    cursor = after or before
    anchor = None
    if cursor and not last:
        anchor = qs.filter(**{key: cursor}).values_list(*fields).first()
    forward_qs = qs.order_by(*fields)
    if anchor is None and not last:
        rows = list(forward_qs[:per_page + 1])
        return _page(rows, per_page, has_previous=False, has_next=len(rows) > per_page, key=key,
                     count=count, exact=exact)
    if not backwards:
        rows = list(forward_qs.filter(after_q(fields, anchor))[:per_page + 1])
        return _page(rows, per_page, has_previous=True, has_next=len(rows) > per_page, key=key,
                     count=count, exact=exact)
    back_qs = qs.order_by(*[f"-{f}" for f in fields])
    if anchor is not None:
        back_qs = back_qs.filter(after_q(fields, anchor, reverse=True))
    rows = list(back_qs[:per_page + 1])
    more_before = len(rows) > per_page
    rows = rows[:per_page]
    rows.reverse()
    if not more_before and anchor is not None and len(rows) < per_page:
        # back at the start with a short page: the first page instead (a full one)
        rows = list(forward_qs[:per_page + 1])
        return _page(rows, per_page, has_previous=False, has_next=len(rows) > per_page, key=key,
                     count=count, exact=exact)
    return KeysetPage(object_list=rows, has_previous=more_before, has_next=anchor is not None,
                      previous_cursor=_key(rows[0], key) if rows else None,
                      next_cursor=_key(rows[-1], key) if rows else None, count=count, count_exact=exact)


def _page(rows, per_page, *, has_previous, has_next, key, count, exact):
    rows = rows[:per_page]
    return KeysetPage(object_list=rows, has_previous=has_previous, has_next=has_next,
                      previous_cursor=_key(rows[0], key) if rows else None,
                      next_cursor=_key(rows[-1], key) if rows else None, count=count, count_exact=exact)


def _key(row, key):
    return str(getattr(row, key))
