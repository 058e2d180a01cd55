"""The noise of real returns, applied to the enrolment and offer rows of the synthetic county.

A school's own leaver and roll rows are clean; what providers send back about the same young
people carries what real school and college data does: missing and mistyped identifiers (a digit
changed or two swapped), someone else's UPN, typos in names, nicknames and spellings across
languages (Muhammad, Mohammed, MOHALMED; Christopher, Chris, Chlis), forename and surname the other
way round, double-barrelled surnames shortened, reordered or unhyphenated, former and changed
surnames, upper case, day/month swaps, digit typos and near dates of birth, moved postcodes (some
out of the county), missing gender. `level` scales every rate of a slip (1 is the usual county,
2 a messy one); rates of what is simply missing stay. Pure functions of a `random.Random`, so the
county is the same for the same seed.
"""
import calendar
import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

from tep_app.demo.names import OUTSIDE_POSTCODES, POSTCODE_LETTERS, SPELLINGS
from tep_app.validation import Invalid, check_uln, upn_check_letter

LOWER = string.ascii_lowercase
_SPELLING_OF = {name: (canonical, *variants) for canonical, variants in SPELLINGS.items()
                for name in (canonical, *variants)}


@dataclass(frozen=True)
class Rates:
    """How often each slip happens on a provider's row, at noise level 1."""

    upn_missing: float = 0.30
    uln_missing: float = 0.50
    upn_mistyped: float = 0.004
    uln_mistyped: float = 0.003
    upn_someone_else: float = 0.001
    preferred: float = 0.60  # of those with a preferred forename, rows that use it
    nickname: float = 0.02  # a short form the school never recorded
    spelling: float = 0.25  # of those with a name spelt several ways, rows with another spelling
    middle_as_forename: float = 0.01
    forename_typo: float = 0.02
    nickname_typo: float = 0.003
    surname_typo: float = 0.02
    swapped: float = 0.006
    swapped_typo: float = 0.001
    former_surname: float = 0.5  # of those with a former surname, rows that still use it
    barrelled: float = 0.35  # of double-barrelled surnames, rows that shorten, reorder or unhyphenate
    new_surname: float = 0.002  # a surname the school does not know about
    upper_case: float = 0.10
    dob_swap: float = 0.004
    dob_typo: float = 0.005
    dob_near: float = 0.003
    moved: float = 0.07
    moved_away: float = 0.01
    postcode_missing: float = 0.02
    gender_missing: float = 0.05
    gender_wrong: float = 0.004


RATES = Rates()
SLIPS = frozenset({"upn_mistyped", "uln_mistyped", "upn_someone_else", "nickname", "middle_as_forename",
                   "forename_typo", "nickname_typo", "surname_typo", "swapped", "swapped_typo", "new_surname",
                   "dob_swap", "dob_typo", "dob_near", "moved", "moved_away", "gender_wrong"})


def typo(rng: random.Random, name: str) -> str:
    """One character substituted, dropped, doubled or two neighbours transposed."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 3:
        return name
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    if kind == 0:
        replacement = rng.choice(LOWER.replace(name[i].lower(), ""))
        return name[:i] + (replacement.upper() if name[i].isupper() else replacement) + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + name[i + 1:]


def swap_day_month(value: date) -> date | None:
    if value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def dob_digit_typo(rng: random.Random, value: date) -> date:
    """One digit of DD/MM/YYYY changed, or the two digits of the day or month swapped, giving another
    real date within two years of the true one (a typo that makes a sixteen-year-old seven is refused
    by the import, as it should be)."""
    for _ in range(20):
        text = list(value.strftime("%d%m%Y"))
        if rng.random() < 0.25 and text[0] != text[1]:
            text[0], text[1] = text[1], text[0]
        else:
            position = rng.choice((0, 1, 2, 3, 7))
            text[position] = str((int(text[position]) + rng.randrange(1, 10)) % 10)
        day, month, year = int("".join(text[0:2])), int("".join(text[2:4])), int("".join(text[4:]))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            changed = date(year, month, day)
            if changed != value and abs((changed - value).days) <= 2 * 366:
                return changed
    return value.replace(day=value.day % 28 + 1)


def near_date(rng: random.Random, value: date) -> date:
    """A date of birth a few days to a few weeks off: a form filled from memory."""
    return value + timedelta(days=rng.choice((-1, 1)) * rng.randint(2, 21))


def postcode(rng: random.Random, districts: tuple[str, ...]) -> str:
    return f"{rng.choice(districts)} {rng.randrange(1, 10)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


def shorten_surname(rng: random.Random, surname: str) -> str:
    """A double-barrelled surname as providers record it: one part, the parts reordered, or no hyphen."""
    parts = surname.split("-")
    if len(parts) < 2:
        return surname
    kind = rng.randrange(4)
    if kind == 0:
        return " ".join(parts)
    if kind == 1:
        return "-".join(reversed(parts))
    return rng.choice(parts)


def mistype_upn(rng: random.Random, upn: str) -> str:
    """One digit changed or two neighbouring digits swapped, with a check letter that agrees (a UPN
    whose check letter disagrees is not kept by the import, so it reaches matching as missing)."""
    body = list(upn[1:])
    i = rng.randrange(4, len(body) - 1)
    if rng.random() < 0.5 and body[i] != body[i + 1]:
        body[i], body[i + 1] = body[i + 1], body[i]
    else:
        body[i] = str((int(body[i]) + rng.randrange(1, 10)) % 10)
    text = "".join(body)
    return upn_check_letter(text) + text


def mistype_uln(rng: random.Random, uln: str) -> str:
    """Another ten-digit ULN that passes the check, one or two digits away from the true one."""
    for _ in range(50):
        digits = list(uln)
        i = rng.randrange(1, 9)
        digits[i] = str((int(digits[i]) + rng.randrange(1, 10)) % 10)
        for check in "0123456789":
            digits[9] = check
            candidate = "".join(digits)
            if candidate != uln and _valid_uln(candidate):
                return candidate
    return uln


def other_spelling(rng: random.Random, name: str) -> str | None:
    spellings = _SPELLING_OF.get(name)
    if not spellings:
        return None
    return rng.choice([spelling for spelling in spellings if spelling != name])


def _chance(rng: random.Random, rate: float, level: float, name: str) -> bool:
    return rng.random() < (rate * level if name in SLIPS else rate)


def noisy_identity(rng: random.Random, person, moved_postcodes: tuple[str, ...], stranger_upn, nicknames=None,
                   level: float = 1.0, rates: Rates = RATES) -> dict:
    """How a provider's row records `person`: the names, date of birth and identifiers it carries.

    `stranger_upn()` gives another young person's valid UPN; `nicknames` maps a forename to short
    forms of it.
    """
    def chance(name: str) -> bool:
        return _chance(rng, getattr(rates, name), level, name)

    forename, surname, dob, code = person.forename, person.surname, person.dob, person.postcode
    if person.preferred and chance("preferred"):
        forename = person.preferred
    elif nicknames and nicknames.get(forename) and chance("nickname"):
        forename = rng.choice(nicknames[forename])
        if chance("nickname_typo") or rng.random() < 0.1 * level:
            forename = typo(rng, forename)
    elif forename in _SPELLING_OF and chance("spelling"):
        forename = other_spelling(rng, forename) or forename
    elif person.middle_names and chance("middle_as_forename"):
        forename = person.middle_names.split()[0]
    if person.former_surname and chance("former_surname"):
        surname = person.former_surname
    elif "-" in surname and chance("barrelled"):
        surname = shorten_surname(rng, surname)
    elif chance("new_surname"):
        surname = stranger_surname(rng)
    if chance("forename_typo"):
        forename = typo(rng, forename)
    if chance("surname_typo"):
        surname = typo(rng, surname)
    if chance("swapped"):
        forename, surname = surname, forename
        if chance("swapped_typo") or rng.random() < 0.15:
            forename = typo(rng, forename)
    if chance("upper_case"):
        forename, surname = forename.upper(), surname.upper()
    if chance("dob_swap"):
        dob = swap_day_month(dob) or dob_digit_typo(rng, dob)
    elif chance("dob_typo"):
        dob = dob_digit_typo(rng, dob)
    elif chance("dob_near"):
        dob = near_date(rng, dob)
    if chance("moved_away"):
        code = postcode(rng, OUTSIDE_POSTCODES)
    elif chance("moved"):
        code = postcode(rng, moved_postcodes)
    if chance("postcode_missing"):
        code = None
    upn = None if chance("upn_missing") else person.upn
    if upn and chance("upn_mistyped"):
        upn = mistype_upn(rng, upn)
    if chance("upn_someone_else"):
        upn = stranger_upn()
    uln = None if chance("uln_missing") else person.uln
    if uln and chance("uln_mistyped"):
        uln = mistype_uln(rng, uln)
    gender = None if chance("gender_missing") else person.gender
    if gender and chance("gender_wrong"):
        gender = "F" if gender == "M" else "M"
    return {"upn": upn, "uln": uln, "forename": forename, "surname": surname, "dob": dob,
            "gender": gender, "postcode": code}


_NEW_SURNAMES = ("Baker", "Carter", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Kelly", "Lloyd", "Mason",
                 "Nash", "Owen", "Palmer", "Reid", "Stone", "Turner", "Walsh", "Young")


def stranger_surname(rng: random.Random) -> str:
    """A surname taken from a step-family or a new marriage in the family: nothing like the old one."""
    return rng.choice(_NEW_SURNAMES)


def _valid_uln(value: str) -> bool:
    try:
        check_uln(value)
    except Invalid:
        return False
    return True
