""""Inside this area" is one rule, written once (portal.models.Area.inside_q, with
Area.objects.inside and Area.lies_in built on it): the queryset, the joined lookup and the
Python test agree, and no other module writes the prefix test by hand."""
import re
from pathlib import Path

import pytest

from portal.models import Area
from tests.conftest import area

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HAND_WRITTEN = re.compile(r"path__startswith|\.path\.startswith\(")


def test_the_queryset_the_joined_lookup_and_the_python_test_agree():
    lang_son = area("20")
    inside = set(Area.objects.inside(lang_son).values_list("pk", flat=True))
    assert inside == {a.pk for a in Area.objects.only("path") if a.lies_in(lang_son)}
    assert lang_son.pk in inside and area("178", "2025-06-30").pk in inside and area("06040").pk in inside
    assert area("01").pk not in inside and area("105", "2025-06-30").pk not in inside
    # a joined lookup: the areas whose parent lies in Lạng Sơn
    joined = set(Area.objects.filter(Area.inside_q(lang_son, "parent")).values_list("pk", flat=True))
    assert joined == {a.pk for a in Area.objects.select_related("parent") if a.parent and a.parent.lies_in(lang_son)}
    assert joined and lang_son.pk not in joined


def test_no_module_writes_the_prefix_test_by_hand():
    allowed = {ROOT / "portal" / "models.py"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        if ".venv" in path.parts or path in allowed or path == Path(__file__):
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{no}")
    assert offenders == []
