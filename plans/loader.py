"""Loads the indicator catalog and the plans transcribed in plans/seeds/*.json (one file per
source document of shared/seeds, named in each file's "source"). Idempotent: bootstrap may
run any number of times; a second run finds everything unchanged.

Seeds are the starting point, never the master (docs/seeds.md). Every record the loader writes
keeps in ``seed`` the values the seed files gave it (null on a record an administrator made);
a record whose values differ from its ``seed`` was edited, and the loader leaves it alone. A
seed file corrected later adds what is new and updates only the records nobody edited; a seed
record an administrator deleted is not added back (each seeded plan remembers in
``seed["loaded"]`` which targets and tasks it was given); a record gone from the files stays.

The functions that read the seed files and compare values take the model classes as arguments
where they touch the database, so that migration 0007 runs them on its historical models.
"""
import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from plans.catalog import CATALOG, short_name

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"

# How a field is kept in ``seed`` (JSON) and compared: as is, a Decimal as its shortest text
# ("20", "0.3"), a date as ISO text, a foreign key as its id, an indicator as its code, the
# indicators of a task as their sorted codes.
PLAIN, DECIMAL, DATE, REF, CODE, CODES = "plain", "decimal", "date", "ref", "code", "codes"

INDICATOR_FIELDS = dict.fromkeys(["code", "name", "short_name", "kind", "over_time", "unit", "in_catalog",
                                  "order"], PLAIN)
PLAN_FIELDS = {**dict.fromkeys(["key", "kind", "title", "doc_type", "number", "issuer", "issuer_parent"], PLAIN),
               "issued_on": DATE, "issued_on_precision": PLAIN, "area": REF, "based_on": REF,
               **dict.fromkeys(["legal_basis", "year_start", "year_end", "reports_half_year", "reports_annual",
                                "half_year_due", "annual_due", "reporting_note", "note", "source_file"], PLAIN)}
GROUP_FIELDS = dict.fromkeys(["order", "section", "title", "agencies", "body"], PLAIN)
TASK_FIELDS = {**dict.fromkeys(["order", "title", "lead", "partners", "start_year", "end_year", "recurrence",
                                "every_years", "wording"], PLAIN), "indicators": CODES}
TARGET_FIELDS = {"indicator": CODE, **dict.fromkeys(["milestone", "per_unit", "area_group", "form"], PLAIN),
                 "low": DECIMAL, "high": DECIMAL, **dict.fromkeys(["unit", "wording", "note"], PLAIN)}
TARGET_KEY = ("indicator", "milestone", "per_unit", "area_group")  # a target's identity in its plan


# --- reading the seed files (no database) ----------------------------------------------------

def seed_documents():
    """Every plan object of every seed file, in file order."""
    for path in sorted(SEEDS_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for plan in doc if isinstance(doc, list) else [doc]:
            yield path.name, plan


def number(value):
    """A figure as ``seed`` keeps it: 20, 20.0 and Decimal("20.00") are all "20"."""
    return None if value is None else format(Decimal(str(value)).normalize(), "f")


def indicator_seeds(docs):
    """code -> the seed values of every indicator: the catalog's, then the seed files' own."""
    out = {}
    for order, (code, name, kind, over_time, unit) in enumerate(CATALOG):
        out[code] = dict(code=code, name=name, short_name=short_name(code, name), kind=kind,
                         over_time=over_time, unit=unit, in_catalog=True, order=order)
    for _file, doc in docs:
        for i, ind in enumerate(doc.get("indicators", [])):
            out[ind["code"]] = dict(code=ind["code"], name=ind["name"],
                                    short_name=short_name(ind["code"], ind["name"], ind.get("short_name")),
                                    kind=ind["kind"], over_time=ind["over_time"], unit=ind.get("unit", ""),
                                    in_catalog=False, order=200 + i)
    return out


def plan_area(doc):
    """(code, day) of the unit the plan covers: the one valid on the plan's day (DOMAIN.md §6)."""
    return doc["area"], datetime.date.fromisoformat(doc.get("area_valid_on") or doc.get("issued_on"))


def plan_values(doc, file_name, area_id, based_on_id):
    issued = doc.get("issued_on")
    rep = doc.get("reporting") or {}
    year_start = doc.get("year_start") or (int(issued[:4]) if issued else plan_area(doc)[1].year)
    milestones = doc.get("milestones") or []
    return dict(
        key=doc["key"], kind=doc["kind"], title=doc["title"], doc_type=doc.get("doc_type") or "",
        number=doc.get("number") or "", issuer=doc["issuer"], issuer_parent=doc.get("issuer_parent") or "",
        issued_on=issued or None, issued_on_precision=doc.get("issued_on_precision") or "",
        area=area_id, based_on=based_on_id, legal_basis="\n".join(doc.get("legal_basis") or []),
        year_start=year_start, year_end=doc.get("year_end") or (max(milestones) if milestones else 2030),
        # null in the seed: the text does not say (kept as None, not as "does not report")
        reports_half_year=rep.get("half_year"), reports_annual=rep.get("annual"),
        half_year_due=rep.get("half_year_due") or "", annual_due=rep.get("annual_due") or "",
        reporting_note=rep.get("note") or "", note=doc.get("note") or "",
        source_file=doc.get("source") or file_name)


def target_values(t):
    return dict(indicator=t["indicator"], milestone=t["milestone"], per_unit=t.get("per_unit") or "",
                area_group=t.get("area_group") or "", form=t["form"], low=number(t["low"]),
                high=number(t.get("high")), unit=t.get("unit") or "", wording=t.get("wording") or "",
                note=t.get("note") or "")


def group_values(order, task):
    return dict(order=order, section=task.get("section") or "", title=task["title"][:400],
                agencies="\n".join(task.get("agencies") or []), body=task.get("body") or "")


def task_values(order, item):
    return dict(order=order, title=item["title"][:400], lead=item["lead"][:200],
                partners="\n".join(item.get("partners") or []), start_year=item["start_year"],
                end_year=item["end_year"], recurrence=item.get("recurrence") or "once",
                every_years=item.get("every_years"), wording=item.get("wording") or "",
                indicators=sorted(set(item.get("indicators") or [])))


def target_key(values):
    return tuple(values[f] for f in TARGET_KEY)


def loaded_children(doc):
    """What a plan's seed gives it, as ``seed["loaded"]`` remembers it: the targets' identities
    and, per task group's order, its tasks' orders."""
    return {"targets": [list(target_key(target_values(t))) for t in doc.get("targets", [])],
            "tasks": {str(g): list(range(1, len(task.get("tasks") or []) + 1))
                      for g, task in enumerate(doc.get("tasks", []), start=1)}}


# --- values of a record (live or historical model) -------------------------------------------

def current_values(obj, fields):
    """The record's values in the form ``seed`` keeps them."""
    out = {}
    for name, kind in fields.items():
        if kind == REF:
            value = getattr(obj, f"{name}_id")
        elif kind == CODE:
            value = getattr(obj, name).code
        elif kind == CODES:
            value = sorted(i.code for i in getattr(obj, name).all())
        elif kind == DECIMAL:
            value = number(getattr(obj, name))
        elif kind == DATE:
            value = getattr(obj, name) and getattr(obj, name).isoformat()
        else:
            value = getattr(obj, name)
        out[name] = value
    return out


def seed_part(seed, fields):
    """The values a record's ``seed`` holds for the fields (a plan's seed holds "loaded" too)."""
    return None if seed is None else {name: seed.get(name) for name in fields}


def differences(a, b):
    """The fields whose values differ, in field order."""
    return [name for name in a if a[name] != b.get(name)]


def decide(current, seed, new):
    """What the loader does with a record it finds, given its values now, the ``seed`` it was
    loaded with (None: an administrator made it) and the seed files' values now:

    "unchanged"  nothing to do;
    "update"     nobody edited it and the seed changed: write the new values;
    "reseed"     the record already holds the new seed values: only ``seed`` is written;
    "skip"       an administrator's values would change: the record stays, ``seed`` takes the
                 new seed values (so the page shows the corrected original) and one line says so.
    """
    if seed is None:
        return "reseed" if current == new else "skip"
    if current == seed:
        return "unchanged" if new == current else "update"
    if new == seed:
        return "unchanged"          # the administrator's edit stands; the seed says what it said
    return "reseed" if new == current else "skip"


def shown(value):
    """A value in one line of bootstrap's output: long texts cut, blanks named."""
    if value is None or value == "" or value == []:
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return ", ".join(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:60] + "…"


def find_area_id(Area, code, day):
    """The id of the unit a code means on a day (Area.resolve's rule, on any model class)."""
    for unit in Area.objects.filter(code=code).order_by("pk"):
        if (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day):
            return unit.pk
    raise LookupError(f"Không có đơn vị hành chính mã {code} ngày {day:%d/%m/%Y}")


# --- the loader --------------------------------------------------------------------------------

class Counts(dict):
    """bootstrap's counts ("created", "updated", "unchanged"; "skipped" only when something was)
    and ``lines``: one per record the loader left alone because an administrator edited it."""

    def __init__(self):
        super().__init__(created=0, updated=0, unchanged=0)
        self.lines = []


class _Walk:
    """One pass over the seed files against the database. With ``write`` it loads (load_plans);
    without it, it writes nothing and ``notes`` lists every difference (seeds_report)."""

    def __init__(self, models, write):
        self.Indicator, self.Plan, self.TaskGroup, self.Target, self.Task, self.Area = models
        self.write = write
        self.counts = Counts()
        self.notes = []

    def note(self, text):
        self.notes.append(text)

    # one record

    def create(self, model, parent, fields, values, label):
        self.counts["created"] += 1
        self.note(f"{label}: mới trong tệp seed, bootstrap sẽ thêm")
        if not self.write:
            return None
        obj = model(**parent)
        self._assign(obj, fields, values)
        obj.seed = dict(values)
        obj.save()
        self._assign_m2m(obj, fields, values)
        return obj

    def record(self, obj, fields, new, label, extra=None):
        """A record the seed files also describe (``extra``: a plan's "loaded", kept in seed)."""
        current = current_values(obj, fields)
        seed = seed_part(obj.seed, fields)
        decision = decide(current, seed, new)
        changed = differences(new, current)
        if seed is None:
            self.note(f"{label}: do quản trị tạo, trùng với tệp seed"
                      + (f" — khác: {self._pairs(changed, new, current)}" if changed else ""))
        elif current != seed and decision != "reseed":
            self.note(f"{label}: đã sửa — {self._pairs(changed, new, current)}")
        elif decision == "update":
            self.note(f"{label}: tệp seed đã đổi, bootstrap sẽ cập nhật — {self._pairs(changed, new, current)}")
        if decision == "unchanged":
            self.counts["unchanged"] += 1
        elif decision == "skip":
            self._skipped(f"giữ nguyên {label} (quản trị đã sửa): {self._pairs(changed, new, current)}")
        else:
            self.counts["updated"] += 1
        seed_now = {**new, **(extra or {})}
        if self.write and (decision != "unchanged" or obj.seed != seed_now):
            if decision == "update":
                self._assign(obj, fields, new)
                obj.seed = seed_now
                obj.save()
                self._assign_m2m(obj, fields, new)
            else:
                obj.seed = seed_now
                obj.save(update_fields=["seed"])
        return obj

    @staticmethod
    def _pairs(names, new, current):
        return "; ".join(f"{name}: tệp seed {shown(new[name])}, hiện tại {shown(current[name])}" for name in names)

    def _assign(self, obj, fields, values):
        for name, kind in fields.items():
            value = values[name]
            if kind == REF:
                setattr(obj, f"{name}_id", value)
            elif kind == CODE:
                setattr(obj, f"{name}_id", self.indicators[value])
            elif kind == DECIMAL:
                setattr(obj, name, None if value is None else Decimal(value))
            elif kind == DATE:
                setattr(obj, name, datetime.date.fromisoformat(value) if value else None)
            elif kind == PLAIN:
                setattr(obj, name, value)

    def _assign_m2m(self, obj, fields, values):
        for name, kind in fields.items():
            if kind == CODES:
                getattr(obj, name).set([self.indicators[code] for code in values[name]])

    # the whole pass

    def run(self):
        docs = list(seed_documents())
        self._indicators(indicator_seeds(docs))
        self.indicators = dict(self.Indicator.objects.values_list("code", "pk"))
        plans = {}
        for file_name, doc in docs:
            plans[doc["key"]] = self._find_plan(doc["key"])
        if self.write:  # every plan exists before based_on links are read
            for file_name, doc in docs:
                if plans[doc["key"]] is None:
                    code, day = plan_area(doc)
                    values = plan_values(doc, file_name, find_area_id(self.Area, code, day), None)
                    plans[doc["key"]] = self.create(self.Plan, {}, PLAN_FIELDS, values, f"kế hoạch {doc['key']}")
                    plans[doc["key"]].fresh = True
        for file_name, doc in docs:
            plan = plans[doc["key"]]
            based_on = plans.get(doc.get("based_on")) if doc.get("based_on") else None
            code, day = plan_area(doc)
            new = plan_values(doc, file_name, find_area_id(self.Area, code, day), getattr(based_on, "pk", None))
            label = f"kế hoạch {doc['key']}"
            if plan is None:   # not written (seeds_report): its targets and tasks come with it
                self.create(self.Plan, {}, PLAN_FIELDS, new, label)
                continue
            if getattr(plan, "fresh", False):
                loaded = {"targets": [], "tasks": {}}
                self._targets(plan, doc, loaded)
                self._groups(plan, doc, loaded)
                plan.based_on_id, plan.seed = new["based_on"], {**new, "loaded": loaded}
                plan.save(update_fields=["based_on", "seed"])
                continue
            loaded = (plan.seed or {}).get("loaded") or {"targets": [], "tasks": {}}
            loaded = {"targets": [list(k) for k in loaded["targets"]],
                      "tasks": {g: list(orders) for g, orders in loaded["tasks"].items()}}
            self._targets(plan, doc, loaded)
            self._groups(plan, doc, loaded)
            self.record(plan, PLAN_FIELDS, new, label, extra={"loaded": loaded})
        self._outside_the_seeds(plans)
        return self

    def _indicators(self, seeds):
        for code, values in seeds.items():
            obj = self.Indicator.objects.filter(code=code).first()
            label = f"chỉ tiêu {code}"
            if obj is None:
                self.create(self.Indicator, {}, INDICATOR_FIELDS, values, label)
            else:
                self.record(obj, INDICATOR_FIELDS, values, label)

    def _find_plan(self, key):
        return (self.Plan.objects.filter(seed__key=key).first()
                or self.Plan.objects.filter(key=key, seed__isnull=True).first())

    def _children(self, model, parent, fields, identity, items, loaded_ids, label_of):
        """The records of one plan (targets, task groups) or one group (tasks) against the seed's
        ``items`` [(identity, values)]. ``loaded_ids`` (updated in place) are the identities the
        seed gave before: one of them gone from the database was deleted by an administrator and
        is not added back. Returns identity -> record for the items kept."""
        rows = model.objects.filter(**parent)
        rows = rows.select_related(*[n for n, kind in fields.items() if kind == CODE])
        existing = list(rows.prefetch_related(*[n for n, kind in fields.items() if kind == CODES]))
        now = {identity(current_values(r, fields)): r for r in existing}
        by_seed = {identity(r.seed): r for r in existing if r.seed}
        was = {tuple(x) if isinstance(x, list) else x for x in loaded_ids}
        seen, kept = set(), {}
        for ident, new in items:
            label = label_of(new)
            obj = by_seed.get(ident)
            if obj is None and ident in was:
                self.note(f"{label}: quản trị đã xoá, bootstrap không thêm lại")
                continue
            if obj is None and ident in now:
                if now[ident].seed is not None:   # a seeded record an administrator moved here
                    self._skipped(f"không thêm {label}: chỗ này nay là của một bản ghi quản trị đã sửa")
                    self.note(f"{label}: mới trong tệp seed, trùng một bản ghi quản trị đã sửa, không thêm")
                    loaded_ids.append(list(ident) if isinstance(ident, tuple) else ident)
                    continue
                obj = now[ident]                  # made by an administrator, now in the seed too
            if obj is None:
                obj = self.create(model, parent, fields, new, label)
            else:
                seen.add(obj.pk)
                self.record(obj, fields, new, label)
            kept[ident] = obj
            if ident not in was:
                loaded_ids.append(list(ident) if isinstance(ident, tuple) else ident)
        wanted = {ident for ident, _new in items}
        for r in existing:
            if r.pk in seen:
                continue
            if r.seed is None:
                self.note(f"{label_of(current_values(r, fields))}: do quản trị thêm")
            elif identity(r.seed) not in wanted:
                self.note(f"{label_of(r.seed)}: không còn trong tệp seed (giữ lại)")
        return kept

    def _skipped(self, line):
        self.counts["skipped"] = self.counts.get("skipped", 0) + 1
        self.counts.lines.append(f"  {line}")

    def _targets(self, plan, doc, loaded):
        def label(values):
            extra = "".join(f" ({values[f]})" for f in ("per_unit", "area_group") if values[f])
            return f"mục tiêu {plan.key} {values['indicator']} {values['milestone']}{extra}"
        items = [(target_key(v), v) for v in map(target_values, doc.get("targets", []))]
        self._children(self.Target, {"plan": plan}, TARGET_FIELDS, target_key, items, loaded["targets"], label)

    def _groups(self, plan, doc, loaded):
        tasks = doc.get("tasks", [])
        ids = [int(order) for order in loaded["tasks"]]
        kept = self._children(self.TaskGroup, {"plan": plan}, GROUP_FIELDS, lambda v: v["order"],
                              [(order, group_values(order, task)) for order, task in enumerate(tasks, start=1)],
                              ids, lambda v: f"nhóm nhiệm vụ {plan.key} #{v['order']}")
        for order in ids:
            loaded["tasks"].setdefault(str(order), [])
        for order, group in kept.items():
            if group is None:    # seeds_report: a group not yet loaded
                continue
            items = tasks[order - 1].get("tasks") or []
            self._children(self.Task, {"group": group}, TASK_FIELDS, lambda v: v["order"],
                           [(i, task_values(i, item)) for i, item in enumerate(items, start=1)],
                           loaded["tasks"][str(order)], lambda v, g=order: f"nhiệm vụ {plan.key} #{g}.{v['order']}")

    def _outside_the_seeds(self, plans):
        """Plans and indicators the seed files do not describe: an administrator's, or dropped."""
        keys = {p.pk for p in plans.values() if p is not None}
        for plan in self.Plan.objects.exclude(pk__in=keys).order_by("key"):
            if plan.seed is None:
                self.note(f"kế hoạch {plan.key}: do quản trị thêm ({plan.targets.count()} mục tiêu, "
                          f"{plan.tasks.count()} nhóm nhiệm vụ)")
            else:
                self.note(f"kế hoạch {plan.seed.get('key')}: không còn trong tệp seed (giữ lại)")
        seeds = indicator_seeds(list(seed_documents()))
        for ind in self.Indicator.objects.exclude(code__in=list(seeds)).order_by("code"):
            self.note(f"chỉ tiêu {ind.code}: " + ("do quản trị thêm" if ind.seed is None
                                                 else "không còn trong tệp seed (giữ lại)"))


def _live_models():
    from plans.models import Indicator, Plan, Target, Task, TaskGroup
    from portal.models import Area
    return Indicator, Plan, TaskGroup, Target, Task, Area


@transaction.atomic
def load_plans():
    """Loads the seeds (docs/seeds.md): bootstrap's counts, with ``.lines`` for what it left alone."""
    return _Walk(_live_models(), write=True).run().counts


def seeds_report():
    """Every difference between the seed files and the database, one line each; writes nothing."""
    return _Walk(_live_models(), write=False).run().notes


def fill_seeds(Indicator, Plan, TaskGroup, Target, Task, Area):
    """Migration 0007: the records an earlier release loaded get their ``seed`` from the seed
    FILES, not from their current values, so that an administrator's edit made before the
    upgrade reads as an edit and is kept. Records the files do not describe stay null (an
    administrator's). Runs on the migration's historical models; records that already have a
    seed are left alone."""
    docs = list(seed_documents())
    for code, values in indicator_seeds(docs).items():
        Indicator.objects.filter(code=code, seed__isnull=True).update(seed=values)
    for file_name, doc in docs:
        plan = Plan.objects.filter(key=doc["key"], seed__isnull=True).first()
        if plan is None:
            continue
        based_on = Plan.objects.filter(key=doc["based_on"]).first() if doc.get("based_on") else None
        code, day = plan_area(doc)
        try:
            area_id = find_area_id(Area, code, day)
        except LookupError:
            area_id = None
        plan.seed = {**plan_values(doc, file_name, area_id, getattr(based_on, "pk", None)),
                     "loaded": loaded_children(doc)}
        plan.save(update_fields=["seed"])
        for t in doc.get("targets", []):
            values = target_values(t)
            Target.objects.filter(plan=plan, indicator__code=values["indicator"], milestone=values["milestone"],
                                  per_unit=values["per_unit"], area_group=values["area_group"],
                                  seed__isnull=True).update(seed=values)
        for order, task in enumerate(doc.get("tasks", []), start=1):
            group = TaskGroup.objects.filter(plan=plan, order=order, seed__isnull=True).first()
            if group is None:
                continue
            group.seed = group_values(order, task)
            group.save(update_fields=["seed"])
            for i, item in enumerate(task.get("tasks") or [], start=1):
                Task.objects.filter(group=group, order=i, seed__isnull=True).update(seed=task_values(i, item))
