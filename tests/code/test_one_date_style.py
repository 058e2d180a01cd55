"""Every date and time shown to a user is written by tep_app/dates.py: a search of the product's
source and templates finds no other display format ("%-d", "%B", "%b", "%A", "%a", "%-I", or a
day/month/year written with slashes). A module with one such line added is caught, so the search
cannot pass by finding nothing."""
import re
from datetime import date

import pytest

from tep_app import dates
from tests.support.one_home import PACKAGE, TEMPLATES, found_outside

HOME = PACKAGE / "dates.py"

# Word and unpadded formats are only ever for reading; "%d/%m/%Y" is for reading when it is
# written out (strftime or an f-string), not when it is a format to parse.
DISPLAY_FORMAT = re.compile(r"%-[dIHm]|%[BbAa](?![A-Za-z])|strftime\(\s*[\"']%d/%m/%Y|:%d/%m/%Y\}")


def display_formats(text: str) -> list[str]:
    return [f"{number}: {line.strip()}" for number, line in enumerate(text.splitlines(), 1)
            if DISPLAY_FORMAT.search(line)]


def test_no_date_format_outside_the_dates_module():
    paths = [*PACKAGE.rglob("*.py"), *TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]
    found = found_outside([path for path in paths if "static" not in path.parts], display_formats, HOME)
    assert found == {}


@pytest.mark.parametrize("line", [
    'flash(f"Saved on {day:%-d %B %Y}")',
    'return day.strftime("%d/%m/%Y")',
    'text = f"{day:%A}"',
    '{{ row.sent_at.strftime("%-d %b") }}',
    'f"{moment:%-I:%M}"',
])
def test_a_second_date_format_is_caught(line):
    assert display_formats(f"x = 1\n{line}\n") == [f"2: {line}"]


def test_input_and_storage_formats_are_not_display_formats():
    assert display_formats('FORMATS = ("%d/%m/%Y", "%Y-%m-%d")\nvalue = "%Y-%m-%d %H:%M:%S.%f"\n') == []


def test_the_dates_module_holds_the_formats():
    assert display_formats(HOME.read_text(encoding="utf-8"))


def test_dates_in_the_govuk_style():
    day = date(2027, 6, 5)
    assert dates.long_date(day) == "5 June 2027"
    assert dates.long_date(None) == ""
    assert dates.day_and_month(day) == "5 June"
    assert dates.day_and_short_month(day) == "5 Jun"
    assert dates.short_date(day) == "5 Jun 2027"
    assert dates.weekday(day) == "Saturday"
    assert dates.weekday_date(day) == "Sat 5 Jun 2027"
    assert dates.weekday_date(day, aligned=True) == "Sat 05 Jun 2027"
    assert dates.numeric_date(day) == "05/06/2027"
