"""Seeds are the starting point (docs/seeds.md): bootstrap never undoes what an administrator
changed or added through the plan pages; a seed file corrected later adds what is new and
updates only what nobody edited; `bootstrap --seeds-report` lists the differences and writes
nothing; migration 0007 fills ``seed`` from the seed files."""
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans import loader
from plans.models import Allocation, Indicator, Plan, Target, Task, TaskGroup
from portal.models import Area
from tests.plans.test_plan_views import extra_row, form_data, plan_post, row_of, url

pytestmark = pytest.mark.django_db

KEY = "lang-son-2023"


def run(*args):
    out = io.StringIO()
    call_command("bootstrap", *args, no_migrate=True, stdout=out)
    return out.getvalue()


def target(code, milestone, key=KEY):
    return Target.objects.get(plan__key=key, indicator__code=code, milestone=milestone)


def edit_target_range(client, code, milestone, low, high):
    """Through the plan's targets page, as a browser submits it."""
    address = url("plans:targets", KEY)
    data = form_data(client.get(address), "targets")
    i = row_of(data, "targets", target(code, milestone).pk)
    data[f"targets-{i}-low"], data[f"targets-{i}-high"] = low, high
    assert client.post(address, data).status_code == 302


def add_target(client, code, milestone, form, low, unit):
    address = url("plans:targets", KEY)
    data = form_data(client.get(address), "targets")
    i = extra_row(data, "targets")
    row = {"indicator": str(Indicator.objects.get(code=code).pk), "milestone": str(milestone), "form": form,
           "low": low, "high": "", "unit": unit, "per_unit": "", "area_group": "", "wording": ""}
    data.update({f"targets-{i}-{field}": value for field, value in row.items()})
    assert client.post(address, data).status_code == 302
    return target(code, milestone)


def add_task_group(client, title):
    address = url("plans:tasks", KEY)
    data = form_data(client.get(address), "tasks")
    i = extra_row(data, "tasks")
    data.update({f"tasks-{i}-order": "99", f"tasks-{i}-section": "V.9", f"tasks-{i}-title": title,
                 f"tasks-{i}-agencies": "Hội LHPN tỉnh", f"tasks-{i}-body": ""})
    assert client.post(address, data).status_code == 302


def rename_plan(client, title):
    lang_son = Plan.objects.get(key=KEY)
    response = client.post(url("plans:edit", KEY), plan_post(
        key=lang_son.key, kind=lang_son.kind, number="", title=title, issuer=lang_son.issuer,
        issuer_parent=lang_son.issuer_parent, doc_type=lang_son.doc_type, issued_on="01/04/2023",
        issued_on_precision="month", year_start="2023", year_end="2030", based_on=str(lang_son.based_on_id),
        legal_basis=lang_son.legal_basis, reports_half_year="", reports_annual="",
        annual_due=lang_son.annual_due, half_year_due=lang_son.half_year_due,
        reporting_note=lang_son.reporting_note, note=lang_son.note, source_file=lang_son.source_file))
    assert response.status_code == 302


@pytest.fixture
def admin(users, client_for):
    return client_for(users["province_admin"])


@pytest.fixture
def edited(admin):
    """An administrator's work on Lạng Sơn's plan: a range edited (20–25 → 30–35), the title
    changed, a target added with an allocation, a task group added."""
    edit_target_range(admin, "HTX_MOI", 2025, "30", "35")
    rename_plan(admin, "Kế hoạch Đề án 01 tỉnh Lạng Sơn (bản quản trị)")
    added = add_target(admin, "HTX_MOI", 2027, "at_least", "50", "HTX")
    Allocation.objects.create(target=added, area=Area.resolve("06040"), form="number", low=2)
    add_task_group(admin, "Sơ kết giai đoạn 1")
    return admin


@pytest.fixture
def corrected_seeds(tmp_path, monkeypatch):
    """A copy of the seed files, Lạng Sơn's corrected later: THT_MOI 2025 (nobody edited it)
    50 → 55, HTX_MOI 2025 (the administrator's) 20–25 → 20–26, a new target HTX_MOI 2028,
    and CHUYEN_MUC_TT 2030 dropped from the file."""
    seeds = tmp_path / "seeds"
    shutil.copytree(loader.SEEDS_DIR, seeds)
    path = seeds / "lang_son_2023.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    targets = doc["targets"]
    for t in targets:
        if (t["indicator"], t["milestone"]) == ("THT_MOI", 2025):
            t["low"] = 55
        if (t["indicator"], t["milestone"]) == ("HTX_MOI", 2025):
            t["high"] = 26
    doc["targets"] = [t for t in targets if (t["indicator"], t["milestone"]) != ("CHUYEN_MUC_TT", 2030)]
    doc["targets"].append({"indicator": "HTX_MOI", "milestone": 2028, "form": "number", "low": 60,
                           "unit": "HTX", "wording": "đến năm 2028 có 60 HTX"})
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(loader, "SEEDS_DIR", seeds)
    return seeds


def snapshot():
    """Every plan record with its seed: what "writes nothing" compares."""
    def rows(model, *fields):
        return sorted(model.objects.values_list("pk", *fields, "seed"), key=lambda r: r[0])
    return (rows(Plan, "key", "title", "based_on"), rows(Target, "low", "high", "wording", "milestone"),
            rows(TaskGroup, "order", "title"), rows(Task, "order", "title"), rows(Indicator, "code", "name"),
            sorted(Allocation.objects.values_list("pk", "low")))


# --- an administrator's work survives bootstrap ---------------------------------------------

def test_bootstrap_keeps_what_an_administrator_changed_and_added(edited):
    plan = Plan.objects.get(key=KEY)
    before = snapshot()
    for _ in range(2):
        output = run()
        assert "plans: created 0, updated 0, unchanged " in output
        assert "skipped" not in output and "giữ nguyên" not in output
        assert snapshot() == before
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch Đề án 01 tỉnh Lạng Sơn (bản quản trị)"
    assert (target("HTX_MOI", 2025).low, target("HTX_MOI", 2025).high) == (30, 35)
    added = target("HTX_MOI", 2027)
    assert added.seed is None and added.allocations.get().low == 2
    assert plan.tasks.filter(title="Sơ kết giai đoạn 1", seed__isnull=True).exists()
    assert plan.targets.count() == 17


def test_the_pages_show_as_written_or_edited_with_the_original(edited):
    html = edited.get(url("plans:detail", KEY)).content.decode()
    assert "đã sửa — văn bản gốc: từ 20 - 25 HTX" in html
    assert html.count("như văn bản gốc") == 15     # the targets nobody changed
    assert "do quản trị thêm" in html              # the one the administrator added
    assert "Tên văn bản — văn bản gốc: Kế hoạch" in html
    edited_row = target("HTX_MOI", 2025)
    assert edited_row.seed_edits == ["low", "high"] and target("THT_MOI", 2025).seed_edits == []
    page = edited.get(reverse("plans:target_allocate", args=[edited_row.plan_id, edited_row.pk])).content.decode()
    assert "(đã sửa — văn bản gốc: từ 20 - 25 HTX)" in page


def test_a_target_an_administrator_deleted_is_not_added_back(admin):
    address = url("plans:targets", KEY)
    data = form_data(admin.get(address), "targets")
    data[f"targets-{row_of(data, 'targets', target('THT_MOI', 2030).pk)}-DELETE"] = "on"
    assert admin.post(address, data).status_code == 302
    assert "plans: created 0, updated 0," in run()
    assert not Target.objects.filter(plan__key=KEY, indicator__code="THT_MOI", milestone=2030).exists()
    assert "mục tiêu lang-son-2023 THT_MOI 2030: quản trị đã xoá, bootstrap không thêm lại" in run("--seeds-report")


# --- a seed file corrected later ---------------------------------------------------------------

def test_a_corrected_seed_adds_and_updates_but_skips_the_edited(edited, corrected_seeds):
    output = run()
    assert "plans: created 1, updated 1, unchanged " in output and ", skipped 1" in output
    skipped = [line for line in output.splitlines() if "giữ nguyên" in line]
    assert skipped == ["  giữ nguyên mục tiêu lang-son-2023 HTX_MOI 2025 (quản trị đã sửa): "
                       "low: tệp seed 20, hiện tại 30; high: tệp seed 26, hiện tại 35"]
    assert target("THT_MOI", 2025).low == 55                                 # nobody had edited it
    new = target("HTX_MOI", 2028)
    assert (new.form, new.low, new.seed["low"]) == ("number", 60, "60")     # added
    edited_row = target("HTX_MOI", 2025)
    assert (edited_row.low, edited_row.high) == (30, 35)                     # the administrator's
    assert edited_row.seed["high"] == "26"                                   # the corrected original
    assert target("CHUYEN_MUC_TT", 2030).seed is not None                    # gone from the file, kept
    assert target("HTX_MOI", 2027).allocations.count() == 1
    # once said, the next run is quiet and changes nothing
    before = snapshot()
    again = run()
    assert "plans: created 0, updated 0, unchanged " in again and "skipped" not in again
    assert snapshot() == before


def test_an_unedited_plan_takes_the_corrected_title(corrected_seeds):
    path = corrected_seeds / "ha_noi_2025.json"
    docs = json.loads(path.read_text(encoding="utf-8"))
    doc = next(d for d in (docs if isinstance(docs, list) else [docs]) if d["key"] == "ha-noi-2025")
    doc["title"] = doc["title"] + " (đính chính)"
    path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    run()
    plan = Plan.objects.get(key="ha-noi-2025")
    assert plan.title.endswith("(đính chính)") and plan.seed["title"] == plan.title
    assert plan.seed_changes == []


# --- bootstrap --seeds-report --------------------------------------------------------------

def test_seeds_report_lists_the_differences_and_writes_nothing(edited, corrected_seeds):
    before = snapshot()
    output = run("--seeds-report")
    assert snapshot() == before
    lines = output.splitlines()
    assert lines[0].startswith("seeds: ") and "khác biệt" in lines[0]
    for expected in [
        "mục tiêu lang-son-2023 HTX_MOI 2025: đã sửa — low: tệp seed 20, hiện tại 30; high: tệp seed 26, hiện tại 35",
        "mục tiêu lang-son-2023 THT_MOI 2025: tệp seed đã đổi, bootstrap sẽ cập nhật — low: tệp seed 55, hiện tại 50",
        "mục tiêu lang-son-2023 HTX_MOI 2028: mới trong tệp seed, bootstrap sẽ thêm",
        "mục tiêu lang-son-2023 HTX_MOI 2027: do quản trị thêm",
        "mục tiêu lang-son-2023 CHUYEN_MUC_TT 2030: không còn trong tệp seed (giữ lại)",
        "nhóm nhiệm vụ lang-son-2023 #99: do quản trị thêm",
    ]:
        assert f"  {expected}" in lines, expected
    assert any(line.startswith("  kế hoạch lang-son-2023: đã sửa — title: tệp seed ") for line in lines)
    assert not any("refresh_sums" in line or line.startswith("plans:") for line in lines)


def test_seeds_report_of_an_untouched_database():
    assert run("--seeds-report").strip() == "seeds: cơ sở dữ liệu khớp với tệp seed"


# --- migration 0007: seed from the files -------------------------------------------------------

def test_fill_seeds_takes_the_files_values_so_an_earlier_edit_stays_an_edit():
    # the database as the previous release left it: no seeds, one target edited, one added
    for model in (Indicator, Plan, TaskGroup, Target, Task):
        model.objects.update(seed=None)
    Target.objects.filter(pk=target("HTX_MOI", 2025).pk).update(low=30, high=35)
    added = Target.objects.create(plan=Plan.objects.get(key=KEY), indicator=Indicator.objects.get(code="HTX_MOI"),
                                  milestone=2027, form="at_least", low=50, unit="HTX")
    loader.fill_seeds(Indicator, Plan, TaskGroup, Target, Task, Area)
    edited_row = target("HTX_MOI", 2025)
    assert (edited_row.seed["low"], edited_row.seed["high"]) == ("20", "25")   # from the file
    assert edited_row.seed_edits == ["low", "high"]
    assert target("THT_MOI", 2025).seed_edits == []
    added.refresh_from_db()
    assert added.seed is None
    plan = Plan.objects.get(key=KEY)
    assert plan.seed_edits == [] and len(plan.seed["loaded"]["targets"]) == 16
    assert Task.objects.filter(seed__isnull=True).count() == 0
    assert Indicator.objects.filter(seed__isnull=True).count() == 0
    # then bootstrap keeps the pre-upgrade edit, and a second fill changes nothing
    assert "plans: created 0, updated 0," in run()
    assert (target("HTX_MOI", 2025).low, target("HTX_MOI", 2025).high) == (30, 35)
    before = snapshot()
    loader.fill_seeds(Indicator, Plan, TaskGroup, Target, Task, Area)
    assert snapshot() == before


@pytest.mark.parametrize("current, seed, new, decision", [
    ({"low": "20"}, {"low": "20"}, {"low": "20"}, "unchanged"),
    ({"low": "20"}, {"low": "20"}, {"low": "22"}, "update"),      # nobody edited: corrected
    ({"low": "30"}, {"low": "20"}, {"low": "20"}, "unchanged"),   # edited, seed as before
    ({"low": "30"}, {"low": "20"}, {"low": "22"}, "skip"),        # edited, seed changed
    ({"low": "22"}, {"low": "20"}, {"low": "22"}, "reseed"),      # the seed now agrees
    ({"low": "30"}, None, {"low": "22"}, "skip"),                 # an administrator's record
    ({"low": "22"}, None, {"low": "22"}, "reseed"),
])
def test_decide(current, seed, new, decision):
    assert loader.decide(current, seed, new) == decision


def test_number_keeps_one_form_for_a_figure():
    assert [loader.number(v) for v in (20, 20.0, Decimal("20.00"), "0.3", Decimal("0.30"), None)] == \
        ["20", "20", "20", "0.3", "0.3", None]
