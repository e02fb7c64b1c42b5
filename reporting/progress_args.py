"""What a progress request means: the area, plan, milestone and as-of date named by
`manage.py progress` and by the API's /api/v1/progress/<code>/ — one reading for both, so that
the same arguments give the same rollup (DOMAIN.md §7).

- the area: a GSO code; the unit valid on the as-of date (default today), or, when the code
  names no unit on that day (an old district after 1/7/2025), the most recent unit with it;
- the plan: a number ("139/KH-BTV") or key ("lang-son-2023") of a plan covering the area;
  default: the most specific covering plan with targets for the milestone;
- the milestone: a year; the as-of date: YYYY-MM-DD or dd/mm/yyyy.

Errors are ``ProgressArgumentError`` with the reason in Vietnamese; ``not_found`` says whether
the thing asked for does not exist (an HTTP 404) rather than being written wrong (a 400).
"""
import datetime
import re
from dataclasses import dataclass

from portal.spreadsheet_reading import Invalid, parse_date
from plans.models import Plan
from portal.models import Area
from portal.scoping import can_see_area, scoped
from reporting.importer import area_code
from reporting.selectors import default_plan, find_plan


class ProgressArgumentError(ValueError):
    def __init__(self, message, *, not_found=False):
        super().__init__(message)
        self.not_found = not_found


@dataclass
class ProgressArgs:
    area: Area
    plan: Plan
    milestone: int
    as_of: datetime.date | None


def parse_milestone(text):
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2100:
        raise ProgressArgumentError(f"Mốc “{text}” không hợp lệ: ghi một năm, ví dụ 2025")
    return int(text)


# An as-of day outside these years is refused: 9999-12-31 overflows the date arithmetic (the end
# of its day, the periods after it). The page, the API and the command all read it here.
AS_OF_YEARS = (1900, 2100)


def as_of_in_range(day):
    return AS_OF_YEARS[0] <= day.year <= AS_OF_YEARS[1]


def parse_as_of(text):
    if text is None:
        return None
    text = str(text).strip()
    if not (re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text) or re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text)):
        raise ProgressArgumentError(f"Ngày “{text}” không hợp lệ: ghi YYYY-MM-DD hoặc dd/mm/yyyy")
    try:
        day = parse_date(text)
    except Invalid as exc:
        raise ProgressArgumentError(f"Ngày “{text}” không hợp lệ: {exc}") from None
    if not as_of_in_range(day):
        raise ProgressArgumentError(f"Ngày “{text}” không hợp lệ: ghi một ngày từ năm {AS_OF_YEARS[0]} "
                                    f"đến năm {AS_OF_YEARS[1]}")
    return day


def resolve_area(text, day):
    try:
        code, _ = area_code(text)
    except Invalid as exc:
        raise ProgressArgumentError(f"Mã đơn vị không hợp lệ: {exc}", not_found=True) from None
    try:
        return Area.resolve(code, on=day)
    except Area.DoesNotExist:
        pass
    try:
        return Area.resolve(code)  # no unit with the code that day: the most recent one (an old district)
    except Area.DoesNotExist:
        raise ProgressArgumentError(f"Không có đơn vị hành chính mã {code}", not_found=True) from None


def resolve_plan(text, area, user=None):
    try:
        plan = find_plan(text.strip())
        if user is not None and not scoped(Plan.objects.filter(pk=plan.pk), user).exists():
            raise Plan.DoesNotExist(f"Không có kế hoạch số hoặc mã “{text.strip()}”")
    except Plan.DoesNotExist as exc:
        raise ProgressArgumentError(str(exc)) from None
    if not area.lies_in(plan.area):
        raise ProgressArgumentError(f"Kế hoạch “{plan.number or plan.key}” là của {plan.area.name}, "
                                    f"không áp dụng cho {area.name} (mã {area.code})")
    return plan


def progress_args(area_code, milestone, plan=None, as_of=None, *, user=None):
    """The command's and the API's arguments (strings as typed) read into a ProgressArgs.
    With ``user`` (the API), an area outside her scope is "not found" before anything else is
    said about it, and a plan she may not read is one that does not exist (portal.scoping)."""
    year = parse_milestone(milestone)
    day = parse_as_of(as_of)
    area = resolve_area(area_code, day or datetime.date.today())
    if user is not None and not can_see_area(user, area):
        raise ProgressArgumentError("Không tìm thấy, hoặc nằm ngoài địa bàn của bạn.", not_found=True)
    chosen = resolve_plan(plan, area, user=user) if plan else default_plan(area, year)
    if chosen is None:
        raise ProgressArgumentError(f"Không có kế hoạch nào áp dụng cho {area.name}", not_found=True)
    return ProgressArgs(area=area, plan=chosen, milestone=year, as_of=day)
