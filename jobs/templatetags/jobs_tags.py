from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_vi(value):
    """A timedelta as "1 giờ 2 phút", "3 phút 4 giây" or "5 giây"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(h)s giờ %(m)s phút") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s phút %(s)s giây") % {"m": minutes, "s": seconds}
    return _("%(s)s giây") % {"s": seconds}
