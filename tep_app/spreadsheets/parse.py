"""Parse an .xlsx or .csv into a Table, in this process: headers, then numbered rows, with typed
errors. Every row and column limit is checked (tep_app/spreadsheets/limits.py) before the sheet is
built. Uploads come here through reader.read_table, which runs this in a sandboxed child process.

Row numbers are the ones a user sees in Excel: the header is row 1. Blank rows are skipped.
Cells that hold a formula are listed in `Table.formulas` as (row number, column index), so the
caller can refuse them where a value is expected.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from python_calamine import CalamineWorkbook

from tep_app.spreadsheets import limits
from tep_app.spreadsheets.limits import MAX_COLUMNS

EXTENSIONS = (".xlsx", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetError(Exception):
    """A file we cannot read as a spreadsheet; the message is written for the user."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]
    formulas: set[tuple[int, int]] = field(default_factory=set)


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD, text stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


MAX_CELL_CHARS = 32_767


def parse_table(data: bytes, filename: str, *, max_rows: int, max_columns: int = MAX_COLUMNS) -> Table:
    """reader.read_table's work, in this process: every limit is checked before anything big is built."""
    extension = Path(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise SpreadsheetError(f"The file must be an .xlsx or .csv spreadsheet: {filename or 'the file'} is not")
    if not data.strip():
        raise SpreadsheetError("The file is empty")
    if extension == ".xlsx":
        headers, rows, formulas = _read_xlsx(data, filename, max_rows, max_columns)
    else:
        headers, rows, formulas = _read_csv(data, filename, max_rows, max_columns)
    _check_cell_lengths(headers, rows)
    while headers and headers[-1] == "":
        headers.pop()
    if not any(headers):
        raise SpreadsheetError("The file is empty: row 1 must hold the column headings")
    if not rows:
        raise SpreadsheetError("The file has column headings but no rows of data")
    if len(rows) > max_rows:
        raise _too_many_rows(len(rows), max_rows)
    return Table(headers, rows, formulas)


def _check_cell_lengths(headers: list, rows: list) -> None:
    """Excel itself holds at most 32,767 characters in a cell: a longer one is not a real answer."""
    for number, values in [(1, headers), *rows]:
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise SpreadsheetError(f"A cell in row {number} holds more than {MAX_CELL_CHARS:,} characters, "
                                       "more than Excel allows. Check the file and try again.", row=number,
                                       column=limits.column_letters(index))


def _too_many_rows(count: int, max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(f"The file has {count:,} rows: the most one import takes is {max_rows:,}. "
                            "Split it and import each part.")


def _has_value(value) -> bool:
    return value is not None and value != "" and not (value.__class__ is str and not value.strip())


def _numbered_rows(raw_rows) -> list[tuple[int, list]]:
    """(row number, values) for every row with something in it; row 1 is the header."""
    return [(number, values) for number, values in enumerate(raw_rows, start=2)
            if any(values) and any(map(_has_value, values))]


def _read_xlsx(data: bytes, filename: str, max_rows: int, max_columns: int):
    if not data.startswith(_ZIP_MAGIC):
        raise SpreadsheetError(f"{filename} is not an Excel .xlsx file. Save it as .xlsx or .csv and try again.")
    unreadable = SpreadsheetError(f"{filename} is not an Excel .xlsx file we can read. Save it as .xlsx or .csv "
                                  "and try again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_archive(archive)
            path = limits.first_sheet_path(archive)
            if path is None:
                raise unreadable
            with archive.open(path) as stream:
                formulas = limits.scan_sheet(stream, max_rows, max_columns)
    except limits.LimitExceeded as error:
        raise SpreadsheetError(str(error)) from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, NotImplementedError):
        raise unreadable from None
    # Only now, with every cell known to lie within the limits, may the reader build the sheet.
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SpreadsheetError("The file is empty: it has no sheets")
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
    except Exception:
        raise unreadable from None
    if not values:
        raise SpreadsheetError("The file is empty")
    headers = [cell_text(value) for value in values[0]]
    rows = _numbered_rows(values[1:])
    return headers, rows, formulas


def _read_csv(data: bytes, filename: str, max_rows: int, max_columns: int):
    if data.startswith(_ZIP_MAGIC) or data.startswith(b"%PDF") or b"\x00" in data[:4096]:
        raise SpreadsheetError(f"{filename} is not a CSV file. Save it as CSV UTF-8 or .xlsx and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(f"{filename} is not a CSV file saved as UTF-8. Save it as CSV UTF-8 and "
                               "try again.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise SpreadsheetError("The file is empty")
        if len(header) > max_columns:
            raise SpreadsheetError(f"The file has {len(header):,} columns: the most it may have is {max_columns}. "
                                   "Delete the columns you do not need and try again.")
        rows, count = [], 0
        for number, values in enumerate(reader, start=2):
            if not "".join(values).strip():
                continue
            count += 1
            if count <= max_rows:
                rows.append((number, values[:max_columns]))
        # Past the limit the rows are only counted, for the message: nothing more is kept.
        if count > max_rows:
            raise _too_many_rows(count, max_rows)
    except csv.Error:
        raise SpreadsheetError(f"{filename} is not a CSV file we can read") from None
    headers = [value.strip() for value in header]
    formulas = set()
    if "=" in text:
        formulas = {(number, index) for number, values in rows
                    for index, value in enumerate(values) if value.startswith("=")}
    return headers, rows, formulas
