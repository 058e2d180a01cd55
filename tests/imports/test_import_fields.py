"""The imports' own cell checks: year groups, text lengths, likely dates of birth, and dates in messages."""
from datetime import date

import pytest

from tep_app.services.imports import fields as f
from tep_app.validation import Invalid


@pytest.mark.parametrize("value", ["11", "Y11", "y11", "Year 11", "YEAR11", " 11 ", 11, 11.0])
def test_a_year_group_in_any_usual_form(value):
    assert f.parse_year_group(value, (11, 12)) == 11


@pytest.mark.parametrize("value, allowed, message", [
    ("10", (11, 12), "10 is not a year group we import: enter 11 or 12"),
    ("Year 10", (11, 12), "Year 10 is not a year group we import: enter 11 or 12"),
    ("eleven", (11, 12), "eleven is not a year group we import: enter 11 or 12"),
    ("Y", (11,), "Y is not a year group we import: enter 11"),
    ("15", (11, 12, 13), "15 is not a year group we import: enter 11 to 13"),
    ("10", (11, 12, 13, 14), "10 is not a year group we import: enter 11 to 14"),
])
def test_a_year_group_we_do_not_import(value, allowed, message):
    with pytest.raises(Invalid) as error:
        f.parse_year_group(value, allowed)
    assert error.value.message == message


def test_text_up_to_its_limit():
    assert f.text(" Ada ", "Forename") == "Ada"
    assert f.text("a" * 100, "Forename") == "a" * 100
    with pytest.raises(Invalid, match="^Forename must be 100 characters or fewer: it has 101$"):
        f.text("a" * 101, "Forename")
    assert f.text("a" * 200, "Course", 200) == "a" * 200


def test_dates_in_messages_and_year_labels():
    assert f.show_date(date(2006, 3, 1)) == "01/03/2006"
    assert f.year_label(2022) == "2022-23"
    assert f.year_label(2099) == "2099-00"


@pytest.mark.parametrize("group, year, births", [
    (11, 2022, (date(2005, 9, 1), date(2008, 8, 31))),
    (12, 2022, (date(2004, 9, 1), date(2007, 8, 31))),
    (11, 2021, (date(2004, 9, 1), date(2007, 8, 31))),
])
def test_likely_births_for_a_year_group_are_its_year_with_a_year_either_side(group, year, births):
    assert f.expected_births(group, year) == births
