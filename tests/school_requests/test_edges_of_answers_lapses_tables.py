"""The rules the product runs on, each tested just inside and just outside its edge."""
from datetime import UTC, date, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from tep_app.services.school_requests.outcomes import (
    answer_state,
    has_details,
    has_outcome,
    lapse_date,
)
from tep_app.spreadsheets.tables import write_table
from tep_app.validation import Invalid, check_length


def _sheet(data: bytes):
    return load_workbook(BytesIO(data)).active


# The table writer used for the dashboard, audit and problem-report downloads

@pytest.mark.parametrize("text", ["=1+1", "+44 7700 900123", "-1", "@SUM(A1)"])
def test_a_cell_that_a_spreadsheet_would_read_as_a_formula_is_written_quoted(text):
    cell = _sheet(write_table(["Notes"], [(text,)]))["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", ["Alpha School", "1+1", " =1"])
def test_ordinary_text_is_written_without_the_quote(text):
    cell = _sheet(write_table(["Notes"], [(text,)]))["A2"]
    assert (cell.value, cell.quotePrefix) == (text, False)


def test_dates_and_times_are_written_with_their_formats():
    sheet = _sheet(write_table(["On", "At"], [(date(2022, 10, 31), datetime(2022, 10, 7, 9, 30, tzinfo=UTC))]))
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B2"].value == datetime(2022, 10, 7, 9, 30)


def test_a_dict_or_list_is_written_as_its_text():
    sheet = _sheet(write_table(["Before", "After"], [({"status": "open"}, ["a", "b"])]))
    assert (sheet["A2"].value, sheet["B2"].value) == ("{'status': 'open'}", "['a', 'b']")


@pytest.mark.parametrize("title", [None, ""])
def test_a_sheet_without_a_title_is_called_sheet1(title):
    assert _sheet(write_table(["A"], [], title=title)).title == "Sheet1"


def test_the_default_sheet_title_is_sheet1():
    assert _sheet(write_table(["A"], [])).title == "Sheet1"


# An activity lapses after a year (education, employment, training, re-engagement) or three months

@pytest.mark.parametrize("ascertained, group, lapses", [
    (date(2022, 10, 20), "re-engagement", date(2023, 10, 20)),
    (date(2022, 10, 20), "training", date(2023, 10, 20)),
    (date(2022, 10, 20), "other", date(2023, 1, 20)),
    (date(2022, 12, 15), "neet", date(2023, 3, 15)),  # into the next year
    (date(2022, 9, 15), "neet", date(2022, 12, 15)),  # to December, the same year
    (date(2022, 8, 31), "neet", date(2022, 11, 30)),  # no 31 November: the 30th
    (date(2023, 11, 30), "neet", date(2024, 2, 29)),  # a leap year's February
    (date(2022, 11, 29), "neet", date(2023, 2, 28)),
    (date(2024, 2, 29), "education", date(2025, 2, 28)),
])
def test_lapse_dates_at_the_month_and_year_ends(ascertained, group, lapses):
    assert lapse_date(ascertained, group) == lapses


def test_an_answer_too_long_is_refused_at_its_limit():
    assert check_length("x" * 10, "Provider", 10) == "x" * 10
    with pytest.raises(Invalid, match="^Provider must be 10 characters or fewer: it has 11$"):
        check_length("x" * 11, "Provider", 10)
    assert check_length("  spaced  ", "Provider", 6) == "spaced"
    assert check_length("   ", "Provider", 5) == ""
    assert check_length(None, "Provider", 5) == ""
    assert check_length(12345, "Provider", 5) == "12345"


@pytest.mark.parametrize("response, state", [
    (None, "not_started"),
    (SimpleNamespace(answered=False, activity_code="330", guarantee_code=None, moved=None), "draft"),
    (SimpleNamespace(answered=True, activity_code="330", guarantee_code=None, moved=None), "answered"),
    (SimpleNamespace(answered=True, activity_code=None, guarantee_code="110", moved=None), "answered"),
    (SimpleNamespace(answered=True, activity_code=None, guarantee_code=None, moved="abroad"), "answered"),
    (SimpleNamespace(answered=True, activity_code=None, guarantee_code=None, moved=None), "contact_only"),
])
def test_the_state_of_a_schools_answer(response, state):
    assert answer_state(response) == state


def test_outcome_and_details_from_a_form_or_a_row():
    assert has_outcome({"activity_code": None, "guarantee_code": "", "moved": "other_la"}) is True
    assert has_outcome({"activity_code": None, "guarantee_code": None, "moved": None}) is False
    blank = dict.fromkeys(("phone", "parent_phone", "email", "intelligence", "provider_name", "start_date"))
    assert has_details(blank) is False
    assert has_details({**blank, "intelligence": "Moved to Margate"}) is True
    assert has_details(SimpleNamespace(**{**blank, "start_date": date(2022, 9, 1)})) is True
