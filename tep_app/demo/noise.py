"""The noise of real returns, applied to the enrolment and offer rows of the synthetic county.

A school's own leaver and roll rows are clean; what providers send back about the same young
people carries typos, nicknames, swapped names, shortened and changed surnames, day/month swaps,
moved postcodes, missing identifiers and, rarely, someone else's UPN. Pure functions of a
`random.Random`, so the county is the same for the same seed.
"""
import calendar
import random
import string
from datetime import date

from tep_app.demo.names import POSTCODE_LETTERS

LOWER = string.ascii_lowercase


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
    """One digit of DD/MM/YYYY changed, giving another real date within two years of the true one
    (a typo that makes a sixteen-year-old seven is refused by the import, as it should be)."""
    for _ in range(20):
        text = list(value.strftime("%d%m%Y"))
        position = rng.choice((0, 1, 2, 3, 7))
        text[position] = str((int(text[position]) + rng.randrange(1, 10)) % 10)
        day, month, year = int("".join(text[0:2])), int("".join(text[2:4])), int("".join(text[4:]))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            changed = date(year, month, day)
            if changed != value and abs((changed - value).days) <= 2 * 366:
                return changed
    return value.replace(day=value.day % 28 + 1)


def postcode(rng: random.Random, districts: tuple[str, ...]) -> str:
    return f"{rng.choice(districts)} {rng.randrange(1, 10)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


def shorten_surname(rng: random.Random, surname: str) -> str:
    parts = surname.split("-")
    return rng.choice(parts) if len(parts) > 1 else surname


def noisy_identity(rng: random.Random, person, moved_postcodes: tuple[str, ...], stranger_upn) -> dict:
    """How a provider's row records `person`: the names, date of birth and identifiers it carries.

    `stranger_upn()` gives another young person's valid UPN (used on about 1 row in 1,000).
    """
    forename, surname, dob, code = person.forename, person.surname, person.dob, person.postcode
    if person.preferred and rng.random() < 0.6:
        forename = person.preferred
    if person.former_surname and rng.random() < 0.5:
        surname = person.former_surname
    elif "-" in surname and rng.random() < 0.25:
        surname = shorten_surname(rng, surname)
    roll = rng.random()
    if roll < 0.015:
        forename = typo(rng, forename)
    elif roll < 0.03:
        surname = typo(rng, surname)
    elif roll < 0.035:
        forename, surname = surname, forename
    roll = rng.random()
    if roll < 0.005:
        dob = swap_day_month(dob) or dob_digit_typo(rng, dob)
    elif roll < 0.01:
        dob = dob_digit_typo(rng, dob)
    if rng.random() < 0.05:
        code = postcode(rng, moved_postcodes)
    upn = person.upn if rng.random() < 0.7 else None
    if rng.random() < 0.001:
        upn = stranger_upn()
    uln = person.uln if rng.random() < 0.5 else None
    return {"upn": upn, "uln": uln, "forename": forename, "surname": surname, "dob": dob,
            "gender": person.gender, "postcode": code}
