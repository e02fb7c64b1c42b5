"""The personal-data access log and the administrators' grants (docs/personal-data.md).

``AccessLog`` is append-only: the model refuses to change or delete a saved entry, and on
PostgreSQL a trigger refuses UPDATE always and DELETE unless the purge of expired entries
(privacy.access.purge_log, which sets ``portal.purging_access_log`` for its own transaction)
asks for it — so neither the portal, Django's admin nor a stray ``QuerySet.update`` can rewrite
who read what. On SQLite (a laptop) a trigger refuses UPDATE; DELETE is refused by the model
and the queryset only.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    pass


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân không sửa được.")

    def delete(self):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân chỉ được xóa khi hết hạn lưu (privacy.access.purge_log).")


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất tệp")
        API = "api", _("Đọc qua API")
        SUBJECT_EXPORT = "subject_export", _("Cung cấp dữ liệu cho chủ thể")
        ERASE = "erase", _("Xóa (ẩn danh hóa) theo yêu cầu")
        EXPIRE = "expire", _("Ẩn danh hóa khi hết hạn lưu trữ")
        GRANT = "grant", _("Cấp quyền xem")
        REVOKE = "revoke", _("Thu hồi quyền xem")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    # No constraint and nothing done when the account is deleted (SET_NULL would be an UPDATE,
    # which the table refuses): the entry keeps the id, and the name as text, as it was.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                             null=True, blank=True, related_name="+", verbose_name=_("người thực hiện"))
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    # The area the records belong to (a commune for one cooperative's managers, the scope of an
    # export): the administrators of this area and of the areas above read the entry.
    area = models.ForeignKey("portal.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("địa bàn của dữ liệu"))
    action = models.CharField(_("hoạt động"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("loại hồ sơ"), max_length=40, blank=True)
    records = models.JSONField(_("mã hồ sơ"), default=list, blank=True)  # the first RECORDS_KEPT ids
    count = models.PositiveIntegerField(_("số hồ sơ"), default=0)
    purpose = models.TextField(_("mục đích, lý do"), blank=True)
    where = models.CharField(_("nơi thực hiện"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["area", "at"], name="accesslog_area_at")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân không sửa được.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân không xóa được.")


class Grant(models.Model):
    """An administrator lets a reviewer or a leader of her area see person-level fields, for a
    stated purpose and until a date (at most a year): need-to-know, recorded in the log."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_data_grants",
                             verbose_name=_("người được cấp quyền"))
    purpose = models.TextField(_("mục đích"))
    until = models.DateField(_("đến hết ngày"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("người cấp"))
    granted_at = models.DateTimeField(_("ngày cấp"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("người thu hồi"))

    class Meta:
        verbose_name = _("quyền xem dữ liệu cá nhân")
        verbose_name_plural = _("quyền xem dữ liệu cá nhân")
        ordering = ["-granted_at"]

    def is_active(self, today=None):
        return self.revoked_at is None and self.until >= (today or timezone.localdate())
