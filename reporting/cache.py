"""Progress, cached: ``cached_progress()`` is ``selectors.progress()`` behind Django's cache
(local memory by default, Redis in production: settings CACHES, CACHE_URL), for the progress
page, its exports and PDF, the API and `manage.py progress`.

The key holds the data version (portal.dataversion) and every argument, with the as-of date
resolved (a page "as of today" is another key tomorrow):
``progress:<format>:<version>:<area>:<plan or default>:<milestone>:<as of>:<submitted>:<breakdown>``.
``cached_page()`` does the same for the rendered body of the progress page (its tables and chart
data), keyed as well by what else it shows: the user's area (which units are links) and role,
the language and the query string. Every change that can move a figure increments the version,
so a cached rollup is never stale:
the next request after a change reads a key that does not exist yet and computes it anew. A
repeated view costs one query (the version) and one cache read.

What bumps the version: saves and deletes of the models the rollup reads, through the signals
below (reports — a draft's figures excepted, since no figure counts them —, report values,
targets, plans, allocations, area groups, indicators, periods, areas); and the bulk writes,
which send no signals, by calling ``dataversion.bump`` themselves: import_submissions,
generate_demo, the allocation and area-group saves (web and spreadsheet), bootstrap. The
registry (cooperatives) moves no progress figure and does not bump it.

The same signals mark the national sums of a report's province and period changed
(reporting.sums.changed), which a page then adds up from the reports until they are rebuilt.
"""
import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from plans.models import Allocation, AreaGroup, Indicator, Plan, Target, Task, TaskBudget, TaskGroup
from portal import dataversion
from portal.models import Area
from reporting import sums
from reporting.models import Activity, Period, Report, ReportValue, TaskStatus
from reporting.selectors import progress

log = logging.getLogger(__name__)
# Bumped when the cached Progress changes shape, so that a deploy never unpickles an old one.
FORMAT = 1


def progress_key(version, area, *, plan, milestone, as_of, include_submitted, breakdown):
    return (f"progress:{FORMAT}:{version}:{area.pk}:{plan.pk if plan is not None else 'default'}:{milestone}:"
            f"{as_of.isoformat()}:{int(bool(include_submitted))}:{int(bool(breakdown))}")


UNREAD = object()   # the version argument when the caller has not read it


def cached_progress(area, *, plan=None, milestone, as_of=None, include_submitted=False, breakdown=True,
                    version=UNREAD):
    """``progress()``'s result, from the cache when the data have not changed since it was computed.
    ``version``: the data version when the caller has just read it (one query less per page)."""
    as_of = as_of or datetime.date.today()
    kwargs = dict(plan=plan, milestone=milestone, as_of=as_of, include_submitted=include_submitted,
                  breakdown=breakdown)
    version = dataversion.current() if version is UNREAD else version
    if version is None:  # this transaction has changed figures: compute from what it sees
        return progress(area, **kwargs)
    return _through_cache(progress_key(version, area, **kwargs), lambda: progress(area, **kwargs))


def cached_page(name, parts, render, version=UNREAD):
    """A rendered piece of a page that shows progress figures (``render()``: its HTML), cached
    under the data version and ``parts`` — everything else the piece depends on (the area, the
    choices, the user's area and role, the language, the query string its links carry)."""
    version = dataversion.current() if version is UNREAD else version
    if version is None:
        return render()
    digest = hashlib.sha1(repr(list(parts)).encode()).hexdigest()
    return _through_cache(f"{name}:{FORMAT}:{version}:{digest}", render)


def _through_cache(key, compute):
    try:
        hit = cache.get(key)
    except Exception:  # an unreachable Redis, an entry that no longer unpickles: compute it
        log.warning("progress cache read failed", exc_info=True)
        hit = None
    if hit is not None:
        return hit
    result = compute()
    try:
        cache.set(key, result, timeout=settings.PROGRESS_CACHE_SECONDS)
    except Exception:
        log.warning("progress cache write failed", exc_info=True)
    return result


# What moves a figure -----------------------------------------------------------------------

NOT_COUNTED = (Report.Status.DRAFT, Report.Status.RETURNED)


def _changed(sender, instance, **kwargs):
    dataversion.bump(f"{sender._meta.label}")


def _value_changed(sender, instance, **kwargs):
    """A figure of a draft (or returned) report, as it is typed, counts nowhere: no bump (the
    report in hand is the one the entry service locked and checked; otherwise bump)."""
    if ReportValue.report.is_cached(instance) and instance.report.status in NOT_COUNTED and kwargs.get(
            "signal") is post_save:
        return
    _changed(sender, instance, **kwargs)
    if ReportValue.report.is_cached(instance):
        group = (instance.report.period_id, instance.report.province_id)
    else:   # (a value deleted with its report: the report's own signal marks the group)
        group = Report.objects.filter(pk=instance.report_id).values_list("period_id", "province_id").first()
    if group is not None:
        sums.changed([group])


def _report_changed(sender, instance, **kwargs):
    """A report saved or deleted: the version, and its province's sums for the period (not for a
    draft: no report goes back to draft, so a draft has never counted)."""
    _changed(sender, instance, **kwargs)
    if instance.status != Report.Status.DRAFT:
        sums.changed([(instance.period_id, instance.province_id)])


def connect():
    """Called once from ReportingConfig.ready()."""
    # the targets and their rollup; the plan's tasks, their budgets, statuses and activities
    # (the progress page's tasks section)
    for model in (Target, Plan, Allocation, AreaGroup, Indicator, Period, Area,
                  TaskGroup, Task, TaskBudget, TaskStatus, Activity):
        post_save.connect(_changed, sender=model, dispatch_uid=f"dataversion-save-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"dataversion-delete-{model._meta.label}")
    post_save.connect(_report_changed, sender=Report, dispatch_uid="dataversion-save-reporting.Report")
    post_delete.connect(_report_changed, sender=Report, dispatch_uid="dataversion-delete-reporting.Report")
    post_save.connect(_value_changed, sender=ReportValue, dispatch_uid="dataversion-save-reportvalue")
    post_delete.connect(_value_changed, sender=ReportValue, dispatch_uid="dataversion-delete-reportvalue")
