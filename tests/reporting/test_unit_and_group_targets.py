"""Targets per unit ("mỗi Hội cơ sở có ít nhất 02 hộ") and per area group ("đồng bằng 95 %,
miền núi 80 %") of Khánh Hòa's 2019 plan, evaluated on the demo data (reporting.demo, figures
by hand there): N of M units and who did not; each group against its own number; a province
without groups says "chưa phân nhóm địa bàn" with a link to set them. Same figures in the JSON,
the page, the XLSX and the PDF."""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from plans.models import AreaGroup
from portal.models import Area
from reporting import rollup
from reporting.demo import demo_khanh_hoa
from reporting.exports import progress_rows
from reporting.selectors import progress

pytestmark = pytest.mark.django_db
AS_OF = "2020-03-01"
OLD_KH = datetime.date(2025, 6, 30)


@pytest.fixture
def khanh_hoa():
    made = demo_khanh_hoa()
    assert (made["reports"], made["groups"]) == (8, 8)
    assert demo_khanh_hoa() == {"reports": 0, "reports_unchanged": 8, "values": 0, "groups": 0}  # idempotent
    return Area.resolve("56", on=OLD_KH)


def indicators():
    out = io.StringIO()
    call_command("progress", "56", "--milestone", "2019", "--as-of", AS_OF, "--json", stdout=out,
                 stderr=io.StringIO())
    data = json.loads(out.getvalue())
    assert data["plan"] == "khanh-hoa-2019"
    return data["indicators"]


def by_code(items, code, group=None):
    return next(i for i in items if i["code"] == code and (group is None or i["target"]["area_group"] == group))


def test_a_per_unit_target_is_n_of_m_units(khanh_hoa):
    items = indicators()
    households = by_code(items, "HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO")
    # 9 districts on 31/12/2019; Diên Khánh (574) helped 1 household, Trường Sa (576) sent nothing
    assert (households["units_reached"], households["units_total"], households["units_failing"]) == (7, 9, ["574", "576"])
    assert households["status"] == "not_achieved" and households["achieved"] is False
    assert households["target"]["per_unit"] == "Hội cơ sở"
    forms = by_code(items, "HINH_THUC_TIET_KIEM_HIEU_QUA")
    assert (forms["units_reached"], forms["units_total"], forms["units_failing"]) == (8, 9, ["576"])
    assert all(i["status"] != "not_evaluated" for i in items)


def test_an_area_group_target_is_evaluated_per_group(khanh_hoa):
    items = indicators()
    plain = by_code(items, "TV_TKVV_TIET_KIEM_TL", "đồng bằng")
    # (960 + 470 + 380 + 570 + 660 + 480) / (1000 + 500 + 400 + 600 + 700 + 500) = 3 520 / 3 700
    assert (plain["numerator"], plain["denominator"], plain["actual"], plain["status"]) == (3520, 3700, 95.14, "achieved")
    assert plain["groups"] == [{"name": "đồng bằng", "actual": 95.14, "status": "achieved",
                                "units": ["568", "569", "570", "571", "572", "574"]}]
    mountain = by_code(items, "TV_TKVV_TIET_KIEM_TL", "miền núi")
    assert (mountain["actual"], mountain["status"], mountain["groups"][0]["units"]) == (78, "not_achieved", ["573", "575"])
    assert mountain["units_ungrouped"] == ["576"]


def test_without_groups_the_target_says_so_and_links_to_setting_them(khanh_hoa, client_for, users):
    AreaGroup.objects.all().delete()
    mountain = by_code(indicators(), "TV_TKVV_TIET_KIEM_TL", "miền núi")
    assert mountain["status"] == "ungrouped" and mountain["achieved"] is None
    page = client_for(users["national_admin"]).get(
        reverse("progress:area", args=["56"]) + f"?hieu_luc=2025-06-30&moc=2019&ngay={AS_OF}").content.decode()
    assert "Chưa phân nhóm địa bàn" in page and "/ke-hoach/nhom-dia-ban/56/" in page


def test_the_page_xlsx_and_pdf_say_it_in_vietnamese(khanh_hoa, client_for, users):
    page = client_for(users["national_admin"]).get(
        reverse("progress:area", args=["56"]) + f"?hieu_luc=2025-06-30&moc=2019&ngay={AS_OF}").content.decode()
    row = page.split('data-indicator="HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO"')[1].split("</tr>")[0]
    assert "7/9 đơn vị đạt; chưa đạt: Huyện Diên Khánh, Huyện Trường Sa" in row and "Chưa đạt" in row
    assert "Không đánh giá tự động" not in page
    assert "Nhóm “miền núi”: 2 đơn vị (Huyện Khánh Sơn, Huyện Khánh Vĩnh)" in page
    assert "1 đơn vị chưa phân nhóm" in page

    prog = progress(khanh_hoa, milestone=2019, as_of=datetime.date(2020, 3, 1))
    rows = {(r[0], r[2]): r for r in progress_rows(prog)[1:]}
    households = rows[("HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO", "mỗi Hội cơ sở: ít nhất 2 hộ")]
    assert households[7] == "Chưa đạt" and households[8].startswith("7/9 đơn vị đạt")
    assert rows[("TV_TKVV_TIET_KIEM_TL", "đồng bằng: 95 %")][7] == "Đạt"

    from reporting.pdf import document_figures

    lines = document_figures(prog)["lines"]
    households = next(l for l in lines if l["code"] == "HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO")
    assert households["status_label"] == "Chưa đạt"
    assert households["notes"] == ["7/9 đơn vị đạt; chưa đạt: Huyện Diên Khánh, Huyện Trường Sa"]
    assert rollup.UNGROUPED not in {l["status"] for l in lines}
