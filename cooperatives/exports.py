"""Exports of the registry: rows (the first one the header) for the one writer of CSV and XLSX,
portal.spreadsheets.export / write (also imported from here)."""
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count

from cooperatives import rules
from cooperatives.models import Cooperative, Manager
from cooperatives.selectors import latest_workforce
from portal.spreadsheets import FORMATS, export, filename, write  # noqa: F401 (the registry's exporters)


@contextmanager
def planned_for_every_row():
    """An export reads all its rows through a server-side cursor (QuerySet.iterator), which
    PostgreSQL plans for the first 10 % of its rows (cursor_tuple_fraction): for one province
    of a 100 000-cooperative registry it walked the whole name index and dropped the other
    provinces' rows (0.37 s instead of 0.03 s). Inside a transaction, SET LOCAL plans the cursor
    for every row, and the cursor is not materialised WITH HOLD."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield


def _yes_no(value):
    return "" if value is None else ("Có" if value else "Không")


HEADER = ["Mã số", "Tên", "Loại hình", "Xã/phường", "Mã xã", "Tỉnh/thành phố", "Lĩnh vực", "Ngày thành lập",
          "Hội hỗ trợ thành lập", "Hội hỗ trợ củng cố", "Tình trạng", "Do phụ nữ tham gia quản lý",
          "Tạo nhiều việc làm cho lao động nữ", "Thuộc đối tượng Đề án", "Năm số liệu lao động",
          "Tổng số thành viên", "Thành viên nữ", "Tổng số lao động", "Lao động nữ"]


def cooperative_rows(queryset):
    """The header, then one row per cooperative of an already scoped and filtered queryset.

    Two queries in all, whatever the rows: the cooperatives as plain values (their commune and
    province joined), read through a server-side cursor in chunks, and the latest workforce year
    of each of them (one pass over their workforce rows, kept in a dict of small tuples). The
    labels of kind, sector and status come from dicts built once, never per row: 100 000
    cooperatives export in seconds, not in the minutes that a correlated sub-select per row
    and per column took."""
    yield HEADER
    latest = latest_workforce(queryset)
    kinds, sectors, statuses = (
        {value: str(label) for value, label in choices}
        for choices in (Cooperative.Kind.choices, Cooperative.Sector.choices, Cooperative.Status.choices))
    fields = ("pk", "code", "name", "kind", "commune__name", "commune__code", "commune__parent__name", "sector",
              "founded_on", "hoi_supported_founding", "hoi_supported_consolidation", "status", "is_women_managed",
              "many_women_jobs")
    no_workforce = (None,) * 5
    for (pk, code, name, kind, commune, commune_code, province, sector, founded_on, founding, consolidation,
         status, women_managed, many_jobs) in queryset.values_list(*fields).iterator(chunk_size=5000):
        yield [code, name, kinds.get(kind, kind), commune, commune_code, province or "", sectors.get(sector, sector),
               founded_on, _yes_no(founding), _yes_no(consolidation), statuses.get(status, status),
               _yes_no(women_managed), _yes_no(many_jobs),
               _yes_no(rules.counts_under_de_an(women_managed, many_jobs)), *latest.get(pk, no_workforce)]


MANAGER_HEADER = ["Mã số HTX", "Tên HTX/THT", "Xã/phường", "Tỉnh/thành phố", "Họ và tên", "Giới tính", "Chức vụ",
                  "Từ ngày", "Đến ngày", "Số lớp đào tạo đã dự"]
PERSON_HEADER = ["Năm sinh", "Dân tộc"]


def manager_rows(queryset, *, person_fields=False):
    """The header, then one row per manager of an already scoped queryset: two queries whatever
    the rows. Birth year and ethnicity only when ``person_fields`` (an explicit choice with a
    stated purpose, logged by the caller: privacy.access)."""
    yield MANAGER_HEADER + (PERSON_HEADER if person_fields else [])
    genders = dict(Manager._meta.get_field("gender").flatchoices)
    roles = dict(rules.ROLES)
    fields = ["cooperative__code", "cooperative__name", "cooperative__commune__name",
              "cooperative__commune__parent__name", "full_name", "gender", "role", "from_date", "to_date", "trained"]
    if person_fields:
        fields += ["birth_year", "ethnicity"]
    rows = queryset.annotate(trained=Count("trainings")).order_by(
        "cooperative__search_name", "cooperative__code", "full_name", "pk").values_list(*fields)
    for row in rows.iterator(chunk_size=5000):
        row = list(row)
        row[5], row[6] = str(genders.get(row[5], row[5])), str(roles.get(row[6], row[6]))
        yield row
