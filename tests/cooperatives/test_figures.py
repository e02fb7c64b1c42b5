"""Registry figures for an area and a window, each with a hand-computed expectation."""
import datetime

import pytest

from cooperatives import rules
from cooperatives.figures import registry_figures
from cooperatives.models import Cooperative
from cooperatives.services import refresh_classification
from portal.models import Area
from tests.cooperatives.factories import cadre, coop, manager, training

pytestmark = pytest.mark.django_db
START, END = datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)
THAT_KHE = "06040"


def other_lang_son_commune():
    return Area.resolve("20").children.filter(level=Area.Level.COMMUNE).exclude(code=THAT_KHE).first().code


@pytest.fixture
def registry():
    """Thất Khê: 2 HTX founded with the Hội in the window (one women-managed, one with 50 %
    women workers only: not counted), 1 HTX founded in 2022, 2 THT (one outside the window),
    one consolidated HTX, a dissolved HTX. Another Lạng Sơn commune: 1 HTX. Hà Nội: 1 HTX."""
    a = coop(THAT_KHE, workforce=(2025, 12, 10))
    lan = manager(a, role=rules.GIAM_DOC, gender=rules.FEMALE, name="Lý Thị A")
    manager(a, role=rules.CHU_TICH_HDQT, gender=rules.MALE, name="Hoàng Văn B")
    b = coop(THAT_KHE, workforce=(2025, 10, 5))  # exactly half: not many; men only
    manager(b, role=rules.GIAM_DOC, gender=rules.MALE, name="Nông Văn C")
    old = coop(THAT_KHE, founded_on=datetime.date(2022, 6, 1), workforce=(2024, 8, 6),
               hoi_supported_consolidation=True, consolidation_supported_on=datetime.date(2025, 3, 1))
    old_trained = manager(old, role=rules.KIEM_SOAT_VIEN, gender=rules.FEMALE, name="Vi Thị D")
    coop(THAT_KHE, kind=Cooperative.Kind.THT, workforce=(2025, 4, 4))
    coop(THAT_KHE, kind=Cooperative.Kind.THT, founded_on=datetime.date(2023, 5, 1))
    gone = coop(THAT_KHE, status=Cooperative.Status.DISSOLVED, status_since=datetime.date(2024, 1, 15),
                founded_on=datetime.date(2020, 1, 1), workforce=(2023, 20, 20))
    manager(gone, role=rules.GIAM_DOC, gender=rules.FEMALE, name="Hà Thị E")
    elsewhere = coop(other_lang_son_commune(), workforce=(2025, 30, 25))
    manager(elsewhere, role=rules.GIAM_DOC, gender=rules.FEMALE, name="Lương Thị F")
    hanoi = coop(Area.resolve("01").children.filter(level=Area.Level.COMMUNE).first().code, workforce=(2025, 9, 9))
    manager(hanoi, gender=rules.FEMALE, name="Nguyễn Thị G")
    trained_cadre = cadre(THAT_KHE, full_name="Cán bộ 1")
    cadre(THAT_KHE, full_name="Cán bộ 2")
    cadre(THAT_KHE, full_name="Cán bộ 3", works_on_kttt=False)
    training("20", managers=[old_trained], cadres=[trained_cadre])
    training("20", starts_on=datetime.date(2026, 3, 1), managers=[lan])  # after the window
    refresh_classification()
    return {"a": a, "b": b}


def test_classification_is_computed(registry):
    a, b = registry["a"], registry["b"]
    a.refresh_from_db(), b.refresh_from_db()
    assert a.is_women_managed and a.many_women_jobs
    assert not b.is_women_managed and b.many_women_jobs is False


def test_figures_for_a_commune(registry):
    f = registry_figures(Area.resolve(THAT_KHE), START, END)
    assert f["HTX_MOI"].value == 1            # a only: b is neither women-managed nor >50 % women
    assert f["THT_MOI"].value == 1            # the 2023 THT is outside the window
    assert f["HTX_CUNG_CO"].value == 1
    assert f["THT_CUNG_CO"].value == 0
    # Hội-founded by the end: a, b, old, 2 THT, gone = 6; consolidated: old
    assert (f["HTX_THT_CUNG_CO_TL"].numerator, f["HTX_THT_CUNG_CO_TL"].denominator) == (1, 6)
    assert f["LD_NU_ON_DINH_HTX"].value == 10 + 5 + 6   # the dissolved HTX no longer counts
    assert f["LD_NU_ON_DINH_THT"].value == 4
    # women managers in office in active cooperatives: Lý Thị A, Vi Thị D; trained by the end: D
    assert (f["NU_QL_DAO_TAO_TL"].numerator, f["NU_QL_DAO_TAO_TL"].denominator) == (1, 2)
    assert f["NU_QL_DAO_TAO_TL"].percent == 50
    assert (f["CB_HOI_TAP_HUAN_TL"].numerator, f["CB_HOI_TAP_HUAN_TL"].denominator) == (1, 2)


def test_figures_for_the_province_add_its_communes_and_leave_others_out(registry):
    f = registry_figures(Area.resolve("20"), START, END)
    assert f["HTX_MOI"].value == 2
    assert f["LD_NU_ON_DINH_HTX"].value == 21 + 25
    assert f["NU_QL_DAO_TAO_TL"].denominator == 3


def test_a_window_before_the_dissolution_still_counts_the_dissolved(registry):
    f = registry_figures(Area.resolve(THAT_KHE), datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    assert f["LD_NU_ON_DINH_HTX"].value == 20     # only the one with a 2023 workforce
    assert f["HTX_MOI"].value == 0


def test_empty_area_gives_zero_counts_and_no_percentage(db):
    f = registry_figures(Area.resolve("06040"), START, END)
    assert f["HTX_MOI"].value == 0
    assert f["NU_QL_DAO_TAO_TL"].denominator == 0 and f["NU_QL_DAO_TAO_TL"].percent is None


def test_query_count_does_not_grow_with_the_registry(registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        registry_figures(Area.resolve("20"), START, END)
