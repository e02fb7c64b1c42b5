"""Who hears of what in the report workflow, and in what words (notifications.services.notify
writes the notification and the e-mail):

- a report sent for review → the reviewers of the nearest level above that has any (a commune's
  report: its province's reviewers, or the country's when the province has none), never its sender;
- a report returned or approved → the people who wrote it: its last sender and its creator, never
  the reviewer who acted;
- a document issued → the leaders of the document's area.

reporting.services and the issue page call these once the change is made."""
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notify
from reporting.permissions import last_sender_id

K = Notification.Kind


def _users():
    return get_user_model().objects.filter(is_active=True)


def reviewers_for(report, exclude=None):
    """The reviewers of the nearest area above the report's that has any (the national level's own
    report: the national reviewers). The sender is left out."""
    User = get_user_model()
    area = report.area
    candidates = [*reversed(area.ancestor_ids())] if area.level > 0 else [area.pk]
    by_area = {}
    for user in _users().filter(role=User.Role.REVIEWER, area_id__in=candidates).exclude(
            pk=getattr(exclude, "pk", None)):
        by_area.setdefault(user.area_id, []).append(user)
    return next((by_area[pk] for pk in candidates if pk in by_area), [])


def authors_of(report, exclude=None):
    ids = {last_sender_id(report), report.created_by_id} - {None, getattr(exclude, "pk", None)}
    return list(_users().filter(pk__in=ids))


def _url(report):
    return reverse("reporting:detail", args=[report.pk])


def report_submitted(report, user):
    notify(reviewers_for(report, exclude=user), K.REPORT_SUBMITTED,
           _("%(area)s gửi báo cáo %(period)s chờ duyệt.") % {"area": report.area.name,
                                                             "period": report.period.label.lower()},
           _url(report))


def report_returned(report, user, comment):
    who = user.get_full_name() or user.username
    notify(authors_of(report, exclude=user), K.REPORT_RETURNED,
           _("%(who)s trả lại báo cáo %(period)s của %(area)s: “%(comment)s”") % {
               "who": who, "period": report.period.label.lower(), "area": report.area.name,
               "comment": comment[:300]},
           _url(report))


def report_approved(report, user):
    who = user.get_full_name() or user.username
    notify(authors_of(report, exclude=user), K.REPORT_APPROVED,
           _("%(who)s đã duyệt báo cáo %(period)s của %(area)s.") % {
               "who": who, "period": report.period.label.lower(), "area": report.area.name},
           _url(report))


def document_issued(doc):
    User = get_user_model()
    leaders = _users().filter(role=User.Role.LEADER, area=doc.area).exclude(pk=doc.created_by_id)
    notify(leaders, K.DOCUMENT_ISSUED,
           _("Đã ban hành văn bản %(number)s (%(area)s, ngày %(day)s).") % {
               "number": doc.number, "area": doc.area.name, "day": doc.issued_on.strftime("%d/%m/%Y")},
           reverse("documents:detail", args=[doc.pk]))
