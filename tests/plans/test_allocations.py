"""Allocated targets (giao chỉ tiêu): the rules of plans.allocations, the allocation page, its
spreadsheet (template, upload → preview → confirm, all or nothing) and its history.

Lạng Sơn's plan asks for 20–25 new HTX by 2025 (HTX_MOI, a range); below Lạng Sơn are its 11
old districts (until 30/06/2025) and its 65 communes."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans import allocations as rules
from plans import sheets
from plans.models import Allocation, Plan, Target
from portal.models import Area

pytestmark = pytest.mark.django_db
XLSX = sheets.XLSX


def lang_son():
    return Plan.objects.get(key="lang-son-2023")


def target(code="HTX_MOI", milestone=2025, key="lang-son-2023"):
    return Target.objects.select_related("plan__area", "indicator").get(
        plan__key=key, indicator__code=code, milestone=milestone)


def unit(code, on=None):
    import datetime
    return Area.resolve(code, on=datetime.date.fromisoformat(on) if on else None)


def row(code, low, high=None, form="", note=""):
    return rules.AllocationRow(area=unit(code), low=None if low is None else Decimal(low),
                               high=None if high is None else Decimal(high), form=form, note=note)


def communes(n):
    return [u for u in rules.units_below(Area.resolve("20")) if u.level == Area.Level.COMMUNE][:n]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- the units -------------------------------------------------------------------------------

def test_units_below_a_province_are_its_old_districts_and_its_communes():
    units = rules.units_below(Area.resolve("20"))
    assert sum(1 for u in units if u.level == Area.Level.DISTRICT and u.is_old) == 11
    assert sum(1 for u in units if u.level == Area.Level.COMMUNE and not u.is_old) == 65
    assert len(units) == 76
    assert "178" in {u.code for u in units} and "06040" in {u.code for u in units}


def test_units_below_the_country_are_the_34_provinces():
    units = rules.units_below(Area.resolve("VN"))
    assert len(units) == 34 and {u.level for u in units} == {Area.Level.PROVINCE}


def test_a_target_after_the_map_change_has_no_old_districts():
    t = target("HTX_MOI", 2030)
    t.plan.year_start = 2026  # as a plan issued for 2026–2030 would be
    assert {u.level for u in rules.target_units(t)} == {Area.Level.COMMUNE}
    assert len(rules.target_units(target())) == 76


# --- checking ---------------------------------------------------------------------------------

def test_a_ratio_target_is_refused(users):
    t = target("NU_QL_DAO_TAO_TL")
    refusal = rules.allocation_refusal(t)
    assert "Chỉ giao xuống được mục tiêu số lượng" in refusal and "NU_QL_DAO_TAO_TL" in refusal
    with pytest.raises(rules.Refused) as info:
        rules.save_allocations(t, [row("178", 3)], users["province_admin"])
    assert "tỷ lệ" in info.value.problems[0].message
    assert not Allocation.objects.exists()


def test_the_problems_are_named_in_vietnamese(users):
    admin = users["province_admin"]
    problems = rules.check_allocations(target(), [
        row("06040", -1),                      # negative
        row("05977", 5, 3, form="range"),      # low above high
        row("05983", 2, 4, form="number"),     # a high end on a single number
        rules.AllocationRow(area=unit("105", "2025-06-30"), low=Decimal(1)),  # Lai Châu's old city
        row("05986", "2.5"),                   # not a whole number
        row("178", 3), row("178", 4),          # twice
    ], admin)
    by_unit = {(p.area.code, p.field): p.message for p in problems}
    assert by_unit[("06040", "low")] == "Giá trị chỉ tiêu không được âm."
    assert "Cận dưới (5) lớn hơn cận trên (3)" in by_unit[("05977", "high")]
    assert "để trống cận trên" in by_unit[("05983", "high")]
    assert "không phải đơn vị trực thuộc Lạng Sơn" in by_unit[("105", "area")]
    assert "số nguyên (đang nhập 2,5)" in by_unit[("05986", "low")]
    assert "ghi hai lần" in by_unit[("178", "area")]


def test_a_unit_outside_the_administrators_area_is_refused(users):
    """The Hà Nội administrator cannot hand Lạng Sơn's target to Lạng Sơn's communes."""
    problems = rules.check_allocations(target(), [row("06040", 1)], users["outsider_admin"])
    assert [p.field for p in problems] == ["area"] and "ngoài phạm vi quản lý" in problems[0].message


def test_an_old_district_cannot_take_a_target_of_a_later_window(users):
    t = target("HTX_MOI", 2030)
    t.plan.year_start = 2026
    problems = rules.check_allocations(t, [row("178", 3)], users["province_admin"])
    assert "chỉ có hiệu lực đến 30/06/2025" in problems[0].message


# --- the sum ----------------------------------------------------------------------------------

def test_summary_adds_up_and_flags_a_short_allocation(users):
    t = target()
    rows = [rules.AllocationRow(area=u, low=Decimal(2)) for u in communes(9)]
    outcome = rules.save_allocations(t, rows, users["province_admin"])
    assert outcome.created == 9
    s = rules.allocation_summary(t)
    assert s.allocated == 18 and s.target.low == 20 and s.short and s.missing == 2
    assert (s.units_allocated, s.units_total) == (9, 76)
    assert s.text == "Tổng đã giao 18 / 20 HTX: còn thiếu 2"

    rules.save_allocations(t, [rules.AllocationRow(area=communes(10)[9], low=Decimal(2))], users["province_admin"])
    s = rules.allocation_summary(t)
    assert s.allocated == 20 and not s.short and s.text == "Tổng đã giao 20 / 20 HTX"


def test_more_than_needs_one_more_than_its_number():
    t = target("THT_MOI")  # "trên 50 THT"
    s = rules.summarise(t, [Allocation(low=Decimal(50))], 76)
    assert s.short and s.missing == 1


# --- saving and history -----------------------------------------------------------------------

def test_saving_creates_updates_removes_and_keeps_history(users):
    admin, t = users["province_admin"], target()
    rules.save_allocations(t, [row("178", 3), row("06040", 1)], admin)
    outcome = rules.save_allocations(t, [row("178", 4), row("06040", None), row("05977", None)], admin)
    assert (outcome.created, outcome.updated, outcome.deleted, outcome.unchanged) == (0, 1, 1, 1)
    assert dict(Allocation.objects.filter(target=t).values_list("area__code", "low")) == {"178": Decimal(4)}

    history = rules.allocation_history(t)
    assert [e["history_type"] for e in history] == ["-", "~", "+", "+"]  # newest first
    change = next(e for e in history if e["history_type"] == "~")
    assert change["who"] == admin and change["area"].code == "178"
    assert ("giá trị (cận dưới)", "3", "4") in [(str(f), old, new) for f, old, new in change["changes"]]
    removed = history[0]
    assert removed["who"] == admin and removed["area"].code == "06040"


def test_nothing_is_written_when_one_row_is_bad(users):
    with pytest.raises(rules.Refused):
        rules.save_allocations(target(), [row("178", 3), row("06040", -2)], users["province_admin"])
    assert not Allocation.objects.exists()


def test_a_dry_run_writes_nothing(users):
    outcome = rules.save_allocations(target(), [row("178", 3)], users["province_admin"], dry_run=True)
    assert outcome.created == 1 and outcome.changes[0].after == "3 HTX"
    assert not Allocation.objects.exists()


# --- the page ---------------------------------------------------------------------------------

def page_url(t=None):
    t = t or target()
    return reverse("plans:target_allocate", args=[t.plan_id, t.pk])


def form_data(t, values):
    """The whole table as the browser posts it: every unit, blank where nothing is typed."""
    data = {}
    for u in rules.target_units(t):
        data.update({f"form_{u.pk}": "number", f"low_{u.pk}": "", f"high_{u.pk}": "", f"note_{u.pk}": ""})
    for code, value in values.items():
        data[f"low_{unit(code).pk}"] = value
    return data


def test_the_province_administrator_allocates_and_is_warned_when_short(client_for, users):
    client, t = client_for(users["province_admin"]), target()
    page = client.get(page_url(t))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="alloc-row') == 76 and "đến 30/06/2025" in html
    assert '/static/js/allocations.' in html and "<script>" not in html  # no inline script (CSP)
    values = {u.code: "2" for u in communes(9)}
    response = client.post(page_url(t), form_data(t, values), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Tổng đã giao 18 / 20 HTX: còn thiếu 2" in messages
    assert "Tổng đã giao 18 / 20 HTX: còn thiếu 2" in response.content.decode()
    assert Allocation.objects.filter(target=t).count() == 9


def test_a_bad_cell_is_marked_and_nothing_saved(client_for, users):
    client, t = client_for(users["province_admin"]), target()
    response = client.post(page_url(t), form_data(t, {"178": "3", "06040": "2,5"}))
    assert response.status_code == 200
    assert "số nguyên (đang nhập 2,5)" in response.content.decode()
    assert not Allocation.objects.exists()


def test_a_ratio_target_page_says_why(client_for, users):
    t = target("NU_QL_DAO_TAO_TL")
    html = client_for(users["province_admin"]).get(page_url(t)).content.decode()
    assert 'id="allocation-refused"' in html and "Chỉ giao xuống được mục tiêu số lượng" in html


def test_another_provinces_administrator_gets_404(client_for, users):
    client, t = client_for(users["outsider_admin"]), target()
    assert client.get(page_url(t)).status_code == 404
    assert client.post(page_url(t), form_data(t, {"178": "3"})).status_code == 404
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("role", ["province_reviewer", "province_leader"])
def test_reviewers_and_leaders_read_but_cannot_allocate(client_for, users, role):
    client, t = client_for(users[role]), target()
    rules.save_allocations(t, [row("178", 3)], users["province_admin"])
    page = client.get(page_url(t))
    assert page.status_code == 200 and 'name="low_' not in page.content.decode()
    assert client.post(page_url(t), form_data(t, {"178": "5"})).status_code == 403
    assert Allocation.objects.get(target=t).low == 3


def test_a_commune_user_may_not_open_the_province_table(client_for, users):
    assert client_for(users["commune_editor"]).get(page_url()).status_code == 403


def test_wrong_methods_are_405(client_for, users):
    client, t = client_for(users["province_admin"]), target()
    assert client.put(page_url(t)).status_code == 405
    history = reverse("plans:target_allocation_history", args=[t.plan_id, t.pk])
    assert client.post(history).status_code == 405
    confirm = reverse("plans:target_allocate_confirm", args=[t.plan_id, t.pk])
    assert client.get(confirm).status_code == 405


def test_the_plan_page_links_count_targets_and_shows_the_sum(client_for, users):
    t = target()
    rules.save_allocations(t, [rules.AllocationRow(area=u, low=Decimal(2)) for u in communes(9)],
                           users["province_admin"])
    html = client_for(users["province_admin"]).get(reverse("plans:detail", args=[t.plan_id])).content.decode()
    assert page_url(t) in html and "Tổng đã giao 18 / 20 HTX: còn thiếu 2" in html
    assert page_url(target("NU_QL_DAO_TAO_TL")) not in html  # a ratio has no allocation link


def test_the_history_page_shows_who_and_before_after(client_for, users):
    admin, t = users["province_admin"], target()
    client = client_for(admin)
    client.post(page_url(t), form_data(t, {"178": "3"}))
    client.post(page_url(t), form_data(t, {"178": "4"}))
    html = client.get(reverse("plans:target_allocation_history", args=[t.plan_id, t.pk])).content.decode()
    assert html.count('<tr data-type="') == 2
    assert "Thành phố Lạng Sơn" in html and admin.first_name in html
    assert '<del class="text-danger old">3</del> → <ins class="text-success new">4</ins>' in html


# --- the spreadsheet --------------------------------------------------------------------------

def book(rows, headers=("Mã đơn vị", "Tên đơn vị", "Giao chỉ tiêu", "Cận trên"), title="Giao chỉ tiêu"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["Bảng giao chỉ tiêu HTX_MOI năm 2025"])  # a title row above the header
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_lists_every_unit_with_the_current_values(users):
    t = target()
    rules.save_allocations(t, [row("178", 3)], users["province_admin"])
    ws = load_workbook(io.BytesIO(sheets.allocation_template(t))).active
    assert [c.value for c in ws[2]][:4] == ["Mã đơn vị", "Tên đơn vị", "Giao chỉ tiêu", "Cận trên"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 76 and rows["178"][2] == 3 and rows["178"][5] == "đến 30/06/2025"
    assert rows["06040"][2] is None
    # filled in and read back as it is: nothing changes
    result = sheets.import_allocations(io.BytesIO(sheets.allocation_template(t)), t, users["province_admin"])
    assert result.ok and result.outcome.unchanged == 76 and not result.outcome.changes


def test_import_is_all_or_nothing_and_names_every_bad_row(users):
    t = target()
    data = book([("178", "Thành phố Lạng Sơn", 3, None), ("6040", "Xã Thất Khê", "abc", None),
                 ("105", "Thành phố Lai Châu", 1, None), ("99999", "?", 1, None), ("05977", "", 5, 3)])
    result = sheets.import_allocations(io.BytesIO(data), t, users["province_admin"])
    assert not result.ok and not Allocation.objects.exists()
    errors = [str(e) for e in result.errors]
    assert "Sheet 'Giao chỉ tiêu', dòng 4, cột 'Giao chỉ tiêu': “abc” không phải là số hợp lệ (ví dụ: 20 hoặc 0,3)." \
        in errors
    assert any(e.startswith("Sheet 'Giao chỉ tiêu', dòng 5, cột 'Mã đơn vị':") and "không phải đơn vị trực thuộc"
               in e for e in errors)
    assert "Sheet 'Giao chỉ tiêu', dòng 6, cột 'Mã đơn vị': không có đơn vị hành chính mã “99999”" in errors
    assert any(e.startswith("Sheet 'Giao chỉ tiêu', dòng 7, cột 'Cận trên':")
               and "Cận dưới (5) lớn hơn cận trên (3)" in e for e in errors)
    assert len(errors) == 4


def test_import_writes_with_history_and_reads_codes_typed_as_numbers(users):
    t = target()
    data = book([("178", "", 3, None), (6040, "", 2, None), ("05977", "", 1, 2)])  # 6040: Excel dropped the 0
    result = sheets.import_allocations(io.BytesIO(data), t, users["province_admin"])
    assert result.ok, [str(e) for e in result.errors]
    got = {a.area.code: (a.form, a.low, a.high) for a in Allocation.objects.filter(target=t).select_related("area")}
    assert got == {"178": ("number", 3, None), "06040": ("number", 2, None), "05977": ("range", 1, 2)}
    record = Allocation.history.filter(target_id=t.pk).first()
    assert record.history_user == users["province_admin"] and record.history_change_reason == rules.FILE_REASON


def upload(client, t, data, name="giao.xlsx"):
    return client.post(reverse("plans:target_allocate_import", args=[t.plan_id, t.pk]),
                       {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def test_browser_import_previews_then_confirms(client_for, users):
    client, t = client_for(users["province_admin"]), target()
    assert client.get(reverse("plans:target_allocate_import", args=[t.plan_id, t.pk])).status_code == 200
    response = upload(client, t, book([("178", "", 3, None), ("06040", "", 2, None)]))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-rows"' in html and "Xác nhận nhập" in html
    assert not Allocation.objects.exists()  # preview only
    name = response.context["confirm"].initial["import_file_name"]
    confirm = reverse("plans:target_allocate_confirm", args=[t.plan_id, t.pk])
    response = client.post(confirm, {"import_file_name": name, "original_name": "giao.xlsx"}, follow=True)
    assert Allocation.objects.filter(target=t).count() == 2
    messages = [str(m) for m in response.context["messages"]]
    assert "Đã nhập: tạo mới 2, sửa 0, bỏ 0, không đổi 0." in messages
    assert "Tổng đã giao 5 / 20 HTX: còn thiếu 15" in messages
    again = client.post(confirm, {"import_file_name": name})  # the kept upload is gone
    assert again.status_code == 302 and Allocation.objects.filter(target=t).count() == 2


def test_browser_import_lists_errors_and_offers_no_confirmation(client_for, users):
    client, t = client_for(users["province_admin"]), target()
    response = upload(client, t, book([("178", "", 3, None), ("06040", "", -1, None)]))
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Giá trị chỉ tiêu không được âm." in html and ">4<" in html
    assert "confirm" not in response.context and not Allocation.objects.exists()


def test_only_administrators_upload(client_for, users):
    t = target()
    for role in ("province_reviewer", "province_leader"):
        assert upload(client_for(users[role]), t, book([("178", "", 3, None)])).status_code == 403
    assert upload(client_for(users["outsider_admin"]), t, book([("178", "", 3, None)])).status_code == 404
    assert not Allocation.objects.exists()


def test_a_target_of_another_plan_is_404_under_this_plan(client_for, users):
    """A guessed target id from Hà Nội's plan under Lạng Sơn's plan (and the reverse)."""
    foreign = Plan.objects.get(key="ha-noi-2025").targets.first()
    own = target()
    assert client_for(users["province_admin"]).get(
        reverse("plans:target_allocate", args=[own.plan_id, foreign.pk])).status_code == 404
    assert client_for(users["outsider_admin"]).get(
        reverse("plans:target_allocate", args=[foreign.plan_id, own.pk])).status_code == 404
