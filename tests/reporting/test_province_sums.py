"""The national sums (reporting/sums.py): the national page reads each province's period from
its sums only while they are current and were all sent by the page's day, and adds the others
up from the reports — the same figures either way, and a change visible at once.

How a test knows the sums were read: it deletes report values behind the portal's back (a raw
delete, no signal); figures read from the sums do not move, figures added up live do."""
import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from plans.models import Indicator
from portal.models import Area
from reporting import sums
from reporting.importer import import_submissions
from reporting.models import Period, ProvinceSum, ProvinceSumState, Report, ReportValue
from reporting.selectors import _day_end
from tests.reporting.factories import report
from tests.reporting.helpers import THAT_KHE, submitted
from tests.reporting.submissions import lang_son_file
from tests.reporting.test_cache import committed_map  # noqa: F401  (a transactional test's map)
from tests.reporting.test_rollup_sql import AFTER_2025, LAST_OLD_DAY, assert_same, sql_path
from tests.reporting.test_rollup_sql import units  # noqa: F401  (the hand-computed reports)

pytestmark = pytest.mark.django_db


def hide_values(area_code=None):
    """Delete report values without telling the portal (of one province, else all)."""
    values = ReportValue.objects.all()
    if area_code:
        values = values.filter(report__province=Area.resolve(area_code))
    values._raw_delete(values.db)


def national(as_of=AFTER_2025, flows_only=False):
    """The national totals of the hand-computed case's indicators (only the flows: the stocks'
    latest reports are always read from the reports)."""
    figures = sql_path(Area.resolve("VN"), as_of)
    flows = set(Indicator.objects.filter(over_time=Indicator.OverTime.FLOW).values_list("code", flat=True))
    return {code: (total.value, total.numerator, total.denominator) for code, (total, _, _) in figures.items()
            if code in flows or not flows_only}


def current(period_code, province_code):
    state = ProvinceSumState.objects.get(period__code=period_code, province=Area.resolve(province_code))
    return state.fresh


@pytest.mark.usefixtures("units")
def test_the_hand_computed_national_case_from_the_sums():
    assert sums.rebuild() == ProvinceSumState.objects.count() > 0
    assert sums.state()[0] == sums.state()[1]
    vn = Area.resolve("VN")
    sql = assert_same(vn, AFTER_2025)             # as the pure functions over one row per unit
    lang_son, ha_noi = Area.resolve("20").pk, Area.resolve("01").pk
    total, children, _ = sql["HTX_MOI"]
    assert (total.value, {k: f.value for k, f in children.items()}) == (16, {lang_son: 14, ha_noi: 2})
    # Lạng Sơn's 2025 annual HTX_MOI: the two communes and the province, one sum of 11
    row = ProvinceSum.objects.get(period__code="2025", province_id=lang_son, indicator__code="HTX_MOI")
    assert (row.value, row.status) == (11, Report.Status.APPROVED)
    flows = national()
    hide_values()
    assert national()["HTX_MOI"] == flows["HTX_MOI"]  # read from the sums: the values are not read


@pytest.mark.usefixtures("units")
def test_a_change_counts_at_once_and_its_group_is_rebuilt_when_it_commits():
    sums.rebuild()
    before = national()["HTX_MOI"][0]
    with transaction.atomic():
        report("20", "2024", HTX_MOI=4)   # Lạng Sơn's own annual 2024 report: 3 + 4 for that year
        assert not current("2024", "20")
        # not rebuilt yet: the group is added up from the reports
        assert national()["HTX_MOI"][0] == before + 4
    # the test's transaction never commits: run what the commit would run (one rebuild)
    pending = [entry[1] for entry in connection.run_on_commit if isinstance(entry[1], sums._Rebuild)]
    assert len(pending) == 1     # (with the groups of the fixture's reports, written in this transaction)
    assert (Period.objects.get(code="2024").pk, Area.resolve("20").pk) in pending[0].groups
    pending[0]()
    assert current("2024", "20")
    assert national()["HTX_MOI"][0] == before + 4
    hide_values("20")
    assert national()["HTX_MOI"][0] == before + 4   # from the rebuilt sums


@pytest.mark.usefixtures("units")
def test_a_touch_after_the_rebuild_makes_the_group_live_again():
    sums.rebuild()
    flows = national()["HTX_MOI"]
    r = Report.objects.get(area=Area.resolve(THAT_KHE), period__code="2025")
    r.note = "sửa thuyết minh"
    r.save()                                       # any change to a report of the group
    assert not current("2025", "20")
    hide_values("20")
    assert national()["HTX_MOI"] != flows         # Lạng Sơn's 2025 is added up live: the values are gone


@pytest.mark.usefixtures("units")
def test_a_counted_value_edited_or_deleted_marks_its_group():
    """As the admin site would: a value of an approved report, its report not in hand."""
    sums.rebuild()
    # the Hà Nội commune's 2025 HTX_MOI (2), fetched alone
    value = ReportValue.objects.get(report__province=Area.resolve("01"), indicator__code="HTX_MOI")
    value.value = 20
    value.save()
    assert not current("2025", "01")
    assert national()["HTX_MOI"][0] == 16 - 2 + 20
    sums.rebuild()
    ReportValue.objects.get(pk=value.pk).delete()
    assert not current("2025", "01")
    assert national()["HTX_MOI"][0] == 16 - 2


@pytest.mark.usefixtures("units")
def test_a_day_before_a_groups_last_sending_is_added_up_live():
    """On 30/6/2025 the 2025 annual reports (sent 16/12/2025) were not sent: the 2025 groups are
    added up from the reports, as of that day; the 2024 ones (all sent by then) from the sums."""
    sums.rebuild()
    assert assert_same(Area.resolve("VN"), LAST_OLD_DAY)["HTX_MOI"][0].value == 3 + 1 + 0
    on_that_day = national(LAST_OLD_DAY, flows_only=True)
    hide_values()
    # 2024 from the sums (178's annual 3); 2025-H1 (sent 15/6/2025, by then: from the sums too)
    assert national(LAST_OLD_DAY, flows_only=True) == on_that_day


@pytest.mark.usefixtures("units")
def test_submitted_reports_are_summed_apart(users):
    """A submitted report counts only on a page that includes them, from the sums as well."""
    sent = submitted(THAT_KHE, "2025-H1", users["commune_editor"])   # HTX_MOI 3, sent today
    sums.rebuild()
    assert current("2025-H1", "20")
    htx = Indicator.objects.get(code="HTX_MOI")

    def lang_son(statuses):
        rows = sums.national_flows(statuses, [sent.period], [htx], _day_end(datetime.date.today()))
        return sum(r["v"] for r in rows if r["child"] == sent.province_id)

    both = [Report.Status.APPROVED, Report.Status.SUBMITTED]
    assert (lang_son([Report.Status.APPROVED]), lang_son(both)) == (1, 1 + 3)   # 178's 1, Thất Khê's 3
    hide_values("20")
    assert (lang_son([Report.Status.APPROVED]), lang_son(both)) == (1, 1 + 3)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_touching_outside_a_transaction_does_not_rebuild_halfway():
    """A report created in autocommit, its values written after: its group is marked, not
    rebuilt (a rebuild between the two would have summed a report without its values)."""
    report(THAT_KHE, "2025", HTX_MOI=3)
    assert not current("2025", "20")
    assert not connection.run_on_commit          # no rebuild waiting for a commit
    sums.rebuild()
    assert current("2025", "20")
    assert ProvinceSum.objects.get(period__code="2025", indicator__code="HTX_MOI").value == 3


def test_an_import_marks_and_rebuilds_its_provinces(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_submissions(lang_son_file(tmp_path))
    assert result.ok
    lang_son = Area.resolve("20")
    states = ProvinceSumState.objects.filter(province=lang_son)
    assert {s.period.code for s in states} == {"2024", "2025-H1", "2025"}
    assert all(s.fresh for s in states)
    assert ProvinceSum.objects.get(period__code="2024", province=lang_son, indicator__code="HTX_MOI").value == 3 + 12


def test_generate_demo_and_refresh_sums_build_every_group_and_agree_with_the_reports():
    out = io.StringIO()
    call_command("generate_demo", scale="province", no_registry=True, stdout=out)
    assert "national sums:" in out.getvalue()
    total, built = sums.state()
    assert total and total == built
    day = datetime.date(2031, 1, 31)
    from_sums = national(day)
    sums.touch(ProvinceSumState.objects.values_list("period_id", "province_id"))
    assert sums.state() == (total, 0)
    assert national(day) == from_sums              # added up from the reports: the same
    out = io.StringIO()
    call_command("refresh_sums", stdout=out)
    assert f"{total:,} of {total:,} current" in out.getvalue()
    flows = national(day, flows_only=True)
    hide_values()
    assert national(day, flows_only=True) == flows  # from the sums again


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_an_approval_shows_on_the_next_national_page_and_is_summed(users, client_for):
    """Committed for real: the approval's own request rebuilds its group once it commits."""
    r = submitted(THAT_KHE, "2025", users["commune_editor"], values={"THT_MOI": {"value": 9}})
    national_admin = client_for(users["national_admin"])
    page = reverse("progress:area", args=["VN"]) + "?moc=2025"
    before = national_admin.get(page).content.decode()
    assert ">9<" not in before.split('data-indicator="THT_MOI"')[1].split("</tr>")[0]
    client_for(users["province_reviewer"]).post(reverse("reporting:approve", args=[r.pk]))
    r.refresh_from_db()
    assert r.status == Report.Status.APPROVED
    assert current("2025", "20")
    row = ProvinceSum.objects.get(period__code="2025", province=Area.resolve("20"), indicator__code="THT_MOI",
                                  status=Report.Status.APPROVED)
    assert row.value == 9
    html = client_for(users["national_admin"]).get(page).content.decode()
    # the Đề án's 2025 target for new cooperative groups (THT_MOI): the country's 9
    assert ">9<" in html.split('data-indicator="THT_MOI"')[1].split("</tr>")[0]


def second_waits_for_first(first, second, first_ready, release, errors):
    """Run ``first`` in a thread until it sets ``first_ready``, then ``second`` in another: whether
    ``second`` was still waiting a second later. Then set ``release`` and let both end. Each runs
    on its own connection; what either raises goes to ``errors`` (SQLite may refuse a writer
    while another one writes)."""
    def on_its_own_connection(work):
        def run():
            try:
                work()
            except Exception as exc:
                errors.append(exc)
            finally:
                connections.close_all()
        return threading.Thread(target=run)

    threads = [on_its_own_connection(first), on_its_own_connection(second)]
    threads[0].start()
    assert first_ready.wait(10)
    threads[1].start()
    threads[1].join(1.0)
    waited = threads[1].is_alive()
    release.set()
    for t in threads:
        t.join(20)
    return waited


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_a_rebuild_never_marks_fresh_what_a_writer_has_not_committed():
    """A writer has changed a value and marked its group, and not committed; a rebuild of the
    group starts meanwhile. PostgreSQL: the rebuild waits for the writer's lock on the state row,
    then sums what it committed. Whatever the database, once both are done the group is either
    not fresh or summed with the writer's figure — never fresh with the old one."""
    r = report(THAT_KHE, "2025", HTX_MOI=3)
    group = (r.period_id, r.province_id)
    sums.rebuild([group])
    assert current("2025", "20")
    value = ReportValue.objects.get(report=r, indicator__code="HTX_MOI")
    marked, release, errors = threading.Event(), threading.Event(), []

    def writer():
        with transaction.atomic():
            ReportValue.objects.filter(pk=value.pk).update(value=30)
            sums.touch([group])           # (no rebuild of its own on commit: only the other one)
            marked.set()
            release.wait(10)

    waited = second_waits_for_first(writer, lambda: sums.rebuild([group]), marked, release, errors)
    if connection.vendor == "postgresql":
        assert waited                     # the rebuild waited for the writer's row lock
    state = ProvinceSumState.objects.get(period_id=group[0], province_id=group[1])
    summed = ProvinceSum.objects.get(period_id=group[0], province_id=group[1], indicator__code="HTX_MOI").value
    assert not state.fresh or summed == 30
    if connection.vendor == "postgresql":
        assert (state.fresh, summed, errors) == (True, 30, [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_map")
def test_a_full_rebuild_and_a_new_group_written_meanwhile():
    """refresh_sums (bootstrap runs it on a deploy) while an import writes the first report of a
    province's period: the new group is summed once, never fresh with its sums twice or none.
    PostgreSQL: the writer waits for the whole rebuild (a lock of the state table)."""
    report("178", "2024", HTX_MOI=3, on=LAST_OLD_DAY)   # an existing group (2024, Lạng Sơn)
    sums.rebuild()
    deleted, go, errors = threading.Event(), threading.Event(), []

    def pause(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(f"DELETE FROM {connection.ops.quote_name(ProvinceSum._meta.db_table)}"):
            deleted.set()
            go.wait(10)
        return result

    def rebuilder():
        with connections["default"].execute_wrapper(pause):
            sums.rebuild()

    def writer():
        with transaction.atomic():
            report(THAT_KHE, "2025", HTX_MOI=5)      # a new group (2025, Lạng Sơn), rebuilt on commit

    waited = second_waits_for_first(rebuilder, writer, deleted, go, errors)
    if connection.vendor == "postgresql":
        assert waited                                # the writer waited for the rebuild's lock
    state = ProvinceSumState.objects.filter(period__code="2025", province=Area.resolve("20")).first()
    summed = [v for v in ProvinceSum.objects.filter(period__code="2025", province=Area.resolve("20"),
                                                    indicator__code="HTX_MOI").values_list("value", flat=True)]
    assert state is None or not state.fresh or summed == [5]
    if connection.vendor == "postgresql":
        assert (state.fresh, summed, errors) == (True, [5], [])
