"""Vietnamese number display: 1.234,5 (dot for thousands, comma for decimals)."""
from decimal import Decimal


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
