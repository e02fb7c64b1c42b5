"""The women-managed rule is written twice — in Python (cooperatives.rules.is_women_managed,
read by people and tests) and in SQL (cooperatives.services.women_managed_q, which
refresh_classification stores and the registry figures count with) — so every edge of it is
asked of both here, and they must give the same answer. The many-jobs rule has one
implementation (rules.creates_many_jobs_for_women, which refresh_classification calls); its
50 % edge is checked through the stored value too."""
import datetime

import pytest

from cooperatives import rules
from cooperatives.models import Cooperative, Manager
from cooperatives.services import refresh_classification, women_managed_q
from tests.cooperatives.factories import coop, manager

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 12, 1)
YESTERDAY, TOMORROW = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)
F, M = rules.FEMALE, rules.MALE
HTX, THT, LHHTX = Cooperative.Kind.HTX, Cooperative.Kind.THT, Cooperative.Kind.LHHTX

# (case, kind, [(gender, role, from_date, to_date)], women-managed?)
CASES = [
    ("woman Chủ tịch HĐQT", HTX, [(F, rules.CHU_TICH_HDQT, None, None)], True),
    ("woman thành viên HĐQT", HTX, [(F, rules.THANH_VIEN_HDQT, None, None)], True),
    ("woman Giám đốc", HTX, [(F, rules.GIAM_DOC, None, None)], True),
    ("woman Tổng giám đốc", LHHTX, [(F, rules.TONG_GIAM_DOC, None, None)], True),
    ("woman Kiểm soát viên", HTX, [(F, rules.KIEM_SOAT_VIEN, None, None)], True),
    ("woman thành viên Ban kiểm soát", HTX, [(F, rules.THANH_VIEN_BKS, None, None)], True),
    ("woman Tổ trưởng of a THT", THT, [(F, rules.TO_TRUONG_THT, None, None)], True),
    ("woman Tổ trưởng recorded in an HTX", HTX, [(F, rules.TO_TRUONG_THT, None, None)], False),
    ("woman Tổ trưởng recorded in a Liên hiệp", LHHTX, [(F, rules.TO_TRUONG_THT, None, None)], False),
    ("woman Giám đốc of a THT", THT, [(F, rules.GIAM_DOC, None, None)], True),
    ("term ended yesterday", HTX, [(F, rules.GIAM_DOC, None, YESTERDAY)], False),
    ("term ends today", HTX, [(F, rules.GIAM_DOC, None, DAY)], True),
    ("term ends tomorrow", HTX, [(F, rules.GIAM_DOC, None, TOMORROW)], True),
    ("term starts today", HTX, [(F, rules.GIAM_DOC, DAY, None)], True),
    ("term starts tomorrow", HTX, [(F, rules.GIAM_DOC, TOMORROW, None)], False),
    ("term from yesterday to today", HTX, [(F, rules.CHU_TICH_HDQT, YESTERDAY, DAY)], True),
    ("men only", HTX, [(M, rules.GIAM_DOC, None, None), (M, rules.CHU_TICH_HDQT, None, None)], False),
    ("a man in office, a woman whose term ended", HTX,
     [(M, rules.GIAM_DOC, None, None), (F, rules.CHU_TICH_HDQT, None, YESTERDAY)], False),
    ("a man and a woman Kiểm soát viên", HTX,
     [(M, rules.GIAM_DOC, None, None), (F, rules.KIEM_SOAT_VIEN, None, None)], True),
    ("nobody recorded", HTX, [], False),
]


@pytest.mark.parametrize("case, kind, managers, expected", CASES, ids=[c[0] for c in CASES])
def test_sql_and_python_agree_on_women_managed(case, kind, managers, expected):
    c = coop(kind=kind)
    for i, (gender, role, start, end) in enumerate(managers):
        manager(c, gender=gender, role=role, from_date=start, to_date=end, name=f"Người {i}")
    facts = [rules.ManagerFacts(g, r, s, e) for g, r, s, e in managers]
    python = rules.is_women_managed(facts, on=DAY, kind=kind)
    refresh_classification([c.pk], on=DAY)
    stored = Cooperative.objects.get(pk=c.pk).is_women_managed
    sql = Manager.objects.filter(women_managed_q(DAY), cooperative=c).exists()
    assert python is expected and stored is expected and sql is expected


@pytest.mark.parametrize("workers, female, expected", [
    (100, 50, False),   # exactly half is not "more than 50 %"
    (100, 51, True),
    (2, 1, False),
    (3, 2, True),
    (0, 0, False),
])
def test_stored_many_jobs_follows_the_rule_at_half(workers, female, expected):
    c = coop(workforce=(2025, workers, female))
    refresh_classification([c.pk], on=DAY)
    assert Cooperative.objects.get(pk=c.pk).many_women_jobs is expected
    assert rules.creates_many_jobs_for_women(workers, female) is expected
