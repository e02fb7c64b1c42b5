"""The registry's pages: they work, they stay inside the user's area (404 outside, 403 for a
role that may only read), they show the Đề án's classification as the rules compute it."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatives import rules
from cooperatives.models import Cadre, Cooperative, Manager, Training, Workforce
from portal.models import Area
from tests.cooperatives.factories import cadre, coop, manager, training

pytestmark = pytest.mark.django_db
THAT_KHE = "06040"


def other_lang_son_commune():
    return (Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE)
            .exclude(code=THAT_KHE).order_by("code").first().code)


def ha_noi_commune():
    return Area.objects.inside(Area.resolve("01")).filter(level=Area.Level.COMMUNE).first().code


def coop_data(**changes):
    data = {"code": "4901234567", "name": "Hợp tác xã Thổ cẩm Thất Khê", "kind": "HTX", "commune": THAT_KHE,
            "founded_on": "15/03/2025", "sector": "tieu_thu_cong", "hoi_supported_founding": "on",
            "founding_supported_on": "15/03/2025", "status": "active"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Create, edit, detail ---------------------------------------------------------------------

def test_create_preselects_her_commune_and_saves(client_for, users):
    client = client_for(users["commune_editor"])
    page = client.get(reverse("cooperatives:create"))
    assert page.status_code == 200
    assert 'value="06040" selected' in page.content.decode()
    response = client.post(reverse("cooperatives:create"), coop_data())
    c = Cooperative.objects.get(code="4901234567")
    assert response.status_code == 302 and response.url == reverse("cooperatives:detail", args=[c.pk])
    assert c.commune.code == THAT_KHE and c.founded_on == datetime.date(2025, 3, 15)
    assert c.search_name == "hop tac xa tho cam that khe"


def test_a_commune_editor_can_only_pick_her_commune(client_for, users):
    client = client_for(users["commune_editor"])
    form = client.get(reverse("cooperatives:create")).context["form"]
    assert list(form.fields["commune"].queryset.values_list("code", flat=True)) == [THAT_KHE]
    for code in (other_lang_son_commune(), ha_noi_commune(), "20"):
        response = client.post(reverse("cooperatives:create"), coop_data(commune=code))
        assert response.status_code == 200
        assert "nằm ngoài phạm vi quản lý" in response.context["form"].errors["commune"][0]
    assert not Cooperative.objects.exists()


def test_a_province_admin_picks_any_commune_of_her_province(client_for, users):
    client = client_for(users["province_admin"])
    form = client.get(reverse("cooperatives:create")).context["form"]
    assert form.fields["commune"].queryset.count() == 65
    other = other_lang_son_commune()
    assert client.post(reverse("cooperatives:create"), coop_data(commune=other)).status_code == 302
    assert Cooperative.objects.get().commune.code == other


def test_form_errors_are_in_vietnamese(client_for, users):
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:create"), coop_data(founded_on="2025-13-45", status="dissolved"))
    errors = response.context["form"].errors
    assert "dd/mm/yyyy" in errors["founded_on"][0]
    assert errors["status_since"] == ["Ghi ngày bắt đầu tạm ngừng hoặc giải thể."]


def test_edit_records_history_with_before_and_after(client_for, users):
    c = coop(THAT_KHE, name="HTX Cũ")
    client = client_for(users["commune_editor"])
    assert client.get(reverse("cooperatives:edit", args=[c.pk])).status_code == 200
    response = client.post(reverse("cooperatives:edit", args=[c.pk]),
                           coop_data(code=c.code, name="HTX Mới", founded_on="01/03/2024"))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.name == "HTX Mới"
    last = c.history.first()
    assert last.history_user == users["commune_editor"]
    page = client.get(reverse("cooperatives:history", args=[c.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    edits = [e for e in page.context["entries"] if e["history_type"] == "~"]
    assert edits and edits[0]["who"] == users["commune_editor"]
    changes = {str(field): (old, new) for field, old, new in edits[0]["changes"]}
    assert changes["tên HTX/THT"] == ("HTX Cũ", "HTX Mới")
    assert "HTX Cũ" in html and "HTX Mới" in html


def test_history_covers_managers_and_workforce(client_for, users):
    c = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    client.post(reverse("cooperatives:manager_add", args=[c.pk]),
                {"full_name": "Lò Thị Hoa", "gender": "F", "role": rules.GIAM_DOC})
    m = c.managers.get()
    client.post(reverse("cooperatives:manager_edit", args=[c.pk, m.pk]),
                {"full_name": "Lò Thị Hoa", "gender": "F", "role": rules.CHU_TICH_HDQT})
    client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                {"year": 2025, "members": 12, "female_members": 10, "workers": 12, "female_workers": 10})
    entries = client.get(reverse("cooperatives:history", args=[c.pk])).context["entries"]
    names = [(str(e["what"]), e["history_type"]) for e in entries]
    assert ("Cán bộ quản lý", "+") in names and ("Cán bộ quản lý", "~") in names
    assert ("Lao động", "+") in names
    role_change = next(e for e in entries if str(e["what"]) == "Cán bộ quản lý" and e["history_type"] == "~")
    assert [(str(f), o, n) for f, o, n in role_change["changes"]] == [("chức vụ", "Giám đốc", "Chủ tịch HĐQT")]


def test_detail_shows_the_classification(client_for, users):
    c = coop(THAT_KHE, workforce=(2025, 12, 10))
    manager(c, gender=rules.FEMALE, role=rules.GIAM_DOC, name="Hoàng Thị Lan")
    from cooperatives.services import refresh_classification
    refresh_classification([c.pk])
    html = client_for(users["province_reviewer"]).get(reverse("cooperatives:detail", args=[c.pk])).content.decode()
    assert "Do phụ nữ tham gia quản lý" in html
    assert "Tạo nhiều việc làm cho lao động nữ (trên 50 % lao động là nữ)" in html
    assert "Thuộc đối tượng Đề án" in html and "(cả hai tiêu chí)" in html
    assert "Hoàng Thị Lan" in html and "Sửa thông tin" not in html  # a reviewer reads only


def test_exactly_half_women_workers_is_not_many(client_for, users):
    c = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                {"year": 2025, "members": 10, "female_members": 5, "workers": 10, "female_workers": 5})
    c.refresh_from_db()
    assert c.many_women_jobs is False and c.counts_under_de_an is False
    html = client.get(reverse("cooperatives:detail", args=[c.pk])).content.decode()
    assert 'data-class="many-jobs">Không' in html and 'data-class="de-an"><span class="badge text-bg-secondary">Không' in html
    w = c.workforce.get()
    client.post(reverse("cooperatives:workforce_edit", args=[c.pk, w.pk]),
                {"year": 2025, "members": 10, "female_members": 6, "workers": 10, "female_workers": 6})
    c.refresh_from_db()
    assert c.many_women_jobs is True and c.counts_under_de_an


def test_workforce_errors_in_vietnamese(client_for, users):
    c = coop(THAT_KHE, workforce=(2024, 10, 5))
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                           {"year": 2025, "members": 10, "female_members": 11, "workers": 10, "female_workers": 12})
    errors = response.context["form"].errors
    assert errors["female_workers"] == ["Số lao động nữ không được lớn hơn tổng số lao động."]
    assert errors["female_members"] == ["Số thành viên nữ không được lớn hơn tổng số thành viên."]
    response = client.post(reverse("cooperatives:workforce_add", args=[c.pk]),
                           {"year": 2024, "members": 10, "female_members": 1, "workers": 10, "female_workers": 1})
    assert "Đã có số liệu năm 2024" in response.context["form"].errors["year"][0]
    assert Workforce.objects.count() == 1


# Managers inline (htmx) -------------------------------------------------------------------

def test_htmx_manager_add_returns_the_partial_and_reclassifies(client_for, users):
    c = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:manager_add", args=[c.pk]),
                           {"full_name": "Hoàng Thị Mai", "gender": "F", "role": rules.THANH_VIEN_HDQT,
                            "from_date": "01/01/2025"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="managers"') and "<html" not in html
    assert "Hoàng Thị Mai" in html
    assert 'id="classification"' in html and 'hx-swap-oob="true"' in html
    c.refresh_from_db()
    assert c.is_women_managed and c.managers.get().from_date == datetime.date(2025, 1, 1)


def test_htmx_manager_errors_come_back_in_the_partial(client_for, users):
    c = coop(THAT_KHE)
    response = client_for(users["commune_editor"]).post(
        reverse("cooperatives:manager_add", args=[c.pk]), {"full_name": "", "gender": "F", "role": "giam_doc"},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Manager.objects.exists()


def test_htmx_manager_edit_and_delete(client_for, users):
    c = coop(THAT_KHE)
    m = manager(c, gender=rules.FEMALE, name="Chu Thị Na")
    from cooperatives.services import refresh_classification
    refresh_classification([c.pk])
    client = client_for(users["commune_editor"])
    form = client.get(reverse("cooperatives:manager_edit", args=[c.pk, m.pk]), HTTP_HX_REQUEST="true")
    assert 'value="Chu Thị Na"' in form.content.decode()
    delete_url = reverse("cooperatives:manager_delete", args=[c.pk, m.pk])
    detail = client.get(reverse("cooperatives:detail", args=[c.pk])).content.decode()
    assert f'hx-post="{delete_url}"' in detail and "hx-confirm=" in detail
    assert client.get(delete_url).status_code == 200  # the confirmation page without JS
    response = client.post(delete_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Chu Thị Na" not in response.content.decode()
    c.refresh_from_db()
    assert not c.is_women_managed and not Manager.objects.exists()


def test_without_js_the_forms_post_and_redirect_back(client_for, users):
    c = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:manager_add", args=[c.pk]),
                           {"full_name": "Nông Thị Hà", "gender": "F", "role": rules.GIAM_DOC})
    assert response.status_code == 302
    assert response.url == reverse("cooperatives:detail", args=[c.pk]) + "#managers"
    assert Cooperative.objects.get().is_women_managed


def test_reviewer_and_leader_cannot_change(client_for, users):
    c = coop(THAT_KHE)
    m = manager(c)
    for who in ("province_reviewer", "province_leader"):
        client = client_for(users[who])
        assert client.post(reverse("cooperatives:edit", args=[c.pk]), coop_data(code=c.code)).status_code == 403
        assert client.post(reverse("cooperatives:create"), coop_data()).status_code == 403
        assert client.post(reverse("cooperatives:manager_add", args=[c.pk]),
                           {"full_name": "X", "gender": "F", "role": "giam_doc"}).status_code == 403
        assert client.post(reverse("cooperatives:manager_delete", args=[c.pk, m.pk])).status_code == 403
    assert Manager.objects.count() == 1 and Cooperative.objects.count() == 1


# Another area: 404 everywhere, also by guessing ids --------------------------------------

def test_another_areas_cooperative_is_404_on_every_page(client_for, users):
    foreign = coop(ha_noi_commune(), name="HTX Hà Nội", workforce=(2025, 10, 8))
    m = manager(foreign)
    w = foreign.workforce.get()
    p = foreign.ocop_products.create(name="Trà", stars=4)
    urls = [reverse("cooperatives:detail", args=[foreign.pk]), reverse("cooperatives:edit", args=[foreign.pk]),
            reverse("cooperatives:history", args=[foreign.pk]),
            reverse("cooperatives:manager_add", args=[foreign.pk]),
            reverse("cooperatives:manager_edit", args=[foreign.pk, m.pk]),
            reverse("cooperatives:manager_delete", args=[foreign.pk, m.pk]),
            reverse("cooperatives:workforce_add", args=[foreign.pk]),
            reverse("cooperatives:workforce_edit", args=[foreign.pk, w.pk]),
            reverse("cooperatives:workforce_delete", args=[foreign.pk, w.pk]),
            reverse("cooperatives:ocop_add", args=[foreign.pk]),
            reverse("cooperatives:ocop_edit", args=[foreign.pk, p.pk]),
            reverse("cooperatives:ocop_delete", args=[foreign.pk, p.pk])]
    for who in ("commune_editor", "province_admin", "province_reviewer"):
        client = client_for(users[who])
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
            posted = client.post(url, {"full_name": "X", "gender": "F", "role": "giam_doc"}).status_code
            assert posted == (405 if url in urls[0:3:2] else 404), (who, url)
    assert Manager.objects.get() == m and Cooperative.objects.get().name == "HTX Hà Nội"
    # ...and a manager of another cooperative is not reachable through one's own
    own = coop(THAT_KHE)
    client = client_for(users["commune_editor"])
    assert client.get(reverse("cooperatives:manager_edit", args=[own.pk, m.pk])).status_code == 404
    assert client.post(reverse("cooperatives:manager_delete", args=[own.pk, m.pk])).status_code == 404
    assert Manager.objects.filter(pk=m.pk).exists()


def test_another_communes_cooperative_is_404_for_a_commune_editor(client_for, users):
    neighbour = coop(other_lang_son_commune())
    client = client_for(users["commune_editor"])
    assert client.get(reverse("cooperatives:detail", args=[neighbour.pk])).status_code == 404
    assert client_for(users["province_reviewer"]).get(
        reverse("cooperatives:detail", args=[neighbour.pk])).status_code == 200


# The list: search, filters, pagination, queries -------------------------------------------

def _list(client, **params):
    return client.get(reverse("cooperatives:list"), params)


def test_search_with_and_without_diacritics_and_by_code(client_for, users):
    dong_tam = coop(THAT_KHE, name="Hợp tác xã Đồng Tâm", code="4909990001")
    coop(THAT_KHE, name="Hợp tác xã Thành Công")
    coop(ha_noi_commune(), name="Hợp tác xã Đồng Tâm Hà Nội")
    client = client_for(users["province_reviewer"])
    for q in ("dong tam", "Đồng Tâm", "ĐỒNG TÂM", "Đồng Tâm", "4909990"):  # the 4th: decomposed (Mac)
        page = _list(client, q=q).context["page"]
        assert [c.pk for c in page.object_list] == [dong_tam.pk], q


def test_filters(client_for, users):
    women = coop(THAT_KHE, name="A phụ nữ", workforce=(2025, 10, 3))
    manager(women, gender=rules.FEMALE)
    many = coop(other_lang_son_commune(), name="B nhiều LĐ nữ", kind=Cooperative.Kind.THT,
                workforce=(2025, 10, 6), sector="du_lich")
    half = coop(THAT_KHE, name="C một nửa", workforce=(2025, 10, 5), status="dissolved",
                status_since=datetime.date(2025, 1, 1))
    from cooperatives.services import refresh_classification
    refresh_classification()
    client = client_for(users["province_reviewer"])

    def names(**params):
        return [c.name for c in _list(client, **params).context["page"].object_list]

    assert names() == ["A phụ nữ", "B nhiều LĐ nữ", "C một nửa"]
    assert names(women_managed="yes") == ["A phụ nữ"]
    assert names(women_managed="no") == ["B nhiều LĐ nữ", "C một nửa"]
    assert names(many_women_jobs="yes") == ["B nhiều LĐ nữ"]
    assert names(many_women_jobs="no") == ["A phụ nữ", "C một nửa"]
    assert names(kind="THT") == ["B nhiều LĐ nữ"]
    assert names(sector="du_lich") == ["B nhiều LĐ nữ"]
    assert names(status="dissolved") == ["C một nửa"]
    assert names(area=THAT_KHE) == ["A phụ nữ", "C một nửa"]
    assert names(area="20") == ["A phụ nữ", "B nhiều LĐ nữ", "C một nửa"]
    response = _list(client, area="01")  # outside her scope: refused, not widened
    assert "nằm ngoài phạm vi quản lý" in response.context["form"].errors["area"][0]
    assert len(response.context["page"].object_list) == 3
    html = _list(client).content.decode()
    assert html.count("badge-women-managed") == 1 and html.count("badge-many-jobs") == 1
    assert women.pk and many.pk and half.pk


def test_empty_state_and_count(client_for, users):
    client = client_for(users["commune_editor"])
    html = _list(client).content.decode()
    assert "Chưa có hợp tác xã nào trên địa bàn." in html and 'id="coop-count">0 hợp tác xã' in html
    coop(THAT_KHE, name="HTX Một")
    html = _list(client, q="khong co").content.decode()
    assert "Không có hợp tác xã nào khớp điều kiện lọc." in html


def test_pagination_50_per_page(client_for, users):
    commune = Area.resolve(THAT_KHE)
    Cooperative.objects.bulk_create([Cooperative(code=f"49100{i:05d}", name=f"HTX {i:03d}", search_name=f"htx {i:03d}",
                                                 commune=commune) for i in range(120)])
    client = client_for(users["commune_editor"])
    first = _list(client).context["page"]
    assert [c.name for c in first.object_list] == [f"HTX {i:03d}" for i in range(50)]
    assert (first.count, first.count_exact, first.has_previous, first.has_next) == (120, True, False, True)
    html = _list(client, q="htx").content.decode()
    assert "sau=4910000049" in html and "cuoi=1" in html and "q=htx" in html and "truoc=" not in html
    # next pages from the last row's code, in the list's order
    second = _list(client, q="htx", sau="4910000049").context["page"]
    assert [c.name for c in second.object_list][::49] == ["HTX 050", "HTX 099"] and second.has_previous
    third = _list(client, q="htx", sau=second.next_cursor).context["page"]
    assert [c.name for c in third.object_list] == [f"HTX {i:03d}" for i in range(100, 120)]
    assert not third.has_next and third.has_previous
    # previous from the first row's code; the last page reads the list backwards
    back = _list(client, q="htx", truoc=third.previous_cursor).context["page"]
    assert [c.pk for c in back.object_list] == [c.pk for c in second.object_list]
    last = _list(client, cuoi=1).context["page"]
    assert [c.name for c in last.object_list] == [f"HTX {i:03d}" for i in range(70, 120)]
    assert last.has_previous and not last.has_next
    # back from a page near the start: the full first page, not a short one
    near = _list(client, truoc="4910000010").context["page"]
    assert len(near.object_list) == 50 and not near.has_previous
    # a code no longer in the list (or not a code): the first page
    for cursor in ("0000000000", "x' OR 1=1"):
        assert _list(client, sau=cursor).context["page"].object_list[0].name == "HTX 000"


def test_the_count_is_exact_only_while_cheap(client_for, users, monkeypatch):
    from portal import pagination

    commune = Area.resolve(THAT_KHE)
    Cooperative.objects.bulk_create([Cooperative(code=f"49100{i:05d}", name=f"HTX {i:03d}", search_name=f"htx {i:03d}",
                                                 commune=commune) for i in range(60)])
    client = client_for(users["commune_editor"])
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 59)
    html = _list(client).content.decode()
    assert 'id="coop-count">Hơn 59 hợp tác xã' in html
    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 60)
    assert 'id="coop-count">60 hợp tác xã' in _list(client).content.decode()
    assert pagination.capped_count(Cooperative.objects.all(), 10) == (10, False)
    assert pagination.capped_count(Cooperative.objects.all(), 1000) == (60, True)


def _make(n, start):
    commune = Area.resolve(THAT_KHE)
    Cooperative.objects.bulk_create([Cooperative(code=f"4920{start + i:06d}", name=f"HTX {start + i}",
                                                 search_name=f"htx {start + i}", commune=commune,
                                                 is_women_managed=bool(i % 2)) for i in range(n)])


def test_the_list_runs_a_constant_number_of_queries(client_for, users):
    """10 rows or 60 (a full page and more), first page, next page or last: no query per row."""
    client = client_for(users["province_reviewer"])
    _make(10, 0)
    _list(client)  # warm-up (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert _list(client).status_code == 200
    with CaptureQueriesContext(connection) as few_last:
        assert _list(client, cuoi=1).status_code == 200
    _make(50, 100)
    with CaptureQueriesContext(connection) as many:
        response = _list(client)
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.has_next
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    with CaptureQueriesContext(connection) as many_last:
        assert len(_list(client, cuoi=1).context["page"].object_list) == 50
    assert len(many_last) == len(few_last)
    with CaptureQueriesContext(connection) as next_page:
        assert len(_list(client, sau=page.next_cursor).context["page"].object_list) == 10
    assert len(next_page) == len(few) + 1   # the cursor's row, found by its code


# Trainings and cadres ---------------------------------------------------------------------

def test_training_create_with_attendees_in_scope(client_for, users):
    c = coop(THAT_KHE)
    mine = manager(c, name="Hà Thị Một")
    foreign = manager(coop(ha_noi_commune()), name="Ngoài Tỉnh")
    my_cadre = cadre(THAT_KHE, full_name="Cán bộ Thất Khê")
    client = client_for(users["province_admin"])
    form = client.get(reverse("cooperatives:training_create")).context["attendees"]
    assert set(form.fields["managers"].queryset) == {mine}
    response = client.post(reverse("cooperatives:training_create"), {
        "title": "Tập huấn quản trị HTX", "starts_on": "06/05/2025", "ends_on": "07/05/2025",
        "organiser": "Hội LHPN tỉnh", "area": "20", "managers": [mine.pk, foreign.pk], "cadres": [my_cadre.pk]})
    assert response.status_code == 200  # the foreign manager is not a valid choice
    response = client.post(reverse("cooperatives:training_create"), {
        "title": "Tập huấn quản trị HTX", "starts_on": "06/05/2025", "ends_on": "07/05/2025",
        "organiser": "Hội LHPN tỉnh", "area": "20", "managers": [mine.pk], "cadres": [my_cadre.pk]})
    t = Training.objects.get()
    assert response.status_code == 302 and list(t.managers.all()) == [mine] and list(t.cadres.all()) == [my_cadre]


def test_a_commune_ticks_her_managers_on_the_provinces_course(client_for, users):
    c = coop(THAT_KHE)
    mine = manager(c, name="Hà Thị Một")
    neighbour = manager(coop(other_lang_son_commune()), name="Xã Bên")
    t = training("20", managers=[neighbour])
    client = client_for(users["commune_editor"])
    page = client.get(reverse("cooperatives:training", args=[t.pk]))
    assert page.status_code == 200 and "Xã Bên" not in page.content.decode()
    assert client.get(reverse("cooperatives:training_edit", args=[t.pk])).status_code == 403
    response = client.post(reverse("cooperatives:training", args=[t.pk]), {"managers": [mine.pk]})
    assert response.status_code == 302
    assert set(t.managers.all()) == {mine, neighbour}  # the neighbour's attendance is untouched
    assert client_for(users["outsider_admin"]).get(reverse("cooperatives:training", args=[t.pk])).status_code == 404
    assert client_for(users["province_reviewer"]).post(
        reverse("cooperatives:training", args=[t.pk]), {"managers": []}).status_code == 403


def test_cadres_list_and_create(client_for, users):
    cadre(ha_noi_commune(), full_name="Cán bộ Hà Nội")
    client = client_for(users["commune_editor"])
    response = client.post(reverse("cooperatives:cadre_create"), {
        "full_name": "Hoàng Thị Thu", "gender": "F", "area": THAT_KHE, "position": "Phó Chủ tịch",
        "works_on_kttt": "on", "active": "on"})
    assert response.status_code == 302
    assert Cadre.objects.get(full_name="Hoàng Thị Thu").works_on_kttt
    response = client.post(reverse("cooperatives:cadre_create"), {
        "full_name": "Ngoài", "gender": "F", "area": "20", "works_on_kttt": "on", "active": "on"})
    assert "nằm ngoài phạm vi quản lý" in response.context["form"].errors["area"][0]
    html = client.get(reverse("cooperatives:cadres")).content.decode()
    assert "Hoàng Thị Thu" in html and "Cán bộ Hà Nội" not in html
