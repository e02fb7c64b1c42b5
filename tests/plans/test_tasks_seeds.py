"""The tasks of the seed plans ("nhiệm vụ, giải pháp"), transcribed into plans/seeds/*.json from
shared/seeds: every task quotes its sentence, and the loaded tasks carry their agencies and
timeframes; when a task falls due (plans.tasks) is tested without a database."""
import json
import re
from pathlib import Path

import pytest

from plans.models import Plan, Task
from plans.tasks import due_years, recurrence_text, task_due_years

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "plans" / "seeds"
SOURCES_DIR = SEEDS_DIR / "sources"  # the source texts the seeds are transcribed from, kept in the repo

PLANS_WITH_TASKS = {"lang-son-2023", "ha-noi-2025", "tp-lai-chau-2023", "lien-minh-htx-2023", "khanh-hoa-2019"}


def _normal(text):
    return re.sub(r"\s+", " ", text).strip()


def _plans():
    for path in sorted(SEEDS_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        yield from doc if isinstance(doc, list) else [doc]


# No database -----------------------------------------------------------------------------

def test_due_years_of_each_recurrence():
    assert due_years("once", 2023, 2030) == [2030]
    assert due_years("yearly", 2023, 2025) == [2023, 2024, 2025]
    assert due_years("every_n", 2023, 2030, 2) == [2024, 2026, 2028, 2030]
    assert due_years("every_n", 2023, 2030, 3) == [2025, 2028]
    assert due_years("per_period", 2025, 2025) == [2025]
    assert due_years("yearly", 2026, 2025) == []
    assert recurrence_text("every_n", 2) == "02 năm/lần"


def test_every_task_quotes_its_source():
    seen = set()
    for plan in _plans():
        groups = plan.get("tasks") or []
        if not any(g.get("tasks") for g in groups):
            continue
        seen.add(plan["key"])
        source = _normal((SOURCES_DIR / plan["source"]).read_text(encoding="utf-8"))
        for group in groups:
            for task in group.get("tasks") or []:
                assert task["wording"] and _normal(task["wording"]) in source, (plan["key"], task["title"])
                assert task["lead"], task["title"]
                assert plan["year_start"] <= task["start_year"] <= task["end_year"] <= plan["year_end"]
                if re.search(r"0?2 năm/lần", task["wording"]):
                    assert (task["recurrence"], task.get("every_years")) == ("every_n", 2)
    assert seen == PLANS_WITH_TASKS


# Loaded (bootstrap) ----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_seed_plans_have_their_tasks():
    for key in PLANS_WITH_TASKS:
        assert Task.objects.filter(group__plan__key=key).exists(), key
    assert not Task.objects.filter(wording="").exists()


@pytest.mark.django_db
def test_lang_son_honours_typical_collectives_every_two_years():
    task = Task.objects.get(group__plan__key="lang-son-2023", title__startswith="Tôn vinh, khen thưởng")
    assert task.lead == "Hội Liên hiệp Phụ nữ tỉnh"
    assert (task.recurrence, task.every_years, task.start_year, task.end_year) == ("every_n", 2, 2023, 2030)
    assert "(02 năm/lần)" in task.wording
    assert task_due_years(task) == [2024, 2026, 2028, 2030]


@pytest.mark.django_db
def test_lang_son_media_column_is_due_every_period_and_agencies_carry_their_partners():
    column = Task.objects.get(group__plan__key="lang-son-2023", title__startswith="Xây dựng và duy trì ít nhất 01")
    assert column.recurrence == "per_period"
    assert "định kỳ hằng tháng, quý trên Báo Lạng Sơn" in column.wording
    finance = Task.objects.get(group__plan__key="lang-son-2023", group__section="VI.3")
    assert finance.lead == "Sở Tài chính" and finance.recurrence == "yearly"
    agri = Task.objects.filter(group__plan__key="lang-son-2023", group__section="VI.4")
    assert agri.count() == 4 and all("Hội LHPN tỉnh" in t.partner_list for t in agri[:3])
    assert agri.filter(indicators__code="CB_HOI_TAP_HUAN_TL").exists()


@pytest.mark.django_db
def test_lai_chau_honours_at_the_mid_term_and_final_reviews():
    honours = Task.objects.filter(group__plan__key="tp-lai-chau-2023", wording__contains="trong dịp sơ kết, tổng kết Đề án")
    assert sorted(task_due_years(t) for t in honours) == [[2025], [2030]]


@pytest.mark.django_db
def test_ha_noi_2025_tasks_fall_in_its_year():
    plan = Plan.objects.get(key="ha-noi-2025")
    tasks = Task.objects.filter(group__plan=plan)
    assert tasks.count() >= 30
    assert {(t.start_year, t.end_year) for t in tasks} == {(2025, 2025)}
    new_htx = tasks.get(wording__contains="thành lập mới ít nhất 03 hợp tác xã")
    assert new_htx.lead == "Hội LHPN Hà Nội" and new_htx.indicators.filter(code="HTX_MOI").exists()


@pytest.mark.django_db
def test_bootstrap_twice_changes_no_task():
    from plans.loader import load_plans

    counts = load_plans()
    assert counts["created"] == 0 and counts["updated"] == 0
