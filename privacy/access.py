"""Who sees a person's record, and the log of every read of one: the one place for both
(docs/personal-data.md). Views, exports, the API and the ``personal_data`` command call these.

Person-level fields are those beyond what most readers need: a manager's birth year and
ethnicity (ethnic origin is sensitive data under Law 91/2025). Names, sex and office stay
visible to whoever may open the cooperative: sex and office are what the Đề án's classification
reads ("do phụ nữ tham gia quản lý"), and a reviewer checks them against the report.

    may_see_person_fields(user)   data entry and administrators (they enter and keep the
                                  registry of their area); a reviewer or a leader only with a
                                  grant of an administrator (privacy.models.Grant) still in force
    record(user, action, ...)     one entry of the append-only log
    readable_log(user)            the entries an administrator reads: those about her area
                                  and the areas inside it
    purge_log(now)                deletes the entries older than ACCESS_LOG_RETENTION_DAYS

The area scoping of the records themselves is portal.scoping's, applied before any of this: a
record of another area is a 404 whoever asks.
"""
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from portal.models import Area, User
from privacy.models import AccessLog, Grant

PERSON_FIELDS = ("birth_year", "ethnicity")
RECORDS_KEPT = 500   # ids kept per entry; `count` holds the full number
ENTRY_ROLES = (User.Role.DATA_ENTRY, User.Role.ADMIN)
GRANTABLE_ROLES = (User.Role.REVIEWER, User.Role.LEADER)


def active_grant(user, today=None):
    today = today or timezone.localdate()
    return Grant.objects.filter(user=user, revoked_at__isnull=True, until__gte=today).order_by("-until").first()


def may_see_person_fields(user) -> bool:
    """The one rule. Cached on the user object for the request (a page asks once per table)."""
    if not getattr(user, "is_authenticated", False) or user.area_id is None:
        return False
    cached = getattr(user, "_may_see_person_fields", None)
    if cached is None:
        cached = user.role in ENTRY_ROLES or active_grant(user) is not None
        user._may_see_person_fields = cached
    return cached


def record(user, action, *, subject="", ids=(), count=None, area=None, purpose="", where=""):
    """Writes one log entry. ``ids``: the records read (the first RECORDS_KEPT kept); ``count``
    defaults to their number. ``area``: whose data it was (default: the user's area)."""
    ids = list(ids)
    return AccessLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        area=area if area is not None else getattr(user, "area", None),
        action=action, subject=subject, records=ids[:RECORDS_KEPT],
        count=len(ids) if count is None else count, purpose=(purpose or "").strip()[:2000],
        where=(where or "")[:300])


def record_view(request, subject, ids, area):
    """A page showed person-level fields of these records."""
    ids = list(ids)
    if ids:
        record(request.user, AccessLog.Action.VIEW, subject=subject, ids=ids, area=area, where=request.path)


def readable_log(user):
    """The entries about the administrator's area and the areas inside it (a national
    administrator also reads the entries without an area: the command line's)."""
    if user.role != User.Role.ADMIN or user.area_id is None:
        return AccessLog.objects.none()
    inside = Area.inside_q(user.area, "area")
    if user.area.level == Area.Level.COUNTRY:
        inside |= Q(area__isnull=True)
    return AccessLog.objects.filter(inside).select_related("area", "user")


def purge_log(now=None):
    """Deletes the entries older than ACCESS_LOG_RETENTION_DAYS; returns how many. The only
    delete the table allows (see privacy.models)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL portal.purging_access_log = 'on'")
        old = AccessLog.objects.filter(at__lt=cutoff)
        deleted = old.count()
        if deleted:
            # QuerySet.delete is refused (privacy.models); the raw delete skips it on purpose.
            old._raw_delete(old.db)
    return deleted
