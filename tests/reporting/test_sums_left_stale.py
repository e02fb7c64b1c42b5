"""A province's period whose commit-time rebuild failed stays "not fresh" (added up live, slower
but right) until `manage.py daily` rebuilds it."""
import io

import pytest
from django.core.management import call_command

from portal.models import Area
from reporting import sums
from reporting.models import Period, ProvinceSum, ProvinceSumState
from tests.reporting.test_rollup_sql import units  # noqa: F401  (the hand-computed reports)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("units")
def test_daily_rebuilds_every_group_left_not_fresh():
    sums.rebuild()
    group = (Period.objects.get(code="2025").pk, Area.resolve("20").pk)
    built = ProvinceSum.objects.get(period_id=group[0], province_id=group[1], indicator__code="HTX_MOI").value
    sums.touch([group])                                    # marked, and the rebuild never ran
    ProvinceSum.objects.filter(period_id=group[0], province_id=group[1]).delete()
    assert ProvinceSumState.objects.filter(fresh=False).count() == 1
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "sums: 1 not fresh, rebuilt 1" in out.getvalue()
    assert not ProvinceSumState.objects.filter(fresh=False).exists()
    assert ProvinceSum.objects.get(period_id=group[0], province_id=group[1], indicator__code="HTX_MOI").value == built
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "sums: 0 not fresh, rebuilt 0" in out.getvalue()
