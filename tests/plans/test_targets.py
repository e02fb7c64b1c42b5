"""The rules that read a target as written (plans.targets) and the Vietnamese number format
(portal.numbers): plain functions, no database."""
from decimal import Decimal

import pytest

from plans.forms import VietnameseDecimalField
from plans.targets import (ABOUT, ABOUT_RANGE, AT_LEAST, AT_MOST, FORMS, MORE_THAN, NUMBER, RANGE,
                           describe_form, is_achieved, is_exceeded, percent_of_target, validation_errors)
from portal.numbers import fmt_number


# --- is_achieved --------------------------------------------------------------------------

@pytest.mark.parametrize("form, low, high, actual, expected", [
    # a range ("từ 20 - 25 HTX") is met at its low end, not only inside it
    (RANGE, 20, 25, 20, True),
    (RANGE, 20, 25, 19, False),
    (RANGE, 20, 25, 23, True),
    (RANGE, 20, 25, 30, True),          # above the high end: achieved (and exceeded)
    (ABOUT_RANGE, 500, 700, 500, True),
    (ABOUT_RANGE, 500, 700, 499, False),
    # "trên 50 tổ hợp tác": strictly more
    (MORE_THAN, 50, None, 50, False),
    (MORE_THAN, 50, None, 51, True),
    # "không quá 0,3 %": lower is better, the limit itself is fine
    (AT_MOST, Decimal("0.3"), None, Decimal("0.3"), True),
    (AT_MOST, Decimal("0.3"), None, Decimal("0.31"), False),
    (AT_MOST, Decimal("0.30"), None, 0.3, True),      # a float actual compares by its decimal text
    (AT_MOST, Decimal("0.3"), None, 0, True),
    # "khoảng 07 lao động nữ": reached at the number
    (ABOUT, 7, None, 7, True),
    (ABOUT, 7, None, 6, False),
    # a bare number and "ít nhất" are reached at the number
    (NUMBER, 3, None, 3, True),
    (NUMBER, 3, None, 2, False),
    (AT_LEAST, 80, None, 80, True),
    (AT_LEAST, 80, None, Decimal("79.99"), False),
    (AT_LEAST, 100, None, Decimal("100.00"), True),   # "100 %" of a ratio
])
def test_is_achieved_at_the_edges(form, low, high, actual, expected):
    assert is_achieved(form, low, high, actual) is expected


@pytest.mark.parametrize("form", FORMS)
def test_no_figure_is_neither_achieved_nor_missed(form):
    assert is_achieved(form, 20, 25 if form in (RANGE, ABOUT_RANGE) else None, None) is None


# --- is_exceeded --------------------------------------------------------------------------

@pytest.mark.parametrize("form, low, high, actual, expected", [
    (RANGE, 20, 25, 26, True),
    (RANGE, 20, 25, 25, False),           # the high end itself is inside the range
    (RANGE, 20, 25, 21, False),
    (ABOUT_RANGE, 2000, 3000, 3001, True),
    (ABOUT_RANGE, 2000, 3000, 3000, False),
    (AT_LEAST, 80, None, 1000, False),    # only a range can be exceeded
    (MORE_THAN, 50, None, 1000, False),
    (NUMBER, 3, None, 1000, False),
    (RANGE, 20, None, 1000, False),       # a range without its high end cannot be exceeded
    (RANGE, 20, 25, None, False),         # no figure
])
def test_is_exceeded(form, low, high, actual, expected):
    assert is_exceeded(form, low, high, actual) is expected


# --- percent_of_target --------------------------------------------------------------------

def test_percent_of_target_is_against_the_low_end():
    assert percent_of_target(RANGE, 20, 21) == Decimal("105.00")
    assert percent_of_target(ABOUT_RANGE, 500, 350) == Decimal("70.00")
    assert percent_of_target(NUMBER, 3, 1) == Decimal("33.33")
    assert percent_of_target(AT_LEAST, Decimal("80.00"), Decimal("72.6")) == Decimal("90.75")


def test_percent_of_target_is_two_decimals():
    value = percent_of_target(AT_LEAST, 3, 2)
    assert value == Decimal("66.67") and value.as_tuple().exponent == -2


@pytest.mark.parametrize("low, actual", [(0, 5), (Decimal("0.00"), 5), (None, 5), (20, None)])
def test_percent_of_target_undefined(low, actual):
    assert percent_of_target(AT_LEAST, low, actual) is None


# --- describe_form: every form as written -------------------------------------------------

@pytest.mark.parametrize("args, kwargs, expected", [
    ((NUMBER, 3, None, "HTX"), {}, "3 HTX"),
    ((NUMBER, Decimal("200.00"), None, "THT"), {}, "200 THT"),
    ((AT_LEAST, 80, None, "HTX"), {}, "ít nhất 80 HTX"),
    ((AT_LEAST, Decimal("80.00"), None, "%"), {}, "ít nhất 80 %"),
    ((MORE_THAN, 50, None, "THT"), {}, "trên 50 THT"),
    ((AT_MOST, Decimal("0.30"), None, "%"), {}, "không quá 0,3 %"),
    ((RANGE, 20, 25, "HTX"), {}, "từ 20 - 25 HTX"),
    ((RANGE, Decimal("20.00"), Decimal("25.00"), "HTX"), {}, "từ 20 - 25 HTX"),
    ((ABOUT, 7, None, "lao động"), {}, "khoảng 7 lao động"),
    ((ABOUT_RANGE, 500, 700, "lao động"), {}, "khoảng 500 - 700 lao động"),
    ((ABOUT_RANGE, 2000, 3000, "lao động"), {}, "khoảng 2.000 - 3.000 lao động"),
    ((NUMBER, 100000, None, "lao động"), {}, "100.000 lao động"),
    # "100 %" is how the plans write "every one"
    ((AT_LEAST, 100, None, "%"), {}, "100 %"),
    ((AT_LEAST, Decimal("100.00"), None, " % "), {}, "100 %"),
    ((NUMBER, 75, None, "%"), {}, "75 %"),
    # per unit and by area group
    ((AT_LEAST, 2, None, "hộ"), {"per_unit": "Hội cơ sở"}, "mỗi Hội cơ sở: ít nhất 2 hộ"),
    ((NUMBER, 95, None, "%"), {"area_group": "đồng bằng"}, "đồng bằng: 95 %"),
    ((NUMBER, 80, None, "%"), {"area_group": "miền núi"}, "miền núi: 80 %"),
    # no unit: the number alone
    ((AT_LEAST, Decimal("1.50"), None, ""), {}, "ít nhất 1,5"),
])
def test_describe_form(args, kwargs, expected):
    assert describe_form(*args, **kwargs) == expected


def test_describe_form_covers_every_form():
    written = {form: describe_form(form, 20, 25 if form in (RANGE, ABOUT_RANGE) else None, "HTX")
               for form in FORMS}
    assert written == {
        NUMBER: "20 HTX", AT_LEAST: "ít nhất 20 HTX", MORE_THAN: "trên 20 HTX",
        AT_MOST: "không quá 20 HTX", RANGE: "từ 20 - 25 HTX", ABOUT: "khoảng 20 HTX",
        ABOUT_RANGE: "khoảng 20 - 25 HTX",
    }


# --- validation_errors ----------------------------------------------------------------------

def errors(**overrides):
    values = dict(form=AT_LEAST, low=Decimal("20"), high=None, unit="HTX", milestone=2025,
                  year_start=2023, year_end=2030, is_ratio=False)
    values.update(overrides)
    return validation_errors(**values)


def test_a_sound_target_has_no_errors():
    assert errors() == {}
    assert errors(form=RANGE, low=Decimal("20"), high=Decimal("25")) == {}
    assert errors(form=RANGE, low=Decimal("20"), high=Decimal("20")) == {}   # a one-point range
    assert errors(form=AT_LEAST, low=Decimal("100"), unit="%", is_ratio=True) == {}
    assert errors(form=AT_MOST, low=Decimal("0.3"), unit="%", is_ratio=True) == {}
    assert errors(milestone=2023) == {} and errors(milestone=2030) == {}   # the plan's own years


def test_range_low_above_high():
    result = errors(form=RANGE, low=Decimal("25"), high=Decimal("20"))
    assert set(result) == {"high"}
    assert result["high"].startswith("Cận dưới (25) lớn hơn cận trên (20)")
    result = errors(form=ABOUT_RANGE, low=Decimal("2000"), high=Decimal("1500.5"))
    assert "Cận dưới (2.000) lớn hơn cận trên (1.500,5)" in result["high"]


@pytest.mark.parametrize("form", [RANGE, ABOUT_RANGE])
def test_range_needs_its_high_end(form):
    result = errors(form=form, low=Decimal("20"), high=None)
    assert result == {"high": "Chỉ tiêu dạng khoảng cần cả cận dưới và cận trên."}


@pytest.mark.parametrize("form", [NUMBER, AT_LEAST, MORE_THAN, AT_MOST, ABOUT])
def test_single_number_form_takes_no_high_end(form):
    result = errors(form=form, low=Decimal("20"), high=Decimal("25"))
    assert result == {"high": "Chỉ tiêu dạng này chỉ có một con số; để trống cận trên."}


def test_percentage_over_100():
    result = errors(low=Decimal("120"), unit="", is_ratio=True)
    assert set(result) == {"low"}
    assert "không được vượt quá 100 %" in result["low"] and "120 %" in result["low"]
    # a "%" unit is a percentage even when the indicator is not a ratio
    assert "low" in errors(low=Decimal("100.5"), unit="%", is_ratio=False)
    # the high end of a ratio range too
    result = errors(form=RANGE, low=Decimal("90"), high=Decimal("110"), unit="%", is_ratio=True)
    assert set(result) == {"high"} and "không được vượt quá 100 %" in result["high"]
    # a count may be as large as it likes
    assert errors(low=Decimal("120000"), unit="lao động", is_ratio=False) == {}


def test_negative_value():
    assert errors(low=Decimal("-1")) == {"low": "Giá trị chỉ tiêu không được âm."}


@pytest.mark.parametrize("milestone", [2022, 2031, 2035])
def test_milestone_outside_plan_years(milestone):
    result = errors(milestone=milestone)
    assert set(result) == {"milestone"}
    assert result["milestone"] == f"Mốc {milestone} nằm ngoài thời gian của kế hoạch (2023–2030)."


def test_yearly_plan_takes_only_its_year():
    assert errors(milestone=2025, year_start=2025, year_end=2025) == {}
    assert "milestone" in errors(milestone=2026, year_start=2025, year_end=2025)


def test_several_errors_at_once():
    result = errors(form=RANGE, low=Decimal("120"), high=None, unit="%", is_ratio=True, milestone=2040)
    assert set(result) == {"low", "high", "milestone"}


# --- numbers as Vietnamese write them -----------------------------------------------------

@pytest.mark.parametrize("value, decimals, expected", [
    (1234.5, None, "1.234,5"),
    (20, None, "20"),
    (Decimal("20.00"), None, "20"),
    (Decimal("0.30"), None, "0,3"),
    (2000, None, "2.000"),
    (1234567, None, "1.234.567"),
    (Decimal("1500.25"), None, "1.500,25"),
    (1234.5, 2, "1.234,50"),
    (Decimal("0.3"), 2, "0,30"),
    (Decimal("105"), 2, "105,00"),
    (Decimal("66.666"), 2, "66,67"),
    (0, None, "0"),
    (None, None, ""),
    ("", None, ""),
])
def test_fmt_number(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


@pytest.mark.parametrize("typed, expected", [
    ("0,3", Decimal("0.3")),
    ("2.000", Decimal("2000")),
    ("10.000", Decimal("10000")),
    ("1.234,5", Decimal("1234.5")),
    ("20", Decimal("20")),
    ("20.00", Decimal("20.00")),      # what the form itself renders back for 20
    ("0.30", Decimal("0.30")),
    (" 80 % ", Decimal("80")),
])
def test_target_values_are_typed_the_vietnamese_way(typed, expected):
    field = VietnameseDecimalField(max_digits=14, decimal_places=2)
    assert field.clean(typed) == expected


def test_a_value_that_is_not_a_number_gets_a_vietnamese_message():
    from django.core.exceptions import ValidationError
    field = VietnameseDecimalField(max_digits=14, decimal_places=2)
    with pytest.raises(ValidationError) as caught:
        field.clean("hai mươi")
    assert "không phải là số hợp lệ" in caught.value.messages[0]
