"""Issuing, revoking and checking personal API tokens (the page, the `api_token` command and
the API's authentication all call these).

A token ends with the password it was made under: it keeps a mark of the user's password hash
(an HMAC, as Django's session hash is), and a token whose mark no longer matches is deleted
when it is next shown. So a reset by an administrator, a change of her own, `changepassword`
or a raw update all revoke it, whichever path wrote the password; api/apps.py also deletes it
at once when a user's password is saved, so that the token page does not show a dead token."""
import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from api.models import ApiToken

# last_used_at is written at most this often (not one UPDATE per request of a nightly sync).
TOUCH_EVERY = datetime.timedelta(minutes=10)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def password_mark(password_hash):
    """What a token remembers of the password it was made under (never the hash itself)."""
    return salted_hmac("api.tokens.password_mark", password_hash or "", algorithm="sha256").hexdigest()


@transaction.atomic
def issue_token(user):
    """A new token for the user, replacing her old one (which stops working). Returns the
    token itself: the only time it exists outside the client."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user).delete()
    ApiToken.objects.create(user=user, digest=digest(key), prefix=key[:8], password_mark=password_mark(user.password))
    return key


def revoke_token(user):
    """Removes the user's token; True if she had one."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return bool(deleted)


def check_token(key):
    """(user, None) for a token that may be used (its use noted), else (None, the reason in Vietnamese)."""
    token = ApiToken.objects.select_related("user", "user__area").filter(digest=digest(key)).first()
    if token is None or not token.user.is_active:
        return None, _("Mã truy cập không đúng hoặc đã bị thu hồi.")
    if not constant_time_compare(token.password_mark, password_mark(token.user.password)):
        token.delete()
        return None, _("Mã truy cập đã bị thu hồi vì mật khẩu của tài khoản đã thay đổi; hãy tạo mã mới.")
    if token.user.must_change_password:
        return None, _("Mật khẩu của tài khoản vừa được đặt lại: hãy đăng nhập cổng, chọn mật khẩu mới, "
                       "rồi tạo mã truy cập mới.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, None


def revoke_if_password_changed(user):
    """Called when a user is saved (api/apps.py): her token goes if her password changed."""
    if user.pk is None:
        return
    ApiToken.objects.filter(user_id=user.pk).exclude(password_mark=password_mark(user.password)).delete()
