"""Comparing one school record with one candidate, field by field.

Each field gets a level (a tag a reviewer can read) and points; the decision is made in decide.py.
"""
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

from tep_app.matching.block import Prepared
from tep_app.matching.nicknames import KNOWN_NAMES, are_equivalent
from tep_app.matching.normalise import compare_dob_text

FORENAME_POINTS = {"name": 3.0, "preferred": 3.0, "nickname": 2.6, "middle-name": 2.3, "typo": 2.0,
                   "initial": 0.7, "different": 0.0}
SURNAME_POINTS = {"name": 3.0, "surname-part": 2.6, "surname-changed": 2.6, "typo": 2.0, "different": 0.0}
DOB_POINTS = {"exact": 3.0, "day-month-swap": 2.2, "digit-typo": 2.0, "one-day": 2.0, "different": 0.0}
POSTCODE_POINTS = {"full": 1.0, "sector": 0.6, "district": 0.3, "different": 0.0, "unknown": 0.0}
GENDER_POINTS = {"agree": 0.2, "disagree": -1.0, "unknown": 0.0}
IDENTIFIER_POINTS = 3.0
MAX_POINTS = 3.0 + 3.0 + 3.0 + 1.0 + 0.2 + IDENTIFIER_POINTS


class Comparison(NamedTuple):
    forename: str
    surname: str
    swapped: bool
    dob: str
    postcode: str
    gender: str
    identifier: str  # "upn", "uln", "upn-differs" or ""

    @property
    def points(self) -> float:
        total = (FORENAME_POINTS[self.forename] + SURNAME_POINTS[self.surname] + DOB_POINTS[self.dob]
                 + POSTCODE_POINTS[self.postcode] + GENDER_POINTS[self.gender])
        if self.identifier in ("upn", "uln"):
            total += IDENTIFIER_POINTS
        return total


def _doubled_letter(first: str, second: str) -> bool:
    """The names differ only by one letter written twice: Phillip, Philip."""
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    if len(longer) != len(shorter) + 1:
        return False
    for i in range(len(shorter)):
        if longer[i] != shorter[i]:
            return longer[i] == longer[i - 1] and longer[i + 1:] == shorter[i:] if i else False
    return longer[-1] == longer[-2]


def is_typo(first: str, second: str) -> bool:
    """One slip of the keyboard apart: one character added, lost, changed or two swapped.

    Two different names that are both real given names (Lily, Lila) are not a typo: they are
    more likely two people, such as twins; unless they differ only by a doubled letter. Very
    short names must at least start with the same letter.
    """
    shorter, longer = sorted((len(first), len(second)))
    if shorter < 2 or longer < 3 or (longer - shorter > 1 and shorter < 8):
        return False
    if shorter < 4 and first[0] != second[0]:
        return False
    if OSA.distance(first, second, score_cutoff=1) <= 1:
        if first in KNOWN_NAMES and second in KNOWN_NAMES:
            return _doubled_letter(first, second)
        return True
    if shorter >= 8 and OSA.distance(first, second, score_cutoff=2) <= 2:
        return JaroWinkler.similarity(first, second) >= 0.94
    return False


def compare_forenames(record: Prepared, candidate: Prepared) -> str:
    theirs = candidate.forenames
    if not theirs:
        return "different"
    if record.forename == candidate.forename or set(record.forenames) & set(theirs):
        return "name"
    if record.preferred and (record.preferred in theirs or record.preferred == candidate.preferred):
        return "preferred"
    mine_all = (*record.forenames, record.preferred) if record.preferred else record.forenames
    if record.name_groups & candidate.name_groups:
        return "nickname"
    if candidate.forename in record.middles or record.forename in candidate.middles:
        return "middle-name"
    for mine in mine_all:
        for other in theirs:
            if is_typo(mine, other):
                return "typo"
    if len(candidate.forename) == 1 and record.forename.startswith(candidate.forename):
        return "initial"
    if len(record.forename) == 1 and candidate.forename.startswith(record.forename):
        return "initial"
    return "different"


def compare_surnames(record: Prepared, candidate: Prepared) -> str:
    if record.surname and record.surname == candidate.surname:
        return "name"
    if set(record.surnames) & set(candidate.surnames):
        return "surname-part"
    if candidate.surname and (candidate.surname in record.former or record.surname in candidate.former):
        return "surname-changed"
    if is_typo(record.surname, candidate.surname):
        return "typo"
    for mine in record.surnames[1:]:
        for other in candidate.surnames:
            if is_typo(mine, other):
                return "typo"
    return "different"


def _swapped(record: Prepared, candidate: Prepared) -> bool:
    """Forename and surname recorded the wrong way round."""
    if not candidate.surname or not candidate.forename:
        return False
    forename_ok = candidate.surname in record.forenames or are_equivalent(record.forename, candidate.surname)
    return forename_ok and (candidate.forename in record.surnames or candidate.forename in record.former)


def compare_postcodes(record: Prepared, candidate: Prepared) -> str:
    if not record.postcode[0] or not candidate.postcode[0]:
        return "unknown"
    for level, position in (("full", 0), ("sector", 1), ("district", 2)):
        if record.postcode[position] == candidate.postcode[position]:
            return level
    return "different"


def compare_identifiers(record: Prepared, candidate: Prepared) -> str:
    if record.upn and record.upn == candidate.upn:
        return "upn"
    if record.uln and record.uln == candidate.uln:
        return "uln"
    if record.upn and candidate.upn:
        return "upn-differs"
    if record.uln and candidate.uln:
        return "uln-differs"
    return ""


def compare(record: Prepared, candidate: Prepared, dob: str | None = None) -> Comparison:
    """Compare a record with a candidate; `dob` is their date-of-birth agreement if already known."""
    forename = compare_forenames(record, candidate)
    surname = compare_surnames(record, candidate)
    swapped = False
    if forename == "different" and surname == "different" and _swapped(record, candidate):
        forename, surname, swapped = "name", "name", True
    if record.gender and candidate.gender:
        gender = "agree" if record.gender == candidate.gender else "disagree"
    else:
        gender = "unknown"
    return Comparison(
        forename=forename, surname=surname, swapped=swapped,
        dob=dob or compare_dob_text(record.dob_text, candidate.dob_text, record.dob_ordinal,
                                    candidate.dob_ordinal),
        postcode=compare_postcodes(record, candidate), gender=gender,
        identifier=compare_identifiers(record, candidate),
    )
