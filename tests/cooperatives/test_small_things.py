"""Small things that cost time every day (issue #8, point 7): a day that does not exist is named
as such, "12a" in a workforce count gets the report form's message, history pages are
Vietnamese, date-times read dd/mm/yyyy HH:MM, long actions show a spinner, and English mode
names statuses and periods in English while documents stay Vietnamese."""
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cooperatives.forms import WorkforceForm
from portal.forms import VnDateField
from portal.history import history_label
from reporting import rollup
from reporting.models import Period
from tests.cooperatives.factories import coop

pytestmark = pytest.mark.django_db

THAT_KHE = "06040"


@pytest.mark.parametrize("typed, message", [
    ("31/02/2025", "Ngày 31/02/2025 không tồn tại."),
    ("29/2/2025", "Ngày 29/02/2025 không tồn tại."),
    ("32/01/2025", "Ngày 32/01/2025 không tồn tại."),
    ("1/13/2025", "Ngày 01/13/2025 không tồn tại."),
    ("hôm qua", "Ngày ghi theo dạng dd/mm/yyyy, ví dụ 17/01/2025."),
])
def test_a_day_that_does_not_exist_is_named(typed, message):
    with pytest.raises(Exception) as caught:
        VnDateField().clean(typed)
    assert caught.value.messages == [message]


def test_good_days_still_read():
    assert VnDateField().clean("29/02/2024") == datetime.date(2024, 2, 29)
    assert VnDateField().clean("０１/０３/２０２５") == datetime.date(2025, 3, 1)
    assert VnDateField().clean("2025-03-01") == datetime.date(2025, 3, 1)


def test_the_cooperative_form_names_the_missing_day(client_for, users):
    from tests.cooperatives.test_views import coop_data

    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:create"), coop_data(founded_on="31/02/2025"))
    assert response.context["form"].errors["founded_on"] == ["Ngày 31/02/2025 không tồn tại."]


def test_workforce_letters_get_the_report_forms_message():
    form = WorkforceForm({"year": 2025, "members": "12a", "female_members": "1", "workers": "1.234",
                          "female_workers": "1"}, cooperative=coop(THAT_KHE))
    assert not form.is_valid()
    assert form.errors["members"] == ["“12a” không phải là số hợp lệ (ví dụ: 20 hoặc 0,3)."]
    assert "workers" not in form.errors  # "1.234" is one thousand two hundred and thirty-four


def test_workforce_counts_are_saved_as_whole_numbers(client_for, users):
    c = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                {"year": 2025, "members": "1.200", "female_members": "700", "workers": "12", "female_workers": "10"})
    row = c.workforce.get()
    assert (row.members, row.female_members, row.workers) == (1200, 700, 12) and isinstance(row.members, int)


def test_history_pages_are_vietnamese(client_for, users):
    c = coop(THAT_KHE, name="HTX Cũ")
    client = client_for(users["commune_editor"])
    client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                {"year": 2025, "members": 12, "female_members": 10, "workers": 12, "female_workers": 10})
    html = client.get(reverse("cooperatives:history", args=[c.pk])).content.decode()
    assert "Tạo mới" in html and "Created" not in html
    assert [str(history_label(t)) for t in "+~-"] == ["Tạo mới", "Sửa", "Xóa"]


def test_date_times_read_day_month_year_hours_minutes():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [str(p) for p in templates.rglob("*.html") if "H:i d/m/Y" in p.read_text(encoding="utf-8")]
    assert offenders == []
    from django.conf import settings
    from django.utils.formats import get_format

    assert settings.USE_TZ is not None
    for lang in ("vi", "en"):
        with translation.override(lang):
            assert get_format("DATETIME_FORMAT") == "d/m/Y H:i"


def test_long_actions_show_a_spinner(client_for, users):
    from pathlib import Path

    js = (Path(__file__).resolve().parents[2] / "static" / "js" / "portal.js").read_text(encoding="utf-8")
    assert "spinner-border" in js and "a[data-busy-text]" in js
    page = client_for(users["province_reviewer"]).get(reverse("progress:area", args=["20"])).content.decode()
    assert 'data-busy-text="Đang tạo PDF…"' in page
    upload = client_for(users["province_admin"]).get(reverse("cooperatives:import")).content.decode()
    assert 'data-busy-text="Đang đọc tệp…"' in upload


def test_english_mode_names_statuses_and_periods_in_english():
    period = Period.objects.get(code="2025-H1")
    assert period.label == "6 tháng đầu năm 2025" and Period.objects.get(code="2025").label == "Năm 2025"
    assert rollup.status_label(rollup.NOT_ACHIEVED) == "Chưa đạt"
    with translation.override("en"):
        assert period.label == "First half of 2025" and Period.objects.get(code="2025").label == "Year 2025"
        assert rollup.status_label(rollup.NOT_ACHIEVED) == "Not achieved"
        assert rollup.status_label(rollup.ON_TRACK) == "On track"
        from reporting.models import Report
        assert str(Report.Status.SUBMITTED.label) != "Đã gửi, chờ duyệt"


def test_exports_stay_vietnamese_in_english_mode(client_for, users):
    client = client_for(users["province_reviewer"])
    with translation.override("vi"):  # the requests below switch this thread to English
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        page = client.get(reverse("progress:area", args=["20"])).content.decode()
        assert "First half of" in page or "Year 2025" in page or "No data" in page or "On track" in page
        text = client.get(reverse("progress:export", args=["20", "csv"])).content.decode("utf-8-sig")
    assert any(label in text for label in ("Chưa có số liệu", "Chưa đạt", "Đúng tiến độ", "Chậm tiến độ", "Đạt"))
    assert not any(label in text for label in ("No data", "Not achieved", "On track", "Behind schedule"))
