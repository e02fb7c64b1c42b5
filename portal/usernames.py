"""User names that look the same are one name: "Kiemduyet" is "kiemduyet", and so is "kіemduyet"
with a Cyrillic і. An administrator reading a log, or a colleague told to log in as "kiemduyet",
cannot tell them apart, so a new name whose skeleton equals an existing account's is refused.

The skeleton follows Unicode's confusable detection (UTS #39) with the data the
confusable-homoglyphs package ships (Unicode's confusables.txt): compatibility-normalised (NFKC),
invisible characters dropped, each character replaced by the prototype it is confusable with
(і → i, 1 → l, I → l, 0 → O, ǀ → l), then case folded, repeated until nothing changes. Plain functions:
the user form and `createadmin` call ``confusable_with``."""
import unicodedata
from functools import lru_cache

from portal.text import strip_invisible


@lru_cache(maxsize=1)
def _prototypes():
    """character → the one it is confusable with, where the data names exactly one (its prototype)."""
    from confusable_homoglyphs.confusables import confusables_data

    return {c: glyphs[0]["c"] for c, glyphs in confusables_data.items() if len(glyphs) == 1}


def skeleton(name):
    """Prototypes first, then the case: a capital I is confusable with l before it is an i."""
    text = strip_invisible(unicodedata.normalize("NFKC", str(name)))
    prototypes = _prototypes()
    for _ in range(4):
        mapped = unicodedata.normalize("NFKC", "".join(prototypes.get(c, c) for c in text)).casefold()
        if mapped == text:
            break
        text = mapped
    return text


def skeletons(name):
    """The name's skeleton as typed and as case-folded first: "KIEMDUYET" (whose I looks like l)
    and "kiemduyet" differ only in case, "nhapIieu" and "nhaplieu" only in a look-alike."""
    return {skeleton(name), skeleton(str(name).casefold())}


def confusable_with(username, *, exclude_pk=None):
    """The existing user name that ``username`` would be confused with (itself under another case
    included), or None. Reads every user name: a few thousand, once per account saved."""
    from portal.models import User

    wanted = skeletons(username)
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    for other in others.values_list("username", flat=True).iterator():
        if skeletons(other) & wanted:
            return other
    return None
