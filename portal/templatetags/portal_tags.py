from django import template

from portal.numbers import fmt_number

register = template.Library()


@register.filter
def so(value, decimals=None):
    """{{ value|so }} -> 1.234,5 ; {{ value|so:2 }} -> 1.234,50"""
    return fmt_number(value, decimals)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination, filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def area_choice_json(area):
    """An area as an area picker offers it (portal.area_search.choice), for
    data-area-picker-option."""
    import json

    from portal.area_search import choice

    return json.dumps(choice(area), ensure_ascii=False) if area else ""


@register.filter
def area_value(area):
    """The value an area picker carries for an area ("06040", "08@2025-06-30")."""
    from portal.area_search import value_of

    return value_of(area) if area else ""
