"""The checks every value we are given passes: identifiers (UPN, ULN, LAESTAB, UKPRN), dates,
postcodes, phone numbers and email addresses.

Imports, the school's form and upload, and the staff forms all call these, so a value passes or
fails the same way everywhere and is explained in the same words. Each `check_*` takes what was
typed or read from a cell and returns it clean, or raises `Invalid` with a message in the GOV.UK
voice. A `Problem` is an `Invalid` found in a file, placed by row and column, with its severity.
Pure functions: no Flask, no database.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import mul

ERROR, WARNING = "error", "warning"

MESSAGES = {
    "upn_length": "{value} is not a UPN: a UPN has 13 characters, this has {length}",
    "upn_shape": "{value} is not a UPN: it must be a letter, 11 digits, then a digit or letter",
    "upn_check": "{value} has the wrong check letter: check the UPN",
    "uln": "{value} is not a ULN: it must be 10 digits that pass the ULN check",
    "laestab": "{value} is not a LAESTAB: it must be 7 digits, like 8864000",
    "la_code": "{value} is not a local authority code: it must be 3 digits, like 888 for Lancashire",
    "la_home": "{value} is Kent's own local authority code: enter the code of the one they moved to",
    "ukprn": "{value} is not a UKPRN: it must be 8 digits starting with 1",
    "postcode": "{value} is not a UK postcode: enter it like ME14 1XX",
    "phone": "Enter {label} in the correct format, like 07700 900123 or 01622 694000",
    "email": "Enter {label} in the correct format, like name@example.com",
    "date": "{value} is not a date: use DD/MM/YYYY, like 04/09/2023",
    "real_date": "{value} is not a real date: use DD/MM/YYYY, like 04/09/2023",
    "after": "{label} must be after {earliest}",
    "urn": "{value} is not a URN: it must be up to 10 digits",
    "choice": "{value} is not {what}: enter {choices}",
    "length": "{label} must be {most} characters or fewer: it has {length}",
    "within": "{label} must be within the next {years} years",
    "month": "{value} is not a month: use YYYY-MM, like 2025-01",
    "percentage": "{value} is not a percentage: enter a number from 0 to 100 with at most one decimal place, like 5.5",
}


class Invalid(ValueError):
    """A value that fails its check; the message says what is wrong and how to put it right."""

    def __init__(self, kind: str, **values):
        self.message = MESSAGES[kind].format(**values)
        super().__init__(self.message)


@dataclass(frozen=True)
class Problem:
    """A problem in a file: where it is, what it is, and whether it blocks the file (an error) or
    only the value (a warning: the row is kept without it)."""

    row: int | None
    column: str | None
    message: str
    severity: str = ERROR
    value: str | None = None

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else None, self.column) if part)
        return f"{where}: {self.message}" if where else self.message


# The largest whole number (and id) the database holds: PostgreSQL's integer.
INT_MAX = 2_147_483_647
# C0 controls but tab, newline and carriage return; DEL; C1 controls. No page, database column or
# spreadsheet cell should hold them (PostgreSQL refuses NUL; a spreadsheet refuses most of C0).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WHOLE = re.compile(r"\+?([0-9]{1,10})")


def clean_text(value: str) -> str:
    """Text as given, less the control characters: the words are kept, tab and newlines too."""
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def whole_number(value, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """A whole number from minimum to maximum, from text or a number; None for anything else
    (blank, junk, a fraction, a sign, or too big for the database)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        match = _WHOLE.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            return None
        number = int(match.group(1))
    return number if minimum <= number <= maximum else None


def optional_id(value) -> int | None:
    """An id from a form, a query string or a stored value (1 to INT_MAX), or None: the coerce of id
    drop-downs, and the reading of an id kept as text (an audit row's actor, a filter's value)."""
    return whole_number(value, minimum=1)


def real_date(day, month, year) -> date | None:
    """The date of a GOV.UK date input's three parts (a four-digit year), or None if not a real date."""
    numbers = [whole_number(part, maximum=9999) for part in (day, month, year)]
    if None in numbers or numbers[2] < 1000:
        return None
    try:
        return date(numbers[2], numbers[1], numbers[0])
    except ValueError:
        return None


def as_text(value) -> str:
    """A typed value or a spreadsheet cell as text: a whole number read as 8864000.0 loses its .0."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Unique Pupil Number: a check letter, then the LA code (3 digits), the establishment (4), the year
# allocated (2), a serial (3), and a digit or, for a temporary UPN, a letter.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_UPN_VALUES = {**{digit: int(digit) for digit in "0123456789"}, **{letter: n for n, letter in enumerate(UPN_ALPHABET)}}
_UPN_SHAPE = re.compile(r"[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]")
_DIGITS = re.compile(r"[0-9]+")
_ULN_WEIGHTS = range(10, 0, -1)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (weighted 2 to 13, modulo 23)."""
    return UPN_ALPHABET[sum(map(mul, map(_UPN_VALUES.__getitem__, body), range(2, 2 + len(body)))) % 23]


def check_upn(value) -> str:
    upn = as_text(value).upper().replace(" ", "")
    if len(upn) != 13:
        raise Invalid("upn_length", value=upn, length=len(upn))
    if not _UPN_SHAPE.fullmatch(upn):
        raise Invalid("upn_shape", value=upn)
    if upn_check_letter(upn[1:]) != upn[0]:
        raise Invalid("upn_check", value=upn)
    return upn


def check_uln(value) -> str:
    """Unique Learner Number: 10 digits, not starting with 0, whose weighted sum (10 down to 1)
    leaves 10 when divided by 11."""
    uln = as_text(value).replace(" ", "")
    if (len(uln) != 10 or not _DIGITS.fullmatch(uln) or uln[0] == "0"
            or sum(map(mul, map(int, uln), _ULN_WEIGHTS)) % 11 != 10):
        raise Invalid("uln", value=uln)
    return uln


def check_laestab(value) -> str:
    """The LA code and the DfE establishment number, 7 digits; 886/4000 is read as 8864000."""
    laestab = as_text(value).replace("/", "").replace(" ", "")
    if len(laestab) != 7 or not _DIGITS.fullmatch(laestab):
        raise Invalid("laestab", value=as_text(value))
    return laestab


# Kent's DfE local authority code (the first three digits of a Kent school's LAESTAB).
HOME_LA_CODE = "886"


def check_la_code(value, home: str = HOME_LA_CODE) -> str:
    """A DfE local authority code other than the county's own: 3 digits (NCCIS's transferred-to
    LA code, YP13)."""
    code = as_text(value).replace(" ", "")
    if len(code) != 3 or not _DIGITS.fullmatch(code):
        raise Invalid("la_code", value=as_text(value))
    if code == home:
        raise Invalid("la_home", value=code)
    return code


def check_ukprn(value) -> str:
    ukprn = as_text(value).replace(" ", "")
    if len(ukprn) != 8 or ukprn[0] != "1" or not _DIGITS.fullmatch(ukprn):
        raise Invalid("ukprn", value=ukprn)
    return ukprn


def check_urn(value) -> str:
    """A school's Unique Reference Number: up to 10 digits."""
    urn = as_text(value)
    if len(urn) > 10 or not _DIGITS.fullmatch(urn):
        raise Invalid("urn", value=urn)
    return urn


_POSTCODE = re.compile(r"(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
                       r"|[A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})")


def check_postcode(value) -> str:
    """A UK postcode, upper case with one space before the last three characters."""
    compact = "".join(as_text(value).upper().split())
    if not _POSTCODE.fullmatch(compact):
        raise Invalid("postcode", value=as_text(value))
    return f"{compact[:-3]} {compact[-3:]}"


# Ofcom's ranges reserved for drama: valid in shape, never a real person's. The demo uses them.
OFCOM_DRAMA_PREFIXES = ("7700900", "1134960", "1314960", "1632960", "2079460", "1914980", "2890180", "2920180")
_PHONE_JUNK = re.compile(r"[\s()\-.]")
_UK_MOBILE = re.compile(r"(?:\+44|0044|44)?0?(7\d{9})")


@lru_cache(maxsize=1)
def _gb_mobile() -> re.Pattern:
    """The national numbers of UK mobiles, as phonenumbers has them (loaded with the first phone
    number checked, not by every command that imports this module)."""
    import phonenumbers  # noqa: PLC0415 -- phonenumbers only when a phone number is checked

    return re.compile(phonenumbers.PhoneMetadata.metadata_for_region("GB").mobile.national_number_pattern)


@lru_cache(maxsize=1 << 16)  # pragma: no mutate
def _national_phone(raw: str) -> str | None:
    """The national number (no leading 0) of a UK phone number in an allocated or drama range."""
    match = _UK_MOBILE.fullmatch(_PHONE_JUNK.sub("", raw))
    if match and (_gb_mobile().fullmatch(match.group(1)) or match.group(1).startswith(OFCOM_DRAMA_PREFIXES)):
        return match.group(1)  # most numbers in a file are mobiles: no need for the full parse
    import phonenumbers  # noqa: PLC0415 -- phonenumbers only when a phone number is checked

    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    drama = len(national) == 10 and national.startswith(OFCOM_DRAMA_PREFIXES)
    if number.country_code != 44 or not (drama or phonenumbers.is_valid_number(number)):
        return None
    return national


def check_phone(value, label: str = "a phone number") -> str:
    """A UK phone number in an allocated range, as 07700900123 (national format, no spaces). A
    spreadsheet that stored the number as a number has dropped its leading 0: it is read without it."""
    national = _national_phone(as_text(value))
    if national is None:
        raise Invalid("phone", label=label)
    return "0" + national


def check_email(value, label: str = "an email address") -> str:
    """An email address in the correct format (the domain is not looked up), in lower case."""
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415 -- only when an email is checked

    try:
        return validate_email(as_text(value), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid("email", label=label) from None


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")
_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")


@lru_cache(maxsize=1 << 16)  # pragma: no mutate
def _date_fromas_text(raw: str) -> date:
    match = _ISO.fullmatch(raw)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _UK.fullmatch(raw)
        if not match:
            raise Invalid("date", value=raw)
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000  # the young people we track, and their courses, are all of this century
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("real_date", value=raw) from None


def parse_date(value) -> date:
    """A date from a form or a cell: a real date, YYYY-MM-DD, or DD/MM/YYYY (or DD/MM/YY, - or .)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_fromas_text(as_text(value))


EARLIEST_START = date(2000, 1, 1)
START_YEARS_AHEAD = 2


def check_start_date(value: date, today: date, label: str = "Start date") -> date:
    """A course or job start date: this century, and no more than two years from today."""
    if value < EARLIEST_START:
        raise Invalid("after", label=label, earliest="1 January 2000")
    if value > today + timedelta(days=365 * START_YEARS_AHEAD):
        raise Invalid("within", label=label, years=START_YEARS_AHEAD)
    return value


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def check_month(value) -> date:
    """A month written YYYY-MM (a return's period), as its first day; this century only."""
    text = as_text(value)
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise Invalid("month", value=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def check_length(value, label: str, most: int) -> str:
    text = value.strip() if value.__class__ is str else as_text(value)  # most cells are text: no further call
    if len(text) > most:
        raise Invalid("length", label=label, most=most, length=len(text))
    return text


def check_choice(value, choices: dict, what: str, words: str, key: Callable[[str], str] = str.lower):
    """One of a few answers, in any case: `choices` maps each answer, as `key` makes it (lower case
    unless told), to what is kept."""
    text = as_text(value)
    try:
        return choices[key(text)]
    except KeyError:
        raise Invalid("choice", value=text, what=what, choices=words) from None


GENDERS = {"f": "F", "m": "M", "u": "U", "w": "W", "female": "F", "male": "M", "unknown": "U", "not known": "U",
           "withheld": "W"}
YES_NO = {"y": True, "yes": True, "true": True, "1": True, "n": False, "no": False, "false": False, "0": False}


def check_gender(value) -> str:
    return check_choice(value, GENDERS, "a gender", "F, M, U or W")


def check_yes_no(value) -> bool:
    return check_choice(value, YES_NO, "a yes or no", "Y or N")


_PERCENTAGE = re.compile(r"([0-9]{1,3})(?:\.([0-9]))?%?")


def check_percentage(value) -> str:
    """A percentage from 0 to 100 with at most one decimal place ("5", "5.5", "5.5%"), as text with
    one decimal place ("5.0", "5.5")."""
    text = as_text(value)
    match = _PERCENTAGE.fullmatch(text.replace(" ", ""))
    tenths = int(match.group(1)) * 10 + int(match.group(2) or 0) if match else None
    if tenths is None or tenths > 1000:
        raise Invalid("percentage", value=text or "Nothing")
    return f"{tenths // 10}.{tenths % 10}"
