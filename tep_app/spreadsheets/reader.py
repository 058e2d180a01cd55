"""Read an uploaded .xlsx or .csv into a Table: headers, then numbered rows, with typed errors.

Row numbers are the ones a user sees in Excel: the header is row 1. Blank rows are skipped.
Cells that hold a formula are listed in `Table.formulas` as (row number, column index), so the
caller can refuse them where a value is expected.
"""
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

EXTENSIONS = (".xlsx", ".csv")
_ZIP_MAGIC = b"PK\x03\x04"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
# A sheet with formulas has an element ending "</f>" (or "</x:f>"): a formula's text, which a
# shared formula's other cells ("<f t=... />") refer to; or an empty "<f/>". The letter f is
# rare in sheet markup, so looking for these is far quicker than the pattern, which then decides.
_FORMULA_HINTS = (b"f>", b"f/")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


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


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise SpreadsheetError(f"There is no file at {path}")
        if path.is_dir():
            raise SpreadsheetError(f"{path} is a folder, not a file")
        return path.read_bytes()
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        return source.read()
    raise SpreadsheetError("The file could not be read")


def read_table(source, filename: str, *, max_rows: int) -> Table:
    """Read the first sheet of an .xlsx, or a UTF-8 .csv, into a Table.

    `source` is the file's bytes, a path, or a file object. Raises SpreadsheetError for a file
    that is not a spreadsheet, is empty, has a header and no rows, or has more than max_rows rows.
    """
    extension = Path(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise SpreadsheetError(f"The file must be an .xlsx or .csv spreadsheet: {filename or 'the file'} is not")
    data = _read_bytes(source)
    if not data.strip():
        raise SpreadsheetError("The file is empty")
    if extension == ".xlsx":
        headers, rows, formulas = _read_xlsx(data, filename)
    else:
        headers, rows, formulas = _read_csv(data, filename)
    while headers and headers[-1] == "":
        headers.pop()
    if not any(headers):
        raise SpreadsheetError("The file is empty: row 1 must hold the column headings")
    if not rows:
        raise SpreadsheetError("The file has column headings but no rows of data")
    if len(rows) > max_rows:
        raise SpreadsheetError(f"The file has {len(rows):,} rows: the most one import takes is {max_rows:,}. "
                               "Split it and import each part.")
    return Table(headers, rows, formulas)


def _has_value(value) -> bool:
    return value is not None and value != "" and not (value.__class__ is str and not value.strip())


def _numbered_rows(raw_rows, text_only: bool = False) -> list[tuple[int, list]]:
    """(row number, values) for every row with something in it; row 1 is the header."""
    if text_only:
        return [(number, values) for number, values in enumerate(raw_rows, start=2) if "".join(values).strip()]
    return [(number, values) for number, values in enumerate(raw_rows, start=2)
            if any(values) and any(map(_has_value, values))]


def _read_xlsx(data: bytes, filename: str):
    if not data.startswith(_ZIP_MAGIC):
        raise SpreadsheetError(f"{filename} is not an Excel .xlsx file. Save it as .xlsx or .csv and try again.")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise SpreadsheetError("The file is empty: it has no sheets")
        values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError(f"{filename} is not an Excel .xlsx file we can read. Save it as .xlsx or .csv "
                               "and try again.") from None
    if not values:
        raise SpreadsheetError("The file is empty")
    headers = [cell_text(value) for value in values[0]]
    rows = _numbered_rows(values[1:])
    return headers, rows, _xlsx_formulas(data)


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet = workbook.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
        rel_id = sheet.get(f"{_REL_NS}id")
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, AttributeError):
        return None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _xlsx_formulas(data: bytes) -> set[tuple[int, int]]:
    """(row number, column index) of every formula cell in the first sheet, from the sheet XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _first_sheet_path(archive)
            if path is None:
                return set()
            xml = archive.read(path)
    except (KeyError, zipfile.BadZipFile):
        return set()
    if not any(hint in xml for hint in _FORMULA_HINTS) or not _FORMULA_TAG.search(xml):
        return set()
    found = set()
    for _, element in ElementTree.iterparse(io.BytesIO(xml)):
        if element.tag == f"{_MAIN_NS}c":
            if element.find(f"{_MAIN_NS}f") is not None:
                match = _CELL_REF.match(element.get("r", ""))
                if match:
                    found.add((int(match.group(2)), _column_index(match.group(1))))
            element.clear()
    return found


def _read_csv(data: bytes, filename: str):
    if data.startswith(_ZIP_MAGIC) or data.startswith(b"%PDF") or b"\x00" in data[:4096]:
        raise SpreadsheetError(f"{filename} is not a CSV file. Save it as CSV UTF-8 or .xlsx and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(f"{filename} is not a CSV file saved as UTF-8. Save it as CSV UTF-8 and "
                               "try again.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        raw = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise SpreadsheetError(f"{filename} is not a CSV file we can read") from None
    if not raw:
        raise SpreadsheetError("The file is empty")
    headers = [value.strip() for value in raw[0]]
    rows = _numbered_rows(raw[1:], text_only=True)
    formulas = set()
    if "=" in text:
        formulas = {(number, index) for number, values in rows
                    for index, value in enumerate(values) if value.startswith("=")}
    return headers, rows, formulas
