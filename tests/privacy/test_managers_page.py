"""The managers in counts (/hop-tac-xa/can-bo-quan-ly/, /api/v1/managers/summary/) and their
export: birth year and ethnicity leave only as an explicit choice with a purpose, logged."""
import csv
import datetime
import io

import pytest
from django.urls import reverse

from cooperatives import rules
from cooperatives.figures import manager_profile, suppress_small
from cooperatives.models import Manager
from privacy.models import AccessLog
from tests.cooperatives import factories as f

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def managers(db):
    """Thất Khê: five managers in office (three women), of whom Kinh 2, Tày 2, one not written;
    born 1999 (27), 1985 (41), 1970 (56), 1960 (66), unknown; plus one who left in 2020 and one of a
    suspended cooperative, neither counted."""
    coop = f.coop("06040", name="HTX Hồi Thất Khê")
    for name, gender, born, ethnicity in (("Lý Thị A", rules.FEMALE, 1999, "Kinh"), ("Lý Thị B", rules.FEMALE, 1985, "Tày"),
                                          ("Lý Thị C", rules.FEMALE, 1970, "kinh"), ("Lý Văn D", rules.MALE, 1960, "Tày"),
                                          ("Lý Văn E", rules.MALE, None, "")):
        f.manager(coop, name=name, gender=gender, birth_year=born, ethnicity=ethnicity, role=rules.THANH_VIEN_HDQT)
    f.manager(coop, name="Lý Thị Cũ", role=rules.GIAM_DOC, to_date=datetime.date(2020, 1, 1), ethnicity="Nùng")
    stopped = f.coop("06040", name="HTX Tạm ngừng", status="suspended", status_since=datetime.date(2025, 1, 1))
    f.manager(stopped, name="Lý Thị Ngừng", ethnicity="Nùng", birth_year=1990)
    return coop


def test_the_profile_by_hand(managers):
    profile = manager_profile(Manager.objects.all(), DAY)
    assert profile == {"total": 5, "women": 3, "kinh": 2, "dan_toc_thieu_so": 2, "dan_toc_chua_ghi": 1,
                       "tuoi_chua_ghi": 1, "tuoi_duoi_30": 1, "tuoi_30_44": 1, "tuoi_45_59": 1, "tuoi_tu_60": 1}
    small = suppress_small(profile)
    assert small["total"] == 5 and small["women"] == 3          # totals stay
    assert small["kinh"] is None and small["tuoi_duoi_30"] is None   # groups of 1-2 people do not


def test_a_reviewer_reads_counts_and_exports_without_person_fields(managers, users, client):
    client.force_login(users["province_reviewer"])
    url = reverse("cooperatives:managers")
    page = client.get(url)
    assert page.status_code == 200 and page.context["profile"]["total"] == 5
    assert page.context["profile"]["kinh"] is None and "dưới 3" in page.content.decode()
    assert "person_fields" not in page.context["form"].fields
    # asking anyway changes nothing
    response = client.post(url, {"fmt": "csv", "person_fields": "on", "purpose": "muốn xem năm sinh"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "Năm sinh" not in rows[0] and "Dân tộc" not in rows[0]
    assert len(rows) == 1 + 7
    assert not AccessLog.objects.exists()


def test_data_entry_exports_person_fields_with_a_purpose_logged(managers, users, client):
    client.force_login(users["commune_editor"])
    url = reverse("cooperatives:managers")
    page = client.get(url)
    assert page.context["profile"]["kinh"] == 2                 # she may see the persons: no suppression
    refused = client.post(url, {"fmt": "csv", "person_fields": "on", "purpose": ""})
    assert refused.status_code == 200 and "purpose" in refused.context["form"].errors
    plain = client.post(url, {"fmt": "csv"})
    assert "Năm sinh" not in plain.content.decode("utf-8-sig").splitlines()[0]
    assert not AccessLog.objects.exists()                          # no person-level field left
    response = client.post(url + "?q=Hồi", {"fmt": "xlsx", "person_fields": "on",
                                            "purpose": "danh sách mời dự lớp tập huấn tháng 1"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Năm sinh", "Dân tộc") and len(rows) == 1 + 6   # the filter: one cooperative
    assert sorted(r[-1] or "" for r in rows[1:]) == sorted(["Kinh", "Tày", "kinh", "Tày", "", "Nùng"])
    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.EXPORT and entry.count == 6 and entry.user == users["commune_editor"]
    assert entry.purpose == "danh sách mời dự lớp tập huấn tháng 1" and "q=" in entry.where
    assert sorted(entry.records) == sorted(Manager.objects.filter(cooperative=managers).values_list("pk", flat=True))


def test_the_api_summary(managers, users, client):
    from api.tokens import issue_token

    url = reverse("api:manager_profile")
    as_reviewer = client.get(url, {"area": "20"}, HTTP_AUTHORIZATION=f"Token {issue_token(users['province_reviewer'])}")
    assert as_reviewer.status_code == 200
    assert as_reviewer.json()["total"] == 5 and as_reviewer.json()["kinh"] is None
    as_editor = client.get(url, HTTP_AUTHORIZATION=f"Token {issue_token(users['commune_editor'])}")
    assert as_editor.json()["kinh"] == 2
