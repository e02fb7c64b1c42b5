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
import datetime
import json as jsonlib
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan, Target
from portal.models import Area
from portal.spreadsheets import Invalid, parse_date
from reporting.importer import area_code
from reporting.selectors import default_plan, find_plan, progress


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
        year = _milestone(milestone)
        day = _as_of(as_of)
        area = _area(area_code, day or datetime.date.today())
        chosen = _plan(plan, area) if plan else default_plan(area, year)
        if chosen is None:
            raise CommandError(f"Không có kế hoạch nào áp dụng cho {area.name}")
        result = progress(area, plan=chosen, milestone=year, as_of=day, include_submitted=include_submitted)
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


def _milestone(text):
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        raise CommandError(f"Mốc “{text}” không hợp lệ: ghi một năm, ví dụ --milestone 2025")
    return int(text)


def _as_of(text):
    if text is None:
        return None
    text = str(text).strip()
    if not (re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text) or re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text)):
        raise CommandError(f"Ngày “{text}” không hợp lệ: ghi YYYY-MM-DD hoặc dd/mm/yyyy")
    try:
        return parse_date(text)
    except Invalid as exc:
        raise CommandError(f"Ngày “{text}” không hợp lệ: {exc}") from None


def _area(text, day):
    try:
        code, _ = area_code(text)
    except Invalid as exc:
        raise CommandError(f"Mã đơn vị không hợp lệ: {exc}") from None
    try:
        return Area.resolve(code, on=day)
    except Area.DoesNotExist:
        pass
    try:
        return Area.resolve(code)  # no unit with the code that day: the most recent one (an old district)
    except Area.DoesNotExist:
        raise CommandError(f"Không có đơn vị hành chính mã {code}") from None


def _plan(text, area):
    try:
        plan = find_plan(text.strip())
    except Plan.DoesNotExist as exc:
        raise CommandError(str(exc)) from None
    if not area.path.startswith(plan.area.path):
        raise CommandError(f"Kế hoạch “{plan.number or plan.key}” là của {plan.area.name}, "
                           f"không áp dụng cho {area.name} (mã {area.code})")
    return plan


def _write(path, data):
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp {path}: {exc.strerror or exc}") from exc
