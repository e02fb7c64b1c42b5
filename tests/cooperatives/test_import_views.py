"""Import in the browser: upload → preview (nothing written) → confirm; admins of the area only."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cooperatives.models import Cooperative, Manager
from tests.cooperatives.test_import import CLEAN_COOPS, COOP_HEADERS, MANAGER_HEADERS, clean_file, write_book

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path):
    return client.post(reverse("cooperatives:import"),
                       {"file": SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_preview_writes_nothing_then_confirm_imports(client_for, users, tmp_path):
    client = client_for(users["province_admin"])
    response = upload(client, clean_file(tmp_path))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-summary"' in page and "Xác nhận nhập" in page
    assert "4900100001" in page and "tạo mới" in page
    assert not Cooperative.objects.filter(code__startswith="49001").exists()  # preview only

    name = response.context["confirm"].initial["import_file_name"]
    response = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": name,
                                                                    "original_name": "clean.xlsx"})
    assert response.status_code == 302 and response.url == reverse("cooperatives:list")
    assert Cooperative.objects.filter(code__startswith="49001").count() == 3
    assert Manager.objects.filter(cooperative__code__startswith="49001").count() == 5
    message = str(list(response.wsgi_request._messages)[0])
    assert "tạo mới 3" in message and "cán bộ quản lý tạo mới 5" in message
    # the stored upload is gone: confirming twice does nothing more
    again = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": name})
    assert again.status_code == 302 and again.url == reverse("cooperatives:import")


def test_rejected_rows_are_listed_and_nothing_can_be_confirmed(client_for, users, tmp_path):
    bad = [list(CLEAN_COOPS[0]), list(CLEAN_COOPS[1])]
    bad[1][9] = 99  # female members above the total
    path = write_book(tmp_path / "bad.xlsx", COOP_HEADERS, bad, MANAGER_HEADERS, [])
    response = upload(client_for(users["province_admin"]), path)
    page = response.content.decode()
    assert 'id="import-errors"' in page and "Thành viên nữ" in page and ">3<" in page  # Excel row 3
    assert "Xác nhận nhập" not in page and "confirm" not in response.context
    assert not Cooperative.objects.filter(code__startswith="49001").exists()


def test_an_admin_cannot_import_into_another_area(client_for, users, tmp_path):
    response = upload(client_for(users["outsider_admin"]), clean_file(tmp_path))  # Hà Nội admin, Lạng Sơn file
    page = response.content.decode()
    assert "nằm ngoài địa bàn của bạn" in page and "Xác nhận nhập" not in page
    assert len(response.context["result"].errors) == 3


def test_only_xlsx_is_accepted(client_for, users):
    client = client_for(users["province_admin"])
    response = client.post(reverse("cooperatives:import"),
                           {"file": SimpleUploadedFile("ds.csv", b"a,b\n", content_type="text/csv")})
    assert "Chỉ nhận tệp .xlsx" in response.content.decode()


def test_confirm_needs_a_stored_upload_and_the_admin_role(client_for, users):
    client = client_for(users["province_admin"])
    response = client.post(reverse("cooperatives:import_confirm"), {"import_file_name": "../../etc/passwd"})
    assert response.status_code == 302 and response.url == reverse("cooperatives:import")
    client = client_for(users["commune_editor"])
    assert client.post(reverse("cooperatives:import_confirm"), {"import_file_name": "abc"}).status_code == 403


def test_template_download_has_both_sheets(client_for, users):
    response = client_for(users["commune_editor"]).get(reverse("cooperatives:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert response["Content-Type"] == XLSX
    assert "Cán bộ quản lý" in book.sheetnames


def test_superuser_admin_exports_through_django_import_export(client, users):
    from portal.models import User

    root = User.objects.create_superuser("root", password="x-Y-z-12345", area=users["national_admin"].area)
    client.force_login(root)
    from tests.cooperatives.factories import coop

    coop(code="4900777001", name="HTX Xuất dữ liệu")
    response = client.get(reverse("admin:cooperatives_cooperative_changelist"))
    assert response.status_code == 200
    from cooperatives.admin import CooperativeResource

    dataset = CooperativeResource().export()
    assert "4900777001" in dataset.csv and "06040" in dataset.csv
