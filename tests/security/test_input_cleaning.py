"""The pure parts of the input boundary, over generated text: cleaning keeps every character but
the control ones, numbers and dates never raise, and whatever text is stored, a table of it opens."""
import unicodedata
from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tep_app.demo.xlsx import write_xlsx
from tep_app.spreadsheets.tables import spreadsheet_text, write_table
from tep_app.validation import INT_MAX, clean_text, optional_id, real_date, whole_number

KEPT_CONTROLS = "\t\n\r"


@given(st.text())
def test_cleaning_drops_only_control_characters_and_keeps_the_rest_in_order(text):
    cleaned = clean_text(text)
    assert cleaned == "".join(c for c in text if unicodedata.category(c) != "Cc" or c in KEPT_CONTROLS)
    assert clean_text(cleaned) == cleaned


@given(st.one_of(st.text(), st.integers(), st.none()))
def test_a_whole_number_is_within_the_databases_integer_or_none(value):
    number = whole_number(value)
    assert number is None or 0 <= number <= INT_MAX
    identifier = optional_id(value)
    assert identifier is None or 1 <= identifier <= INT_MAX


def test_whole_numbers_as_typed():
    assert [whole_number(v) for v in (" 12 ", "+7", "2147483647", "2147483648", "-1", "1e999", "1.0", "")] == [
        12, 7, INT_MAX, None, None, None, None, None]


@given(st.text(max_size=25), st.text(max_size=25), st.text(max_size=25))
def test_a_date_inputs_parts_are_a_date_or_none_never_an_error(day, month, year):
    found = real_date(day, month, year)
    assert found is None or 1000 <= found.year <= 9999


def test_real_dates_as_typed():
    assert [real_date(*parts) for parts in (("29", "2", "2028"), ("29", "2", "2027"), ("0", "0", "0000"),
                                            ("1", "1", "99999999999999999999"), ("31", "12", "9999"),
                                            ("1", "1", "999"))] == [
        real_date("29", "2", "2028"), None, None, None, real_date("31", "12", "9999"), None]
    assert real_date("29", "2", "2028").isoformat() == "2028-02-29"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=5))
def test_any_text_written_to_a_table_opens(texts):
    sheet = load_workbook(BytesIO(write_table(["Text"], [(text,) for text in texts]))).active
    read = [row[0] or "" for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML reads a carriage return as a newline; a workbook holds every other character written.
    expected = [spreadsheet_text(text).replace("\r\n", "\n").replace("\r", "\n") for text in texts]
    assert [value.replace("\r\n", "\n").replace("\r", "\n") for value in read] == expected


def test_the_demo_writer_drops_what_a_workbook_cannot_hold(tmp_path):
    path = write_xlsx(tmp_path / "demo.xlsx", ["Notes"], [[f"a{chr(0)}b{chr(11)}c\td"]])
    assert load_workbook(path).active["A2"].value == "abc\td"
