"""Cell parsers for the imports: each returns the clean value or raises FieldError with a message
that names the value, in the GOV.UK voice. Pure functions, fast enough for 60,000 rows."""
import operator
import re
from datetime import date, datetime

import phonenumbers

from tep_app.identifiers import (
    OFCOM_DRAMA_PREFIXES, UPN_ALPHABET, IdentifierError, normalise_phone, normalise_postcode,
)
from tep_app.spreadsheets.reader import cell_text


class FieldError(ValueError):
    pass


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z0-9-]{2,}$")
_PHONE_JUNK = re.compile(r"[\s()\-.]")
_UK_MOBILE = re.compile(r"^(?:\+44|0044|44)?(?:0)?(7\d{9})$")
_GB_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("GB").mobile.national_number_pattern)
_DIGITS = re.compile(r"^\d+$")
GENDERS = {"f": "F", "m": "M", "u": "U", "w": "W", "female": "F", "male": "M", "unknown": "U",
           "not known": "U", "withheld": "W"}
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}


def text(value, label: str, max_length: int = 100) -> str:
    result = value.strip() if value.__class__ is str else cell_text(value)
    if len(result) > max_length:
        raise FieldError(f"{label} must be {max_length} characters or fewer: it has {len(result)}")
    return result


_date_cache: dict[str, date] = {}


def parse_date(value) -> date:
    if value.__class__ is str:
        known = _date_cache.get(value)
        if known is not None:
            return known
        result = _parse_date_text(value.strip())
        if len(_date_cache) < 100_000:
            _date_cache[value] = result
        return result
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(cell_text(value))


def _parse_date_text(raw: str) -> date:
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK.match(raw)
        if not match:
            raise FieldError(f"{raw} is not a date: enter it as DD/MM/YYYY, like 31/08/2006")
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(f"{raw} is not a real date") from None


_UPN_VALUES = {**{str(d): d for d in range(10)}, **{letter: n for n, letter in enumerate(UPN_ALPHABET)}}
_UPN_WEIGHTS = tuple(range(2, 14))


def _check_letter(upn: str) -> str:
    """The check letter for characters 2 to 13 of a UPN (as identifiers.upn_check_letter, faster)."""
    values = _UPN_VALUES
    return UPN_ALPHABET[sum(map(operator.mul, map(values.__getitem__, upn[1:]), _UPN_WEIGHTS)) % 23]


def parse_upn(value) -> str:
    raw = cell_text(value).upper().replace(" ", "")
    if len(raw) != 13:
        raise FieldError(f"{raw} is not a UPN: a UPN has 13 characters, this has {len(raw)}")
    head, body, last = raw[0], raw[1:12], raw[12]
    if (head not in UPN_ALPHABET or not body.isdigit()
            or not (last.isdigit() or last in UPN_ALPHABET)):
        raise FieldError(f"{raw} is not a UPN: it must be a letter, 11 digits, then a digit or letter")
    if _check_letter(raw) != head:
        raise FieldError(f"{raw} has the wrong check letter: check the UPN")
    return raw


_ULN_WEIGHTS = tuple(range(10, 0, -1))


def parse_uln(value) -> str:
    """As identifiers.uln_is_valid, with the digits weighed in one pass."""
    raw = cell_text(value).replace(" ", "")
    if (len(raw) != 10 or not raw.isdecimal() or raw[0] == "0"
            or sum(map(operator.mul, map(int, raw), _ULN_WEIGHTS)) % 11 != 10):
        raise FieldError(f"{raw} is not a ULN: it must be 10 digits that pass the ULN check")
    return raw


def parse_laestab(value) -> str:
    raw = cell_text(value).replace("/", "").replace(" ", "")
    if len(raw) != 7 or not _DIGITS.match(raw):
        raise FieldError(f"{cell_text(value)} is not a LAESTAB: it must be 7 digits, like 8864000")
    return raw


def parse_ukprn(value) -> str:
    raw = cell_text(value).replace(" ", "")
    if len(raw) != 8 or raw[0] != "1" or not _DIGITS.match(raw):
        raise FieldError(f"{raw} is not a UKPRN: it must be 8 digits starting with 1")
    return raw


def parse_postcode(value) -> str:
    raw = cell_text(value)
    try:
        return normalise_postcode(raw)
    except IdentifierError:
        raise FieldError(f"{raw} is not a UK postcode") from None


_phone_cache: dict[str, str] = {}


def parse_phone(value) -> str:
    raw = cell_text(value)
    known = _phone_cache.get(raw)
    if known:
        return known
    compact = _PHONE_JUNK.sub("", raw).replace("+44(0)", "+44")
    match = _UK_MOBILE.match(compact)
    national = match.group(1) if match else None
    if national and (_GB_MOBILE.fullmatch(national) or national.startswith(OFCOM_DRAMA_PREFIXES)):
        result = "0" + national
    else:
        try:
            result = normalise_phone(raw)
        except IdentifierError:
            raise FieldError(f"{raw} is not a UK phone number") from None
    if len(_phone_cache) < 200_000:
        _phone_cache[raw] = result
    return result


def parse_email(value) -> str:
    raw = cell_text(value)
    if len(raw) > 254 or not _EMAIL.match(raw):
        raise FieldError(f"{raw} is not an email address: enter it like name@example.com")
    return raw.lower()


def parse_gender(value) -> str:
    raw = cell_text(value)
    code = GENDERS.get(raw.lower())
    if code is None:
        raise FieldError(f"{raw} is not a gender: enter F, M, U or W")
    return code


def parse_yes_no(value) -> bool:
    raw = cell_text(value).lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise FieldError(f"{cell_text(value)} is not Y or N")


def parse_year_group(value, allowed: tuple[int, ...]) -> int:
    raw = cell_text(value)
    digits = raw.upper().removeprefix("YEAR").removeprefix("Y").strip()
    if digits.isdigit() and int(digits) in allowed:
        return int(digits)
    choices = " or ".join(str(a) for a in allowed) if len(allowed) <= 2 else f"{allowed[0]} to {allowed[-1]}"
    raise FieldError(f"{raw} is not a year group we import: enter {choices}")


def show_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def year_label(academic_year: int) -> str:
    return f"{academic_year}-{(academic_year + 1) % 100:02d}"


def expected_births(year_group: int, school_year: int) -> tuple[date, date]:
    """Birth dates of a pupil in `year_group` in the academic year starting `school_year`, with a
    year's slack either side for pupils taught out of their year group."""
    first = school_year - year_group - 5
    return date(first - 1, 9, 1), date(first + 2, 8, 31)
