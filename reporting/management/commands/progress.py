"""python manage.py progress AREA_CODE --milestone YEAR [--plan NUMBER] [--as-of DATE]
(--json | --pdf FILE | --xlsx FILE) — DOMAIN.md §7: the rollup the dashboard shows.

- AREA_CODE: a GSO code; the unit valid on the as-of date (default today), or, when the code
  names no unit on that day (an old district after 1/7/2025), the most recent unit with it.
- --plan: a plan's number ("139/KH-BTV") or key ("lang-son-2023"); default: the most specific
  plan covering the area with targets for the milestone.
- --as-of: YYYY-MM-DD or dd/mm/yyyy.
- --json prints one object (Progress.as_json()) and nothing else on stdout; --xlsx and --pdf
  write the file. Any error: the reason on stderr, non-zero exit.
"""
import json as jsonlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Target
from reporting.progress_args import ProgressArgumentError, progress_args
from reporting.cache import cached_progress


class Command(BaseCommand):
    help = "Tiến độ thực hiện chỉ tiêu của một địa bàn (JSON, Excel hoặc PDF)."

    def add_arguments(self, parser):
        parser.add_argument("area_code", help="Mã đơn vị: VN, mã tỉnh (20), huyện (178) hoặc xã (06040)")
        parser.add_argument("--milestone", required=True, help="Mốc (năm), ví dụ 2025")
        parser.add_argument("--plan", help="Số kế hoạch (139/KH-BTV) hoặc mã kế hoạch (lang-son-2023)")
        parser.add_argument("--as-of", dest="as_of", help="Số liệu đến ngày: YYYY-MM-DD hoặc dd/mm/yyyy")
        parser.add_argument("--include-submitted", action="store_true",
                            help="Gồm cả báo cáo chờ duyệt (mặc định chỉ báo cáo đã duyệt)")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument("--pdf", metavar="FILE", help="Ghi báo cáo PDF")
        parser.add_argument("--xlsx", metavar="FILE", help="Ghi tệp Excel")

    def handle(self, *args, **options):
        try:
            self._run(**options)
        except CommandError:
            raise
        except Exception as exc:  # a database failure, a broken export: the reason on stderr
            raise CommandError(f"Không lập được báo cáo tiến độ: {exc}") from exc  # --traceback shows the rest

    def _run(self, *, area_code, milestone, plan=None, as_of=None, include_submitted=False,
            json=False, pdf=None, xlsx=None, **options):
        outputs = [name for name, given in (("--json", json), ("--pdf", pdf), ("--xlsx", xlsx)) if given]
        if len(outputs) != 1:
            raise CommandError("Chọn đúng một trong --json, --pdf FILE, --xlsx FILE"
                               + (f" (đang chọn {', '.join(outputs)})" if outputs else ""))
        try:
            args = progress_args(area_code, milestone, plan=plan, as_of=as_of)
        except ProgressArgumentError as exc:
            raise CommandError(str(exc)) from None
        year = args.milestone
        result = cached_progress(args.area, plan=args.plan, milestone=year, as_of=args.as_of,
                          include_submitted=include_submitted)
        if not Target.objects.filter(plan=result.plan, milestone=year).exists():
            self.stderr.write(f"Lưu ý: kế hoạch “{result.plan.number or result.plan.key}” không có mục tiêu cho "
                              f"mốc {year}; chỉ có số liệu thực hiện.")
        if json:
            self.stdout.write(jsonlib.dumps(result.as_json(), ensure_ascii=False))
            return
        if xlsx:
            from reporting.exports import export_progress

            _write(xlsx, export_progress(result, "xlsx")[2])
            self.stdout.write(f"Đã ghi {xlsx}")
            return
        try:
            from reporting.pdf import render_progress_pdf
        except ImportError as exc:
            raise CommandError(f"Chưa xuất được PDF: {exc}") from exc
        _write(pdf, render_progress_pdf(result, document=None))
        self.stdout.write(f"Đã ghi {pdf}")


def _write(path, data):
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {path}: {exc.strerror or exc}") from exc
