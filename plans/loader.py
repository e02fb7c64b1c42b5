"""Loads the indicator catalog and the plans transcribed in plans/seeds/*.json (one file per
source document of shared/seeds, named in each file's "source"). Idempotent: bootstrap may
run any number of times; a second run finds everything unchanged."""
import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from plans.catalog import CATALOG
from plans.models import Indicator, Plan, Task, TaskGroup, Target
from portal.models import Area

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


class Tally:
    def __init__(self):
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}

    def save(self, model, lookup, values):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.counts["created"] += 1
            return obj
        changed = [k for k, v in values.items() if _differs(getattr(obj, k), v)]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
        return obj


def _differs(current, new):
    if isinstance(current, Decimal) and new is not None:
        return current != Decimal(str(new))
    if hasattr(current, "pk") and hasattr(new, "pk"):
        return current.pk != new.pk
    return current != new


def seed_documents():
    """Every plan object of every seed file, in file order."""
    for path in sorted(SEEDS_DIR.glob("*.json")):
        doc = json.loads(path.read_text())
        for plan in doc if isinstance(doc, list) else [doc]:
            yield path.name, plan


@transaction.atomic
def load_plans():
    tally = Tally()
    for order, (code, name, kind, over_time, unit) in enumerate(CATALOG):
        tally.save(Indicator, {"code": code}, dict(name=name, kind=kind, over_time=over_time,
                                                    unit=unit, in_catalog=True, order=order))
    docs = list(seed_documents())
    for _file, doc in docs:
        for i, ind in enumerate(doc.get("indicators", [])):
            tally.save(Indicator, {"code": ind["code"]}, dict(
                name=ind["name"], kind=ind["kind"], over_time=ind["over_time"],
                unit=ind.get("unit", ""), in_catalog=False, order=200 + i))
    plans = {}
    for file_name, doc in docs:  # based_on links are set once every plan exists
        plans[doc["key"]] = _save_plan(tally, file_name, doc)
    for _file, doc in docs:
        based_on = plans.get(doc.get("based_on")) if doc.get("based_on") else None
        if plans[doc["key"]].based_on_id != getattr(based_on, "pk", None):
            plans[doc["key"]].based_on = based_on
            plans[doc["key"]].save(update_fields=["based_on"])
    return tally.counts


def _save_plan(tally, file_name, doc):
    area_day = datetime.date.fromisoformat(doc.get("area_valid_on") or doc.get("issued_on"))
    area = Area.resolve(doc["area"], on=area_day)
    issued = doc.get("issued_on")
    rep = doc.get("reporting") or {}
    year_start = doc.get("year_start") or (int(issued[:4]) if issued else area_day.year)
    milestones = doc.get("milestones") or []
    year_end = doc.get("year_end") or (max(milestones) if milestones else 2030)
    plan = tally.save(Plan, {"key": doc["key"]}, dict(
        kind=doc["kind"], title=doc["title"], doc_type=doc.get("doc_type") or "",
        number=doc.get("number") or "", issuer=doc["issuer"],
        issuer_parent=doc.get("issuer_parent") or "",
        issued_on=datetime.date.fromisoformat(issued) if issued else None,
        issued_on_precision=doc.get("issued_on_precision") or "",
        area=area, legal_basis="\n".join(doc.get("legal_basis") or []),
        year_start=year_start, year_end=year_end,
        # null in the seed: the text does not say (kept as None, not as "does not report")
        reports_half_year=rep.get("half_year"), reports_annual=rep.get("annual"),
        half_year_due=rep.get("half_year_due") or "", annual_due=rep.get("annual_due") or "",
        reporting_note=rep.get("note") or "", note=doc.get("note") or "",
        source_file=doc.get("source") or file_name,
    ))
    indicators = {i.code: i for i in Indicator.objects.all()}
    for order, task in enumerate(doc.get("tasks", []), start=1):
        group = tally.save(TaskGroup, {"plan": plan, "order": order}, dict(
            section=task.get("section") or "", title=task["title"][:400],
            agencies="\n".join(task.get("agencies") or []), body=task.get("body") or ""))
        _save_tasks(tally, group, task.get("tasks") or [], indicators)
    TaskGroup.objects.filter(plan=plan, order__gt=len(doc.get("tasks", []))).delete()
    kept = []
    for t in doc.get("targets", []):
        kept.append(tally.save(Target, {"plan": plan, "indicator": indicators[t["indicator"]],
                            "milestone": t["milestone"], "per_unit": t.get("per_unit") or "",
                            "area_group": t.get("area_group") or ""}, dict(
            form=t["form"], low=Decimal(str(t["low"])),
            high=Decimal(str(t["high"])) if t.get("high") is not None else None,
            unit=t.get("unit") or "", wording=t.get("wording") or "", note=t.get("note") or "")).pk)
    removed, _ = Target.objects.filter(plan=plan).exclude(pk__in=kept).delete()  # corrected in the seed
    tally.counts["updated"] += removed
    return plan


def _save_tasks(tally, group, items, indicators):
    """The tasks of one task group, in document order (a group's task keeps its order number)."""
    for order, item in enumerate(items, start=1):
        task = tally.save(Task, {"group": group, "order": order}, dict(
            title=item["title"][:400], lead=item["lead"][:200], partners="\n".join(item.get("partners") or []),
            start_year=item["start_year"], end_year=item["end_year"], recurrence=item.get("recurrence") or "once",
            every_years=item.get("every_years"), wording=item.get("wording") or ""))
        wanted = {indicators[code].pk for code in item.get("indicators") or []}
        if set(task.indicators.values_list("pk", flat=True)) != wanted:
            task.indicators.set(wanted)
    Task.objects.filter(group=group, order__gt=len(items)).delete()
