"""A person's rights and retention (cooperatives.personal_data, `manage.py personal_data`,
`manage.py daily`): every record of a person is found, given to her, and erased without moving
a single figure; expired records are anonymised by `daily`; each step is in the access log."""
import datetime
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cooperatives import personal_data, rules
from cooperatives.figures import manager_profile, registry_figures
from cooperatives.models import Cooperative, Manager
from cooperatives.services import refresh_classification
from portal.models import Area
from privacy.models import AccessLog
from tests.cooperatives import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def registry(db):
    """Thất Khê (06040): one HTX founded 1/3/2024 with the Hội's help, two women managers and a
    man; the director attended the province's course of 6/5/2024. Hà Nội: a namesake."""
    coop = f.coop("06040", name="HTX Rau sạch Thất Khê")
    director = f.manager(coop, name="Hoàng Thị Phương", role=rules.GIAM_DOC, birth_year=1980, ethnicity="Tày",
                         from_date=datetime.date(2024, 3, 1))
    chair = f.manager(coop, name="Lương Thị Hoa", role=rules.CHU_TICH_HDQT, birth_year=1975, ethnicity="Kinh")
    f.manager(coop, name="Vi Văn Nam", role=rules.THANH_VIEN_BKS, gender=rules.MALE, birth_year=1990, ethnicity="Nùng")
    f.training("20", starts_on=datetime.date(2024, 5, 6), managers=[director])
    director.ethnicity = "Tày"            # a second version in the history
    director.birth_year = 1981
    director.save()
    hanoi_commune = Area.objects.filter(Area.inside_q(Area.resolve("01")), level=Area.Level.COMMUNE).current_map().first()
    elsewhere = f.coop(hanoi_commune.code, name="HTX Hà Nội")
    namesake = f.manager(elsewhere, name="Hoàng Thị Phương", role=rules.GIAM_DOC, birth_year=1970, ethnicity="Kinh")
    cadre = f.cadre("06040", full_name="Hoàng Thị Phương Anh", position="Chủ tịch Hội LHPN xã")
    refresh_classification()
    return {"coop": coop, "director": director, "chair": chair, "namesake": namesake, "cadre": cadre}


def figures():
    return registry_figures(Area.resolve("20"), datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))


def test_find_every_record_of_a_name_without_diacritics(registry, users):
    found = {r.record_id for r in personal_data.find("hoang thi phuong")}
    assert found == {f"QL-{registry['director'].pk}", f"QL-{registry['namesake'].pk}", f"CB-{registry['cadre'].pk}"}
    # in an area, and in a user's scope
    assert {r.record_id for r in personal_data.find("Hoàng Thị Phương", area=Area.resolve("20"))} == {
        f"QL-{registry['director'].pk}", f"CB-{registry['cadre'].pk}"}
    assert {r.record_id for r in personal_data.find("phuong", user=users["outsider_admin"])} == {
        f"QL-{registry['namesake'].pk}"}
    # a record id finds that record; a short query is refused
    assert [r.full_name for r in personal_data.find(f"ql-{registry['chair'].pk}")] == ["Lương Thị Hoa"]
    with pytest.raises(personal_data.PersonalDataError):
        personal_data.find("h")


def test_export_gives_the_person_everything_and_is_logged(registry, users):
    director = registry["director"]
    _name, mime, data = personal_data.export(director, "json", user=users["province_admin"], where="test")
    doc = json.loads(data)
    assert mime == "application/json"
    assert doc["Họ và tên"] == "Hoàng Thị Phương" and doc["Năm sinh"] == 1981 and doc["Dân tộc"] == "Tày"
    assert doc["Hợp tác xã / tổ hợp tác"].startswith("HTX Rau sạch Thất Khê") and doc["Tỉnh/thành phố"] == "Lạng Sơn"
    assert [t["Từ ngày"] for t in doc["Lớp đào tạo, tập huấn đã dự"]] == ["06/05/2024"]
    assert [h["Thay đổi"] for h in doc["Lịch sử hồ sơ"]] == ["tạo hồ sơ", "sửa"]
    entry = AccessLog.objects.get(action=AccessLog.Action.SUBJECT_EXPORT)
    assert entry.records == [director.pk] and entry.user == users["province_admin"] and entry.area.code == "06040"
    # the next copy lists the first one among the reads of her data
    _n, _m, again = personal_data.export(director, "xlsx", user=users["province_admin"])
    book = load_workbook(io.BytesIO(again))
    first = {row[0]: row[1] for row in book["Hồ sơ"].iter_rows(values_only=True)}
    assert first["Họ và tên"] == "Hoàng Thị Phương" and first["Dân tộc"] == "Tày"
    reads = list(book["Các lần dữ liệu được xem, xuất"].iter_rows(values_only=True))
    assert reads[0] == ("Thời điểm", "Hoạt động", "Mục đích") and reads[1][1] == "Cung cấp dữ liệu cho chủ thể"


def test_erase_keeps_every_figure(registry, users):
    # by hand: one HTX founded in the window with the Hội's help, women-managed -> HTX_MOI 1;
    # two women in management roles in office at the end, the director trained -> 1 / 2
    before = figures()
    assert before["HTX_MOI"].value == 1
    assert (before["NU_QL_DAO_TAO_TL"].numerator, before["NU_QL_DAO_TAO_TL"].denominator) == (1, 2)
    director = registry["director"]
    personal_data.erase(director, reason="Theo đơn ngày 01/12/2026", user=users["province_admin"])
    director.refresh_from_db()
    assert director.full_name == f"Đã ẩn danh (QL-{director.pk})"
    assert director.birth_year is None and director.ethnicity == "" and director.anonymised_at
    assert director.gender == rules.FEMALE and director.role == rules.GIAM_DOC and director.trainings.count() == 1
    # the figures, the classification, the registry's counts: the same
    after = figures()
    assert {k: (v.value, v.numerator, v.denominator) for k, v in after.items()} == {
        k: (v.value, v.numerator, v.denominator) for k, v in before.items()}
    assert Cooperative.objects.get(pk=registry["coop"].pk).is_women_managed
    assert refresh_classification() == 0
    profile = manager_profile(Manager.objects.filter(cooperative=registry["coop"]), TODAY)
    assert (profile["total"], profile["women"], profile["kinh"], profile["dan_toc_chua_ghi"]) == (3, 2, 1, 1)
    # no version of the record keeps her name, birth year or ethnicity
    versions = Manager.history.filter(id=director.pk)
    assert versions.count() == 3
    assert not versions.filter(full_name="Hoàng Thị Phương").exists()
    assert not versions.exclude(birth_year=None).exists() and not versions.exclude(ethnicity="").exists()
    entry = AccessLog.objects.get(action=AccessLog.Action.ERASE)
    assert entry.purpose == "Theo đơn ngày 01/12/2026" and entry.records == [director.pk]
    # twice, or without a reason: refused
    with pytest.raises(personal_data.PersonalDataError, match="đã được ẩn danh"):
        personal_data.erase(director, reason="lại", user=users["province_admin"])
    with pytest.raises(personal_data.PersonalDataError, match="lý do"):
        personal_data.erase(registry["chair"], reason=" ", user=users["province_admin"])


def test_the_command(registry, tmp_path):
    out = io.StringIO()
    call_command("personal_data", "find", "Hoang Thi Phuong", "--area", "20", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "found 2"
    assert any(line.startswith(f"QL-{registry['director'].pk}\tHoàng Thị Phương\t") for line in lines)
    rid = f"QL-{registry['chair'].pk}"
    call_command("personal_data", "export", rid, str(tmp_path / "hoa.json"), stdout=io.StringIO())
    assert json.loads((tmp_path / "hoa.json").read_text(encoding="utf-8"))["Dân tộc"] == "Kinh"
    call_command("personal_data", "export", rid, str(tmp_path / "hoa.xlsx"), stdout=io.StringIO())
    assert zipfile.is_zipfile(tmp_path / "hoa.xlsx")
    out = io.StringIO()
    call_command("personal_data", "erase", rid, "--reason", "Theo đơn", stdout=out)
    assert out.getvalue().strip() == f"anonymised {rid}: Đã ẩn danh ({rid})"
    assert AccessLog.objects.filter(action=AccessLog.Action.ERASE, username="", where__contains="erase").count() == 1
    with pytest.raises(CommandError, match="không đúng"):
        call_command("personal_data", "export", "XX-1", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="Không có hồ sơ"):
        call_command("personal_data", "erase", "QL-999999", "--reason", "x")
    with pytest.raises(CommandError, match=".json hoặc .xlsx"):
        call_command("personal_data", "export", rid, str(tmp_path / "x.pdf"))


def test_daily_anonymises_what_has_expired(registry, settings, monkeypatch):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5   # cutoff: 7/12/2021
    old = f.coop("06040", name="HTX Cũ", founded_on=datetime.date(2015, 1, 1))
    left = f.manager(old, name="Đinh Thị Xưa", from_date=datetime.date(2015, 1, 1), to_date=datetime.date(2019, 6, 30),
                     birth_year=1960, ethnicity="Tày")
    recent = f.manager(old, name="Đinh Thị Gần", role=rules.CHU_TICH_HDQT, from_date=datetime.date(2015, 1, 1),
                       to_date=datetime.date(2022, 1, 1), birth_year=1962, ethnicity="Kinh")
    gone = f.coop("06040", name="HTX Giải thể", founded_on=datetime.date(2016, 1, 1),
                  status=Cooperative.Status.DISSOLVED, status_since=datetime.date(2020, 1, 1))
    in_gone = f.manager(gone, name="Đinh Thị Tan", birth_year=1965, ethnicity="Nùng")
    refresh_classification(on=datetime.date(2019, 1, 1))

    def window_2019():
        figs = registry_figures(Area.resolve("20"), datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
        return figs["NU_QL_DAO_TAO_TL"].numerator, figs["NU_QL_DAO_TAO_TL"].denominator
    # by hand, end of 2019: Xưa left 30/6/2019; Gần (HTX Cũ) and Tan (HTX Giải thể, dissolved
    # only in 2020) were in office, none trained -> 0 / 2
    assert window_2019() == (0, 2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "personal data: anonymised 2 (retention 5 years)" in out.getvalue()
    for m, expired in ((left, True), (recent, False), (in_gone, True)):
        m.refresh_from_db()
        assert (m.anonymised_at is not None) == expired, m.pk
        assert (m.full_name == f"Đã ẩn danh (QL-{m.pk})") == expired
        assert (m.birth_year is None) == expired
    assert not Manager.history.filter(id__in=[left.pk, in_gone.pk]).exclude(birth_year=None).exists()
    assert window_2019() == (0, 2)                 # the figures of the old window: unchanged
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPIRE)
    assert sorted(entry.records) == sorted([left.pk, in_gone.pk]) and entry.count == 2 and entry.area.code == "06040"
    # a second day: nothing more
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "personal data: anonymised 0" in out.getvalue()


def test_retention_cutoff_of_a_leap_day():
    assert personal_data.retention_cutoff(datetime.date(2028, 2, 29), 5) == datetime.date(2023, 2, 28)


def test_the_administrators_pages(registry, users, client):
    client.force_login(users["province_admin"])
    page = client.get(reverse("cooperatives:personal_data"), {"q": "hoang thi phuong"})
    assert page.status_code == 200
    rows = [r.record_id for r in page.context["found"]]
    assert rows == [f"QL-{registry['director'].pk}", f"CB-{registry['cadre'].pk}"]   # not Hà Nội's namesake
    rid = f"QL-{registry['director'].pk}"
    download = client.get(reverse("cooperatives:personal_data_export", args=[rid, "json"]))
    assert download.status_code == 200 and json.loads(download.content)["Mã hồ sơ"] == rid
    erase_url = reverse("cooperatives:personal_data_erase", args=[rid])
    assert "Không hoàn tác được" in client.get(erase_url).content.decode()
    refused = client.post(erase_url, {"reason": "Theo đơn ngày 1/12"})          # not confirmed
    assert refused.status_code == 200 and "confirm" in refused.context["form"].errors
    assert Manager.objects.get(pk=registry["director"].pk).anonymised_at is None
    done = client.post(erase_url, {"reason": "Theo đơn ngày 1/12", "confirm": "on"})
    assert done.status_code == 302 and Manager.objects.get(pk=registry["director"].pk).anonymised_at
    # another province's record: 404 for its administrator's neighbour
    other = f"QL-{registry['namesake'].pk}"
    assert client.get(reverse("cooperatives:personal_data_export", args=[other, "json"])).status_code == 404
    assert client.post(reverse("cooperatives:personal_data_erase", args=[other]),
                       {"reason": "x x x x x", "confirm": "on"}).status_code == 404
    assert Manager.objects.get(pk=registry["namesake"].pk).anonymised_at is None


def test_a_request_page_says_what_it_did_not_find(registry, users, client):
    client.force_login(users["province_admin"])
    url = reverse("cooperatives:personal_data")
    assert client.get(url).context["found"] == []                       # nothing asked yet
    nobody = client.get(url, {"q": "Không Có Ai"})
    assert nobody.context["found"] == [] and "Không có hồ sơ nào mang tên" in nobody.content.decode()
    assert client.get(url, {"q": "h"}).context["error"] == "Ghi ít nhất hai ký tự của họ tên."
    assert client.get(url, {"q": "phuong", "area": "99999"}).context["error"] == "Không có địa bàn mã 99999."
    outside = client.get(url, {"q": "phuong", "area": "01"})          # Hà Nội: not hers
    assert outside.context["error"] == "Mã địa bàn 01 ngoài địa bàn của bạn." and outside.context["found"] == []


def test_the_history_page_logs_the_managers_it_shows(registry, users, client):
    client.force_login(users["commune_editor"])
    page = client.get(reverse("cooperatives:history", args=[registry["coop"].pk]))
    assert "Tày" in page.content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW, where__endswith="/lich-su/")
    assert sorted(entry.records) == sorted(m.pk for m in Manager.objects.filter(cooperative=registry["coop"]))
