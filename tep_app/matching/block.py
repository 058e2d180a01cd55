"""People to match, their normalised keys (computed once), and dictionary blocking.

A record is only compared with the candidates that share a block with it: the same date of birth
(or its day/month swap) and a forename or surname sound; the same forename and surname sounds in
either order; the same postcode. The blocks are plain dicts of lists.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from tep_app.matching.nicknames import full_forms, groups_of
from tep_app.matching.normalise import (
    compact,
    name_parts,
    norm_name,
    postcode_parts,
    soundex,
    swapped_day_month,
)


class PersonRecord(NamedTuple):
    """One side of a match: a school record, or an enrolment or offer row.

    `key` is the candidate's stable row key (for remembered decisions); `rank` breaks ties between
    rows of one person (an offer row ranks above a row that records no offer); `place` is
    (establishment, district): for a school record the school, for a row its provider.
    """

    id: int
    key: str | None
    upn: str | None
    uln: str | None
    forename: str
    middle: str | None
    surname: str
    preferred: str | None
    former_surname: str | None
    dob: date
    gender: str | None
    postcode: str | None
    rank: int = 0
    place: tuple | None = None


@dataclass(slots=True)
class Prepared:
    """A person with every normalised form the comparison needs, computed once."""

    index: int
    person: PersonRecord
    forename: str
    forenames: tuple[str, ...]  # the forename, and its first part when it has several
    preferred: str
    middles: tuple[str, ...]
    surname: str  # compacted
    surnames: tuple[str, ...]  # whole surname, each part of a double-barrelled one
    former: tuple[str, ...]
    gender: str
    postcode: tuple[str, str, str]
    upn: str
    uln: str
    forename_codes: frozenset[str]
    name_groups: frozenset[int]  # nickname groups of the forenames (see nicknames.py)
    surname_codes: frozenset[str]
    dob_ordinal: int
    dob_text: str  # YYYYMMDD
    place: tuple  # (establishment, district), or () when not known


def _parts_with_whole(normalised: str) -> tuple[str, ...]:
    parts = name_parts(normalised)
    whole = compact(normalised)
    if not whole:
        return ()
    return (whole, *[part for part in parts if part != whole and len(part) > 1])


@lru_cache(maxsize=200_000)
def _forename_bundle(forename_raw: str | None, preferred_raw: str | None):
    """(forename, forenames, preferred, extra middle parts, sound codes) for a forename."""
    forename_norm = norm_name(forename_raw)
    first_parts = name_parts(forename_norm)
    forename = compact(forename_norm)
    forenames = [forename] if forename else []
    # "Mary Ann" may be recorded as "Mary": keep the first part too.
    if len(first_parts) > 1:
        forenames.append(first_parts[0])
    preferred = compact(norm_name(preferred_raw))
    if preferred in forenames:
        preferred = ""
    codes = set()
    groups = set()
    for name in (*forenames, preferred):
        if name:
            codes.update(soundex(form) for form in full_forms(name))
            groups.update(groups_of(name))
    return forename, tuple(forenames), preferred, first_parts[1:], frozenset(codes), frozenset(groups)


@lru_cache(maxsize=200_000)
def _surname_bundle(surname_raw: str | None, former_raw: str | None):
    """(surname, surname parts, former surname parts, sound codes) for a surname."""
    surname_norm = norm_name(surname_raw)
    surnames = _parts_with_whole(surname_norm)
    former = _parts_with_whole(norm_name(former_raw))
    codes = frozenset(soundex(name) for name in (*surnames, *former) if name)
    return compact(surname_norm), surnames, former, codes


@lru_cache(maxsize=200_000)
def _middles(middle_raw: str | None) -> tuple[str, ...]:
    return tuple(part for part in name_parts(norm_name(middle_raw)) if len(part) > 1)


@lru_cache(maxsize=100_000)
def _dob_keys(dob: date) -> tuple[int, str]:
    return dob.toordinal(), f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"


_GENDERS = {"F": "F", "M": "M", "f": "F", "m": "M"}


def prepare(person: PersonRecord, index: int) -> Prepared:
    (_id, _key, upn, uln, forename_raw, middle, surname_raw, preferred_raw, former_raw, dob, gender, postcode, _rank,
     place) = person
    forename, forenames, preferred, more_middles, forename_codes, name_groups = _forename_bundle(
        forename_raw, preferred_raw)
    surname, surnames, former, surname_codes = _surname_bundle(surname_raw, former_raw)
    middles = _middles(middle) if middle else ()
    if more_middles:
        middles = (*middles, *more_middles)
    dob_ordinal, dob_text = _dob_keys(dob)
    return Prepared(
        index, person, forename, forenames, preferred, middles, surname, surnames, former,
        _GENDERS.get(gender, ""), postcode_parts(postcode),
        upn.strip().upper() if upn else "", uln.strip() if uln else "",
        forename_codes, name_groups, surname_codes, dob_ordinal, dob_text, place or (),
    )


class Index:
    """Candidates filed by date of birth, by surname and forename sounds with the year or the day
    and month of birth, and by postcode with the year of birth."""

    def __init__(self, candidates: list[Prepared]):
        self.candidates = candidates
        # (date of birth, a forename or surname sound) -> candidates born that day with that sound
        self.by_dob_sound: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_sound: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_postcode: dict[str, list[int]] = defaultdict(list)
        for c in candidates:
            position = c.index
            for code in c.forename_codes | c.surname_codes:
                self.by_dob_sound[(c.dob_ordinal, code)].append(position)
            for surname_code in c.surname_codes:
                for forename_code in c.forename_codes:
                    self.by_sound[(surname_code, forename_code)].append(position)
            if c.postcode[0]:
                self.by_postcode[c.postcode[0]].append(position)


def build_index(candidates: list[Prepared]) -> Index:
    return Index(candidates)


def block(record: Prepared, index: Index) -> set[int]:
    """The candidates (by position) that share at least one block with a record."""
    found: set[int] = set()
    codes = record.forename_codes | record.surname_codes
    days = [record.dob_ordinal]
    swapped = swapped_day_month(record.person.dob)
    if swapped:
        days.append(swapped.toordinal())
    by_dob_sound = index.by_dob_sound
    for day in days:  # the same date of birth (or its day/month swap) and a name sound
        for code in codes:
            found.update(by_dob_sound.get((day, code), ()))
    by_sound = index.by_sound
    for surname_code in record.surname_codes:
        for forename_code in record.forename_codes:
            found.update(by_sound.get((surname_code, forename_code), ()))
            found.update(by_sound.get((forename_code, surname_code), ()))  # swapped
    if record.postcode[0]:
        found.update(index.by_postcode.get(record.postcode[0], ()))
    return found
