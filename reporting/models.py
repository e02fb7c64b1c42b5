"""Reporting periods, reports and their figures, their state changes, and issued documents
(DOMAIN.md §5). The rules live elsewhere: the workflow in reporting.services, the rollup in
reporting.rollup (arithmetic) and reporting.selectors (database)."""
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from plans.models import Indicator
from portal.models import Area

FIRST_YEAR, LAST_YEAR = 2023, 2030


class Period(models.Model):
    class Kind(models.TextChoices):
        HALF_YEAR = "H1", _("6 tháng đầu năm")
        ANNUAL = "Y", _("Năm")

    code = models.CharField(_("mã kỳ"), max_length=10, unique=True)  # "2025-H1", "2025"
    kind = models.CharField(_("loại kỳ"), max_length=2, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    # Data window of Nghị định 09/2019/NĐ-CP, the default the Hội follows.
    data_from = models.DateField(_("số liệu từ ngày"))
    data_to = models.DateField(_("số liệu đến ngày"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["year", "-kind"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """"6 tháng đầu năm 2025", "Năm 2025" (in English mode "First half of 2025", "Year 2025")."""
        if self.kind == self.Kind.HALF_YEAR:
            return str(_("6 tháng đầu năm %(year)s") % {"year": self.year})
        return str(_("Năm %(year)s") % {"year": self.year})


def standard_periods(first=FIRST_YEAR, last=LAST_YEAR):
    """The 6-month and annual periods of each year, with Nghị định 09/2019 data windows."""
    for year in range(first, last + 1):
        prev_dec15 = datetime.date(year - 1, 12, 15)
        yield dict(code=f"{year}-H1", kind=Period.Kind.HALF_YEAR, year=year,
                   starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 6, 30),
                   data_from=prev_dec15, data_to=datetime.date(year, 6, 14))
        yield dict(code=f"{year}", kind=Period.Kind.ANNUAL, year=year,
                   starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31),
                   data_from=prev_dec15, data_to=datetime.date(year, 12, 14))


# Reports -----------------------------------------------------------------------------------

# Default due dates (month, day) when a plan says nothing: a few days after the Nghị định
# 09/2019 data windows close (14/6 and 14/12).
DEFAULT_DUE = {Period.Kind.HALF_YEAR: (6, 20), Period.Kind.ANNUAL: (12, 20)}


class Report(models.Model):
    """One area's report for one period: what its own level did (not a copy of the sums of
    the areas below: the portal computes those)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
        RETURNED = "returned", _("Bị trả lại để sửa")
        APPROVED = "approved", _("Đã duyệt")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="reports", verbose_name=_("đơn vị"))
    # The current province the area belongs to (its lineage root below VN), kept so that the
    # national rollup groups by province in SQL.
    province = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", null=True, editable=False)
    # The province as it was in the period's year (portal.models.province_on_path): the old
    # province for 2023–2024 (Ninh Thuận), the current one from 2025 (Khánh Hòa). The 6-month /
    # annual test of the rollup runs per this province and year (DOMAIN.md §4).
    period_province = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", null=True,
                                        editable=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports", verbose_name=_("kỳ báo cáo"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking
    note = models.TextField(_("thuyết minh"), blank=True)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lần cuối"), null=True, blank=True)
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    area_scope = "area"

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        ordering = ["-period__year", "period__kind", "area__code"]
        constraints = [models.UniqueConstraint(fields=["area", "period"], name="report_area_period_unique")]
        indexes = [models.Index(fields=["status", "period"], name="report_status_period"),
                   models.Index(fields=["province", "period", "status"], name="report_province_period")]

    def __str__(self):
        return f"{self.area.name} — {self.period.label}"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def counting_statuses(include_submitted=False):
    """The statuses whose figures count: approved, and submitted too when a page asks for them."""
    S = Report.Status
    return [S.APPROVED, S.SUBMITTED] if include_submitted else [S.APPROVED]


class ReportValue(models.Model):
    """A figure of a report: a count in ``value``, or a ratio's ``numerator``/``denominator``
    (its percentage is computed, never typed)."""
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique"),
            models.CheckConstraint(condition=models.Q(numerator__isnull=True) | models.Q(denominator__isnull=True)
                                   | models.Q(numerator__lte=models.F("denominator")), name="numerator_lte_denominator"),
        ]


class ReportTransition(models.Model):
    """Every change of a report's state: who, when, from what to what, and the comment."""
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Report.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Report.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


def due_date(plan, period):
    """When a period's report is due under a plan: the plan's own deadline for that kind of
    report, else the default (20/6, 20/12). A plan's deadline holds within the plan's own years
    only (Khánh Hòa's "trước ngày 01/12/2019" is the 2019 report's, not a rule for 2023): for a
    period outside them the deadline is that of the most specific plan covering the plan's area
    in the period's year that states one, else the default. No plan: the default."""
    if plan is not None and not plan.runs_in(period.year):
        from reporting.selectors import covering_plans  # selectors imports this module

        plan = next((p for p in covering_plans(plan.area, year=period.year) if _stated_due(p, period)), None)
    setting = _stated_due(plan, period) if plan is not None else ""
    if setting:
        month, day = (int(x) for x in setting.split("-"))
    else:
        month, day = DEFAULT_DUE[period.kind]
    return datetime.date(period.year, month, day)


def _stated_due(plan, period):
    return plan.half_year_due if period.kind == Period.Kind.HALF_YEAR else plan.annual_due


class IssuedDocument(models.Model):
    """A progress report issued as an administrative document: kept exactly as issued
    (figures and text, and the PDF itself) so that it prints again unchanged."""
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="issued_documents")
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="issued_documents")
    milestone = models.PositiveSmallIntegerField()
    number = models.CharField(_("số, ký hiệu"), max_length=40)
    place = models.CharField(_("địa danh"), max_length=80)
    issued_on = models.DateField(_("ngày ban hành"))
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=120, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=160)
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(_("người ký"), max_length=120)
    recipients = models.TextField(_("nơi nhận"))
    assessment = models.TextField(_("đánh giá"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    figures = models.JSONField(_("số liệu khi ban hành"))
    pdf = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    area_scope = "area"

    class Meta:
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")
        ordering = ["-issued_on", "-pk"]


# Tasks and activities ---------------------------------------------------------------------

BUDGET_SOURCES = ("province", "national", "other")  # = plans.models.TaskBudget.Source


class Activity(models.Model):
    """What a unit did under a plan's task: an event, a column, a course, a model, a ceremony…
    It counts in the rollup (reporting.tasks) once the report of its area and period is
    approved; while that report is approved it is locked."""

    class Kind(models.TextChoices):
        COMMUNICATION = "communication", _("Sự kiện truyền thông")
        MEDIA = "media", _("Chuyên trang, chuyên mục, phát sóng")
        TRAINING = "training", _("Lớp tập huấn, đào tạo")
        MODEL = "model", _("Xây dựng mô hình")
        AWARD = "award", _("Tôn vinh, khen thưởng")
        MEETING = "meeting", _("Hội nghị, hội thảo, sơ kết, tổng kết")
        VISIT = "visit", _("Kiểm tra, khảo sát, thăm quan")
        COOPERATIVE = "cooperative", _("Hỗ trợ HTX, THT")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="activities", verbose_name=_("đơn vị"))
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, related_name="activities",
                             verbose_name=_("nhiệm vụ"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="activities",
                               verbose_name=_("kỳ báo cáo"), editable=False)
    kind = models.CharField(_("loại hoạt động"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    held_on = models.DateField(_("ngày thực hiện"))
    place = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                              verbose_name=_("địa điểm"))
    sessions = models.PositiveIntegerField(_("số lớp, buổi, số phát sóng"), default=1)
    participants = models.PositiveIntegerField(_("số lượt người tham dự"), default=0)
    women = models.PositiveIntegerField(_("trong đó nữ"), default=0)
    cooperatives_reached = models.PositiveIntegerField(_("số HTX, THT được hỗ trợ"), default=0)
    training = models.ForeignKey("cooperatives.Training", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="activities", verbose_name=_("lớp trong sổ đào tạo"))
    cooperative = models.ForeignKey("cooperatives.Cooperative", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="activities", verbose_name=_("HTX, THT được hỗ trợ"))
    spent_province = models.DecimalField(_("kinh phí ngân sách tỉnh (đồng)"), max_digits=16, decimal_places=0,
                                         default=0)
    spent_national = models.DecimalField(_("kinh phí Chương trình MTQG, Trung ương (đồng)"), max_digits=16,
                                         decimal_places=0, default=0)
    spent_other = models.DecimalField(_("kinh phí nguồn hợp pháp khác (đồng)"), max_digits=16, decimal_places=0,
                                      default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    area_scope = "area"

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["period", "area"], name="activity_period_area")]
        constraints = [models.CheckConstraint(condition=models.Q(women__lte=models.F("participants")),
                                              name="activity_women_lte_participants")]

    def __str__(self):
        return self.title

    def spent(self, source):
        return getattr(self, f"spent_{source}")


# The extension a stored attachment gets: that of the type its content was found to be
# (reporting.activities.sniff), never the one its uploader typed (".html", ".svg", ".php" would
# be served or run as such by a web server pointed at the media folder).
ATTACHMENT_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def attachment_path(instance, filename):
    import uuid

    ext = ATTACHMENT_EXTENSIONS.get(instance.content_type, "bin")
    return f"hoat-dong/{instance.activity.area.code}/{uuid.uuid4().hex}.{ext}"


class ActivityAttachment(models.Model):
    """A photo or a decision attached to an activity: PDF, JPEG or PNG, checked by content
    (reporting.attachments), at most ACTIVITY_ATTACHMENT_MAX_MB."""
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    area_scope = "activity__area"

    class Meta:
        ordering = ["pk"]


class TaskStatus(models.Model):
    """Where a unit stands with a task in a period (with a note); it counts, as the unit's
    activities do, once the unit's report of the period is approved."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa triển khai")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        NOT_DONE = "not_done", _("Không hoàn thành")

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="statuses")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="task_statuses")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="task_statuses")
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    area_scope = "area"

    class Meta:
        verbose_name = _("tình trạng nhiệm vụ")
        verbose_name_plural = _("tình trạng nhiệm vụ")
        constraints = [models.UniqueConstraint(fields=["task", "area", "period"], name="task_status_unique")]


class ProvinceSumState(models.Model):
    """Whether the summed figures (ProvinceSum) of one period and current province may be read:
    only while ``fresh``. Every change to a figure of the group clears it in the writer's
    transaction (reporting.sums.touch), a rebuild sets it under the row's lock once it has summed
    the group anew; until then the rollup adds the group's values up itself. ``last_sent``: the
    latest first sending of the reports summed (a page as of an earlier day adds the group up
    itself)."""
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    fresh = models.BooleanField(default=False)
    last_sent = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "province"], name="province_sum_state_unique")]


class ProvinceSum(models.Model):
    """The counted values of one period, current province, province of the period's year,
    status and indicator, added up (reporting.sums): what the national rollup reads instead of
    every report's values (some tens of thousands of rows for the whole country to 2030, instead
    of a million). Derived data: ``manage.py refresh_sums`` rebuilds it from the reports."""
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    period_province = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", null=True)
    status = models.CharField(max_length=10, choices=Report.Status.choices)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    numerator = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    denominator = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        # every column the national page reads, in the index (an index-only scan per group once
        # vacuumed), the group first (a rebuild deletes by it)
        indexes = [models.Index(fields=["period", "province", "status", "indicator", "period_province", "value",
                                        "numerator", "denominator"], name="province_sum_read")]
