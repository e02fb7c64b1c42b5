"""The cooperative registry: HTX, THT and Liên hiệp HTX with their women managers, workforce,
OCOP products and trainings, and the Hội's own cadres who work on KTTT (issue: registry).

The two classifications of the Đề án (cooperatives.rules) are computed from the data and
stored on the cooperative by cooperatives.services.refresh_classification, so that lists of
100 000 cooperatives filter on them with an index; nobody types them.
"""
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives import rules
from portal.models import Area
from portal.text import search_key


class Cooperative(models.Model):
    class Kind(models.TextChoices):
        HTX = "HTX", _("Hợp tác xã")
        THT = "THT", _("Tổ hợp tác")
        LHHTX = "LHHTX", _("Liên hiệp HTX")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        SUSPENDED = "suspended", _("Tạm ngừng hoạt động")
        DISSOLVED = "dissolved", _("Giải thể")

    class Sector(models.TextChoices):
        AGRICULTURE = "nong_nghiep", _("Nông nghiệp")
        FORESTRY = "lam_nghiep", _("Lâm nghiệp")
        FISHERY = "thuy_san", _("Thủy sản")
        HANDICRAFT = "tieu_thu_cong", _("Tiểu thủ công nghiệp, làng nghề")
        INDUSTRY = "cong_nghiep", _("Công nghiệp, xây dựng")
        TRADE = "thuong_mai", _("Thương mại, dịch vụ")
        TOURISM = "du_lich", _("Du lịch")
        TRANSPORT = "van_tai", _("Vận tải")
        CREDIT = "tin_dung", _("Tín dụng")
        ENVIRONMENT = "moi_truong", _("Môi trường")
        OTHER = "khac", _("Khác")

    code = models.CharField(_("mã số HTX"), max_length=20, unique=True,
                            help_text=_("Mã số thuế / mã đăng ký (10 chữ số với HTX); không dùng lại."))
    name = models.CharField(_("tên HTX/THT"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("loại hình"), max_length=5, choices=Kind.choices, default=Kind.HTX)
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cooperatives",
                                verbose_name=_("xã/phường"))
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    sector = models.CharField(_("lĩnh vực"), max_length=20, choices=Sector.choices, default=Sector.AGRICULTURE)
    hoi_supported_founding = models.BooleanField(_("Hội hỗ trợ thành lập"), default=False)
    founding_supported_on = models.DateField(_("ngày Hội hỗ trợ thành lập"), null=True, blank=True)
    hoi_supported_consolidation = models.BooleanField(_("Hội hỗ trợ củng cố"), default=False)
    consolidation_supported_on = models.DateField(_("ngày Hội hỗ trợ củng cố"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("từ ngày"), null=True, blank=True)
    # Computed (cooperatives.services.refresh_classification), never typed.
    is_women_managed = models.BooleanField(_("do phụ nữ tham gia quản lý"), default=False, editable=False)
    many_women_jobs = models.BooleanField(_("tạo nhiều việc làm cho lao động nữ"), null=True,
                                          editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_name", "updated_at", "created_at"])
    area_scope = "commune"

    class Meta:
        verbose_name = _("hợp tác xã / tổ hợp tác")
        verbose_name_plural = _("hợp tác xã / tổ hợp tác")
        ordering = ["name", "code"]
        indexes = [
            models.Index(fields=["kind", "status"], name="coop_kind_status"),
            models.Index(fields=["is_women_managed", "many_women_jobs"], name="coop_classes"),
            models.Index(fields=["search_name"], name="coop_search_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        today = datetime.date.today()
        problem = rules.founding_date_error(self.founded_on, today)
        if problem:
            errors["founded_on"] = problem[0].upper() + problem[1:] + "."
        if self.commune_id and self.commune.level != Area.Level.COMMUNE:
            errors["commune"] = _("Chọn một xã/phường (bản đồ hiện hành).")
        if self.hoi_supported_founding is False and self.founding_supported_on:
            errors["founding_supported_on"] = _("Chỉ ghi ngày khi Hội có hỗ trợ thành lập.")
        if self.status != self.Status.ACTIVE and not self.status_since:
            errors["status_since"] = _("Ghi ngày bắt đầu tạm ngừng hoặc giải thể.")
        if errors:
            raise ValidationError(errors)

    @property
    def counts_under_de_an(self):
        return rules.counts_under_de_an(self.is_women_managed, self.many_women_jobs)


class Workforce(models.Model):
    """Members and workers of one year (the latest year is the current picture)."""
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="workforce")
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    members = models.PositiveIntegerField(_("tổng số thành viên"))
    female_members = models.PositiveIntegerField(_("thành viên nữ"))
    workers = models.PositiveIntegerField(_("tổng số lao động"))
    female_workers = models.PositiveIntegerField(_("lao động nữ"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành viên, lao động theo năm")
        verbose_name_plural = _("thành viên, lao động theo năm")
        ordering = ["cooperative", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="workforce_year_unique"),
            models.CheckConstraint(condition=Q(female_members__lte=F("members")), name="female_members_lte_members",
                                   violation_error_message=_("Số thành viên nữ không được lớn hơn tổng số thành viên.")),
            models.CheckConstraint(condition=Q(female_workers__lte=F("workers")), name="female_workers_lte_workers",
                                   violation_error_message=_("Số lao động nữ không được lớn hơn tổng số lao động.")),
        ]


class OcopProduct(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="ocop_products")
    name = models.CharField(_("sản phẩm OCOP"), max_length=200)
    stars = models.PositiveSmallIntegerField(_("số sao"), validators=[MinValueValidator(3), MaxValueValidator(5)])
    year = models.PositiveSmallIntegerField(_("năm công nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = _("sản phẩm OCOP")
        constraints = [models.UniqueConstraint(fields=["cooperative", "name"], name="ocop_name_unique")]


class Manager(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="managers")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=[(rules.FEMALE, _("Nữ")), (rules.MALE, _("Nam"))])
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True,
                                                  validators=[MinValueValidator(1920), MaxValueValidator(2015)])
    ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True)
    role = models.CharField(_("chức vụ"), max_length=20, choices=rules.ROLES)
    from_date = models.DateField(_("từ ngày"), null=True, blank=True)
    to_date = models.DateField(_("đến ngày"), null=True, blank=True)
    # Set when her name, birth year and ethnicity were erased (cooperatives.personal_data): on
    # her request, or PERSONAL_DATA_RETENTION_YEARS after her term or her cooperative ended.
    anonymised_at = models.DateTimeField(_("ẩn danh hóa lúc"), null=True, blank=True, editable=False)

    history = HistoricalRecords()
    area_scope = "cooperative__commune"

    class Meta:
        verbose_name = _("cán bộ quản lý")
        verbose_name_plural = _("cán bộ quản lý")
        ordering = ["cooperative", "role", "full_name"]
        constraints = [models.UniqueConstraint(fields=["cooperative", "full_name", "role"], name="manager_unique")]

    def __str__(self):
        return f"{self.full_name} — {self.get_role_display()}"

    def clean(self):
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise ValidationError({"to_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class Training(models.Model):
    """A training course; attended by managers of cooperatives and by the Hội's cadres."""
    title = models.CharField(_("tên lớp"), max_length=255)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=200)
    topic = models.CharField(_("chủ đề"), max_length=200, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("địa bàn tổ chức"))
    managers = models.ManyToManyField(Manager, blank=True, related_name="trainings", verbose_name=_("cán bộ quản lý tham dự"))
    cadres = models.ManyToManyField("Cadre", blank=True, related_name="trainings", verbose_name=_("cán bộ Hội tham dự"))

    area_scope = "area"
    scope_includes_ancestors = True  # a commune ticks her people on the province's course

    class Meta:
        verbose_name = _("lớp đào tạo, tập huấn")
        verbose_name_plural = _("lớp đào tạo, tập huấn")
        ordering = ["-starts_on"]

    def clean(self):
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class Cadre(models.Model):
    """A Hội LHPN cadre of an area; those who work on KTTT are the denominator of CB_HOI_TAP_HUAN_TL."""
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=[(rules.FEMALE, _("Nữ")), (rules.MALE, _("Nam"))],
                              default=rules.FEMALE)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("địa bàn"))
    position = models.CharField(_("chức vụ"), max_length=120, blank=True)
    works_on_kttt = models.BooleanField(_("làm công tác hỗ trợ KTTT, HTX"), default=True)
    active = models.BooleanField(_("đang công tác"), default=True)
    anonymised_at = models.DateTimeField(_("ẩn danh hóa lúc"), null=True, blank=True, editable=False)

    area_scope = "area"

    class Meta:
        verbose_name = _("cán bộ Hội")
        verbose_name_plural = _("cán bộ Hội")
        ordering = ["area", "full_name"]
