"""Plans, their task groups, the indicator catalog and targets (DOMAIN.md §3, §4).

A target is kept as written: its form (range, at least, about, ...), its numbers and its
wording; plans.targets holds the rules that read it.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Area


class Seeded(models.Model):
    """A record bootstrap may have loaded from plans/seeds (docs/seeds.md). ``seed`` holds the
    seed files' values for the fields the loader writes, null on a record an administrator
    made: the source's own figures stay readable after an edit, and bootstrap tells an edited
    record (values differ from ``seed``) from one it may still correct."""

    seed = models.JSONField(_("giá trị theo văn bản gốc"), null=True, blank=True, editable=False)
    seed_fields = ""   # the name of the loader's field list (plans.loader)

    class Meta:
        abstract = True

    @property
    def seed_edits(self):
        """The fields whose values differ from the seed's ([]: as written), None for a record an
        administrator made."""
        from plans import loader

        if self.seed is None:
            return None
        fields = getattr(loader, self.seed_fields)
        return loader.differences(loader.seed_part(self.seed, fields), loader.current_values(self, fields))


class Indicator(Seeded):
    class Kind(models.TextChoices):
        COUNT = "count", _("Số lượng")
        RATIO = "ratio", _("Tỷ lệ")

    class OverTime(models.TextChoices):
        FLOW = "flow", _("Cộng dồn theo kỳ")
        STOCK = "stock", _("Số liệu tại thời điểm")

    code = models.CharField(_("mã chỉ tiêu"), max_length=60, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    short_name = models.CharField(_("tên ngắn"), max_length=40, blank=True,
                                  help_text=_("Dùng ở tiêu đề cột và biểu đồ, ví dụ “HTX mới”."))
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    over_time = models.CharField(_("theo thời gian"), max_length=10, choices=OverTime.choices)
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    in_catalog = models.BooleanField(_("thuộc danh mục chung"), default=False,
                                     help_text=_("Chỉ tiêu của DOMAIN.md §4, dùng trong mọi kế hoạch Đề án 01."))
    order = models.PositiveSmallIntegerField(default=100)
    seed_fields = "INDICATOR_FIELDS"

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def label(self):
        """The short name for column headers and charts (the code if none was given)."""
        return self.short_name or self.code


class Plan(Seeded):
    class Kind(models.TextChoices):
        DE_AN = "de_an", _("Đề án")
        NATIONAL = "national", _("Kế hoạch toàn quốc của Hội")
        ALLIANCE = "alliance", _("Kế hoạch của Liên minh HTX")
        PROVINCE = "province", _("Kế hoạch cấp tỉnh")
        DISTRICT = "district", _("Kế hoạch cấp huyện")
        YEARLY = "yearly", _("Kế hoạch năm")
        REFERENCE = "reference", _("Văn bản được dẫn chiếu")

    class Precision(models.TextChoices):
        DAY = "day", _("ngày")
        MONTH = "month", _("tháng")
        YEAR = "year", _("năm")

    key = models.SlugField(_("mã kế hoạch"), max_length=60, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("tên văn bản"), max_length=400)
    doc_type = models.CharField(_("loại văn bản"), max_length=10, blank=True)
    number = models.CharField(_("số, ký hiệu"), max_length=40, blank=True,
                              help_text=_("Ví dụ 139/KH-BTV; để trống nếu bản gốc để trống."))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    issuer_parent = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True,
                                 help_text=_("Để trống nếu bản gốc không ghi ngày."))
    issued_on_precision = models.CharField(_("độ chính xác của ngày"), max_length=5,
                                           choices=Precision.choices, default=Precision.DAY,
                                           blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="plans",
                             verbose_name=_("địa bàn"))
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="derived", verbose_name=_("căn cứ kế hoạch"))
    legal_basis = models.TextField(_("căn cứ"), blank=True, help_text=_("Mỗi văn bản một dòng."))
    year_start = models.PositiveSmallIntegerField(_("từ năm"))
    year_end = models.PositiveSmallIntegerField(_("đến năm"))
    # What the text says of each report: True (it asks for it), False (its reporting regime
    # leaves it out), None (the text does not say: "Không nêu", never read as "does not report").
    reports_half_year = models.BooleanField(_("báo cáo 6 tháng"), null=True, blank=True, default=None)
    reports_annual = models.BooleanField(_("báo cáo năm"), null=True, blank=True, default=None)
    half_year_due = models.CharField(_("hạn báo cáo 6 tháng (tháng-ngày)"), max_length=5, blank=True)
    annual_due = models.CharField(_("hạn báo cáo năm (tháng-ngày)"), max_length=5, blank=True)
    reporting_note = models.TextField(_("chế độ báo cáo"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    source_file = models.CharField(_("nguồn"), max_length=80, blank=True,
                                   help_text=_("Tệp trong shared/seeds mà dữ liệu được chép từ đó."))
    updated_at = models.DateTimeField(auto_now=True)
    seed_fields = "PLAN_FIELDS"

    area_scope = "area"
    scope_includes_ancestors = True  # a commune officer reads the plans that cover her commune

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["issued_on", "key"]

    def __str__(self):
        return f"{self.number or self.get_kind_display()} — {self.title}"

    @property
    def short_label(self):
        """Breadcrumbs and titles: the number, or the start of the title when there is none."""
        return self.number or Truncator(self.title).chars(60)

    def clean(self):
        if self.year_start and self.year_end and self.year_start > self.year_end:
            raise ValidationError({"year_end": _("Năm kết thúc phải sau hoặc bằng năm bắt đầu.")})
        for field in ("half_year_due", "annual_due"):
            value = getattr(self, field)
            if value and not _is_month_day(value):
                raise ValidationError({field: _("Hạn báo cáo ghi theo dạng tháng-ngày, ví dụ 11-15.")})

    def runs_in(self, year):
        """Whether the year is one of the plan's (year_start .. year_end)."""
        return self.year_start <= year <= self.year_end

    @property
    def seed_changes(self):
        """[(field name, the seed's value)] of what an administrator changed; [] as written,
        None for a plan an administrator made. For the plan page's "đã sửa — văn bản gốc: …"."""
        from plans.loader import shown

        edits = self.seed_edits
        if edits is None:
            return None
        out = []
        for name in edits:
            value = self.seed.get(name)
            if name in ("area", "based_on") and value is not None:
                model = Area if name == "area" else Plan
                value = str(model.objects.filter(pk=value).first() or value)
            out.append((self._meta.get_field(name).verbose_name, shown(value)))
        return out

    @property
    def legal_basis_lines(self):
        return [line for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def milestones(self):
        return sorted({t.milestone for t in self.targets.all()})


def _is_month_day(value):
    try:
        month, day = (int(x) for x in value.split("-"))
    except ValueError:
        return False
    return 1 <= month <= 12 and 1 <= day <= 31


class TaskGroup(Seeded):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    section = models.CharField(_("mục"), max_length=20, blank=True)
    title = models.CharField(_("nhóm nhiệm vụ"), max_length=400)
    agencies = models.TextField(_("cơ quan thực hiện"), blank=True, help_text=_("Mỗi cơ quan một dòng."))
    body = models.TextField(_("nội dung"), blank=True)
    seed_fields = "GROUP_FIELDS"

    class Meta:
        verbose_name = _("nhóm nhiệm vụ")
        verbose_name_plural = _("nhóm nhiệm vụ")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="task_order_unique")]

    def __str__(self):
        return self.title

    @property
    def agency_list(self):
        return [a for a in self.agencies.splitlines() if a.strip()]


class Target(Seeded):
    class Form(models.TextChoices):
        NUMBER = "number", _("Con số")
        AT_LEAST = "at_least", _("Ít nhất / tối thiểu")
        MORE_THAN = "more_than", _("Trên")
        AT_MOST = "at_most", _("Không quá / tối đa")
        RANGE = "range", _("Từ … đến …")
        ABOUT = "about", _("Khoảng")
        ABOUT_RANGE = "about_range", _("Khoảng … đến …")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets",
                             verbose_name=_("kế hoạch"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("chỉ tiêu"))
    milestone = models.PositiveSmallIntegerField(_("mốc (năm)"))
    form = models.CharField(_("dạng chỉ tiêu"), max_length=12, choices=Form.choices)
    low = models.DecimalField(_("giá trị (cận dưới)"), max_digits=14, decimal_places=2)
    high = models.DecimalField(_("cận trên"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=40, blank=True)
    per_unit = models.CharField(_("áp dụng cho mỗi"), max_length=60, blank=True,
                                help_text=_("Ví dụ “Hội cơ sở” cho “mỗi Hội cơ sở có ít nhất 02 hộ”."))
    area_group = models.CharField(_("nhóm địa bàn"), max_length=60, blank=True,
                                  help_text=_("Ví dụ “đồng bằng”, “miền núi”."))
    wording = models.TextField(_("nguyên văn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    seed_fields = "TARGET_FIELDS"

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["plan", "milestone", "indicator__order", "indicator__code", "area_group"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "milestone", "per_unit", "area_group"],
                                    name="target_unique"),
        ]

    def __str__(self):
        from plans.targets import describe
        return f"{self.indicator.code} {self.milestone}: {describe(self)}"

    def clean(self):
        from plans.targets import validate_target
        validate_target(self)

    @property
    def seed_written(self):
        """The target as the seed files write it ("từ 20 - 25 HTX"), None for an administrator's."""
        from plans.targets import describe_form

        if self.seed is None:
            return None
        s = self.seed
        return describe_form(s["form"], Decimal(s["low"]), None if s["high"] is None else Decimal(s["high"]),
                             s["unit"], per_unit=s["per_unit"], area_group=s["area_group"])


class Allocation(models.Model):
    """A share of a plan's count target handed down to one unit one level below the plan's area
    ("giao chỉ tiêu": "Thành phố Lạng Sơn: 3 HTX", "mỗi xã ít nhất 1 THT"). The unit is judged
    against it; the plan's own target stays the parent's."""
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="allocations",
                               verbose_name=_("mục tiêu được giao"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="allocations",
                             verbose_name=_("đơn vị được giao"))
    form = models.CharField(_("dạng chỉ tiêu"), max_length=12, choices=Target.Form.choices,
                            default=Target.Form.NUMBER)
    low = models.DecimalField(_("giá trị (cận dưới)"), max_digits=14, decimal_places=2)
    high = models.DecimalField(_("cận trên"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    history = HistoricalRecords()

    area_scope = "area"

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["target", "area__code"]
        constraints = [models.UniqueConstraint(fields=["target", "area"], name="allocation_unique")]

    def __str__(self):
        return f"{self.area} — {self.target.indicator.code} {self.target.milestone}: {self.low}"

    # The shape plans.targets reads (form, low, high, unit, per_unit, area_group).
    @property
    def unit(self):
        return self.target.unit

    per_unit = area_group = ""


class AreaGroup(models.Model):
    """The group of a unit for targets set per area group ("đồng bằng 95 %, miền núi 80 %"):
    the name is the one the plans' targets use in ``Target.area_group``."""
    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="group",
                                verbose_name=_("đơn vị"))
    name = models.CharField(_("nhóm địa bàn"), max_length=60)
    history = HistoricalRecords()

    area_scope = "area"

    class Meta:
        verbose_name = _("nhóm địa bàn")
        verbose_name_plural = _("nhóm địa bàn")
        ordering = ["area__code"]

    def __str__(self):
        return f"{self.area}: {self.name}"


class Task(Seeded):
    """One task of a task group ("nhiệm vụ, giải pháp"): what, who leads it, with whom, and when
    — once by its end year, every year, every N years ("02 năm/lần") or every reporting period
    ("định kỳ hằng tháng, quý"). When it falls due is ``plans.tasks.due_years``."""

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Một lần (trong thời hạn)")
        YEARLY = "yearly", _("Hằng năm")
        EVERY_N_YEARS = "every_n", _("Định kỳ N năm/lần")
        PER_PERIOD = "per_period", _("Mỗi kỳ báo cáo")

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="items",
                              verbose_name=_("nhóm nhiệm vụ"))
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("nhiệm vụ"), max_length=400)
    lead = models.CharField(_("cơ quan chủ trì"), max_length=200)
    partners = models.TextField(_("cơ quan phối hợp"), blank=True, help_text=_("Mỗi cơ quan một dòng."))
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    recurrence = models.CharField(_("tần suất"), max_length=10, choices=Recurrence.choices,
                                  default=Recurrence.ONCE)
    every_years = models.PositiveSmallIntegerField(_("số năm một lần"), null=True, blank=True)
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="tasks",
                                        verbose_name=_("chỉ tiêu phục vụ"))
    wording = models.TextField(_("nguyên văn"), blank=True)
    seed_fields = "TASK_FIELDS"

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["group__plan", "group__order", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "order"], name="task_item_order_unique")]

    def __str__(self):
        return self.title

    @property
    def partner_list(self):
        return [a for a in self.partners.splitlines() if a.strip()]

    def clean(self):
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": _("Năm kết thúc phải sau hoặc bằng năm bắt đầu.")})
        if self.recurrence == self.Recurrence.EVERY_N_YEARS and not (self.every_years or 0) >= 2:
            raise ValidationError({"every_years": _("Nhiệm vụ định kỳ cần số năm một lần (từ 2 trở lên).")})


class TaskBudget(models.Model):
    """The money planned for a task in a year from one source (set by the administrator)."""

    class Source(models.TextChoices):
        PROVINCE = "province", _("Ngân sách tỉnh")
        NATIONAL = "national", _("Chương trình mục tiêu quốc gia, Trung ương")
        OTHER = "other", _("Nguồn hợp pháp khác")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("nhiệm vụ"))
    year = models.PositiveSmallIntegerField(_("năm"))
    source = models.CharField(_("nguồn kinh phí"), max_length=10, choices=Source.choices)
    amount = models.DecimalField(_("kinh phí dự kiến (đồng)"), max_digits=16, decimal_places=0)
    history = HistoricalRecords()

    area_scope = "task__group__plan__area"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = _("kinh phí dự kiến")
        verbose_name_plural = _("kinh phí dự kiến")
        ordering = ["task", "year", "source"]
        constraints = [models.UniqueConstraint(fields=["task", "year", "source"], name="task_budget_unique")]
