"""Reporting periods (DOMAIN.md §5). Reports themselves come with the reporting issue."""
import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

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
        if self.kind == self.Kind.HALF_YEAR:
            return f"6 tháng đầu năm {self.year}"
        return f"Năm {self.year}"


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
