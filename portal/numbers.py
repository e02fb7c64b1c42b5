"""Vietnamese numbers: 1.234,5 (dot for thousands, comma for decimals), shown and read."""
import re
from decimal import Decimal

from portal.text import nfkc

THOUSANDS_ONLY = re.compile(r"^-?\d{1,3}(\.\d{3})+$", re.ASCII)
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$", re.ASCII)


def fmt_number(value, decimals=None):
    """1234.5 -> "1.234,5"; 20.00 -> "20"; decimals=2 fixes the decimals shown."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        text = f"{value.normalize():,f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def parse_number(text):
    """A number typed the Vietnamese way, as a Decimal; None when blank.

    "0,3" -> 0.3; "1.234,5" -> 1234.5; "2.000" -> 2000 (a dot before exactly three digits is a
    thousands separator); "20.00" -> 20.00 (what a form renders back); "80 %" -> 80; full-width
    and other non-ASCII digits count ("２０" -> 20). Anything else — letters, an exponent
    ("1e309"), "Infinity", "NaN" — raises ValueError: only finite numbers come out."""
    text = nfkc(text).replace(" ", "").rstrip("%")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif THOUSANDS_ONLY.match(text):
        text = text.replace(".", "")
    if not PLAIN_NUMBER.match(text):
        raise ValueError(f"not a number: {text!r}")
    return Decimal(text)
