"""Activities from an XLSX (reporting.activity_import) and the period of an activity with the
unit's validity (reporting.activities.period_of): a good file, a bad row (nothing written, the
row named), the same file twice, a unit outside the user's area, a locked period, the pages."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans.models import Task
from portal.models import Area
from reporting.activities import period_of, period_refusal
from reporting.activity_import import COLUMNS, SHEET, TASKS_SHEET, UNITS_SHEET, activity_template, import_activities, task_key
from reporting.models import Activity, Report
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
HEADERS = [header for _key, header, _aliases in COLUMNS]


def _task(start):
    return Task.objects.get(group__plan__key="lang-son-2023", title__startswith=start)


def _xlsx(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["Sổ theo dõi hoạt động của Hội LHPN"])  # a title row above the header
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _training(**changes):
    row = {"Mã đơn vị": "06040", "Mã nhiệm vụ": task_key(_task("Đào tạo, bồi dưỡng nâng cao trình độ quản trị")),
           "Loại hoạt động": "Lớp tập huấn, đào tạo", "Ngày": "12/09/2025", "Tên hoạt động": "Tập huấn quản trị HTX",
           "Số buổi": 2, "Người tham dự": 80, "Trong đó nữ": 70, "HTX tiếp cận": 3, "Ngân sách tỉnh": "10.000.000",
           "Chương trình MTQG": 5000000}
    row.update(changes)
    return row


def _column(**changes):
    row = {"Mã đơn vị": "06040", "Mã nhiệm vụ": task_key(_task("Xây dựng và duy trì ít nhất 01")),
           "Loại hoạt động": "chuyên trang, chuyên mục, phát sóng", "Ngày": datetime.datetime(2025, 9, 20),
           "Tên hoạt động": "Chuyên mục Phụ nữ với HTX", "Số buổi": 3, "Nguồn khác": 2000000, "Ghi chú": "Đài huyện"}
    row.update(changes)
    return row


# The period of an activity ------------------------------------------------------------------

def test_a_new_communes_first_half_goes_to_the_annual_report():
    commune = Area.resolve("06040")
    assert commune.valid_from == datetime.date(2025, 7, 1)
    assert period_of(datetime.date(2025, 3, 15)).code == "2025-H1"  # without the unit: by date only
    assert period_of(datetime.date(2025, 3, 15), commune).code == "2025"
    assert period_of(datetime.date(2025, 9, 1), commune).code == "2025"
    assert period_of(datetime.date(2024, 5, 1), commune) is None  # no report of the commune holds 2024
    assert "không có kỳ báo cáo nào" in period_refusal(datetime.date(2024, 5, 1), commune)


def test_an_old_districts_activities_after_30_june_2025_are_refused():
    district = Area.resolve("178", on=datetime.date(2025, 6, 30))
    assert district.valid_to == datetime.date(2025, 6, 30)
    assert period_of(datetime.date(2025, 6, 10), district).code == "2025-H1"
    assert period_of(datetime.date(2024, 8, 10), district).code == "2024"
    assert period_of(datetime.date(2025, 7, 10), district) is None
    assert "chỉ tồn tại đến ngày 30/06/2025" in period_refusal(datetime.date(2025, 7, 10), district)


def test_the_form_refuses_an_old_districts_activity_after_the_map_change(users, client_for):
    mai = users["old_district_editor"]
    data = dict(task=_task("Xây dựng và duy trì ít nhất 01").pk, kind="media", title="Chuyên mục", held_on="10/07/2025",
                sessions=1, participants=0, women=0, cooperatives_reached=0, spent_province=0, spent_national=0,
                spent_other=0)
    resp = client_for(mai).post(reverse("activities:create"), data)
    assert resp.status_code == 200 and "chỉ tồn tại đến ngày 30/06/2025" in resp.content.decode()
    assert not Activity.objects.exists()


# The import ---------------------------------------------------------------------------------

def test_a_good_file_imports_and_twice_changes_nothing(users):
    lan = users["commune_editor"]
    result = import_activities(_xlsx([_training(), _column()]), lan)
    assert result.ok, result.errors
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (2, 0, 0)
    training = Activity.objects.get(kind="training")
    assert (training.area.code, training.period.code, training.sessions, training.participants, training.women,
            training.cooperatives_reached, training.spent_province, training.spent_national) == (
        "06040", "2025", 2, 80, 70, 3, 10000000, 5000000)
    media = Activity.objects.get(kind="media")
    assert (media.held_on, media.spent_other, media.note, media.created_by) == (
        datetime.date(2025, 9, 20), 2000000, "Đài huyện", lan)
    assert training.history.count() == 1

    again = import_activities(_xlsx([_training(), _column()]), lan)
    assert again.ok and (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert Activity.objects.count() == 2 and training.history.count() == 1

    changed = import_activities(_xlsx([_training(**{"Người tham dự": 90}), _column()]), lan)
    assert (changed.counts.created, changed.counts.updated, changed.counts.unchanged) == (0, 1, 1)
    training.refresh_from_db()
    assert training.participants == 90 and training.history.count() == 2


def test_a_dry_run_writes_nothing(users):
    result = import_activities(_xlsx([_training()]), users["commune_editor"], dry_run=True)
    assert result.ok and result.counts.created == 1 and not Activity.objects.exists()


def test_bad_rows_are_all_named_and_nothing_is_written(users):
    rows = [
        _column(),                                                     # row 3: good
        _training(**{"Trong đó nữ": 90}),                              # row 4: women > participants
        _training(**{"Mã nhiệm vụ": "lang-son-2023:99.9", "Tên hoạt động": "B"}),  # row 5: unknown task
        _training(**{"Ngày": "31/02/2025", "Tên hoạt động": "C"}),     # row 6: no such day
        _training(**{"Người tham dự": "-5", "Tên hoạt động": "D"}),    # row 7: negative
        _training(**{"Loại hoạt động": "Đi chợ", "Tên hoạt động": "E"}),  # row 8: unknown kind
        _column(),                                                     # row 9: the same as row 3
    ]
    result = import_activities(_xlsx(rows), users["commune_editor"])
    assert not result.ok and not Activity.objects.exists()
    found = {(e.row, e.column): e.reason for e in result.errors}
    assert all(e.sheet == SHEET for e in result.errors)
    assert "lớn hơn số người tham dự" in found[4, "Trong đó nữ"]
    assert "không có nhiệm vụ mã" in found[5, "Mã nhiệm vụ"]
    assert "không có thật" in found[6, "Ngày"]
    assert "không được âm" in found[7, "Người tham dự"]
    assert "không có trong danh sách" in found[8, "Loại hoạt động"]
    assert "đã có ở dòng 3" in found[9, "Tên hoạt động"]
    assert 3 not in {e.row for e in result.errors}


def test_a_unit_outside_the_users_area_is_refused(users):
    other = (Area.objects.inside(Area.resolve("20")).filter(level=Area.Level.COMMUNE).exclude(code="06040")
             .order_by("code").first())
    result = import_activities(_xlsx([_training(**{"Mã đơn vị": other.code})]), users["commune_editor"])
    assert not result.ok and not Activity.objects.exists()
    assert "nằm ngoài địa bàn của bạn" in result.errors[0].reason and result.errors[0].row == 3
    # the province's administrator may record it
    assert import_activities(_xlsx([_training(**{"Mã đơn vị": other.code})]), users["province_admin"]).ok
    # and a Hà Nội administrator may not (a Lạng Sơn task is not hers either)
    outsider = import_activities(_xlsx([_training()]), users["outsider_admin"])
    assert not outsider.ok and "nằm ngoài địa bàn" in outsider.errors[0].reason


def test_a_locked_period_is_refused(users):
    report("06040", "2025", status=Report.Status.SUBMITTED)
    result = import_activities(_xlsx([_training()]), users["commune_editor"])
    assert not result.ok and not Activity.objects.exists()
    error = result.errors[0]
    assert (error.row, error.column) == (3, "Ngày") and "đã gửi hoặc đã duyệt" in error.reason


def test_the_period_rule_applies_to_imported_rows(users):
    admin = users["province_admin"]
    result = import_activities(_xlsx([_training(**{"Ngày": "15/03/2025"})]), admin)
    assert result.ok and Activity.objects.get().period.code == "2025"  # the new commune's annual report
    late = _training(**{"Mã đơn vị": "178", "Ngày": "10/08/2025", "Tên hoạt động": "Sau sáp nhập"})
    result = import_activities(_xlsx([late]), admin)
    assert not result.ok and "chỉ tồn tại đến ngày 30/06/2025" in result.errors[0].reason


def test_the_template_lists_units_and_tasks_and_reads_back(users):
    lan = users["commune_editor"]
    wb = load_workbook(io.BytesIO(activity_template(lan)))
    assert wb.sheetnames[0] == SHEET and {UNITS_SHEET, TASKS_SHEET} <= set(wb.sheetnames)
    units = [r[0] for r in wb[UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert units == ["06040"]
    keys = {r[0] for r in wb[TASKS_SHEET].iter_rows(min_row=2, values_only=True)}
    assert task_key(_task("Xây dựng và duy trì ít nhất 01")) in keys
    assert wb[SHEET].data_validations.dataValidation  # the kinds' drop-down
    ws = wb[SHEET]
    ws.append([_column().get(h) for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    result = import_activities(out, lan)
    assert result.ok, result.errors
    assert result.counts.created == 1


def test_the_pages_preview_then_confirm(users, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    c = client_for(users["commune_editor"])
    template = c.get(reverse("activities:import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    upload = SimpleUploadedFile("so-hoat-dong.xlsx", _xlsx([_training(), _column()]).getvalue())
    page = c.post(reverse("activities:import"), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="import-rows"' in html and "Tập huấn quản trị HTX" in html
    assert not Activity.objects.exists()
    name = page.context["confirm"].initial["import_file_name"]
    done = c.post(reverse("activities:import_confirm"), {"import_file_name": name, "original_name": "so.xlsx"})
    assert done.status_code == 302 and Activity.objects.count() == 2
    # a bad file: the rows named, no confirmation
    bad = SimpleUploadedFile("so.xlsx", _xlsx([_training(**{"Trong đó nữ": 99})]).getvalue())
    page = c.post(reverse("activities:import"), {"file": bad})
    assert 'id="import-errors"' in page.content.decode() and "confirm" not in page.context
    # a reviewer may not import
    assert client_for(users["province_reviewer"]).get(reverse("activities:import")).status_code == 403
