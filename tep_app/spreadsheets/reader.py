"""Read an uploaded .xlsx or .csv into a Table: headers, then numbered rows, with typed errors.

Reading happens in a child process with a memory cap and a time limit (sandbox.py), which runs
the parser (parse.py); every row and column limit is checked before the sheet is built. What comes
back has passed the input boundary in the child: every text cell loses its control characters (a
cell holding `_x0000_` reads as NUL), as a form field does.
"""
from pathlib import Path

from tep_app.spreadsheets.limits import MAX_COLUMNS
from tep_app.spreadsheets.parse import EXTENSIONS, SpreadsheetError, Table, cell_text, parse_table
from tep_app.spreadsheets.sandbox import parse_in_child

__all__ = ["SpreadsheetError", "Table", "cell_text", "parse_table", "read_table"]

MAX_FILE_BYTES = 100 * 1024 * 1024


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise SpreadsheetError(f"There is no file at {path}")
        if path.is_dir():
            raise SpreadsheetError(f"{path} is a folder, not a file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SpreadsheetError(f"The file is bigger than {MAX_FILE_BYTES // 1024 // 1024} MB. Split it and "
                                   "import each part.")
        return path.read_bytes()
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SpreadsheetError(f"The file is bigger than {MAX_FILE_BYTES // 1024 // 1024} MB")
        return data
    raise SpreadsheetError("The file could not be read")


def read_table(source, filename: str, *, max_rows: int, max_columns: int = MAX_COLUMNS,
               limits: tuple[int, int] | None = None) -> Table:
    """Read the first sheet of an .xlsx, or a UTF-8 .csv, into a Table, in a child process with a
    memory cap and a time limit (tep_app/spreadsheets/sandbox.py): a hostile file costs that
    short-lived process, never the caller.

    `source` is the file's bytes, a path, or a file object. Raises SpreadsheetError for a file
    that is not a spreadsheet, is empty, has a header and no rows, or is over the row or column
    limits, or that the child could not read within its limits. `limits` are the child's memory
    cap (MB) and time limit (s), from the app's settings when not given.
    """
    extension = Path(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise SpreadsheetError(f"The file must be an .xlsx or .csv spreadsheet: {filename or 'the file'} is not")
    data = _read_bytes(source)
    if not data.strip():
        raise SpreadsheetError("The file is empty")
    return parse_in_child(data, filename, max_rows=max_rows, max_columns=max_columns, limits=limits)
