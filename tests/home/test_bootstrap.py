import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from plans.models import Indicator, Plan, Target, TaskGroup
from portal.models import LAST_OLD_DAY, Area, User
from reporting.models import Period

pytestmark = pytest.mark.django_db


def counts():
    return {m.__name__: m.objects.count() for m in (Area, Plan, Target, TaskGroup, Indicator, Period)}


def run(*args):
    out = io.StringIO()
    call_command("bootstrap", *args, no_migrate=True, stdout=out)
    return out.getvalue()


@pytest.mark.smoke
def test_unit_counts_old_and_current():
    today = datetime.date(2026, 11, 23)
    assert Area.objects.current_map(today).filter(level=Area.Level.PROVINCE).count() == 34
    assert Area.objects.current_map(today).filter(level=Area.Level.COMMUNE).count() == 3321
    assert Area.objects.old_map().filter(level=Area.Level.PROVINCE).count() == 63
    assert Area.objects.old_map().filter(level=Area.Level.DISTRICT).count() == 696
    # Districts ceased to exist on 1 July 2025; nothing old is valid today.
    assert not Area.objects.current_map(today).filter(level=Area.Level.DISTRICT).exists()


@pytest.mark.smoke
def test_bootstrap_is_idempotent():
    before = counts()
    output = run()
    assert counts() == before
    assert "map: created 0, updated 0, unchanged 4104" in output
    assert "plans: created 0, updated 0," in output
    assert "periods: created 0, updated 0, unchanged 16" in output


def test_bootstrap_keeps_an_edited_target():
    """Seeds are the starting point (docs/seeds.md): an edit, however it was made, is kept."""
    target = Target.objects.get(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025)
    Target.objects.filter(pk=target.pk).update(low=1)
    output = run()
    assert "plans: created 0, updated 0," in output
    target.refresh_from_db()
    assert target.low == 1 and target.seed["low"] == "20"


def test_demo_adds_one_user_per_role_and_prints_logins():
    output = run("--demo")
    assert {u.role for u in User.objects.all()} == set(User.Role.values)
    for username in ("quantri", "kiemduyet", "lanhdao", "nhaplieu"):
        assert username in output
    assert "DeAn01@demo" in output
    assert User.objects.get(username="nhaplieu").check_password("DeAn01@demo")
    run("--demo")  # again: nothing doubles
    assert User.objects.filter(username="nhaplieu").count() == 1


def test_absorbed_provinces_point_to_their_successor():
    ninh_thuan = Area.objects.get(code="58")
    assert ninh_thuan.valid_to == LAST_OLD_DAY
    assert ninh_thuan.successor == Area.resolve("56")
    assert ninh_thuan.successor.valid_from == datetime.date(2025, 7, 1)
    # the old Khánh Hòa is absorbed into the new one with the same code
    old_kh = Area.resolve("56", on=datetime.date(2024, 1, 1))
    assert old_kh != Area.resolve("56") and old_kh.successor == Area.resolve("56")
    assert set(Area.resolve("56").predecessors.values_list("code", flat=True)) == {"56", "58"}


def test_a_code_means_the_unit_valid_on_the_day():
    # "24" was Bắc Giang before 1/7/2025 and is Bắc Ninh (Bắc Giang + Bắc Ninh) since.
    assert "Bắc Giang" in Area.resolve("24", on=datetime.date(2025, 6, 30)).name
    assert Area.resolve("24", on=datetime.date(2025, 7, 1)).name == "Bắc Ninh"
    old_bac_ninh = Area.resolve("27", on=datetime.date(2024, 1, 1))
    assert old_bac_ninh.successor == Area.resolve("24")
    with pytest.raises(Area.DoesNotExist):
        Area.resolve("27", on=datetime.date(2026, 1, 1))


def test_unchanged_province_is_one_unit_with_old_districts_and_new_communes():
    lang_son = Area.resolve("20")
    assert lang_son.valid_from is None and lang_son.valid_to is None
    assert Area.resolve("20", on=datetime.date(2023, 4, 1)) == lang_son
    assert Area.resolve("178").parent == lang_son
    assert Area.resolve("06040").parent == lang_son
    assert lang_son.children.filter(level=Area.Level.DISTRICT).count() == 11
    assert lang_son.children.filter(level=Area.Level.COMMUNE).count() == 65


def test_lineage_puts_old_units_under_their_successor():
    khanh_hoa = Area.resolve("56")
    inside = Area.objects.inside(khanh_hoa)
    assert inside.filter(code="58").exists()  # old Ninh Thuận
    assert inside.filter(level=Area.Level.DISTRICT, parent__code="58").count() == 7
    assert inside.filter(level=Area.Level.COMMUNE).count() == 65
    assert not inside.filter(code="20").exists()


def test_bootstrap_failure_exits_nonzero_with_reason(monkeypatch):
    def broken():
        raise ValueError("tệp bản đồ hỏng")
    monkeypatch.setattr("portal.bootstrap.load_map", broken)
    with pytest.raises(CommandError, match="tệp bản đồ hỏng"):
        run()
