"""Write any table (headers and rows) to an .xlsx workbook with openpyxl's write-only mode.

Every text is first made one a spreadsheet can hold (`spreadsheet_text`, which every writer
uses): the control characters a workbook cannot store are dropped and it is cut at Excel's
32,767 characters, so no stored text can ever break an export.

No exported cell is ever a live formula: text that a spreadsheet would read as a formula
(starting with =, +, - or @) is written as text, with a leading apostrophe's worth of quoting
(the cell's `quotePrefix` style), so "=1+1" shows as typed.
"""
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
_MAX_SHEET_TITLE = 31
MAX_CELL_CHARS = 32_767
# The control characters no workbook may hold: openpyxl's ILLEGAL_CHARACTERS_RE (tab and newlines stay).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet can hold: without the control characters no workbook may contain
    (openpyxl's ILLEGAL_CHARACTERS_RE: tab and newlines stay), and no longer than Excel's cell."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


def _cell(sheet, value, write_only_cell):
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: write the stored UTC time
    if isinstance(value, (dict, list)):
        value = str(value)
    if isinstance(value, str):
        value = spreadsheet_text(value)
    cell = write_only_cell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def write_table(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Sheet1") -> bytes:
    """Return the bytes of an .xlsx file: one sheet, a bold header row, then the rows."""
    from openpyxl import Workbook  # noqa: PLC0415 -- openpyxl only when a spreadsheet is written
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- openpyxl only when a spreadsheet is written
    from openpyxl.styles import Font  # noqa: PLC0415 -- openpyxl only when a spreadsheet is written

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=spreadsheet_text(title or "Sheet1")[:_MAX_SHEET_TITLE])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header, WriteOnlyCell)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
