"""``notify(users, kind, text, url)``: the one way the portal tells people something. It writes
one Notification per user (the bell and /thong-bao/) and, once the surrounding transaction has
committed, sends the same text by e-mail to each user who has an address and has not turned
e-mail off (``User.email_notifications``, /tai-khoan/thong-bao/).

The app imports no feature app: the workflows (reporting.notices) decide who gets what and call
this; the reminders (home.reminders) likewise."""
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Notification

log = logging.getLogger(__name__)


def notify(users, kind, text, url="", *, key=""):
    """Notifies each distinct active user once; with ``key``, a user who already has a
    notification with that key gets nothing again. Returns the notifications created."""
    created = []
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if key:
            try:
                with transaction.atomic():
                    note = Notification.objects.create(recipient=user, kind=kind, text=text, url=url, key=key)
            except IntegrityError:  # already sent: the unique (recipient, key) says so
                continue
        else:
            note = Notification.objects.create(recipient=user, kind=kind, text=text, url=url)
        created.append(note)
    mails = [(n.recipient.email, n.text, n.url) for n in created if wants_email(n.recipient)]
    if mails:
        transaction.on_commit(lambda: send_emails(mails))
    return created


def wants_email(user):
    return bool(user.email) and getattr(user, "email_notifications", True)


def send_emails(mails):
    """One message per address. A mail server that refuses is logged, never raised: the change
    that caused the notification has already been made, and the bell still shows it."""
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    messages = []
    for address, text, url in mails:
        body = text + ("\n\n" + base + url if url and base else "\n\n" + url if url else "")
        body += "\n\n" + _("Tắt thư thông báo: Tài khoản › Thông báo trên Cổng Đề án 01.")
        messages.append(EmailMessage(subject=_("[Đề án 01] %(text)s") % {"text": text[:120]}, body=body,
                                     to=[address]))
    try:
        get_connection().send_messages(messages)
    except Exception:  # noqa: BLE001 - SMTP errors of every kind
        log.exception("notification e-mail not sent (%d messages)", len(messages))


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, notifications=None):
    """Marks the user's unread notifications (or those given) read; returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        qs = qs.filter(pk__in=[n.pk for n in notifications])
    return qs.update(read_at=timezone.now())
