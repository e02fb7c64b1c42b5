"""Issuing, revoking and checking personal API tokens (the page, the `api_token` command and
the API's authentication all call these)."""
import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken

# last_used_at is written at most this often (not one UPDATE per request of a nightly sync).
TOUCH_EVERY = datetime.timedelta(minutes=10)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(user):
    """A new token for the user, replacing her old one (which stops working). Returns the
    token itself: the only time it exists outside the client."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, digest=digest(key), prefix=key[:8])
    return key


def revoke_token(user):
    """Removes the user's token; True if she had one."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)


def user_for_token(key):
    """The active user a token belongs to, or None; notes when it was used."""
    token = ApiToken.objects.select_related("user", "user__area").filter(digest=digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
