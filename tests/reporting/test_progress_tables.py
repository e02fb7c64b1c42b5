"""reporting.progress_tables: the progress page's big tables, cell by cell, on hand-made figures
(the same figures the page shows: test_progress_readable.py, test_own_targets.py)."""
import datetime
import re
from decimal import Decimal

import pytest

from portal.models import Area
from reporting import progress_tables
from reporting.selectors import progress
from tests.conftest import make_user
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 1, 15)


def lang_son():
    return progress(Area.resolve("20"), milestone=2025, as_of=AS_OF)


def test_children_cells_show_the_figure_its_status_and_its_share():
    report("06040", "2025", HTX_MOI=6)
    report("06046", "2025", HTX_MOI=2)
    prog = lang_son()
    reviewer = make_user("tables_reviewer", "reviewer", "20")
    rows, without = progress_tables.children_rows(prog, reviewer, "moc=2025")
    by_code = {row["area"].code: row for row in rows}
    assert set(by_code) == {"06040", "06046"}
    column = [line.indicator.code for line in prog.lines].index("HTX_MOI")
    cells = by_code["06040"]["cells"].split("</td>")
    # 6 of the province's 8 new cooperatives: its share 75 %, no target of its own (plain badge)
    value = re.search(r'data-value="([^"]*)"', cells[column]).group(1)
    assert Decimal(value) == 6 and "text-bg-light border" in cells[column]
    assert ">75,0 %</div>" in cells[column]
    assert by_code["06040"]["href"] == "/tien-do/06040/?moc=2025"
    assert all(row["area"].code not in by_code for row in without) and without
    # a unit the user may not open is listed without a link
    commune_user = make_user("tables_commune", "data_entry", "06040")
    rows, _ = progress_tables.children_rows(prog, commune_user, "")
    assert {row["area"].code: row["href"] for row in rows}["06046"] == ""


def test_lagging_only_keeps_units_behind_or_not_achieved():
    report("06040", "2025", HTX_MOI=6)
    rows, _ = progress_tables.children_rows(lang_son(), make_user("t2", "reviewer", "20"), "", lagging_only=True)
    assert rows == []   # no unit has a target of its own here, so none is behind


def test_trend_cells_follow_the_periods_asked_for():
    report("06040", "2025", HTX_MOI=6)
    prog = lang_son()
    rows = progress_tables.trend_rows(prog, ["2024", "2025"])
    htx = next(r for r in rows if r["label"] == "HTX mới")
    assert htx["cells"].count("<td") == 2
    assert htx["cells"].endswith('<td class="num" data-label="2025">6</td>')


def test_completeness_cells_name_on_time_late_and_missing():
    report("06040", "2025", HTX_MOI=6)
    prog = lang_son()
    rows = {r["name"]: r["cells"] for r in progress_tables.completeness_rows(prog, national=False)}
    thk = rows["Xã Thất Khê"]
    assert "Đúng hạn" in thk or "Muộn" in thk
    assert any("Chưa gửi" in cells for cells in rows.values())
    national = progress(Area.resolve("VN"), milestone=2025, as_of=AS_OF)
    rows = {r["name"]: r["cells"] for r in progress_tables.completeness_rows(national, national=True)}
    # Lạng Sơn: 1 of its 65 communes sent the 2025 annual report
    assert 'data-label="2025"' in rows["Lạng Sơn"] and ">1/65" in rows["Lạng Sơn"]


def test_cells_escape_what_they_show():
    """An indicator's short name is typed by administrators: it reaches the cells escaped."""
    from plans.models import Indicator

    Indicator.objects.filter(code="HTX_MOI").update(short_name='<b>HTX</b> & "mới"')
    report("06040", "2025", HTX_MOI=6)
    rows, _ = progress_tables.children_rows(lang_son(), make_user("t3", "reviewer", "20"), "a=<x>")
    cells = rows[0]["cells"]
    assert "<b>" not in cells and 'data-label="&lt;b&gt;HTX&lt;/b&gt; &amp; &quot;mới&quot;"' in cells
