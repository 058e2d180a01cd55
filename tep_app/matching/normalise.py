"""Normalising names, postcodes and dates of birth for comparison and blocking.

Names lose case, accents and punctuation ("O'Brien-Smith" -> "obrien smith"); a surname keeps its
parts so that a double-barrelled name can match one of them. Phonetic keys are Soundex codes,
good enough to put "Thompson" and "Tomson" in one block.
"""
import re
import unicodedata
from datetime import date
from functools import lru_cache

_APOSTROPHES = str.maketrans("", "", "'’‘`´.")
_SEPARATORS = re.compile(r"[^a-z]+")
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


@lru_cache(maxsize=200_000)
def norm_name(value: str | None) -> str:
    """Lower case, no accents, apostrophes and full stops dropped, other punctuation a space."""
    if not value:
        return ""
    text = value if value.isascii() else "".join(
        ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    text = text.lower()
    text = text.translate(_APOSTROPHES)
    return " ".join(_SEPARATORS.sub(" ", text).split())


def name_parts(normalised: str) -> tuple[str, ...]:
    """The parts of a normalised name: "smith jones" -> ("smith", "jones")."""
    return tuple(normalised.split())


def compact(normalised: str) -> str:
    """A normalised name with no spaces: "mc donald" and "mcdonald" agree."""
    return normalised.replace(" ", "")


@lru_cache(maxsize=200_000)
def soundex(normalised: str) -> str:
    """The Soundex code of a normalised name ("" for an empty name)."""
    letters = compact(normalised)
    if not letters:
        return ""
    first = letters[0]
    coded = letters.translate(_SOUNDEX)
    out = []
    previous = coded[0]
    for original, code in zip(letters[1:], coded[1:], strict=False):
        if code.isdigit():
            if code != previous:
                out.append(code)
            previous = code
        elif original not in "hw":
            previous = ""
        if len(out) == 3:
            break
    return (first + "".join(out)).ljust(4, "0")


@lru_cache(maxsize=200_000)
def postcode_parts(value: str | None) -> tuple[str, str, str]:
    """(full, sector, district) of a postcode: ("ME141XX", "ME14 1", "ME14"); blanks if unknown."""
    if not value:
        return "", "", ""
    text = "".join(value.split()).upper()
    if len(text) < 5:
        return "", "", ""
    outward, inward = text[:-3], text[-3:]
    return text, f"{outward} {inward[0]}", outward


def swapped_day_month(value: date) -> date | None:
    """The date with day and month exchanged, or None when that is not a different real date."""
    if value.day > 12 or value.day == value.month:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


def dob_digits(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def compare_dob(left: date, right: date) -> str:
    """How two dates of birth agree: exact, day-month-swap, one-day, digit-typo or different."""
    return compare_dob_text(dob_digits(left), dob_digits(right), left.toordinal(), right.toordinal())


def compare_dob_text(a: str, b: str, a_ordinal: int, b_ordinal: int) -> str:
    """compare_dob on precomputed YYYYMMDD texts and ordinals."""
    if a_ordinal == b_ordinal:
        return "exact"
    if a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]:
        return "day-month-swap"
    if a_ordinal - b_ordinal in (1, -1):
        return "one-day"
    differences = (a[0] != b[0]) + (a[1] != b[1]) + (a[2] != b[2]) + (a[3] != b[3]) + (a[4] != b[4]) \
        + (a[5] != b[5]) + (a[6] != b[6]) + (a[7] != b[7])
    if differences == 1:
        return "digit-typo"
    if differences == 2 and a[:4] == b[:4]:
        # Two neighbouring digits transposed: 12 -> 21 in the day or the month.
        for i in (4, 6):
            if a[i] == b[i + 1] and a[i + 1] == b[i] and a[:i] + a[i + 2:] == b[:i] + b[i + 2:]:
                return "digit-typo"
    return "different"


_PHONETIC_RULES = (("tch", "ch"), ("sch", "sk"), ("chr", "kr"), ("ph", "f"), ("ck", "k"), ("gh", "g"),
                   ("kh", "k"), ("th", "t"), ("sh", "s"), ("ch", "k"), ("qu", "kw"), ("q", "k"), ("x", "ks"),
                   ("z", "s"), ("c", "k"), ("v", "f"), ("w", ""), ("h", ""), ("y", "i"), ("j", "g"))
_VOWELS = re.compile(r"[aeiou]+")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def phonetic(normalised: str) -> str:
    """A rough sound key: consonants as they sound, vowels after the first letter dropped.

    "christopher" and "kristof" -> "krstfr" and "krstf"; "steven" and "stefan" -> "stfn".
    """
    text = compact(normalised)
    if not text:
        return ""
    for written, sound in _PHONETIC_RULES:
        text = text.replace(written, sound)
    if not text:
        return ""
    first, rest = text[0], _VOWELS.sub("", text[1:])
    return _DOUBLES.sub(r"\1", ("a" if first in "aeiou" else first) + rest)
