"""What a search for a young person asks for, read from the one box: a UPN, a ULN, a phone number,
a postcode, a date of birth, or a name (in any order, with a nickname or a slip) with, perhaps, a
year or date of birth ("Chris Murphy 2006").

Pure: no database, no Flask. Names are read by the matching library's normaliser, so a search
reads "O'Brien-Smith" as the matching does; a query that cannot be a search is a message.
"""
import re
from dataclasses import dataclass
from datetime import date

from tep_app.matching.normalise import norm_name
from tep_app.validation import (
    Invalid,
    check_email,
    check_phone,
    check_postcode,
    check_uln,
    clean_text,
    parse_date,
)

MIN_CHARS = 2
MAX_CHARS = 100
# A year of birth in a name query: the young people followed up were born this century.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2030

MESSAGES = {
    "empty": "Enter a name, UPN, ULN, date of birth, postcode or phone number",
    "short": f"Enter at least {MIN_CHARS} letters or numbers",
    "long": f"Enter no more than {MAX_CHARS} characters",
    "year_only": "Enter a name with the year of birth, for example Chris Murphy 2006",
    "unread": "Enter a name, UPN, ULN, date of birth (for example 14/03/2006), postcode or phone number",
}
KIND_WORDS = {"upn": "UPN", "uln": "ULN", "phone": "phone number", "email": "email address",
              "postcode": "postcode", "district": "postcode district", "dob": "date of birth", "name": "name"}

_UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ()\-.]{8,18}")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_WORDED_DATE = re.compile(r"\b([0-9]{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\s+([0-9]{4})\b")
_SPACED_DATE = re.compile(r"\b([0-9]{1,2})\s+([0-9]{1,2})\s+([0-9]{4})\b")
_DATE_TOKEN = re.compile(r"[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4}")
_YEAR = re.compile(r"\b(19[0-9]{2}|20[0-9]{2})\b")


@dataclass(frozen=True)
class SearchQuery:
    """One search: its kind and the value (or names and birth) it looks for."""

    kind: str
    value: str | None = None
    names: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()
    born_on: date | None = None
    born_in: int | None = None

    @property
    def kind_words(self) -> str:
        words = KIND_WORDS[self.kind]
        if self.kind == "name" and (self.born_on or self.born_in):
            words += " and date of birth" if self.born_on else " and year of birth"
        return words


class QueryProblem(ValueError):
    """The query cannot be searched for; its message says why, in the page's words."""

    def __init__(self, reason: str):
        self.reason = reason
        self.message = MESSAGES[reason]
        super().__init__(self.message)


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _whole_date(text: str) -> date | None:
    """The text as one date of birth: 14/03/2006, 14-3-2006, 2006-03-14, 14 3 2006, 14 March 2006, 14032006."""
    compact = text.replace(" ", "")
    if re.fullmatch(r"[0-9]{8}", compact):
        return _date(compact[:2], compact[2:4], compact[4:]) or _date(compact[6:], compact[4:6], compact[:4])
    for pattern in (_WORDED_DATE, _SPACED_DATE):
        match = pattern.fullmatch(text)
        if match:
            return _named_date(match)
    if _DATE_TOKEN.fullmatch(compact):
        try:
            return parse_date(compact)
        except Invalid:
            return None
    return None


def _named_date(match: re.Match) -> date | None:
    day, month, year = match.groups()
    number = _MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    return _date(day, number, year) if number else None


def _checked(kind: str, check, value: str) -> SearchQuery | None:
    """A search of `kind` for the value as `check` reads it, or None when it is not one."""
    try:
        return SearchQuery(kind, check(value))
    except Invalid:
        return None


def _identifier(text: str) -> SearchQuery | None:
    """A UPN, ULN, phone number, email address or postcode, or None."""
    compact = text.replace(" ", "").upper()
    if _UPN.fullmatch(compact):
        return SearchQuery("upn", compact)
    if compact.isdigit() and len(compact) == 10 and (found := _checked("uln", check_uln, compact)):
        return found
    if found := _checked("email", check_email, text):
        return found
    if _PHONE_LIKE.fullmatch(text.strip()) and (found := _checked("phone", check_phone, text)):
        return found
    if found := _checked("postcode", check_postcode, text):
        return found
    if _OUTWARD.fullmatch(compact):
        return SearchQuery("district", compact)
    return None


def read_query(raw: str | None) -> SearchQuery:
    """The search a query asks for, or QueryProblem with its message."""
    text = " ".join(clean_text(raw or "").split())
    if not text:
        raise QueryProblem("empty")
    if len(text) > MAX_CHARS:
        raise QueryProblem("long")
    if sum(char.isalnum() for char in text) < MIN_CHARS:
        raise QueryProblem("short")
    found = _identifier(text)
    if found is not None:
        return found
    born_on = _whole_date(text)
    if born_on is not None:
        return SearchQuery("dob", born_on=born_on)
    return _name_query(text)


def _name_query(text: str) -> SearchQuery:
    """A name, in any order, with perhaps a date or a year of birth among its words."""
    born_on = born_in = None
    for pattern in (_WORDED_DATE, _SPACED_DATE):
        match = pattern.search(text)
        if match and _named_date(match):
            born_on, text = _named_date(match), text.replace(match.group(0), " ")
    words = []
    for word in text.split():
        if born_on is None and _DATE_TOKEN.fullmatch(word):
            born_on = _whole_date(word)
            if born_on is not None:
                continue
        year = _YEAR.fullmatch(word)
        if year and EARLIEST_YEAR <= int(word) <= LATEST_YEAR:
            born_in = int(word)
            continue
        words.append(word)
    parts = norm_name(" ".join(words)).split()
    names = tuple(dict.fromkeys(part for part in parts if len(part) > 1))
    initials = tuple(dict.fromkeys(part for part in parts if len(part) == 1))
    if not names:
        raise QueryProblem("year_only" if born_on or born_in else "unread")
    return SearchQuery("name", names=names[:6], initials=initials[:3], born_on=born_on, born_in=born_in)
