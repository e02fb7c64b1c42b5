"""Vietnamese text helpers: Unicode normalisation and diacritic-free search keys."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text):
    """Composed Unicode (text typed on a Mac arrives decomposed), single spaces, trimmed."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def search_key(text):
    """"Hợp tác xã Đồng Tâm" -> "hop tac xa dong tam": what a search without diacritics matches."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")
