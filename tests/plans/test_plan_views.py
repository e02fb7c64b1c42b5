"""The plan pages: who sees which plan, who may change it, and the plan, target and task forms
(formset data is read back from the rendered page, as a browser would send it)."""
import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from plans.models import Indicator, Plan, Target, TaskGroup
from portal.models import Area

pytestmark = pytest.mark.django_db


def plan(key):
    return Plan.objects.get(key=key)


def url(name, key=None):
    return reverse(name, args=[plan(key).pk] if key else [])


# --- reading a rendered form the way a browser submits it ----------------------------------

class _FormFields(HTMLParser):
    """name -> value of the successful controls whose name starts with ``prefix``."""

    def __init__(self, prefix):
        super().__init__(convert_charrefs=True)
        self.prefix, self.data = prefix, {}
        self._select = self._textarea = None
        self._options = []
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name.startswith(self.prefix):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif kind not in ("submit", "button"):
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name.startswith(self.prefix):
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name.startswith(self.prefix):
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.data[self._select] = chosen[0]
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data[self._textarea] = text[1:] if text.startswith("\n") else text  # as browsers do
            self._textarea = None


def form_data(response, prefix):
    assert response.status_code == 200
    parser = _FormFields(prefix)
    parser.feed(response.content.decode())
    assert f"{prefix}-TOTAL_FORMS" in parser.data, "no management form on the page"
    return parser.data


def row_of(data, prefix, pk):
    """The form index whose hidden id is ``pk``."""
    for i in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{i}-id") == str(pk):
            return i
    raise AssertionError(f"no row for {pk}")


def extra_row(data, prefix):
    """Index of the blank "Thêm mới" row the page offers."""
    i = int(data[f"{prefix}-INITIAL_FORMS"])
    assert int(data[f"{prefix}-TOTAL_FORMS"]) == i + 1 and not data.get(f"{prefix}-{i}-id")
    return i


def target_pk(key, code, milestone):
    return Target.objects.get(plan__key=key, indicator__code=code, milestone=milestone).pk


# --- the list and the detail page: scope ----------------------------------------------------

def test_list_shows_the_plans_covering_the_users_area(users, client_for):
    response = client_for(users["commune_editor"]).get(reverse("plans:list"))
    assert response.status_code == 200
    keys = {p.key for p in response.context["page"].object_list}
    assert {"de-an-01", "hoi-lhpn-235-2023", "lang-son-2023"} <= keys
    assert not keys & {"ha-noi-2025", "tp-lai-chau-2023", "lai-chau-2229-2023", "khanh-hoa-2019"}
    html = response.content.decode()
    for key in ("de-an-01", "hoi-lhpn-235-2023", "lang-son-2023"):
        assert f'href="{url("plans:detail", key)}"' in html
    for key in ("ha-noi-2025", "tp-lai-chau-2023"):
        assert f'href="{url("plans:detail", key)}"' not in html
    assert "Thêm kế hoạch" not in html       # no create button for data entry


def test_list_for_the_lai_chau_district_user(users, client_for):
    response = client_for(users["outsider_district"]).get(reverse("plans:list"))
    keys = {p.key for p in response.context["page"].object_list}
    assert {"de-an-01", "lai-chau-2229-2023", "tp-lai-chau-2023"} <= keys
    assert "lang-son-2023" not in keys and "ha-noi-2025" not in keys


def test_list_filters_by_kind_and_text(users, client_for):
    client = client_for(users["national_admin"])
    keys = {p.key for p in client.get(reverse("plans:list"), {"loai": "yearly"}).context["page"].object_list}
    assert keys == {"ha-noi-2025", "khanh-hoa-2019"}
    keys = {p.key for p in client.get(reverse("plans:list"), {"q": "139/KH"}).context["page"].object_list}
    assert keys == {"ha-noi-2025"}


def test_detail_of_a_plan_in_scope(users, client_for):
    response = client_for(users["commune_editor"]).get(url("plans:detail", "lang-son-2023"))
    assert response.status_code == 200
    assert response.context["plan"].key == "lang-son-2023"
    assert '<td class="target-written">từ 20 - 25 HTX</td>' in response.content.decode()
    assert "Sửa mục tiêu" not in response.content.decode()   # no edit buttons for data entry


def test_detail_of_a_plan_outside_the_area_is_404(users, client_for):
    assert client_for(users["outsider_district"]).get(url("plans:detail", "lang-son-2023")).status_code == 404
    assert client_for(users["commune_editor"]).get(url("plans:detail", "ha-noi-2025")).status_code == 404


def test_guessing_plan_ids_finds_nothing_outside_the_area(users, client_for):
    client = client_for(users["commune_editor"])
    hidden = Plan.objects.exclude(key__in=["de-an-01", "hoi-lhpn-235-2023", "lien-minh-htx-2023",
                                           "lang-son-2023"])
    assert hidden.count() >= 4
    for pk in hidden.values_list("pk", flat=True):
        assert client.get(reverse("plans:detail", args=[pk])).status_code == 404
    missing = Plan.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("plans:detail", args=[missing])).status_code == 404


def test_post_to_the_detail_page_is_not_allowed(users, client_for):
    client = client_for(users["province_admin"])
    response = client.post(url("plans:detail", "lang-son-2023"), {"title": "x"})
    assert response.status_code == 405
    assert plan("lang-son-2023").title != "x"
    assert client.post(reverse("plans:list")).status_code == 405


# --- admin-only pages ------------------------------------------------------------------------

ADMIN_PAGES = ["plans:edit", "plans:targets", "plans:tasks"]


@pytest.mark.parametrize("role", ["commune_editor", "province_reviewer", "province_leader",
                                  "old_district_editor"])
@pytest.mark.parametrize("name", ADMIN_PAGES + ["plans:create"])
def test_admin_pages_are_403_for_other_roles(users, client_for, name, role):
    client = client_for(users[role])
    target = url(name, None if name == "plans:create" else "lang-son-2023")
    assert client.get(target).status_code == 403
    assert client.post(target, {}).status_code == 403


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_of_another_areas_plan_are_404(users, client_for, name):
    assert client_for(users["outsider_admin"]).get(url(name, "lang-son-2023")).status_code == 404
    assert client_for(users["outsider_admin"]).post(url(name, "lang-son-2023"), {}).status_code == 404
    # whatever the role: the plan is not there for a user of another area
    assert client_for(users["outsider_district"]).get(url(name, "lang-son-2023")).status_code == 404


@pytest.mark.parametrize("name", ADMIN_PAGES + ["plans:create"])
def test_admin_pages_work_for_the_province_admin(users, client_for, name):
    response = client_for(users["province_admin"]).get(
        url(name, None if name == "plans:create" else "lang-son-2023"))
    assert response.status_code == 200
    assert b'<form method="post"' in response.content


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_province_admin_reads_but_cannot_change_the_de_an(users, client_for, name):
    client = client_for(users["province_admin"])
    assert client.get(url("plans:detail", "de-an-01")).status_code == 200
    assert client.get(url(name, "de-an-01")).status_code == 403
    assert client.post(url(name, "de-an-01"), {"title": "x", "targets-TOTAL_FORMS": "0"}).status_code == 403
    assert plan("de-an-01").title != "x"


def test_edit_buttons_show_for_admins_only(users, client_for):
    html = client_for(users["province_admin"]).get(url("plans:detail", "lang-son-2023")).content.decode()
    assert f'href="{url("plans:targets", "lang-son-2023")}"' in html
    html = client_for(users["province_reviewer"]).get(url("plans:detail", "lang-son-2023")).content.decode()
    assert f'href="{url("plans:targets", "lang-son-2023")}"' not in html


# --- the plan form ---------------------------------------------------------------------------

def plan_post(**overrides):
    data = {
        "key": "lang-son-2025-nam", "kind": "yearly", "doc_type": "KH", "number": "12/KH-HPN",
        "title": "Kế hoạch thực hiện Đề án 01 năm 2025 của Hội LHPN tỉnh Lạng Sơn",
        "issuer_parent": "HỘI LHPN VIỆT NAM", "issuer": "Ban Thường vụ Hội LHPN tỉnh Lạng Sơn",
        "issued_on": "17/01/2025", "issued_on_precision": "day", "area": "20",
        "based_on": str(plan("lang-son-2023").pk), "legal_basis": "Kế hoạch thực hiện Đề án 01 của UBND tỉnh",
        "year_start": "2025", "year_end": "2025", "reports_half_year": "True", "reports_annual": "True",
        "half_year_due": "", "annual_due": "11-15", "reporting_note": "", "note": "", "source_file": "",
    }
    data.update(overrides)
    return data


def test_create_a_plan_through_the_form(users, client_for):
    client = client_for(users["province_admin"])
    response = client.post(reverse("plans:create"), plan_post())
    created = Plan.objects.get(key="lang-son-2025-nam")
    assert response.status_code == 302 and response.url == url("plans:targets", "lang-son-2025-nam")
    assert created.issued_on == datetime.date(2025, 1, 17)
    assert created.area == Area.resolve("20")
    assert created.based_on.key == "lang-son-2023"
    assert (created.year_start, created.year_end, created.annual_due) == (2025, 2025, "11-15")
    # the new plan's targets page opens, with one blank row
    data = form_data(client.get(response.url), "targets")
    assert data["targets-TOTAL_FORMS"] == "1" and data["targets-INITIAL_FORMS"] == "0"
    # and the Lạng Sơn commune editor now reads it
    assert client_for(users["commune_editor"]).get(url("plans:detail", "lang-son-2025-nam")).status_code == 200


def test_plan_form_rejects_an_area_outside_the_admins_own(users, client_for):
    response = client_for(users["province_admin"]).post(reverse("plans:create"), plan_post(area="01"))
    assert response.status_code == 200
    assert "nằm ngoài phạm vi quản lý của bạn" in response.content.decode()
    assert not Plan.objects.filter(key="lang-son-2025-nam").exists()


@pytest.mark.parametrize("overrides, message", [
    ({"issued_on": "2025/01/17"}, "Ngày ghi theo dạng dd/mm/yyyy"),
    ({"area": "99999"}, "Không có đơn vị hành chính nào mã"),
    ({"year_start": "2026", "year_end": "2025"}, "Năm kết thúc (2025) phải sau hoặc bằng năm bắt đầu (2026)"),
    ({"annual_due": "15/11"}, "Hạn báo cáo ghi theo dạng tháng-ngày"),
])
def test_plan_form_errors_are_vietnamese(users, client_for, overrides, message):
    response = client_for(users["province_admin"]).post(reverse("plans:create"), plan_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.filter(key="lang-son-2025-nam").exists()


def test_edit_a_plan(users, client_for):
    client = client_for(users["province_admin"])
    lang_son = plan("lang-son-2023")
    response = client.post(url("plans:edit", "lang-son-2023"), plan_post(
        key=lang_son.key, kind=lang_son.kind, number="", title=lang_son.title, issuer=lang_son.issuer,
        issued_on="01/04/2023", issued_on_precision="month", year_start="2023", year_end="2030",
        based_on=str(lang_son.based_on_id), note="Đã rà soát"))
    assert response.status_code == 302 and response.url == url("plans:detail", "lang-son-2023")
    lang_son.refresh_from_db()
    assert lang_son.note == "Đã rà soát" and lang_son.issued_on == datetime.date(2023, 4, 1)
    assert lang_son.targets.count() == 16     # the plan form leaves the targets alone


# --- the targets formset -------------------------------------------------------------------

@pytest.fixture
def targets_page(users, client_for):
    client = client_for(users["province_admin"])
    address = url("plans:targets", "lang-son-2023")
    return client, address, form_data(client.get(address), "targets")


def test_targets_page_lists_every_target_and_one_blank_row(targets_page):
    _client, _address, data = targets_page
    assert data["targets-INITIAL_FORMS"] == "16" and data["targets-TOTAL_FORMS"] == "17"
    i = row_of(data, "targets", target_pk("lang-son-2023", "HTX_MOI", 2025))
    assert data[f"targets-{i}-form"] == "range"
    assert data[f"targets-{i}-indicator"] == str(Indicator.objects.get(code="HTX_MOI").pk)
    assert Decimal(data[f"targets-{i}-low"].replace(",", ".")) == 20
    assert Decimal(data[f"targets-{i}-high"].replace(",", ".")) == 25


def test_resubmitting_the_page_unchanged_keeps_every_target(targets_page):
    client, address, data = targets_page
    before = {t.pk: (t.form, t.low, t.high, t.wording) for t in Target.objects.filter(plan__key="lang-son-2023")}
    response = client.post(address, data)
    assert response.status_code == 302 and response.url == url("plans:detail", "lang-son-2023")
    after = {t.pk: (t.form, t.low, t.high, t.wording) for t in Target.objects.filter(plan__key="lang-son-2023")}
    assert after == before


def test_range_low_above_high_is_refused_and_nothing_saved(targets_page):
    client, address, data = targets_page
    i = row_of(data, "targets", target_pk("lang-son-2023", "HTX_MOI", 2025))
    data[f"targets-{i}-low"], data[f"targets-{i}-high"] = "25", "20"
    j = row_of(data, "targets", target_pk("lang-son-2023", "THT_MOI", 2025))
    data[f"targets-{j}-wording"] = "đã sửa"       # a sound change in the same submission
    response = client.post(address, data)
    assert response.status_code == 200
    assert "Cận dưới (25) lớn hơn cận trên (20)" in response.content.decode()
    assert "Chưa lưu" in response.content.decode()
    row = Target.objects.get(pk=target_pk("lang-son-2023", "HTX_MOI", 2025))
    assert (row.low, row.high) == (20, 25)
    assert Target.objects.get(pk=target_pk("lang-son-2023", "THT_MOI", 2025)).wording != "đã sửa"


def add_row(data, **values):
    i = extra_row(data, "targets")
    row = {"indicator": "", "milestone": "", "form": "", "low": "", "high": "", "unit": "", "per_unit": "",
           "area_group": "", "wording": ""}
    row.update(values)
    for field, value in row.items():
        data[f"targets-{i}-{field}"] = value
    return data


def test_a_ratio_over_100_percent_is_refused(targets_page):
    client, address, data = targets_page
    add_row(data, indicator=str(Indicator.objects.get(code="NU_QL_DAO_TAO_TL").pk), milestone="2027",
            form="at_least", low="120")
    response = client.post(address, data)
    assert response.status_code == 200
    assert "không được vượt quá 100 %" in response.content.decode()
    assert not Target.objects.filter(plan__key="lang-son-2023", milestone=2027).exists()


def test_a_milestone_outside_the_plan_years_is_refused(targets_page):
    client, address, data = targets_page
    add_row(data, indicator=str(Indicator.objects.get(code="HTX_MOI").pk), milestone="2035",
            form="at_least", low="100", unit="HTX")
    response = client.post(address, data)
    assert response.status_code == 200
    assert "Mốc 2035 nằm ngoài thời gian của kế hoạch (2023–2030)" in response.content.decode()
    assert not Target.objects.filter(plan__key="lang-son-2023", milestone=2035).exists()


def test_the_same_indicator_and_milestone_twice_is_refused(targets_page):
    client, address, data = targets_page
    add_row(data, indicator=str(Indicator.objects.get(code="HTX_MOI").pk), milestone="2025",
            form="at_least", low="5", unit="HTX")
    response = client.post(address, data)
    assert response.status_code == 200
    html = response.content.decode()
    row = row_of(data, "targets", target_pk("lang-son-2023", "HTX_MOI", 2025)) + 1
    assert f"Chỉ tiêu này đã có mục tiêu cho mốc 2025 (dòng {row})." in html
    assert "indicator, milestone" not in html          # not Django's generic message
    assert Target.objects.filter(plan__key="lang-son-2023", indicator__code="HTX_MOI", milestone=2025).count() == 1


def test_a_new_target_typed_with_a_decimal_comma(targets_page):
    client, address, data = targets_page
    add_row(data, indicator=str(Indicator.objects.get(code="NO_QUA_HAN_TL").pk), milestone="2025",
            form="at_most", low="0,3", unit="%", wording="nợ quá hạn không quá 0,3 %")
    response = client.post(address, data)
    assert response.status_code == 302 and response.url == url("plans:detail", "lang-son-2023")
    row = Target.objects.get(plan__key="lang-son-2023", indicator__code="NO_QUA_HAN_TL", milestone=2025)
    assert row.low == Decimal("0.30") and row.high is None and row.form == "at_most"
    assert Target.objects.filter(plan__key="lang-son-2023").count() == 17
    html = client.get(response.url).content.decode()
    assert '<td class="target-written">không quá 0,3 %</td>' in html


def test_thousands_are_typed_with_dots(targets_page):
    client, address, data = targets_page
    i = row_of(data, "targets", target_pk("lang-son-2023", "VIEC_LAM_NU_MOI", 2030))
    data[f"targets-{i}-low"], data[f"targets-{i}-high"] = "2.500", "3.500"
    assert client.post(address, data).status_code == 302
    row = Target.objects.get(pk=target_pk("lang-son-2023", "VIEC_LAM_NU_MOI", 2030))
    assert (row.low, row.high) == (Decimal("2500"), Decimal("3500"))


def test_delete_a_target_with_its_checkbox(targets_page):
    client, address, data = targets_page
    pk = target_pk("lang-son-2023", "CHUYEN_MUC_TT", 2030)
    i = row_of(data, "targets", pk)
    assert f"targets-{i}-DELETE" not in data          # rendered, unticked
    data[f"targets-{i}-DELETE"] = "on"
    response = client.post(address, data)
    assert response.status_code == 302
    assert not Target.objects.filter(pk=pk).exists()
    assert Target.objects.filter(plan__key="lang-son-2023").count() == 15
    assert Target.objects.filter(plan__key="lang-son-2023", indicator__code="CHUYEN_MUC_TT").count() == 1


def test_targets_page_renders_the_delete_checkbox(targets_page, users, client_for):
    _client, address, data = targets_page
    html = client_for(users["province_admin"]).get(address).content.decode()
    assert 'name="targets-0-DELETE"' in html and 'name="targets-16-DELETE"' not in html  # not on the blank row


def test_value_fields_take_vietnamese_numbers_in_a_browser(targets_page, users, client_for):
    # A number input (type="number") would drop "0,3" or "1.234,5" before it is sent.
    _client, address, _data = targets_page
    html = client_for(users["province_admin"]).get(address).content.decode()
    for name in ("targets-0-low", "targets-0-high", "targets-16-low"):
        start = html.index(f'name="{name}"')
        tag = html[html.rindex("<input", 0, start):html.index(">", start)]
        assert 'type="number"' not in tag, tag
    # and the values are shown the way they are typed back
    data = _data
    i = row_of(data, "targets", target_pk("lang-son-2023", "VIEC_LAM_NU_MOI", 2030))
    assert (data[f"targets-{i}-low"], data[f"targets-{i}-high"]) == ("2.000", "3.000")


def test_a_decimal_target_survives_the_round_trip(users, client_for):
    client = client_for(users["national_admin"])
    address = url("plans:targets", "khanh-hoa-2019")
    data = form_data(client.get(address), "targets")
    i = row_of(data, "targets", target_pk("khanh-hoa-2019", "NO_QUA_HAN_TL", 2019))
    assert data[f"targets-{i}-low"] == "0,3"
    assert client.post(address, data).status_code == 302
    assert Target.objects.get(pk=target_pk("khanh-hoa-2019", "NO_QUA_HAN_TL", 2019)).low == Decimal("0.30")
    assert Target.objects.filter(plan__key="khanh-hoa-2019").count() == 12


# --- the tasks formset -----------------------------------------------------------------------

def test_tasks_formset_saves_an_edit(users, client_for):
    client = client_for(users["province_admin"])
    address = url("plans:tasks", "lang-son-2023")
    data = form_data(client.get(address), "tasks")
    first = TaskGroup.objects.get(plan__key="lang-son-2023", order=1)
    count = TaskGroup.objects.filter(plan__key="lang-son-2023").count()
    i = row_of(data, "tasks", first.pk)
    assert data[f"tasks-{i}-title"] == first.title
    assert data[f"tasks-{i}-agencies"] == first.agencies        # read back unchanged from the textarea
    data[f"tasks-{i}-title"] = "Tuyên truyền, vận động (đã sửa)"
    data[f"tasks-{i}-agencies"] = "Hội LHPN tỉnh\nSở Thông tin và Truyền thông"
    response = client.post(address, data)
    assert response.status_code == 302 and response.url == url("plans:detail", "lang-son-2023")
    first.refresh_from_db()
    assert first.title == "Tuyên truyền, vận động (đã sửa)"
    assert first.agency_list == ["Hội LHPN tỉnh", "Sở Thông tin và Truyền thông"]
    assert TaskGroup.objects.filter(plan__key="lang-son-2023").count() == count
    assert "Tuyên truyền, vận động (đã sửa)" in client.get(response.url).content.decode()


def test_tasks_formset_adds_a_task(users, client_for):
    client = client_for(users["province_admin"])
    address = url("plans:tasks", "lang-son-2023")
    data = form_data(client.get(address), "tasks")
    count = TaskGroup.objects.filter(plan__key="lang-son-2023").count()
    i = extra_row(data, "tasks")
    data.update({f"tasks-{i}-order": str(count + 1), f"tasks-{i}-section": "V.1",
                 f"tasks-{i}-title": "Sơ kết giai đoạn 1", f"tasks-{i}-agencies": "Hội LHPN tỉnh",
                 f"tasks-{i}-body": ""})
    assert client.post(address, data).status_code == 302
    assert TaskGroup.objects.get(plan__key="lang-son-2023", order=count + 1).title == "Sơ kết giai đoạn 1"
