"""Comparing one school record with one candidate, field by field.

Each field gets a level (how the two values agree); the levels together are a `Comparison`. How
much each level says about a true match is estimated from each run's own pairs (weights.py), and
the decision is made in decide.py. A level is "missing" when either side does not give the value:
missing says nothing either way.
"""
import math
from collections import Counter
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

from tep_app.matching.block import Prepared
from tep_app.matching.nicknames import KNOWN_NAMES, forms_of, groups_of
from tep_app.matching.normalise import compare_dob_text, phonetic
from tep_app.matching.spellings import NONE, Spellings

# Levels of each field, strongest agreement first ("missing" is not listed: it is no evidence).
LEVELS: dict[str, tuple[str, ...]] = {
    "upn": ("agree", "near", "differs"),
    "uln": ("agree", "near", "differs"),
    "forename": ("same", "alias", "middle", "typo", "similar", "initial", "different"),
    "surname": ("same", "part", "changed", "typo", "similar", "different"),
    "order": ("same", "swapped"),
    "dob": ("exact", "swap", "typo", "day", "near", "different"),
    "postcode": ("full", "sector", "district", "different"),
    "gender": ("agree", "disagree"),
    "place": ("own", "district", "elsewhere"),
}
FIELDS = tuple(LEVELS)
# Fewer candidates than this say nothing about how common a name is.
MIN_RARITY_CANDIDATES = 2_000
# Days apart that still count as a near date of birth (a slip of a week or two on a form).
NEAR_DAYS = 31
_NAME_RANK = {"same": 0, "part": 1, "changed": 1, "alias": 1, "middle": 2, "typo": 3, "similar": 4, "initial": 5,
              "different": 6, "missing": 6}


class Comparison(NamedTuple):
    upn: str
    uln: str
    forename: str
    surname: str
    order: str
    dob: str
    postcode: str
    gender: str
    # Where the row's provider is, from the record's school: the school itself, its district, elsewhere.
    place: str = "missing"
    # When the names are the same: how rare the name is among the candidates, in bits (-log2 of its
    # share), so that two Zuzannas say more than two Olivias. 0 when not known.
    forename_rarity: float = 0.0
    surname_rarity: float = 0.0


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
    shorter, longer = len(first), len(second)
    if shorter > longer:
        shorter, longer = longer, shorter
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


def sounds_alike(first: str, second: str) -> bool:
    """The same sound key (Steven, Stefan), or one key the start of the other (Kristof, Christopher)."""
    a, b = phonetic(first), phonetic(second)
    shorter = min(len(a), len(b))
    return shorter >= 3 and (a == b or (shorter >= 4 and (a.startswith(b) or b.startswith(a))))


def is_similar(first: str, second: str) -> bool:
    """Spelt or sounding alike though more than one slip apart (Mohalmed, Muhammad; Kristof,
    Christopher); never two different names that are both known given names."""
    if len(first) < 3 or len(second) < 3:
        return False
    if first in KNOWN_NAMES and second in KNOWN_NAMES:
        return False
    if first[0] == second[0] and JaroWinkler.similarity(first, second, score_cutoff=0.88) >= 0.88:
        return True
    return sounds_alike(first, second)


# typo, similar or different for a pair of names already compared: a county's few thousand names
# meet again and again across its pairs. Emptied when full, so a long-lived process stays small.
_PAIR_LEVELS: dict[tuple[str, str], str] = {}
PAIR_LEVELS_HELD = 500_000


def _pair_level(first: str, second: str) -> str:
    level = "typo" if is_typo(first, second) else "similar" if is_similar(first, second) else "different"
    if len(_PAIR_LEVELS) >= PAIR_LEVELS_HELD:
        _PAIR_LEVELS.clear()
    _PAIR_LEVELS[first, second] = level
    return level


def _loose_level(mine: tuple[str, ...], theirs: tuple[str, ...]) -> str:
    """typo, similar or different, between any of two sets of name forms."""
    level = "different"
    known = _PAIR_LEVELS.get
    for a in mine:
        for b in theirs:
            pair = known((a, b)) or _pair_level(a, b)
            if pair == "typo":
                return "typo"
            if pair == "similar":
                level = "similar"
    return level


def _any_typo(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Whether any name of one set is a typo of any of the other: `_loose_level(...) == "typo"`,
    without working out whether the rest are similar, which only the full level needs."""
    known = _PAIR_LEVELS.get
    for a in mine:
        for b in theirs:
            level = known((a, b))
            if level == "typo" or (level is None and is_typo(a, b)):
                return True
    return False


def _forms(names: tuple[str, ...], spellings: Spellings = NONE) -> tuple[str, ...]:
    """Every form of the names (Joe, Jo for Joseph; a spelling the run learnt); is_typo keeps two
    known names apart."""
    return tuple(form for name in names for form in (*forms_of(name), *spellings.forms_of(name)) if len(form) >= 3)


def compare_forenames(record: Prepared, candidate: Prepared, spellings: Spellings = NONE) -> str:
    theirs = candidate.forenames
    mine = (*record.forenames, record.preferred) if record.preferred else record.forenames
    if not theirs or not mine:
        return "missing"
    if set(mine) & set(theirs) or (candidate.preferred and candidate.preferred in mine):
        return "same"
    if record.name_groups & candidate.name_groups:
        return "alias"
    if candidate.forename in record.middles or record.forename in candidate.middles:
        return "middle"
    if _any_typo(record.middles, theirs) or _any_typo(candidate.middles, mine):
        return "middle"
    level = _loose_level(mine, theirs)
    # A slip in a short or other form of the name: Chlis for Chris (Christopher).
    if (level != "typo" and (record.name_groups or candidate.name_groups)
            and _any_typo(_forms(mine, spellings), _forms(theirs, spellings))):
        return "typo"
    if level != "different":
        return level
    if len(candidate.forename) == 1 and record.forename.startswith(candidate.forename):
        return "initial"
    if len(record.forename) == 1 and candidate.forename.startswith(record.forename):
        return "initial"
    return "different"


def compare_surnames(record: Prepared, candidate: Prepared) -> str:
    if not record.surname or not candidate.surname:
        return "missing"
    if record.surname == candidate.surname:
        return "same"
    if set(record.surnames) & set(candidate.surnames):
        return "part"
    if candidate.surname in record.former or record.surname in candidate.former:
        return "changed"
    return _loose_level(record.surnames, candidate.surnames)


def _crossed_level(mine: tuple[str, ...], groups: frozenset[int], theirs: str, middles: tuple[str, ...] = (),
                   spellings: Spellings = NONE) -> str:
    """How one side's names agree with a name the other side recorded in the other field."""
    if not theirs:
        return "missing"
    if theirs in mine:
        return "same"
    if groups and groups & (groups_of(theirs) | spellings.groups_of(theirs)):
        return "alias"
    if theirs in middles:
        return "middle"
    level = _loose_level(mine, (theirs,))
    if level == "typo":
        return level
    if middles and _any_typo(middles, (theirs,)):
        return "middle"
    # A slip in a short or other form of the name: Mateus written for Matthew (Mateusz).
    if groups and _any_typo(_forms(mine, spellings), (theirs,)):
        return "typo"
    return level


def compare_names(record: Prepared, candidate: Prepared, spellings: Spellings = NONE) -> tuple[str, str, str]:
    """(forename, surname, order): the names as recorded, or crossed over when that agrees better."""
    forename, surname = compare_forenames(record, candidate, spellings), compare_surnames(record, candidate)
    straight = _NAME_RANK[forename] + _NAME_RANK[surname]
    if straight < 6 or not candidate.forename or not candidate.surname:
        return forename, surname, "same"
    # The surname first: for nearly every pair it is wholly different from the other side's forename,
    # and then the names are not crossed over, whatever the forenames say.
    crossed_surname = _crossed_level((*record.surnames, *record.former), frozenset(), candidate.forename)
    if crossed_surname == "different":
        return forename, surname, "same"
    mine = (*record.forenames, record.preferred) if record.preferred else record.forenames
    crossed_forename = _crossed_level(mine, record.name_groups, candidate.surname, record.middles, spellings)
    if crossed_forename != "different" and _NAME_RANK[crossed_forename] + _NAME_RANK[crossed_surname] + 2 < straight:
        return crossed_forename, crossed_surname, "swapped"
    return forename, surname, "same"


def compare_dates(record: Prepared, candidate: Prepared) -> str:
    """exact; swap (day and month); typo (one digit of the month or year, or one day across a month's
    end); day (the same month and year, the day one digit or one day off: many more people share
    a month of birth than a day and month, so this says less); near (within NEAR_DAYS); different."""
    level = compare_dob_text(record.dob_text, candidate.dob_text, record.dob_ordinal, candidate.dob_ordinal)
    if level in ("exact", "different"):
        if level == "different" and abs(record.dob_ordinal - candidate.dob_ordinal) <= NEAR_DAYS:
            return "near"
        return level
    if level == "day-month-swap":
        return "swap"
    return "day" if record.dob_text[:6] == candidate.dob_text[:6] else "typo"


def compare_postcodes(record: Prepared, candidate: Prepared) -> str:
    if not record.postcode[0] or not candidate.postcode[0]:
        return "missing"
    for level, position in (("full", 0), ("sector", 1), ("district", 2)):
        if record.postcode[position] == candidate.postcode[position]:
            return level
    return "different"


def compare_places(record: Prepared, candidate: Prepared) -> str:
    """own (the row is from the record's own school: its sixth form); district (a provider in the
    school's district); elsewhere."""
    if not record.place or not candidate.place:
        return "missing"
    if record.place[0] == candidate.place[0]:
        return "own"
    if record.place[1] is not None and record.place[1] == candidate.place[1]:
        return "district"
    return "elsewhere"


def _upn_level(mine: str, theirs: str) -> str:
    """agree; near (one digit changed or two neighbours swapped: a slip, the check letter worked out
    again); differs."""
    if not mine or not theirs:
        return "missing"
    if mine == theirs:
        return "agree"
    if len(mine) == len(theirs) and OSA.distance(mine[1:], theirs[1:], score_cutoff=1) <= 1:
        return "near"
    return "differs"


def _uln_level(mine: str, theirs: str) -> str:
    """agree; near (one digit changed with its check digit, or two neighbours swapped); differs."""
    if not mine or not theirs:
        return "missing"
    if mine == theirs:
        return "agree"
    if len(mine) == len(theirs) and (sum(a != b for a, b in zip(mine[:-1], theirs[:-1], strict=True)) <= 1
                                     or OSA.distance(mine, theirs, score_cutoff=1) <= 1):
        return "near"
    return "differs"


def compare(record: Prepared, candidate: Prepared, dob: str | None = None,
            rarity: "NameRarity | None" = None, spellings: Spellings = NONE) -> Comparison:
    """Compare a record with a candidate; `dob` is their date-of-birth level if already known;
    `spellings` are the forename spellings the run learnt (spellings.py)."""
    forename, surname, order = compare_names(record, candidate, spellings)
    forename_rarity = surname_rarity = 0.0
    if rarity is not None and order == "same":
        if forename == "same":
            forename_rarity = rarity.of(rarity.forenames, candidate.forename)
        if surname == "same":
            surname_rarity = rarity.of(rarity.surnames, candidate.surname)
    if record.gender and candidate.gender:
        gender = "agree" if record.gender == candidate.gender else "disagree"
    else:
        gender = "missing"
    return Comparison(
        upn=_upn_level(record.upn, candidate.upn), uln=_uln_level(record.uln, candidate.uln),
        forename=forename, surname=surname, order=order, dob=dob or compare_dates(record, candidate),
        postcode=compare_postcodes(record, candidate), gender=gender, place=compare_places(record, candidate),
        forename_rarity=forename_rarity, surname_rarity=surname_rarity,
    )


class NameRarity:
    """How rare each forename and surname is among the candidates, in half bits."""

    def __init__(self, candidates: list[Prepared]):
        self.forenames = Counter(c.forename for c in candidates if c.forename)
        self.surnames = Counter(c.surname for c in candidates if c.surname)
        self.total = max(len(candidates), 1)
        self._bits: dict[int, float] = {}

    def of(self, counts: Counter, name: str) -> float:
        """The name's rarity in bits; 0 (not known) among too few candidates to tell."""
        if self.total < MIN_RARITY_CANDIDATES:
            return 0.0
        count = max(counts.get(name, 0), 1)
        bits = self._bits.get(count)
        if bits is None:
            bits = self._bits[count] = round(2 * math.log2(self.total / count)) / 2
        return bits
