"""Renders a sample progress report to /tmp so that a human can look at it.

    python scripts/render_sample_pdf.py                 # Lạng Sơn, milestone 2025, issued form
    python scripts/render_sample_pdf.py --draft         # the draft (document=None)
    python scripts/render_sample_pdf.py --area 06040 --out /tmp/xa.pdf
    pdftoppm -png -r 60 /tmp/bao-cao-mau.pdf /tmp/bao-cao-mau   # then open the PNGs

Uses the configured database, migrated and bootstrapped; a throw-away one will do:
    export DATABASE_URL=sqlite:////tmp/pdf_sample.sqlite3
    python manage.py migrate -v0 && python manage.py bootstrap With --sample-reports
(the default when the area has no approved report) it adds a few reports inside a transaction
that is rolled back afterwards, so nothing is written. Prints the time of the render.
"""
import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from portal.models import Area  # noqa: E402
from reporting.models import Report  # noqa: E402
from reporting.pdf import document_figures, render_snapshot_pdf  # noqa: E402
from reporting.selectors import progress  # noqa: E402

DOCUMENT = {
    "number": "15/BC-HPN", "place": "Lạng Sơn", "issued_on": datetime.date(2026, 2, 5),
    "parent_body": "Hội LHPN Việt Nam", "issuing_body": "Hội LHPN tỉnh Lạng Sơn",
    "signer_authority": "TM. Ban Thường vụ", "signer_title": "Phó Chủ tịch", "signer_name": "Hoàng Thị Hương",
    "recipients": "Ủy ban nhân dân tỉnh Lạng Sơn\nĐoàn Chủ tịch TW Hội LHPN Việt Nam\nThường trực Hội LHPN tỉnh\n"
                  "Các Ban, đơn vị thuộc Hội LHPN tỉnh\nLưu: VT, Ban HTPNPTKT",
    "assessment": "Năm 2025, các cấp Hội trong tỉnh đã chủ động phối hợp với Liên minh Hợp tác xã tỉnh tư vấn, "
                  "hỗ trợ thành lập mới hợp tác xã và tổ hợp tác do phụ nữ tham gia quản lý; công tác đào tạo, "
                  "bồi dưỡng nữ quản lý hợp tác xã được quan tâm.\n"
                  "Tuy vậy, số hợp tác xã thành lập mới còn thấp so với mục tiêu của Kế hoạch.",
    "difficulties": "Nguồn vốn hỗ trợ còn hạn chế; việc sắp xếp đơn vị hành chính cấp xã từ ngày 01/7/2025 "
                    "làm gián đoạn việc thu thập số liệu ở một số địa phương.",
    "proposals": "Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện Đề án năm 2026 và chỉ đạo các sở, "
                 "ngành phối hợp với Hội LHPN tỉnh tháo gỡ khó khăn về mặt bằng sản xuất cho hợp tác xã.",
}


def add_sample_reports(province):
    from tests.reporting.factories import report

    communes = list(province.children.filter(level=Area.Level.COMMUNE).order_by("code")[:4])
    districts = list(province.children.filter(level=Area.Level.DISTRICT).order_by("code")[:2])
    report(districts[0].code, "2024", HTX_MOI=3, THT_MOI=6, VIEC_LAM_NU_MOI=120)
    report(districts[0].code, "2025-H1", HTX_MOI=2, THT_MOI=7, NU_QL_DAO_TAO_TL=(5, 10))
    report(districts[1].code, "2024", HTX_MOI=4, THT_MOI=9, VIEC_LAM_NU_MOI=95,
           submitted=datetime.datetime(2025, 1, 10, 9, tzinfo=datetime.UTC))
    for i, c in enumerate(communes[:3]):
        report(c.code, "2025", HTX_MOI=4 + i, THT_MOI=8 + 3 * i, VIEC_LAM_NU_MOI=110 + 40 * i,
               HTX_THT_CUNG_CO_TL=(9 + i, 12), NU_QL_DAO_TAO_TL=(8, 10), CB_HOI_TAP_HUAN_TL=(20, 20),
               CB_HOI_KY_NANG_TL=(15, 20), CHUYEN_MUC_TT=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--area", default="20")
    ap.add_argument("--milestone", type=int, default=2025)
    ap.add_argument("--as-of", default="2026-01-15")
    ap.add_argument("--draft", action="store_true")
    ap.add_argument("--sample-reports", action="store_true", help="add sample reports (rolled back)")
    ap.add_argument("--out", default="/tmp/bao-cao-mau.pdf")
    args = ap.parse_args()
    area = Area.resolve(args.area)
    as_of = datetime.date.fromisoformat(args.as_of)
    with transaction.atomic():
        if args.sample_reports or not Report.objects.filter(Area.inside_q(area, "area"),
                                                            status=Report.Status.APPROVED).exists():
            province = area if area.level == Area.Level.PROVINCE else Area.resolve("20")
            add_sample_reports(province)
        prog = progress(area, milestone=args.milestone, as_of=as_of)
        figures = document_figures(prog)
        transaction.set_rollback(True)
    start = time.perf_counter()
    pdf = render_snapshot_pdf(figures, None if args.draft else DOCUMENT)
    elapsed = time.perf_counter() - start
    Path(args.out).write_bytes(pdf)
    print(f"{args.out}: {len(pdf):,} bytes, rendered in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
