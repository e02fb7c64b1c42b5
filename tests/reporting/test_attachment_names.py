"""An attachment is stored under the extension of the type its content is (issue 19, point 7):
a real PNG uploaded as "anh.html" or "x.php" is kept as .png, and served as image/png."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import Activity
from tests.reporting.test_tasks import PNG, _task, media  # noqa: F401  (media: MEDIA_ROOT in tmp)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("name, content, stored", [("anh.html", PNG, ".png"), ("x.php", PNG, ".png"),
                                                   ("quyet-dinh.svg", PDF, ".pdf"), ("khong-duoi", PNG, ".png")])
def test_the_stored_extension_is_the_sniffed_types(users, client_for, media, name, content, stored):  # noqa: F811
    lan = users["commune_editor"]
    column = _task("Xây dựng và duy trì ít nhất 01")
    response = client_for(lan).post(reverse("activities:create"), dict(
        task=column.pk, kind="media", title="Chuyên mục", held_on="20/09/2025", sessions=1, participants=0, women=0,
        cooperatives_reached=0, spent_province=0, spent_national=0, spent_other=0,
        files=SimpleUploadedFile(name, content, "text/html")))
    assert response.status_code == 302, response.content.decode()[:1000]
    attachment = Activity.objects.get(area=lan.area, title="Chuyên mục").attachments.get()
    assert attachment.file.name.endswith(stored) and attachment.name == name   # the name typed is only shown
    download = client_for(lan).get(reverse("activities:attachment", args=[attachment.pk]))
    assert download["Content-Type"] == attachment.content_type and download["X-Content-Type-Options"] == "nosniff"
