"""Builders shared by the report page tests."""
import datetime

from django.urls import reverse

from portal.models import Area, User
from reporting import services
from reporting.models import Period

THAT_KHE = "06040"


def period(code):
    return Period.objects.get(code=code)


def area(code, on=None):
    return Area.resolve(code, on=datetime.date.fromisoformat(on) if on else None)


def report_of(code, period_code, *, on=None, user=None):
    return services.get_or_create_report(area=area(code, on), period=period(period_code), user=user)


def detail(report):
    return reverse("reporting:detail", args=[report.pk])


def form_data(form, action="save", **changes):
    """What the browser posts back for a report form as rendered (every field as shown), with
    some fields changed (field name -> value; None posts an empty box)."""
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        data[name] = "" if value is None else str(value)
    for name, value in changes.items():
        data[name] = "" if value is None else str(value)
    data["action"] = action
    return data


def editor_of(code, on=None):
    """A data entry user of the area (the one who may fill and send its report)."""
    user, _ = User.objects.get_or_create(username=f"nhap-{code}", defaults={
        "role": User.Role.DATA_ENTRY, "area": area(code, on), "first_name": f"nhap-{code}"})
    return user


def submitted(code, period_code, user, values=None, on=None):
    """A report of an area, filled and submitted by a data entry user through the services."""
    report = report_of(code, period_code, on=on, user=user)
    services.save_values(report, values=values or {"HTX_MOI": {"value": 3}}, version=report.version, user=user)
    report.refresh_from_db()
    return services.submit(report, user=user)


def other_lang_son_commune():
    return (Area.objects.inside(area("20")).filter(level=Area.Level.COMMUNE)
            .exclude(code=THAT_KHE).order_by("code").first().code)


def ha_noi_commune():
    return Area.objects.inside(area("01")).filter(level=Area.Level.COMMUNE).order_by("code").first().code
