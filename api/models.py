"""Personal API tokens: one per user, kept only as a SHA-256 digest (the token itself is shown
once, when it is made; a copy of the database gives nobody a working token)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token",
                                verbose_name=_("người dùng"))
    digest = models.CharField(max_length=64, unique=True, editable=False)  # sha256 hex of the token
    prefix = models.CharField(_("bắt đầu bằng"), max_length=8, editable=False)  # to recognise it, not to use it
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    # api.tokens.password_mark of the password the token was made under: it ends with that password
    password_mark = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self):
        return f"{self.user} ({self.prefix}…)"
