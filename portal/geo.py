"""Loads the map: the current units from the installed vietnam-provinces package, the
pre-2025 ones from portal/data/vn_divisions_2024.json (made by scripts/make_old_map.py).

Idempotent: units are matched on (code, level, valid_from) and only changes are written.
"""
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import vietnam_provinces
from django.db import transaction

from portal.models import LAST_OLD_DAY, MAP_CHANGE, Area
from portal.text import search_key

OLD_MAP_FILE = Path(__file__).resolve().parent / "data" / "vn_divisions_2024.json"
COUNTRY_CODE = "VN"


@dataclass
class Unit:
    code: str
    name: str
    division_type: str
    level: int
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    source: str
    parent: tuple | None = None      # key of the administrative parent
    successor: tuple | None = None   # key of the unit that took it in
    lineage: tuple | None = None     # key of the unit it sits under for scoping

    @property
    def search_name(self):
        return search_key(self.name)

    @property
    def key(self):
        return (self.code, self.level, self.valid_from)


def _units():
    current_source = f"vietnam-provinces {vietnam_provinces.__version__}"
    old_doc = json.loads(OLD_MAP_FILE.read_text())
    old_source = old_doc["source"].split(";")[0]
    new = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text())

    country = Unit(COUNTRY_CODE, "Việt Nam", "quốc gia", Area.Level.COUNTRY, None, None, "")
    units = [country]
    successors = {}
    for p in old_doc["provinces"]:
        successors.setdefault(p["successor"], []).append(p["code"])
    # A province that came through unchanged (its code, and only it, went into the new one
    # of the same code) is one unit valid throughout.
    continuing = {code for code, olds in successors.items() if olds == [code]}

    new_keys = {}
    for p in new:
        code = f"{p['code']:02d}"
        since = None if code in continuing else MAP_CHANGE
        prov = Unit(code, p["name"], p["division_type"], Area.Level.PROVINCE, since, None,
                    current_source, parent=country.key, lineage=country.key)
        new_keys[code] = prov.key
        units.append(prov)
        for w in p["wards"]:
            units.append(Unit(f"{w['code']:05d}", w["name"], w["division_type"], Area.Level.COMMUNE,
                              MAP_CHANGE, None, current_source, parent=prov.key, lineage=prov.key))
    for p in old_doc["provinces"]:
        if p["code"] in continuing:
            prov_key = new_keys[p["code"]]
        else:
            prov = Unit(p["code"], p["name"], p["division_type"], Area.Level.PROVINCE, None,
                        LAST_OLD_DAY, old_source, parent=country.key,
                        successor=new_keys[p["successor"]], lineage=new_keys[p["successor"]])
            units.append(prov)
            prov_key = prov.key
        for d in p["districts"]:
            units.append(Unit(d["code"], d["name"], d["division_type"], Area.Level.DISTRICT, None,
                              LAST_OLD_DAY, old_source, parent=prov_key, lineage=prov_key))
    return units


@transaction.atomic
def load_map():
    """Creates or updates every unit; returns {"created": n, "updated": n, "unchanged": n}."""
    units = _units()
    existing = {(a.code, a.level, a.valid_from): a for a in Area.objects.all()}
    fields = ["name", "division_type", "valid_to", "source", "search_name"]
    to_create, to_update = [], []
    for u in units:
        area = existing.get(u.key)
        if area is None:
            area = Area(code=u.code, level=u.level, valid_from=u.valid_from, path="")
            for f in fields:
                setattr(area, f, getattr(u, f))
            to_create.append(area)
            existing[u.key] = area
        elif any(getattr(area, f) != getattr(u, f) for f in fields):
            for f in fields:
                setattr(area, f, getattr(u, f))
            to_update.append(area)
    Area.objects.bulk_create(to_create, batch_size=1000)
    if not to_create[:1] or to_create[0].pk is None:  # backends that return no ids (none we use)
        existing = {(a.code, a.level, a.valid_from): a for a in Area.objects.all()}

    # Links and lineage paths, now that every unit has an id. Units come parents-first.
    links = []
    for u in units:
        area = existing[u.key]
        parent = existing[u.parent] if u.parent else None
        successor = existing[u.successor] if u.successor else None
        lineage = existing[u.lineage] if u.lineage else None
        path = f"{lineage.path if lineage else '/'}{area.pk}/"
        if (area.parent_id, area.successor_id, area.path) != (
                getattr(parent, "pk", None), getattr(successor, "pk", None), path):
            area.parent, area.successor, area.path = parent, successor, path
            links.append(area)
    Area.objects.bulk_update(links, ["parent", "successor", "path"], batch_size=1000)
    changed = {a.pk for a in to_update} | {a.pk for a in links}
    created = {a.pk for a in to_create}
    return {"created": len(created), "updated": len(changed - created),
            "unchanged": len(units) - len(changed | created)}
