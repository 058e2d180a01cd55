"""Writing a table to .xlsx: a real workbook, typed cells, and never a live formula."""
from datetime import UTC, date, datetime
from io import BytesIO

from openpyxl import load_workbook

from tep_app.spreadsheets.tables import write_table


def _read(data: bytes):
    return load_workbook(BytesIO(data)).active


def test_headers_and_rows_round_trip_with_their_types():
    sheet = _read(write_table(["School", "Sent", "Answered"], [
        ("Alpha School", datetime(2022, 10, 7, 9, 30, tzinfo=UTC), 3),
        ("Beta School", date(2022, 10, 31), None),
    ], title="Chase-up"))
    assert sheet.title == "Chase-up"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [("School", "Sent", "Answered"), ("Alpha School", datetime(2022, 10, 7, 9, 30), 3),
                    ("Beta School", datetime(2022, 10, 31), None)]
    assert sheet["A1"].font.bold


def test_text_that_looks_like_a_formula_stays_text():
    sheet = _read(write_table(["Notes"], [("=HYPERLINK(\"http://example.invalid\")",), ("+44 7700 900123",),
                                          ("-1",), ("@SUM(A1)",)]))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == ["=HYPERLINK(\"http://example.invalid\")", "+44 7700 900123", "-1",
                                              "@SUM(A1)"]
    assert {cell.data_type for cell in cells} == {"s"}


def test_a_long_title_is_cut_to_the_sheet_name_limit():
    assert _read(write_table(["A"], [], title="x" * 40)).title == "x" * 31
