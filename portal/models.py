"""The map of Vietnam (old and current administrative units) and the portal's users.

An Area is one administrative unit for the span of dates it was valid. The pre-2025 map
(63 provinces, 696 districts) and the current one (34 provinces, 3 321 communes) live side by
side; a province that came through 1 July 2025 unchanged is one row valid throughout, an
absorbed or merged one is two (the old one pointing to its ``successor``).

``path`` is the lineage path used for scoping: "/<id>/<id>/.../". An old province sits under
the current province that took it in, so "everything a user's area is responsible for, old
and new" is one prefix test (see ``portal.scoping``).
"""
import datetime
import re

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.text import search_key

MAP_CHANGE = datetime.date(2025, 7, 1)
LAST_OLD_DAY = datetime.date(2025, 6, 30)


def province_on_path(path, year, provinces):
    """The province a unit with this lineage path belonged to in ``year`` (DOMAIN.md §4: "a
    province" is the province as it was that year — the 63 old ones for 2023–2024, the 34 current
    ones from 2025): the province-level unit on the path valid on 31 December of that year, else
    the current province (the path's first unit below the country).

    ``provinces``: {id: (valid_from, valid_to)} of province-level units (at least those on the
    path). On /VN/<Khánh Hòa>/<Ninh Thuận>/<district>/ the year 2024 gives Ninh Thuận, 2025
    Khánh Hòa; an unchanged province is one unit valid throughout."""
    day = datetime.date(year, 12, 31)
    for pk in (int(p) for p in path.strip("/").split("/")):
        if pk in provinces:
            valid_from, valid_to = provinces[pk]
            if (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day):
                return pk
    ids = path.strip("/").split("/")
    return int(ids[1]) if len(ids) >= 2 else None


class AreaQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def old_map(self):
        return self.valid_on(LAST_OLD_DAY)

    def current_map(self, today=None):
        return self.valid_on(today or datetime.date.today())

    def inside(self, area):
        """The area and everything in its lineage below it."""
        return self.filter(Area.inside_q(area))

    def children_in_lineage(self, area):
        """The units one level down of ``area`` in the lineage, old and new: a province's old
        districts and current communes (and the old provinces it took in), the country's
        provinces. One query; the same units the progress page breaks an area down into."""
        rows = self.filter(path__startswith=area.path, path__regex=rf"^{re.escape(area.path)}[0-9]+/$")
        if area.level == Area.Level.COUNTRY:
            rows = rows.filter(level=Area.Level.PROVINCE)
        return rows


class Area(models.Model):
    class Level(models.IntegerChoices):
        COUNTRY = 0, _("Toàn quốc")
        PROVINCE = 1, _("Tỉnh/thành phố")
        DISTRICT = 2, _("Huyện/quận")
        COMMUNE = 3, _("Xã/phường")

    code = models.CharField(_("mã"), max_length=8, db_index=True)
    name = models.CharField(_("tên"), max_length=120)
    # The name without diacritics, lower case ("xa hoa tham"): what the area picker searches.
    search_name = models.CharField(max_length=120, blank=True, editable=False)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("thuộc"),
    )
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors",
        verbose_name=_("được sáp nhập vào"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    path = models.CharField(max_length=64, db_index=True, editable=False)
    source = models.CharField(_("nguồn dữ liệu"), max_length=60, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="area_code_from_unique"),
        ]
        indexes = [models.Index(fields=["path"], name="area_path_prefix",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def inside_q(area, lookup=""):
        """"Inside this area" (the area and everything in its lineage below it) for rows that
        reach an Area by ``lookup`` ("commune", "report__area"; "" for areas themselves). The one
        place this prefix test is written: ``Area.objects.inside`` and portal.scoping use it."""
        return Q(**{f"{lookup}__path__startswith" if lookup else "path__startswith": area.path})

    def lies_in(self, area):
        """The same test in Python: this area is ``area`` or lies in its lineage below it."""
        return self.path.startswith(area.path)

    @property
    def is_old(self):
        return self.valid_to is not None and self.valid_to < MAP_CHANGE

    @staticmethod
    def province_id_of(path):
        """The current province a lineage path lies in (None for the country): an old district
        or an absorbed province lies in the province that took it in."""
        ids = path.strip("/").split("/")
        return int(ids[1]) if len(ids) >= 2 else None

    @property
    def province_id(self):
        return self.province_id_of(self.path)

    @staticmethod
    def province_validity(ids=None):
        """{id: (valid_from, valid_to)} of the province-level units (those among ``ids`` if given);
        the second argument of ``province_on_path``. One query."""
        rows = Area.objects.filter(level=Area.Level.PROVINCE)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        return {pk: (vf, vt) for pk, vf, vt in rows.values_list("pk", "valid_from", "valid_to")}

    def province_id_in_year(self, year, provinces=None):
        """The id of the province this unit belonged to in ``year`` (see ``province_on_path``)."""
        if provinces is None:
            provinces = self.province_validity([int(p) for p in self.path.strip("/").split("/")])
        return province_on_path(self.path, year, provinces)

    def ancestor_ids(self):
        """Ids on this area's lineage above it (not itself)."""
        return [int(p) for p in self.path.strip("/").split("/")[:-1]]

    def ancestors(self):
        return Area.objects.filter(pk__in=self.ancestor_ids()).order_by("level", "path")

    def exists_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day)

    @classmethod
    def resolve(cls, code, on=None):
        """The unit a code means on a day (DOMAIN.md §6: the one valid on that day).

        Without a day: the current unit, or failing that the most recent one.
        """
        units = list(cls.objects.filter(code=code))
        if not units:
            raise cls.DoesNotExist(f"Không có đơn vị hành chính mã {code}")
        day = on or datetime.date.today()
        valid = [u for u in units if u.exists_on(day)]
        if valid:
            return valid[0]
        if on is not None:
            raise cls.DoesNotExist(f"Đơn vị mã {code} không tồn tại ngày {day:%d/%m/%Y}")
        return max(units, key=lambda u: u.valid_to or datetime.date.max)


class User(AbstractUser):
    class Role(models.TextChoices):
        DATA_ENTRY = "data_entry", _("Cán bộ nhập liệu")
        REVIEWER = "reviewer", _("Cán bộ kiểm duyệt")
        LEADER = "leader", _("Lãnh đạo / UBND (chỉ xem)")
        ADMIN = "admin", _("Quản trị")

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.LEADER)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("địa bàn"),
        help_text=_("Người dùng thấy và sửa dữ liệu của địa bàn này và các đơn vị trực thuộc."),
    )
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    must_change_password = models.BooleanField(
        _("phải đổi mật khẩu khi đăng nhập"), default=False,
        help_text=_("Bật khi mật khẩu do người khác đặt (tạo tài khoản, đặt lại mật khẩu)."))
    email_notifications = models.BooleanField(
        _("nhận thông báo qua thư điện tử"), default=True,
        help_text=_("Thông báo trên Cổng (chuông) luôn có; tắt ô này thì không nhận bản sao qua thư."))

    area_scope = "area"

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    # Ranks for "may manage": an administrator manages accounts of her rank and below.
    RANK = {Role.DATA_ENTRY: 0, Role.LEADER: 0, Role.REVIEWER: 0, Role.ADMIN: 1}

    @classmethod
    def roles_above(cls, role):
        rank = cls.RANK.get(role, 0)
        return [r for r, k in cls.RANK.items() if k > rank]

    def get_full_name(self):
        """Vietnamese order: family name first ("Trần Văn Minh")."""
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def can_enter_data(self):
        return self.role in (self.Role.DATA_ENTRY, self.Role.ADMIN)

    @property
    def can_review(self):
        return self.role in (self.Role.REVIEWER, self.Role.ADMIN)

    @property
    def is_portal_admin(self):
        return self.role == self.Role.ADMIN


class DataVersion(models.Model):
    """One row: a number that every change able to move a progress figure increments
    (portal.dataversion). Cached figures are keyed by it, so that a change shows at once on
    every worker and machine that shares the database."""

    value = models.BigIntegerField()
    reason = models.CharField(max_length=100, blank=True)   # the last change's kind, for diagnosis
    changed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("phiên bản số liệu")
