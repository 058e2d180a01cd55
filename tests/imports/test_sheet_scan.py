"""The scan of an .xlsx sheet before it is read (spreadsheets/limits.py): a sheet whose cells all name
their place, as Excel writes them, is checked a chunk at a time, and still any one cell past the last
column or row allowed stops it, with the message naming the widest column."""
from io import BytesIO

import pytest

from tep_app.spreadsheets import limits

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def _sheet(rows: int, columns: int, extra: bytes = b"") -> BytesIO:
    """`rows` rows of `columns` cells, each naming its place, then `extra` in the middle of the sheet."""
    letters = [limits.column_letters(index) for index in range(columns)]
    body = [b'<row r="%d">' % number + b"".join(b'<c r="%s%d"><v>1</v></c>' % (letter.encode(), number)
                                                  for letter in letters) + b"</row>" for number in range(1, rows + 1)]
    body.insert(rows // 2, extra)
    return BytesIO(HEAD + b"".join(body) + TAIL)


def test_a_sheet_at_the_limits_is_accepted_and_has_no_formulas():
    assert limits.scan_sheet(_sheet(101, 26), max_rows=100, max_columns=26) == set()


def test_row_numbers_as_long_as_the_limit_are_accepted():
    assert limits.scan_sheet(_sheet(100_001, 1), max_rows=100_000, max_columns=1) == set()


@pytest.mark.parametrize(("extra", "message"), [
    (b'<row r="60"><c r="AA60"><v>1</v></c></row>', "cells in column AA: the most it may have is 26 columns"),
    (b'<row r="60"><c r="B60"><v>1</v></c><c r="BZ60"><v>1</v></c></row>', "cells in column BZ"),
    (b'<row r="60"><c r="AAAA60"><v>1</v></c></row>', "cells in column AAAA"),
    (b'<row r="102"><c r="A102"><v>1</v></c></row>', "more than 100 rows"),
    (b'<row r="7"><c r="A0000102"><v>1</v></c></row>', "more than 100 rows"),
    (b'<row r="7"><c r="C99999999"><v>1</v></c></row>', "more than 100 rows"),
])
def test_one_cell_past_the_limits_stops_the_sheet(extra, message):
    with pytest.raises(limits.LimitExceeded) as error:
        limits.scan_sheet(_sheet(101, 26, extra), max_rows=100, max_columns=26)
    assert message in str(error.value)


def test_a_column_past_the_limit_is_named_before_a_row_past_it():
    extra = b'<row r="500"><c r="A500"><v>1</v></c><c r="AB7"><v>1</v></c></row>'
    with pytest.raises(limits.LimitExceeded, match="column AB"):
        limits.scan_sheet(_sheet(50, 3, extra), max_rows=100, max_columns=26)


def test_a_row_past_the_limit_with_no_cells_stops_the_sheet_at_the_next_cell_without_a_place():
    extra = b'<row r="300"></row><row><c><v>1</v></c></row>'
    with pytest.raises(limits.LimitExceeded, match="more than 100 rows"):
        limits.scan_sheet(_sheet(50, 3, extra), max_rows=100, max_columns=26)
