"""The allocation template comes back as it went out (issue 19, point 7): a note the exporter
quoted ("=HYPERLINK(…)" written as "'=HYPERLINK(…)" so that no spreadsheet runs it) is read back
without the quote, and nothing changes."""
import io

from plans import allocations as rules
from plans import sheets
from plans.models import Allocation
import pytest

from tests.plans.test_allocations import row, target

pytestmark = pytest.mark.django_db
NOTES = ['=HYPERLINK("http://example.com","Bấm")', "-2+3", "'trích dẫn", "@ghi chú", "bình thường"]


def test_a_quoted_note_round_trips_unchanged(users):
    from openpyxl import load_workbook

    admin, t = users["province_admin"], target()
    blank = load_workbook(io.BytesIO(sheets.allocation_template(t))).active
    units = [r[0] for r in blank.iter_rows(min_row=3, max_row=7, values_only=True)]
    rules.save_allocations(t, [row(code, 1, note=note) for code, note in zip(units, NOTES)], admin)
    exported = sheets.allocation_template(t)
    cells = {r[0]: r[4] for r in load_workbook(io.BytesIO(exported)).active.iter_rows(min_row=3, values_only=True)}
    assert cells[units[0]] == "'" + NOTES[0]                      # neutralised on the way out
    result = sheets.import_allocations(io.BytesIO(exported), t, admin)
    assert result.ok, [str(e) for e in result.errors]
    assert result.outcome.unchanged == 76 and not result.outcome.changes
    assert dict(Allocation.objects.filter(target=t).values_list("area__code", "note")) == dict(zip(units, NOTES))
