"""The imports' cell checks: each takes a cell and returns the clean value or raises
validation.Invalid. The identifier, date, postcode, phone and email checks are the validation
module's own; what is here is only what the imports add (the year groups they take, the likely
dates of birth for a year group, how a date is shown in a message)."""
from datetime import date

from tep_app.dates import numeric_date
from tep_app.validation import Invalid, as_text, check_length


def text(value, label: str, most: int = 100) -> str:
    return check_length(value, label, most)


def parse_year_group(value, allowed: tuple[int, ...]) -> int:
    """A National Curriculum year group among `allowed`: 11, Y11 and Year 11 are all 11."""
    raw = as_text(value)
    digits = raw.upper().removeprefix("YEAR").removeprefix("Y").strip()
    if digits.isdecimal() and int(digits) in allowed:
        return int(digits)
    words = " or ".join(map(str, allowed)) if len(allowed) <= 2 else f"{allowed[0]} to {allowed[-1]}"
    raise Invalid("choice", value=raw, what="a year group we import", choices=words)


def show_date(value: date) -> str:
    return numeric_date(value)


def year_label(academic_year: int) -> str:
    """2022 -> "2022-23"."""
    return f"{academic_year}-{(academic_year + 1) % 100:02d}"


def expected_births(year_group: int, school_year: int) -> tuple[date, date]:
    """Birth dates of a pupil in `year_group` in the academic year starting `school_year`, with a
    year's slack either side for pupils taught out of their year group."""
    first = school_year - year_group - 5
    return date(first - 1, 9, 1), date(first + 2, 8, 31)
