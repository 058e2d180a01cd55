"""The rules the product runs on, each tested just inside and just outside its edge."""
from datetime import date, datetime, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tep_app.spreadsheets.tables import write_table


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
    sheet = _sheet(write_table(["On", "At"], [(date(2022, 10, 31), datetime(2022, 10, 7, 9, 30, tzinfo=timezone.utc))]))
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
