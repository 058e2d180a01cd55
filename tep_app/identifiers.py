"""Identifier checks (design.md section 4): UPN, ULN, LAESTAB, UKPRN, postcode and phone.

Each `check_*` returns the value normalised, or raises IdentifierError with a message in the
GOV.UK voice. Pure functions: no Flask, no database.
"""
import re

import phonenumbers

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$")


class IdentifierError(ValueError):
    pass


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (positions 2 to 13)."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = UPN_ALPHABET.index(char) if char.isalpha() else int(char)
        total += value * position
    return UPN_ALPHABET[total % 23]


def check_upn(value: str) -> str:
    upn = (value or "").strip().upper()
    if len(upn) != 13:
        raise IdentifierError(f"UPN must be 13 characters: {value!r} has {len(upn)}")
    if not _UPN_SHAPE.match(upn) or upn[0] not in UPN_ALPHABET or (upn[12].isalpha() and upn[12] not in UPN_ALPHABET):
        raise IdentifierError(f"UPN {value!r} must be a check letter, 11 digits, then a digit or letter")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise IdentifierError(f"UPN {value!r} has the wrong check letter")
    return upn


def uln_is_valid(uln: str) -> bool:
    if len(uln) != 10 or not uln.isdigit() or uln[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(uln, range(10, 0, -1))) % 11 == 10


def check_uln(value: str) -> str:
    uln = (value or "").strip()
    if not uln_is_valid(uln):
        raise IdentifierError(f"ULN {value!r} is not valid: it must be 10 digits that pass the ULN check")
    return uln


def check_laestab(value: str) -> str:
    laestab = (value or "").strip().replace("/", "")
    if not re.fullmatch(r"\d{7}", laestab):
        raise IdentifierError(f"LAESTAB {value!r} must be 7 digits, like 8864000")
    return laestab


def check_ukprn(value: str) -> str:
    ukprn = (value or "").strip()
    if not re.fullmatch(r"1\d{7}", ukprn):
        raise IdentifierError(f"UKPRN {value!r} must be 8 digits starting with 1")
    return ukprn


def normalise_postcode(value: str) -> str:
    compact = "".join((value or "").upper().split())
    if len(compact) < 5 or not _POSTCODE.match(compact):
        raise IdentifierError(f"Postcode {value!r} is not a UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


# Ofcom's ranges reserved for drama: valid in shape, never a real person's. The demo uses them.
OFCOM_DRAMA_PREFIXES = ("7700900", "1134960", "1314960", "1632960", "2079460", "1914980", "2890180", "2920180")


def normalise_phone(value: str) -> str:
    """A UK phone number in national format with no spaces, like 07700900123."""
    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        raise IdentifierError(f"Phone number {value!r} is not a UK phone number") from None
    national = str(number.national_number)
    drama = national.startswith(OFCOM_DRAMA_PREFIXES) and len(national) == 10
    if number.country_code != 44 or not (phonenumbers.is_valid_number(number) or drama):
        raise IdentifierError(f"Phone number {value!r} is not a UK phone number")
    return "0" + national


def make_upn(la: int, estab: int, year: int, serial: int) -> str:
    """Build a valid permanent UPN: LA code (3), establishment (4), year (2), serial (3)."""
    body = f"{la:03d}{estab:04d}{year % 100:02d}{serial:03d}"
    assert len(body) == 12
    return upn_check_letter(body) + body


def make_uln(seed: int) -> str:
    """A valid ULN from a number: nine digits then a check digit (skipping seeds with none)."""
    base = 1000000000 + (seed * 7919) % 8999999999
    while True:
        digits = f"{base:010d}"[:9]
        partial = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1)))
        check = (10 - partial) % 11
        if check < 10:
            uln = digits + str(check)
            if uln[0] != "0":
                return uln
        base += 10
