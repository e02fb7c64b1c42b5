import pytest
from django.urls import reverse

from portal.models import Area

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_current_map_lists_34_provinces(client_for, users):
    page = client_for(users["commune_editor"]).get(reverse("map")).content.decode()
    assert "34 tỉnh/thành phố" in page
    assert "Lạng Sơn" in page and "<code>56</code>" in page


def test_old_map_lists_63_provinces_with_successors_and_dates(client_for, users):
    page = client_for(users["commune_editor"]).get(reverse("map") + "?ky=truoc-2025").content.decode()
    assert "63 tỉnh/thành phố" in page
    assert "Tỉnh Ninh Thuận" in page and "Khánh Hòa (56)" in page  # successor shown
    assert "30/06/2025" in page


def test_unit_page_shows_children_validity_and_predecessors(client_for, users):
    client = client_for(users["commune_editor"])
    khanh_hoa = Area.resolve("56")
    page = client.get(reverse("map_unit", args=[khanh_hoa.pk])).content.decode()
    assert "từ 01/07/2025" in page
    assert "Tỉnh Ninh Thuận (58)" in page and "Tỉnh Khánh Hòa (56)" in page  # merged from
    lang_son = client.get(reverse("map_unit", args=[Area.resolve("20").pk])).content.decode()
    assert "Xã Thất Khê" in lang_son and "Thành phố Lạng Sơn" in lang_son  # new communes and old districts
    found = client.get(reverse("map_unit", args=[Area.resolve("20").pk]) + "?q=Thất Khê").content.decode()
    assert "06040" in found and "Thành phố Lạng Sơn" not in found
