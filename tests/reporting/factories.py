import datetime
from decimal import Decimal

from django.utils import timezone

from plans.models import Indicator
from portal.models import Area
from reporting.models import Period, Report, ReportValue
from reporting.services import province_of


def report(code, period, status=Report.Status.APPROVED, *, on=None, submitted=None, **values):
    """A report of the unit `code` (valid on `on`, default the period's last day) with values
    given as CODE=number or CODE=(numerator, denominator)."""
    p = Period.objects.get(code=period)
    area = Area.resolve(code, on=on or p.ends_on)
    sent = submitted or datetime.datetime.combine(p.ends_on - datetime.timedelta(days=15), datetime.time(9),
                                                  tzinfo=datetime.UTC)  # before the default due date
    r = Report.objects.create(area=area, period=p, status=status, province=province_of(area),
                              period_province_id=area.province_id_in_year(p.year),
                              first_submitted_at=None if status in ("draft",) else sent,
                              submitted_at=None if status in ("draft",) else sent)
    for ind_code, v in values.items():
        ind = Indicator.objects.get(code=ind_code)
        if isinstance(v, tuple):
            ReportValue.objects.create(report=r, indicator=ind, numerator=Decimal(v[0]), denominator=Decimal(v[1]))
        else:
            ReportValue.objects.create(report=r, indicator=ind, value=Decimal(v))
    return r


def now():
    return timezone.now()
