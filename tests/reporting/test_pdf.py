"""The UBND's PDF report (reporting.pdf): read back with pypdf and poppler's pdftotext, it has
the blocks of Nghị định 30/2020 in order (shared/PDF.md), on A4 with its margins, in the shipped
Liberation Serif, with a chart; it renders from its JSON snapshot alone, so an issued document
re-prints unchanged after late reports arrive (JOURNEYS.md, Bà Hương)."""
import datetime
import io
import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from portal.models import Area
from reporting import rollup
from reporting.models import IssuedDocument
from reporting.pdf import (date_long, document_figures, document_number, render_progress_pdf,
                           render_snapshot_pdf, _recipient_lines)
from reporting.selectors import progress
from tests.reporting.factories import report

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 1, 15)
MM = 72 / 25.4
DOCUMENT = {
    "number": "15/BC-HPN", "place": "Lạng Sơn", "issued_on": datetime.date(2026, 2, 5),
    "parent_body": "Hội LHPN Việt Nam", "issuing_body": "Hội LHPN tỉnh Lạng Sơn",
    "signer_authority": "TM. BAN THƯỜNG VỤ", "signer_title": "PHÓ CHỦ TỊCH", "signer_name": "Hoàng Thị Hương",
    "recipients": "Ủy ban nhân dân tỉnh Lạng Sơn\n- Đoàn Chủ tịch TW Hội LHPN Việt Nam;\nThường trực Hội LHPN tỉnh\n"
                  "Lưu: VT, Ban HTPNPTKT",
    "assessment": "Các cấp Hội đã phối hợp với Liên minh Hợp tác xã tỉnh hỗ trợ thành lập mới hợp tác xã.",
    "difficulties": "Việc sắp xếp đơn vị hành chính làm gián đoạn việc thu thập số liệu.",
    "proposals": "Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện Đề án năm 2026.",
}


@pytest.fixture
def lang_son():
    """As in test_progress: HTX_MOI 3 (178, 2024) + 6 (Thất Khê, 2025) = 9 approved, of 20–25;
    THT_MOI 1 + 5 = 6, of more than 50; trained managers 8/10 = 80 %; another commune's
    annual report (HTX_MOI 10) is submitted, not approved."""
    other = Area.resolve("20").children.filter(level=Area.Level.COMMUNE).exclude(code="06040").first()
    report("178", "2024", HTX_MOI=3, THT_MOI=1)
    report("178", "2025-H1", HTX_MOI=2, THT_MOI=7, NU_QL_DAO_TAO_TL=(5, 10))
    report("06040", "2025", HTX_MOI=6, THT_MOI=5, NU_QL_DAO_TAO_TL=(8, 10))
    report(other.code, "2025", "submitted", HTX_MOI=10, NU_QL_DAO_TAO_TL=(2, 5))
    return {"other": other}


def lang_son_progress(**kw):
    return progress(Area.resolve("20"), milestone=2025, as_of=AS_OF, **kw)


def pdftotext(pdf, *args):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", *args, f.name, "-"], check=True, capture_output=True,
                              text=True).stdout


def layout_text(pdf):
    return pdftotext(pdf, "-layout")


def flat(text):
    return re.sub(r"\s+", " ", text)


def assert_in_order(text, needles):
    pos = 0
    for needle in needles:
        found = text.find(needle, pos)
        assert found >= 0, f"“{needle}” missing after position {pos}: …{text[pos:pos + 300]}…"
        pos = found + len(needle)


def all_fonts(reader):
    """BaseFont -> font dict, over every page and the form XObjects inside (the chart)."""
    out = {}

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            out[str(font["/BaseFont"])] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Resources") is not None:
                walk(xobject["/Resources"])

    for page in reader.pages:
        walk(page.get("/Resources"))
    return out


def test_issued_report_has_the_blocks_of_nghi_dinh_30_in_order(lang_son):
    prog = lang_son_progress()
    pdf = render_progress_pdf(prog, DOCUMENT)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:                                     # A4 portrait
        assert abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1
    text = layout_text(pdf)
    names = [" ".join(line.indicator.name.split()[:4]) for line in prog.lines]
    assert_in_order(text, [
        "HỘI LHPN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "HỘI LHPN TỈNH LẠNG SƠN", "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-HPN", "Lạng Sơn, ngày 05 tháng 02 năm 2026",
        "BÁO CÁO", "Kết quả thực hiện Đề án",
        "Căn cứ Quyết định số 01/QĐ-TTg",
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", *names,
        "II. KẾT QUẢ THEO ĐƠN VỊ", "Tình hình gửi báo cáo",
        "III. ĐÁNH GIÁ CHUNG", "Đánh giá chung", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị",
        "Nơi nhận:", "TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH", "Hoàng Thị Hương",
    ])
    one = flat(text)
    # the summary, built from the plan and the milestone, and legal bases ending ";" then "."
    assert ("Kết quả thực hiện Đề án “Hỗ trợ hợp tác xã do phụ nữ tham gia quản lý, tạo việc làm cho lao "
            "động nữ đến năm 2030” năm 2025") in one
    assert "nữ đến năm 2030”; Căn cứ Kế hoạch số 235/KH-ĐCT" in one
    assert re.search(r"Căn cứ Kế hoạch tháng 4/2023 của Ủy ban nhân dân tỉnh Lạng Sơn .*trên địa bàn tỉnh "
                     r"Lạng Sơn\. ", one)
    # Vietnamese text is extractable exactly (no lost diacritics, no decomposed forms)
    for word in ("hợp tác xã", "Tổ hợp tác", "Lạng Sơn", "Đạt", "Chưa đạt", "Hoàng Thị Hương",
                 "Độc lập - Tự do - Hạnh phúc", "Việc làm mới tạo ra cho lao động nữ"):
        assert word in one
    # the figures: 9 HTX of 20–25 (45 %), 6 of more than 50 THT, 80 % (8/10) trained
    # the 2025 window closed on 31/12/2025: a missed target is "Chưa đạt", never "Chậm tiến độ"
    assert re.search(r"từ 20 - 25 HTX\s+9\s+45 %\s+Chưa đạt", one)
    assert re.search(r"trên 50 THT\s+6\s+12 %\s+Chưa đạt", one)
    assert "Chậm tiến độ" not in one
    assert "80 % (8/10)" in flat(pdftotext(pdf))                 # a ratio: its percentage, then n/d
    assert "đã được duyệt (không tính báo cáo đang chờ duyệt" in one
    # recipients: "- …;" one per line, the last "- Lưu: VT, ….", in that order
    assert_in_order(text, ["- Ủy ban nhân dân tỉnh Lạng Sơn;", "- Đoàn Chủ tịch TW Hội LHPN Việt Nam;",
                           "- Thường trực Hội LHPN tỉnh;", "- Lưu: VT, Ban HTPNPTKT."])
    # page numbers: none on the first page, centred at the top from page 2 on
    pages = text.split("\f")
    first_lines = [next(l.strip() for l in p.splitlines() if l.strip()) for p in pages if p.strip()]
    assert first_lines[0] != "1"
    assert first_lines[1:] == [str(n) for n in range(2, len(first_lines) + 1)]


def test_margins_and_the_signature_block_sit_where_the_decree_puts_them(lang_son):
    pdf = render_progress_pdf(lang_son_progress(), DOCUMENT)
    html = pdftotext(pdf, "-bbox")
    words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    body = [w for w in words if not re.fullmatch(r"\d+", w[4])]   # page numbers sit in the top margin
    assert abs(min(w[0] for w in body) - 30 * MM) < 1.5            # left 30 mm
    # right 15 mm: justified lines reach it (pdftotext's word boxes may overhang by a point)
    assert 595.3 - 15 * MM - 6 < max(w[2] for w in body) <= 595.3 - 15 * MM + 2
    assert min(w[1] for w in body) >= 20 * MM - 1                  # top 20 mm
    assert max(w[3] for w in body) <= 841.9 - 20 * MM + 1          # bottom 20 mm
    # "Nơi nhận:" on the left, level with the signing authority on the right; the name under it
    noi = next(w for w in words if w[4] == "Nơi")
    tm = next(w for w in words if w[4] == "TM.")
    huong = [w for w in words if w[4] == "Hương"][-1]
    assert noi[0] < 40 * MM + 30 * MM < tm[0] and abs(noi[1] - tm[1]) < 3
    assert huong[1] - tm[1] > 25 * MM                               # room for the signature and seal


def test_only_the_shipped_liberation_serif_is_embedded(lang_son):
    from fontTools.ttLib import TTFont

    pdf = render_progress_pdf(lang_son_progress(), DOCUMENT)
    fonts = all_fonts(PdfReader(io.BytesIO(pdf)))
    assert fonts and all("LiberationSerif" in name for name in fonts), fonts   # no fallback font anywhere
    styles = {name.split("+", 1)[1] for name in fonts}
    assert {"LiberationSerif-Portal", "LiberationSerif-Portal-Bold", "LiberationSerif-Portal-Italic",
            "LiberationSerif-Portal-Bold-Italic"} <= styles
    shipped = TTFont(Path(settings.BASE_DIR) / "static/fonts/LiberationSerif-Regular.ttf")["name"].getDebugName(5)
    for font in fonts.values():                                     # the file from static/fonts, not the system's
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = descriptor.get_object()["/FontFile2"].get_object().get_data()
        assert TTFont(io.BytesIO(data))["name"].getDebugName(5) == shipped
    assert (Path(settings.BASE_DIR) / "static/fonts/LICENSE").read_text().count("SIL Open Font License") >= 1


def test_the_chart_is_drawn_from_the_figures(lang_son):
    pdf = render_progress_pdf(lang_son_progress(), DOCUMENT)
    text = flat(layout_text(pdf))
    chart = text[text.index("2. Tỷ lệ thực hiện so với mục tiêu"):text.index("II. KẾT QUẢ THEO ĐƠN VỊ")]
    assert_in_order(chart, ["1. HTX do phụ nữ", "45 %", "2. Tổ hợp tác", "12 %"])
    # the legend: the statuses drawn, in the badges' colours ("Đạt" always first)
    assert_in_order(chart, ["0 %", "50 %", "100 %", "150 %", "Đạt", "Chưa đạt", "Mục tiêu"])
    assert "Biểu đồ: tỷ lệ thực hiện so với mục tiêu đến năm 2025" in chart
    # the SVG became vector drawing: one filled bar per indicator with a figure (3 here, all missed
    # after the window closed: the "Chưa đạt" badge's red), plus the two legend swatches
    content = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)

    def fill(status):
        hex_ = rollup.STATUS_COLOURS[status].lstrip("#")
        rgb = [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        return " ".join(f"{c:.6f}".rstrip("0").rstrip(".") for c in rgb).encode()

    def filled(status):
        return re.findall(re.escape(fill(status)) + rb" rg\n(?:[^\n]*\n){0,5}?[\d. -]+ re\nf\n", content)

    assert len(filled(rollup.NOT_ACHIEVED)) == 3 + 1 and len(filled(rollup.ACHIEVED)) == 1
    figures = document_figures(lang_son_progress())
    assert [b["text"] for b in figures["chart"]["bars"][:2]] == ["45 %", "12 %"]


def test_snapshot_survives_json_and_renders_without_the_database(lang_son, django_assert_num_queries):
    prog = lang_son_progress()
    direct = render_progress_pdf(prog, DOCUMENT)
    stored = json.loads(json.dumps(document_figures(prog)))        # as IssuedDocument.figures keeps it
    with django_assert_num_queries(0):
        again = render_snapshot_pdf(stored, DOCUMENT)
    assert layout_text(again) == layout_text(direct)


def test_a_draft_says_so_and_has_no_number_and_no_signer(lang_son):
    pdf = render_progress_pdf(lang_son_progress())
    text = layout_text(pdf)
    one = flat(text)
    assert "DỰ THẢO" in text.split("\f")[0] and all("DỰ THẢO" in p for p in text.split("\f") if p.strip())
    assert "Số: …/BC-…" in one
    assert f"Lạng Sơn, {date_long(datetime.date.today())}" in one
    assert "chưa có số, chưa ký" in one and "(Dự thảo – chưa ký)" in one
    assert "Hoàng Thị Hương" not in one and "PHÓ CHỦ TỊCH" not in one
    assert_in_order(text, ["HỘI LHPN VIỆT NAM", "HỘI LHPN TỈNH LẠNG SƠN", "BÁO CÁO", "I. KẾT QUẢ", "Nơi nhận:"])
    assert "(Nội dung do cán bộ soạn thảo bổ sung trước khi ban hành.)" in one


def test_submitted_reports_are_counted_only_when_asked_and_the_report_says_which(lang_son):
    text = flat(layout_text(render_progress_pdf(lang_son_progress(include_submitted=True), DOCUMENT)))
    assert "các báo cáo đã được duyệt và các báo cáo đã gửi đang chờ duyệt (số liệu chưa chính thức)" in text
    assert re.search(r"từ 20 - 25 HTX\s+19\s+95 %", text)          # + the submitted 10


def test_an_issued_document_prints_unchanged_after_a_late_report(lang_son):
    """Bà Hương signs; a month later a late report arrives: the issued document still prints
    exactly as signed, while a fresh render shows the new figure."""
    prog = lang_son_progress()
    figures = document_figures(prog)
    pdf = render_snapshot_pdf(figures, DOCUMENT)
    issued = IssuedDocument.objects.create(area=prog.area, plan=prog.plan, milestone=2025, figures=figures,
                                           pdf=pdf, **{k: v for k, v in DOCUMENT.items()})
    late_commune = Area.resolve("20").children.filter(level=Area.Level.COMMUNE).exclude(
        code__in=["06040", lang_son["other"].code]).first()
    report(late_commune.code, "2025", HTX_MOI=12,
           submitted=datetime.datetime(2026, 2, 20, 9, tzinfo=datetime.UTC))

    issued = IssuedDocument.objects.get(pk=issued.pk)
    reprint = render_snapshot_pdf(issued.figures, issued)
    assert layout_text(reprint) == layout_text(bytes(issued.pdf)) == layout_text(pdf)
    assert re.search(r"từ 20 - 25 HTX\s+9\s+45 %", flat(layout_text(reprint)))

    # as of a day after the late report was sent (the as-of date counts what had been sent by then)
    later = progress(Area.resolve("20"), milestone=2025, as_of=datetime.date(2026, 3, 1))
    fresh = flat(layout_text(render_progress_pdf(later, DOCUMENT)))
    assert re.search(r"từ 20 - 25 HTX\s+21\s+105 %\s+Đạt", fresh)     # 9 + 12: now achieved
    assert late_commune.name in fresh                                   # and in the breakdown by unit


def test_the_decree_forms_of_numbers_dates_and_recipients():
    assert date_long(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert date_long(datetime.date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"      # months 1–2 only
    assert date_long(datetime.date(2025, 12, 15)) == "ngày 15 tháng 12 năm 2025"
    assert document_number("5/BC-HPN") == "05/BC-HPN"
    assert document_number("15/BC-HPN") == "15/BC-HPN"
    assert _recipient_lines("Như trên\n- UBND tỉnh;\n") == ["- Như trên;", "- UBND tỉnh;", "- Lưu: VT."]
    assert _recipient_lines("Lưu: VT, BKT\nUBND tỉnh") == ["- UBND tỉnh;", "- Lưu: VT, BKT."]
