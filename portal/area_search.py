"""Choosing an area by its name: the search behind every area picker, and the value a picker
sends back.

- ``search_areas(q, user=…)``: the units whose name holds every word typed, with or without
  diacritics ("hoa tham", "Hòa Thám" and "Hoa Thám" all find "Xã Hoa Thám"), or whose GSO code
  starts with the digits typed; only those in the user's scope (portal.scoping) unless
  ``user`` is None (the public map). Best matches first, at most ``limit``.
- ``choice(area)``: how a unit is offered: its name, level, province and, for a unit of the
  old map, "đến 30/06/2025".
- ``value_of(area)`` / ``resolve_input(text)``: the value a form carries. A current unit is its
  code ("06073"); a unit of the old map is "code@valid_to" ("08@2025-06-30": the old Tuyên
  Quang, whose code the merged province kept). Typed by hand (no JavaScript), a code or a
  unit's exact name ("Xã Hoa Thám" or "Hoa Thám") is accepted too.
"""
import datetime
import re

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from portal.models import MAP_CHANGE, Area
from portal.scoping import scoped
from portal.text import nfkc, search_key

LIMIT = 20
ERAS = ("all", "current", "old")


class AmbiguousName(Exception):
    """A typed name that several units in scope bear (the message names how many)."""


def _candidates(user):
    areas = Area.objects.all()
    return areas if user is None else scoped(areas, user)


def _with_era(areas, era):
    if era == "current":
        return areas.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=MAP_CHANGE))
    if era == "old":
        return areas.old_map()
    return areas


def search_areas(q, *, user, levels=None, era="all", limit=LIMIT):
    """Units matching what was typed, best first: a unit whose name is the words typed ("hoa
    tham" -> "Xã Hoa Thám") before one whose name only holds them ("Xã Hoàng Hoa Thám"), then by
    level (provinces first) and name. ``user`` None: the whole map."""
    key = search_key(q)
    code = nfkc(q).replace(" ", "")
    areas = _with_era(_candidates(user), era)
    if levels:
        areas = areas.filter(level__in=levels)
    if code.isdigit() or code.upper() == "VN":
        areas = areas.filter(code__startswith=code.upper())
        rank = Case(When(code=code.upper(), then=Value(0)), default=Value(1), output_field=IntegerField())
    else:
        words = key.split()
        if not words:
            return []
        for word in words:
            areas = areas.filter(search_name__contains=word)
        phrase = " ".join(words)
        rank = Case(When(Q(search_name=phrase) | Q(search_name__endswith=f" {phrase}"), then=Value(0)),
                    When(search_name__contains=f" {phrase}", then=Value(1)),
                    When(search_name__contains=phrase, then=Value(2)),
                    default=Value(3), output_field=IntegerField())
    areas = areas.annotate(rank=rank).select_related("parent").order_by("rank", "level", "search_name", "code")
    return [choice(a) for a in areas[:limit]]


def _province_of(area):
    """The province a unit lies in as it was then (an old district: its old province)."""
    if area.level <= Area.Level.PROVINCE or area.parent is None:
        return ""
    return area.parent.name


def choice(area):
    """One suggestion: {"value", "code", "text", "level", "province", "until", "meta"}."""
    until = area.valid_to.strftime("%d/%m/%Y") if area.is_old else ""
    level = str(Area.Level(area.level).label)
    province = _province_of(area)
    meta = " · ".join(filter(None, [level, province, _("đến %(day)s") % {"day": until} if until else ""]))
    return {"value": value_of(area), "code": area.code, "text": area.name, "level": level,
            "province": province, "until": until, "meta": meta}


def value_of(area):
    return f"{area.code}@{area.valid_to.isoformat()}" if area.is_old else area.code


_CODE_AT_DAY = re.compile(r"^([0-9]{2,5}|VN)(?:@([0-9]{4}-[0-9]{2}-[0-9]{2}))?$")


def resolve_input(text, *, user=None):
    """The unit a picker's value or a hand-typed code or name means; Area.DoesNotExist when
    there is none, AmbiguousName when several units (in the user's scope, if given) bear that
    name and none of them is a current one alone."""
    text = text.strip()
    compact = nfkc(text).replace(" ", "")
    match = _CODE_AT_DAY.match(compact.upper() if compact.lower() == "vn" else compact)
    if match:
        code, day = match.groups()
        return Area.resolve(code, on=datetime.date.fromisoformat(day) if day else None)
    key = search_key(text)
    if not key:
        raise Area.DoesNotExist(text)
    # the whole name ("xa hoa tham") or the name after its division type ("hoa tham")
    named = [a for a in _candidates(user).filter(search_name__endswith=key)
             if a.search_name == key or a.search_name == f"{search_key(a.division_type)} {key}"]
    if len(named) > 1:
        current = [a for a in named if not a.is_old]
        if len(current) == 1:
            return current[0]
        raise AmbiguousName(len(named))
    if not named:
        raise Area.DoesNotExist(text)
    return named[0]
