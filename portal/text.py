"""Vietnamese text helpers: Unicode normalisation at the door and diacritic-free search keys.

Every text a user types or a spreadsheet cell holds goes through one of these before it is
validated or stored:

- ``nfc(text)`` for names and other prose (cooperative, manager, user and cadre names,
  training titles, search terms): composed Unicode, no zero-width or bidirectional control
  characters, single spaces, trimmed. Vietnamese letters are kept exactly.
- ``nfkc(text)`` for codes and numbers (registration codes, area codes, figures, dates typed
  as text): the same, after compatibility normalisation (NFKC), and every decimal digit of any
  script written as its ASCII digit, so "０１０００００００１" is "0100000001" and "１．２３４" is
  "1.234".
"""
import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Zero-width characters (U+200B–U+200F: zero-width space, non-joiner, joiner, LRM, RLM; U+2060
# word joiner; U+FEFF byte order mark) and bidirectional controls (U+202A–U+202E embeddings and
# overrides, U+2066–U+2069 isolates, U+061C Arabic letter mark): invisible, they make two equal
# names differ or show a name reversed.
INVISIBLE = frozenset([*range(0x200B, 0x2010), 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                       0x061C])
_DROP_INVISIBLE = dict.fromkeys(INVISIBLE)


def strip_invisible(text):
    """The text without zero-width and bidirectional control characters."""
    return str(text).translate(_DROP_INVISIBLE)


def _tidy(text):
    return _SPACES.sub(" ", strip_invisible(text)).strip()


def nfc(text):
    """Composed Unicode (text typed on a Mac arrives decomposed), no zero-width or bidirectional
    controls, single spaces, trimmed."""
    if text is None:
        return ""
    return _tidy(unicodedata.normalize("NFC", str(text)))


def _ascii_digit(ch):
    digit = unicodedata.decimal(ch, None)
    return ch if digit is None or ch.isascii() else str(digit)


def nfkc(text):
    """For codes and numbers: NFKC (full-width letters, digits and punctuation become ASCII),
    every decimal digit as an ASCII digit, no zero-width or bidirectional controls, single
    spaces, trimmed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if not text.isascii():
        text = "".join(_ascii_digit(ch) for ch in text)
    return _tidy(text)


def search_key(text):
    """"Hợp tác xã Đồng Tâm" -> "hop tac xa dong tam": what a search without diacritics matches."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d")


QUOTES = frozenset("\"'`´‘’‚‛“”„‟«»‹›\\")


def quote_or_control(text):
    """The first quote, backslash, line break or other control character (Unicode categories C*,
    Zl, Zp) in the text, or None: what a value that ends up in a file name or a header (a
    document's number and symbol) must not hold."""
    for ch in str(text):
        if ch in QUOTES or unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp"):
            return ch
    return None
