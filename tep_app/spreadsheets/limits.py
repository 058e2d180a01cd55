"""Checks on an .xlsx before any sheet is read, so a hostile file is refused while it is cheap.

An .xlsx is a zip of XML parts. Before the sheet is handed to the reader, which would build the
whole rectangle from A1 to the furthest cell, this checks:
- the archive: the number of entries and each entry's and the total uncompressed size;
- the sheet's declared dimension (`<dimension ref="A1:XFD1048576"/>`);
- every row and cell the sheet really has, by streaming its XML in chunks and stopping at the
  first one beyond the row or column limit (so a sheet with cells only at A1 and XFD1048576
  costs a few kilobytes, not 512 GB), and noting formula cells on the way;
- that no part declares a DOCTYPE (entity tricks such as billion laughs need one).
"""
import re
import zipfile
from functools import lru_cache
from xml.etree import ElementTree

MAX_ENTRIES = 500
MAX_ENTRY_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024  # workbook.xml and its relationships
MAX_COLUMNS = 100
CHUNK = 1024 * 1024
MAX_TAG_BYTES = 1024 * 1024

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_TAG = re.compile(_PREFIX + rb"(row|c|f)(?=[\s/>])([^>]*)>")
_REF_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Z]{0,4})([0-9]{0,8})["\']')
# The quick pass, for sheets whose cells and rows name their place first (as Excel writes them):
# every cell and row reference of a chunk at once.
_CELL_REFS = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,8})"')
_ROW_REFS = re.compile(rb'<row r="([0-9]{1,8})"')
# What the quick pass cannot do: a formula, a cell or row that does not start with its place, or
# any of them with a namespace prefix.
_NEEDS_DETAIL = re.compile(rb'<(?:f(?=[\s/>])|c(?=[\s/>])(?! r="[A-Z])|row(?=[\s/>])(?! r="[0-9])'
                           rb'|[A-Za-z_][\w.-]*:(?:c|row|f)(?=[\s/>]))')
_DIMENSION = re.compile(_PREFIX + rb'dimension\s+ref\s*=\s*["\']([A-Z]{0,4})([0-9]{0,8})'
                        rb'(?::([A-Z]{0,4})([0-9]{0,8}))?["\']')


class LimitExceeded(Exception):
    """A file over a limit; the message is written for the user."""


def column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _too_many_rows(max_rows: int) -> LimitExceeded:
    return LimitExceeded(f"The file has more than {max_rows:,} rows: the most one import takes is {max_rows:,}. "
                         "Split it and import each part.")


def _too_many_columns(max_columns: int, found: int) -> LimitExceeded:
    return LimitExceeded(f"The file has cells in column {column_letters(found - 1)}: the most it may have is "
                         f"{max_columns} columns (up to column {column_letters(max_columns - 1)}). Delete the "
                         "columns you do not need and try again.")


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive with too many entries or that would expand too far."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise LimitExceeded(f"The file has {len(entries):,} parts inside it: a spreadsheet has far fewer. "
                            "Save it again as .xlsx or .csv and try again.")
    total = 0
    for info in entries:
        total += info.file_size
        if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
            raise LimitExceeded(f"The file would expand to more than {MAX_TOTAL_BYTES // 1024 // 1024} MB when "
                                "opened. Save it as .csv, or split it, and try again.")


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise LimitExceeded(f"The file's {name} part is too big to be a spreadsheet's")
    data = archive.read(info)
    _refuse_doctype(data[:65536])
    return data


def _refuse_doctype(head: bytes) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise LimitExceeded("The file holds XML this service does not accept (a DOCTYPE). Save it again "
                            "from Excel as .xlsx, or as .csv, and try again.")


def first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    try:
        workbook = ElementTree.fromstring(_read_part(archive, "xl/workbook.xml"))
        sheet = workbook.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
        rel_id = sheet.get(f"{_REL_NS}id")
        rels = ElementTree.fromstring(_read_part(archive, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, AttributeError):
        return None
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def check_dimension(head: bytes, max_rows: int, max_columns: int) -> None:
    """Refuse a sheet whose declared size is over the limits (it may also be false: scan_sheet checks)."""
    match = _DIMENSION.search(head)
    if not match:
        return
    last_letters, last_row = (match.group(3), match.group(4)) if match.group(3) is not None else match.group(1, 2)
    if last_row and int(last_row) > max_rows + 1:
        raise _too_many_rows(max_rows)
    if last_letters and column_index(last_letters.decode()) >= max_columns:
        raise _too_many_columns(max_columns, column_index(last_letters.decode()) + 1)


def scan_sheet(stream, max_rows: int, max_columns: int) -> set[tuple[int, int]]:
    """Stream the sheet XML; stop at the first row or column over the limit. Returns the formula
    cells as (row number, column index). Rows and cells without an `r` follow the one before."""
    formulas: set[tuple[int, int]] = set()
    row, column, tail, first = 0, -1, b"", True
    while True:
        chunk = stream.read(CHUNK)
        if first:
            _refuse_doctype(chunk[:65536])
            check_dimension(chunk[:65536], max_rows, max_columns)
            first = False
        if not chunk:
            break
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut == -1 or buffer.find(b">", cut) != -1:
            cut = len(buffer)
        tail = buffer[cut:]
        if len(tail) > MAX_TAG_BYTES:
            raise LimitExceeded("The file is not a spreadsheet we can read. Save it again as .xlsx or .csv.")
        if _NEEDS_DETAIL.search(buffer, 0, cut):
            row, column = _scan_detail(buffer, cut, row, column, max_rows, max_columns, formulas)
        else:
            row, column = _scan_quick(buffer, cut, row, column, max_rows, max_columns)
    return formulas


@lru_cache(maxsize=8)
def _beyond(max_rows: int, max_columns: int) -> tuple[re.Pattern, re.Pattern]:
    """What the quick pass searches a chunk for: a cell in a column past the limit, and the cells
    whose row number has as many digits as the first row past the limit (only those can be past it).
    A sheet within the limits has neither, so the search makes no object for each cell."""
    first = column_letters(max_columns)
    same_length = [first] + [f"{first[:place]}[{chr(ord(letter) + 1)}-Z][A-Z]{{{len(first) - place - 1}}}"
                             for place, letter in enumerate(first) if letter != "Z"]
    wider = f"[A-Z]{{{len(first) + 1},4}}|" if len(first) < 4 else ""
    columns = re.compile(rf'<c r="(?:{wider}{"|".join(same_length)})[0-9]{{1,8}}"'.encode())
    digits = len(str(max_rows + 2))
    rows = re.compile(rf'<c r="[A-Z]{{1,4}}(?=[0-9]{{1,8}}")0*([1-9][0-9]{{{digits - 1},}})"'.encode())
    return columns, rows


def _last(buffer: bytes, cut: int, start: bytes, pattern: re.Pattern) -> re.Match | None:
    """The last match of `pattern` (which begins with `start`) before `cut`."""
    end = cut
    while (place := buffer.rfind(start, 0, end)) != -1:
        match = pattern.match(buffer, place, cut)
        if match:
            return match
        end = place
    return None


def _scan_quick(buffer: bytes, cut: int, row: int, column: int, max_rows: int, max_columns: int):
    """Every cell here names its place: check the widest column and the lowest row in one go."""
    beyond_columns, long_rows = _beyond(max_rows, max_columns)
    if beyond_columns.search(buffer, 0, cut):
        cells = _CELL_REFS.findall(buffer, 0, cut)
        widest = max(column_index(letters.decode()) for letters in {letters for letters, _ in cells})
        raise _too_many_columns(max_columns, widest + 1)
    if any(int(number) > max_rows + 1 for number in long_rows.findall(buffer, 0, cut)):
        raise _too_many_rows(max_rows)
    cell = _last(buffer, cut, b'<c r="', _CELL_REFS)
    if cell:
        row, column = int(cell.group(2)), column_index(cell.group(1).decode())
    last_row = _last(buffer, cut, b'<row r="', _ROW_REFS)
    if last_row and int(last_row.group(1)) != row:
        row, column = int(last_row.group(1)), -1
    return row, column


def _scan_detail(buffer: bytes, cut: int, row: int, column: int, max_rows: int, max_columns: int,
                 formulas: set) -> tuple[int, int]:
    """Tag by tag: for formulas, and for cells and rows that take their place from the one before."""
    for match in _TAG.finditer(buffer, 0, cut):
        tag, attributes = match.group(1), match.group(2)
        if tag == b"f":
            formulas.add((row, column))
            continue
        ref = _REF_ATTR.search(attributes)
        if tag == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            column = -1
            continue
        if ref and ref.group(1):
            column = column_index(ref.group(1).decode())
            if ref.group(2):
                row = int(ref.group(2))
        else:
            column += 1
        if row > max_rows + 1:
            raise _too_many_rows(max_rows)
        if column >= max_columns:
            raise _too_many_columns(max_columns, column + 1)
    return row, column
