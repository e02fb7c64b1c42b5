"""The rules that read a target as written (DOMAIN.md §3). Plain functions, no database.

    describe(target)                  -> "từ 20 - 25 HTX", "khoảng 500 - 700 lao động", "100 %"
    is_achieved(form, low, high, x)   -> True / False / None (no figure)
    percent_of_target(form, low, x)   -> actual ÷ low end × 100
    validation_errors(...)            -> {field: message} in Vietnamese
"""
from decimal import Decimal

from django.core.exceptions import ValidationError

from portal.numbers import fmt_number

NUMBER, AT_LEAST, MORE_THAN, AT_MOST = "number", "at_least", "more_than", "at_most"
RANGE, ABOUT, ABOUT_RANGE = "range", "about", "about_range"
FORMS = (NUMBER, AT_LEAST, MORE_THAN, AT_MOST, RANGE, ABOUT, ABOUT_RANGE)
RANGED = (RANGE, ABOUT_RANGE)


def describe(target):
    return describe_form(target.form, target.low, target.high, target.unit,
                         per_unit=target.per_unit, area_group=target.area_group)


def describe_form(form, low, high, unit="", per_unit="", area_group=""):
    unit = unit.strip()
    pct = unit == "%"
    def n(v):
        return f"{fmt_number(v)} %" if pct else fmt_number(v)
    text = {
        NUMBER: n(low),
        AT_LEAST: f"ít nhất {n(low)}",
        MORE_THAN: f"trên {n(low)}",
        AT_MOST: f"không quá {n(low)}",
        RANGE: f"từ {fmt_number(low)} - {n(high)}",
        ABOUT: f"khoảng {n(low)}",
        ABOUT_RANGE: f"khoảng {fmt_number(low)} - {n(high)}",
    }[form]
    if pct and form == AT_LEAST and Decimal(low) == 100:
        text = "100 %"
    if unit and not pct:
        text = f"{text} {unit}"
    if per_unit:
        text = f"mỗi {per_unit}: {text}"
    if area_group:
        text = f"{area_group}: {text}"
    return text


def is_achieved(form, low, high, actual):
    """Whether an actual figure meets a target; None when there is no figure."""
    if actual is None:
        return None
    actual, low = Decimal(str(actual)), Decimal(str(low))
    if form == MORE_THAN:
        return actual > low
    if form == AT_MOST:
        return actual <= low
    return actual >= low  # number, at least, range and about: the low end


def is_exceeded(form, low, high, actual):
    """A range reached beyond its high end."""
    if actual is None or form not in RANGED or high is None:
        return False
    return Decimal(str(actual)) > Decimal(str(high))


def percent_of_target(form, low, actual):
    """actual ÷ the target's low end (or single number) × 100, two decimals; None if undefined."""
    if actual is None or low is None or Decimal(str(low)) == 0:
        return None
    return (Decimal(str(actual)) / Decimal(str(low)) * 100).quantize(Decimal("0.01"))


def validation_errors(*, form, low, high, unit, milestone, year_start, year_end, is_ratio):
    """The Vietnamese messages a target form shows; empty when the target is sound."""
    errors = {}
    if form in RANGED:
        if high is None:
            errors["high"] = "Chỉ tiêu dạng khoảng cần cả cận dưới và cận trên."
        elif low is not None and low > high:
            errors["high"] = (f"Cận dưới ({fmt_number(low)}) lớn hơn cận trên ({fmt_number(high)}): "
                              "khoảng không hợp lệ.")
    elif high is not None:
        errors["high"] = "Chỉ tiêu dạng này chỉ có một con số; để trống cận trên."
    if low is not None and low < 0:
        errors["low"] = "Giá trị chỉ tiêu không được âm."
    if (is_ratio or (unit or "").strip() == "%"):
        for field, value in (("low", low), ("high", high)):
            if value is not None and value > 100:
                errors[field] = f"Tỷ lệ phần trăm không được vượt quá 100 % (đang nhập {fmt_number(value)} %)."
    if milestone is not None and year_start and year_end and not (year_start <= milestone <= year_end):
        errors["milestone"] = (f"Mốc {milestone} nằm ngoài thời gian của kế hoạch "
                               f"({year_start}–{year_end}).")
    return errors


def validate_target(target):
    errors = validation_errors(
        form=target.form, low=target.low, high=target.high, unit=target.unit,
        milestone=target.milestone,
        year_start=getattr(target.plan, "year_start", None) if target.plan_id else None,
        year_end=getattr(target.plan, "year_end", None) if target.plan_id else None,
        is_ratio=target.indicator_id is not None and target.indicator.kind == "ratio",
    )
    if errors:
        raise ValidationError(errors)
