"""The Đề án's classification of a cooperative, at its edges (no database)."""
import datetime

import pytest

from cooperatives import rules
from cooperatives.rules import ManagerFacts, counts_under_de_an, creates_many_jobs_for_women, is_women_managed

DAY = datetime.date(2025, 12, 1)


@pytest.mark.parametrize("workers, female, expected", [
    (10, 6, True),
    (10, 5, False),     # exactly half is not "more than 50 %"
    (11, 6, True),
    (1, 1, True),
    (2, 1, False),
    (0, 0, False),      # no workers: no jobs for women
    (None, 3, None),    # unknown workforce: unknown, never guessed
    (12, None, None),
])
def test_many_jobs_for_women_is_strictly_more_than_half(workers, female, expected):
    assert creates_many_jobs_for_women(workers, female) is expected


@pytest.mark.parametrize("role", sorted(rules.MANAGEMENT_ROLES - {rules.TO_TRUONG_THT}))
def test_a_woman_in_any_management_role_makes_it_women_managed(role):
    assert is_women_managed([ManagerFacts(rules.FEMALE, role)], on=DAY)


def test_a_team_leader_counts_in_a_tht_only():
    leader = [ManagerFacts(rules.FEMALE, rules.TO_TRUONG_THT)]
    assert is_women_managed(leader, on=DAY, kind="THT")
    assert not is_women_managed(leader, on=DAY, kind="HTX")


def test_men_only_is_not_women_managed():
    managers = [ManagerFacts(rules.MALE, rules.GIAM_DOC), ManagerFacts(rules.MALE, rules.CHU_TICH_HDQT)]
    assert not is_women_managed(managers, on=DAY)
    assert not is_women_managed([], on=DAY)


def test_only_managers_in_office_on_the_day_count():
    left = ManagerFacts(rules.FEMALE, rules.GIAM_DOC, to_date=datetime.date(2025, 11, 30))
    starts = ManagerFacts(rules.FEMALE, rules.GIAM_DOC, from_date=datetime.date(2025, 12, 2))
    last_day = ManagerFacts(rules.FEMALE, rules.GIAM_DOC, to_date=DAY)
    assert not is_women_managed([left, starts], on=DAY)
    assert is_women_managed([last_day], on=DAY)


def test_counts_under_de_an_on_either_ground():
    assert counts_under_de_an(True, False) and counts_under_de_an(False, True)
    assert not counts_under_de_an(False, None)


@pytest.mark.parametrize("code, kind, ok", [
    ("4900100001", "HTX", True), ("490010000", "HTX", False), ("49001000AB", "LHHTX", False),
    ("THT-LS-0001", "THT", True), ("x" * 21, "THT", False),
])
def test_registration_codes(code, kind, ok):
    assert (rules.registration_code_error(code, kind) is None) is ok
