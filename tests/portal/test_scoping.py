"""Scoping: one rule (portal.scoping) that every view goes through, and a URL × role matrix
that covers every route, so a new page cannot forget it."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.models import Plan
from portal.models import Area, User
from portal.scoping import area_q, can_see_area, get_scoped_or_404, scoped

pytestmark = pytest.mark.django_db


def test_a_commune_user_sees_her_commune_only(users):
    lan = users["commune_editor"]
    visible = scoped(Area.objects.all(), lan)
    assert list(visible.values_list("code", flat=True)) == ["06040"]


def test_a_province_user_sees_old_districts_and_new_communes(users):
    visible = scoped(Area.objects.all(), users["province_reviewer"])
    assert visible.filter(level=Area.Level.DISTRICT).count() == 11
    assert visible.filter(level=Area.Level.COMMUNE).count() == 65
    assert not visible.filter(code="105").exists()


def test_plans_are_read_by_the_areas_they_cover(users):
    keys = set(scoped(Plan.objects.all(), users["commune_editor"]).values_list("key", flat=True))
    assert keys == {"de-an-01", "hoi-lhpn-235-2023", "lien-minh-htx-2023", "lang-son-2023"}
    keys = set(scoped(Plan.objects.all(), users["outsider_district"]).values_list("key", flat=True))
    assert "tp-lai-chau-2023" in keys and "lai-chau-2229-2023" in keys and "lang-son-2023" not in keys


def test_users_are_scoped_too(users):
    seen = set(scoped(User.objects.all(), users["province_admin"]).values_list("username", flat=True))
    assert seen == {"lan", "minh", "huong", "thao", "mai"}


def test_get_scoped_or_404_hides_other_areas(users):
    from django.http import Http404

    plan = Plan.objects.get(key="ha-noi-2025")
    with pytest.raises(Http404):
        get_scoped_or_404(Plan.objects.all(), users["commune_editor"], pk=plan.pk)
    assert get_scoped_or_404(Plan.objects.all(), users["outsider_admin"], pk=plan.pk) == plan


def test_a_user_without_area_sees_nothing(db):
    nobody = User.objects.create_user("nobody", password="x-Y-z-12345", role=User.Role.ADMIN)
    assert not scoped(Plan.objects.all(), nobody).exists()
    assert not Plan.objects.filter(area_q(nobody, "area")).exists()
    assert not can_see_area(nobody, Area.resolve("VN"))


# --- the URL × role matrix -------------------------------------------------------------

ROLES = ["commune_editor", "province_reviewer", "province_leader", "province_admin",
         "outsider_admin", "outsider_district"]


def _own_plan():
    return Plan.objects.get(key="lang-son-2023").pk


def _foreign_plan():
    return Plan.objects.get(key="ha-noi-2025").pk


def _own_user():
    return User.objects.get(username="lan").pk


# route name -> (kwargs builder, {role: expected status for GET})
MATRIX = {
    "home": (dict, {r: 200 for r in ROLES}),
    "map": (dict, {r: 200 for r in ROLES}),
    "password_change": (dict, {r: 200 for r in ROLES}),
    "map_unit": (lambda: {"pk": Area.resolve("20").pk}, {r: 200 for r in ROLES}),
    # the pickers' suggestions: every role, each within her scope (tests/portal/test_area_picker.py)
    "area_search": (dict, {r: 200 for r in ROLES}),
    "users": (dict, {"commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
                     "province_admin": 200, "outsider_admin": 200, "outsider_district": 403}),
    "user_add": (dict, {"commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
                        "province_admin": 200, "outsider_admin": 200, "outsider_district": 403}),
    "user_edit": (lambda: {"pk": _own_user()}, {"commune_editor": 403, "province_reviewer": 403,
                                                  "province_leader": 403, "province_admin": 200,
                                                  "outsider_admin": 404, "outsider_district": 404}),
    "plans:list": (dict, {r: 200 for r in ROLES}),
    "plans:create": (dict, {"commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
                            "province_admin": 200, "outsider_admin": 200, "outsider_district": 403}),
    "plans:detail": (lambda: {"pk": _own_plan()}, {"commune_editor": 200, "province_reviewer": 200,
                                                     "province_leader": 200, "province_admin": 200,
                                                     "outsider_admin": 404, "outsider_district": 404}),
}
for _name in ("plans:edit", "plans:targets", "plans:tasks"):
    MATRIX[_name] = (lambda: {"pk": _own_plan()}, {
        "commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
        "province_admin": 200, "outsider_admin": 404, "outsider_district": 404})


# Allocated targets and area groups: Lạng Sơn's HTX_MOI 2025, read by the province's own
# reviewers and leaders, set by its administrators; a commune reads the plan, not the table.
def _own_target_kw():
    plan = Plan.objects.get(key="lang-son-2023")
    return {"pk": plan.pk, "target_pk": plan.targets.get(indicator__code="HTX_MOI", milestone=2025).pk}


_READ_PROVINCE = {"commune_editor": 403, "province_reviewer": 200, "province_leader": 200,
                  "province_admin": 200, "outsider_admin": 404, "outsider_district": 404}
_SET_PROVINCE = {**_READ_PROVINCE, "province_reviewer": 403, "province_leader": 403}
MATRIX.update({
    "plans:target_allocate": (_own_target_kw, _READ_PROVINCE),
    "plans:target_allocation_history": (_own_target_kw, _READ_PROVINCE),
    "plans:target_allocate_template": (_own_target_kw, _READ_PROVINCE),
    "plans:target_allocate_import": (_own_target_kw, _SET_PROVINCE),
    "plans:target_allocate_confirm": (_own_target_kw, {r: 405 for r in ROLES}),  # POST only
    "plans:area_groups": (lambda: {"code": "20"}, {**_READ_PROVINCE, "commune_editor": 404}),
    "plans:area_groups_template": (lambda: {"code": "20"}, {**_READ_PROVINCE, "commune_editor": 404}),
    "plans:area_groups_import": (lambda: {"code": "20"}, {**_SET_PROVINCE, "commune_editor": 404}),
    "plans:area_groups_confirm": (lambda: {"code": "20"}, {r: 405 for r in ROLES}),  # POST only
})

# The registry (cooperatives): one cooperative, cadre and training of Lạng Sơn.
def _own_coop():
    import datetime

    from cooperatives import rules
    from cooperatives.models import Cooperative

    coop, created = Cooperative.objects.get_or_create(
        code="4900000999", defaults={"name": "HTX Ma Trận", "commune": Area.resolve("06040")})
    if created:
        coop.managers.create(full_name="Lý Thị Ma", gender=rules.FEMALE, role=rules.GIAM_DOC)
        coop.workforce.create(year=2025, members=10, female_members=6, workers=10, female_workers=6)
        coop.ocop_products.create(name="Miến dong", stars=3, year=datetime.date.today().year)
    return coop


def _coop_kw():
    return {"pk": _own_coop().pk}


def _child_kw(related):
    def build():
        coop = _own_coop()
        return {"pk": coop.pk, "child_pk": getattr(coop, related).get().pk}
    return build


def _own_training_kw():
    import datetime

    from cooperatives.models import Training

    t, _created = Training.objects.get_or_create(
        title="Tập huấn ma trận", defaults={"starts_on": datetime.date(2025, 5, 6), "ends_on": datetime.date(2025, 5, 7),
                                            "organiser": "Hội LHPN tỉnh", "area": Area.resolve("20")})
    return {"pk": t.pk}


def _own_cadre_kw():
    from cooperatives.models import Cadre

    c, _created = Cadre.objects.get_or_create(full_name="Cán bộ ma trận", area=Area.resolve("06040"))
    return {"pk": c.pk}


_EVERYONE = {r: 200 for r in ROLES}
_ENTRY = {"commune_editor": 200, "province_reviewer": 403, "province_leader": 403,
          "province_admin": 200, "outsider_admin": 200, "outsider_district": 200}
_READ_OWN = {"commune_editor": 200, "province_reviewer": 200, "province_leader": 200,
             "province_admin": 200, "outsider_admin": 404, "outsider_district": 404}
_EDIT_OWN = {"commune_editor": 200, "province_reviewer": 403, "province_leader": 403,
             "province_admin": 200, "outsider_admin": 404, "outsider_district": 404}
_ADMIN_ONLY = {"commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
               "province_admin": 200, "outsider_admin": 200, "outsider_district": 403}
def _document_kw():
    from plans.models import Plan
    from reporting.models import IssuedDocument

    doc, _created = IssuedDocument.objects.get_or_create(
        number="01/BC-MT", defaults=dict(area=Area.resolve("06040"), plan=Plan.objects.get(key="lang-son-2023"),
                                         milestone=2025, place="Thất Khê", issued_on="2026-01-05",
                                         issuing_body="HỘI LHPN XÃ THẤT KHÊ", signer_authority="TM. BAN THƯỜNG VỤ",
                                         signer_title="CHỦ TỊCH", signer_name="A", recipients="Lưu: VT",
                                         figures={}, pdf=b"%PDF-1.7"))
    return {"pk": doc.pk}


def _own_activity():
    import datetime

    from plans.models import Task
    from reporting.activities import period_of
    from reporting.models import Activity

    day = datetime.date(2025, 5, 6)
    act, _created = Activity.objects.get_or_create(
        title="Tập huấn ma trận", defaults=dict(
            area=Area.resolve("06040"), kind="training", held_on=day, period=period_of(day), sessions=1,
            participants=30, women=25, task=Task.objects.filter(group__plan__key="lang-son-2023").first()))
    return act


def _activity_kw():
    return {"pk": _own_activity().pk}


def _attachment_kw():
    from django.core.files.base import ContentFile

    from reporting.models import ActivityAttachment

    act = _own_activity()
    att = act.attachments.first() or ActivityAttachment.objects.create(
        activity=act, file=ContentFile(b"%PDF-1.4 ma tran", name="qd.pdf"), name="qd.pdf",
        content_type="application/pdf", size=16)
    return {"pk": att.pk}


_POST_ONLY_ALL = {r: 405 for r in ROLES}
_PROVINCE_PAGE = {"commune_editor": 404, "province_reviewer": 200, "province_leader": 200,
                  "province_admin": 200, "outsider_admin": 404, "outsider_district": 404}
MATRIX.update({
    "progress:mine": (dict, {r: 302 for r in ROLES}),
    "progress:area": (lambda: {"code": "20"}, _PROVINCE_PAGE),
    # A province's XLSX and PDF are made by a job (settings.JOB_PROGRESS_LEVELS): a redirect to it.
    "progress:export": (lambda: {"code": "20", "fmt": "xlsx"}, {**_PROVINCE_PAGE, **{
        r: 302 for r, code in _PROVINCE_PAGE.items() if code == 200}}),
    "progress:pdf": (lambda: {"code": "20"}, {**_PROVINCE_PAGE, **{
        r: 302 for r, code in _PROVINCE_PAGE.items() if code == 200}}),
    "progress:issue": (lambda: {"code": "20"}, {"commune_editor": 404, "province_reviewer": 200,
                                                "province_leader": 403, "province_admin": 200,
                                                "outsider_admin": 404, "outsider_district": 404}),
    "documents:list": (dict, _EVERYONE),
    "activities:list": (dict, _EVERYONE),
    "activities:create": (dict, _ENTRY),
    "activities:import": (dict, _ENTRY),
    "activities:import_template": (dict, _ENTRY),
    "activities:import_confirm": (dict, _POST_ONLY_ALL),
    "activities:detail": (_activity_kw, _READ_OWN),
    "activities:edit": (_activity_kw, {**_EDIT_OWN, "province_admin": 403}),  # the unit's own data entry only
    "activities:attachment": (_attachment_kw, _READ_OWN),
    "task_list": (lambda: {"pk": _own_plan()}, {"commune_editor": 200, "province_reviewer": 200,
                                                "province_leader": 200, "province_admin": 200,
                                                "outsider_admin": 404, "outsider_district": 404}),
    "task_status_set": (lambda: {"pk": _own_plan()}, {r: 405 for r in ROLES}),  # POST only
    "task_budget": (lambda: {"pk": _own_plan()}, {"commune_editor": 403, "province_reviewer": 403,
                                                  "province_leader": 403, "province_admin": 200,
                                                  "outsider_admin": 404, "outsider_district": 404}),
    "documents:detail": (_document_kw, _READ_OWN),
    "documents:pdf": (_document_kw, _READ_OWN),
})
MATRIX.update({
    "cooperatives:import": (dict, _ADMIN_ONLY),
    "cooperatives:import_confirm": (dict, {r: 405 for r in ROLES}),  # POST only
    "cooperatives:import_template": (dict, _EVERYONE),
    "cooperatives:list": (dict, _EVERYONE),
    "cooperatives:export": (lambda: {"fmt": "csv"}, _EVERYONE),
    "cooperatives:create": (dict, _ENTRY),
    "cooperatives:detail": (_coop_kw, _READ_OWN),
    "cooperatives:history": (_coop_kw, _READ_OWN),
    "cooperatives:edit": (_coop_kw, _EDIT_OWN),
    "cooperatives:manager_add": (_coop_kw, _EDIT_OWN),
    "cooperatives:manager_edit": (_child_kw("managers"), _EDIT_OWN),
    "cooperatives:manager_delete": (_child_kw("managers"), _EDIT_OWN),
    "cooperatives:workforce_add": (_coop_kw, _EDIT_OWN),
    "cooperatives:workforce_edit": (_child_kw("workforce"), _EDIT_OWN),
    "cooperatives:workforce_delete": (_child_kw("workforce"), _EDIT_OWN),
    "cooperatives:ocop_add": (_coop_kw, _EDIT_OWN),
    "cooperatives:ocop_edit": (_child_kw("ocop_products"), _EDIT_OWN),
    "cooperatives:ocop_delete": (_child_kw("ocop_products"), _EDIT_OWN),
    "cooperatives:trainings": (dict, _EVERYONE),
    "cooperatives:training_create": (dict, _ENTRY),
    # A province's course: read (and attendance ticked) by its communes, edited by the province.
    "cooperatives:training": (_own_training_kw, _READ_OWN),
    "cooperatives:training_edit": (_own_training_kw, {**_EDIT_OWN, "commune_editor": 403}),
    "cooperatives:cadres": (dict, _EVERYONE),
    "cooperatives:cadre_create": (dict, _ENTRY),
    "cooperatives:cadre_edit": (_own_cadre_kw, _EDIT_OWN),
})


# Personal data (privacy/, cooperatives.personal_data): the notice for everyone (signed out too:
# tests/privacy), the managers in counts for every reader, a person's request and the access log
# for administrators; another area's record is a 404.
def _own_manager_kw(fmt=None):
    def build():
        kw = {"rid": f"QL-{_own_coop().managers.first().pk}"}
        return {**kw, "fmt": fmt} if fmt else kw
    return build


_ADMIN_OWN = {"commune_editor": 403, "province_reviewer": 403, "province_leader": 403,
              "province_admin": 200, "outsider_admin": 404, "outsider_district": 404}
MATRIX.update({
    "privacy:notice": (dict, _EVERYONE),
    "privacy:log": (dict, _ADMIN_ONLY),
    "privacy:log_export": (lambda: {"fmt": "csv"}, _ADMIN_ONLY),
    "privacy:grants": (dict, _ADMIN_ONLY),
    "privacy:grant_revoke": (lambda: {"pk": 1}, {r: 405 for r in ROLES}),  # POST only
    "cooperatives:managers": (dict, _EVERYONE),
    "cooperatives:personal_data": (dict, _ADMIN_ONLY),
    "cooperatives:personal_data_export": (_own_manager_kw("json"), _ADMIN_OWN),
    "cooperatives:personal_data_erase": (_own_manager_kw(), _ADMIN_OWN),
})


# Reports: Thất Khê's 2025 report (a draft), read by everyone in scope, entered by its commune.
def _own_report_kw():
    from reporting.models import Period
    from reporting.services import get_or_create_report

    return {"pk": get_or_create_report(area=Area.resolve("06040"), period=Period.objects.get(code="2025")).pk}


_POST_ONLY = {r: 405 for r in ROLES}
_REVIEWERS = {"commune_editor": 403, "province_reviewer": 200, "province_leader": 403,
              "province_admin": 200, "outsider_admin": 200, "outsider_district": 403}
MATRIX.update({
    "reporting:list": (dict, _EVERYONE),
    "reporting:open": (dict, _POST_ONLY),
    "reporting:queue": (dict, _REVIEWERS),
    "reporting:detail": (_own_report_kw, _READ_OWN),
    "reporting:return": (_own_report_kw, _POST_ONLY),
    "reporting:approve": (_own_report_kw, _POST_ONLY),
    "reporting:import": (dict, _ADMIN_ONLY),
    "reporting:import_confirm": (dict, _POST_ONLY),
    "reporting:import_template": (dict, _ADMIN_ONLY),
})

# The API: its data routes are read with the role's personal token and no session, as the
# statistics system reads them; the schema, the docs and the token page with the session.
_API_BY_TOKEN = {"api:areas", "api:plans", "api:plan", "api:progress", "api:cooperatives", "api:report_values",
                 "api:managers", "api:manager_profile"}
QUERY = {"api:progress": "?milestone=2025", "api:report_values": "?area=20"}
MATRIX.update({
    "api:areas": (dict, _EVERYONE),  # the map is public reference data
    "api:plans": (dict, _EVERYONE),
    "api:plan": (lambda: {"pk": _own_plan()}, _READ_OWN),
    "api:progress": (lambda: {"code": "20"}, _PROVINCE_PAGE),
    "api:cooperatives": (dict, _EVERYONE),
    "api:report_values": (dict, _PROVINCE_PAGE),
    "api:managers": (dict, _EVERYONE),
    "api:manager_profile": (dict, _EVERYONE),
    "api:schema": (dict, _EVERYONE),
    "api:docs": (dict, _EVERYONE),
    "api:token": (dict, _EVERYONE),
})
MATRIX["health"] = (dict, _EVERYONE)
MATRIX["health_queue"] = (dict, _EVERYONE)  # and without a log-in: tests/portal/test_production.py

# Routes outside the matrix on purpose: log-in/out, language switch, Django's admin (superusers).
EXEMPT = {"login", "logout", "set_language"}


def _route_names(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue
            yield from _route_names(p, prefix + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_route_is_in_the_matrix():
    missing = set(_route_names()) - set(MATRIX) - EXEMPT
    assert not missing, f"routes with no scoping test: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, users, name, role):
    kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs()) + QUERY.get(name, "")
    if name in _API_BY_TOKEN:
        from api.tokens import issue_token

        response = client.get(url, HTTP_AUTHORIZATION=f"Token {issue_token(users[role])}")
    else:
        client.force_login(users[role])
        response = client.get(url)
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("name", ["plans:detail", "plans:edit", "plans:targets", "plans:tasks"])
def test_guessing_another_areas_plan_id_is_404(client, users, name):
    client.force_login(users["province_admin"])
    assert client.get(reverse(name, kwargs={"pk": _foreign_plan()})).status_code == 404
    assert client.post(reverse(name, kwargs={"pk": _foreign_plan()}), {}).status_code in (404, 405)


@pytest.mark.parametrize("name", ["reporting:detail", "reporting:return", "reporting:approve"])
def test_guessing_another_areas_report_id_is_404(client, users, name):
    from reporting.models import Period, Report
    from reporting.services import get_or_create_report

    foreign = get_or_create_report(area=Area.resolve("01"), period=Period.objects.get(code="2025"))
    Report.objects.filter(pk=foreign.pk).update(status=Report.Status.SUBMITTED)
    client.force_login(users["province_admin"])
    url = reverse(name, kwargs={"pk": foreign.pk})
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"comment": "x", "version": "1"}).status_code == 404
    assert Report.objects.get(pk=foreign.pk).status == Report.Status.SUBMITTED


def test_anonymous_is_sent_to_login(client):
    for name in ("home", "plans:list", "map", "users"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["home", "map", "plans:list", "users"])
def test_read_only_pages_refuse_post(client, users, name):
    client.force_login(users["province_admin"])
    assert client.post(reverse(name), {}).status_code == 405


# Background jobs: a job is its owner's (the province administrator's here); anybody else's is a 404.
def _own_job_kw():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from jobs.models import Job

    job = Job.objects.create(owner=User.objects.get(username="thao"), kind=Job.Kind.REGISTRY_EXPORT,
                             title="Xuất", state=Job.State.SUCCEEDED, finished_at=timezone.now(),
                             file=default_storage.save("cong-viec/ma-tran.csv", ContentFile(b"a,b\n")),
                             file_name="x.csv")
    return {"pk": job.pk}


_OWNER_ONLY = {r: 404 for r in ROLES} | {"province_admin": 200}
MATRIX.update({
    "jobs:list": (dict, _EVERYONE),
    "jobs:detail": (_own_job_kw, _OWNER_ONLY),
    "jobs:download": (_own_job_kw, _OWNER_ONLY),
})


# The home page's data check (administrators), and each user's own notifications and e-mail choice.
MATRIX.update({
    "data_check": (dict, _ADMIN_ONLY),
    "notifications:list": (dict, _EVERYONE),
    "notifications:settings": (dict, _EVERYONE),
})
