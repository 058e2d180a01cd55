"""The pre-populated list a school fills in and uploads back (.xlsx).

Sheet 1 "Young people": the header in row 1, one row per young person. The first nine columns are
ours and locked (Reference, the list entry's id, ties an uploaded row back to its young person);
the rest are the school's, with a drop-down of destinations in plain words. The drop-down's list
is on the hidden sheet "Destinations" behind a named range, as it is longer than Excel allows
inline. Sheet 2 "About this list": the school, the deadline and how to fill in and return it.

The SpreadsheetML is written here directly (one string per row, the fixed parts once), because an
export writes a workbook for every school in the county and a general-purpose writer spends most
of its time on styles and temporary files. openpyxl and calamine read the result in the tests.

No cell is ever a live formula: there are no formula cells at all, text is written as inline
strings, and text starting with =, +, - or @ also gets the quote prefix style so a spreadsheet
keeps it as text when it is edited. Control characters a spreadsheet cannot hold are dropped.
"""
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

from tep_app.dates import long_date
from tep_app.spreadsheets.tables import spreadsheet_text

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
LIST_SHEET = "Young people"
ABOUT_SHEET = "About this list"
DESTINATIONS_SHEET = "Destinations"
DESTINATIONS_NAME = "DestinationList"

# (header, width, ours): "ours" columns are filled in by TEP and locked.
COLUMNS = (
    ("Reference", 11, True), ("UPN", 16, True), ("ULN", 12, True), ("Forename", 16, True),
    ("Surname", 18, True), ("Date of birth", 13, True), ("Year group", 10, True), ("Gender", 8, True),
    ("Postcode", 10, True), ("Destination", 44, False), ("Provider", 28, False), ("Start date", 12, False),
    ("Young person's phone", 20, False), ("Parent or carer's phone", 22, False), ("Email", 28, False),
    ("What you know", 50, False),
)
HEADERS = tuple(header for header, _width, _ours in COLUMNS)
DESTINATION_COLUMN = HEADERS.index("Destination") + 1
STATUS_HEADER = "September Guarantee status"
# The June (no-offer) list asks the September Guarantee question in the June web form's words: the
# status, who made the offer and when. The answer keeps them where the form does (the offer's
# provider and date in the provider and start date fields).
NO_OFFER_HEADERS = {"Destination": STATUS_HEADER, "Provider": "Provider of the offer",
                    "Start date": "Date of the offer"}
DATE_COLUMNS = {"Date of birth", "Start date"}
_LETTERS = [chr(ord("A") + n) for n in range(len(COLUMNS))]
_EXCEL_EPOCH = date(1899, 12, 30)

# Cell styles (indexes into cellXfs in _STYLES).
DEFAULT, HEADER, REFERENCE, LOCKED_QUOTED, LOCKED_DATE, OPEN, OPEN_DATE, HEADING, BOLD, WRAP = range(10)
OPEN_QUOTED, WRAP_QUOTED, BOLD_QUOTED = 10, 11, 12

@dataclass
class ListRow:
    reference: int
    upn: str | None
    uln: str | None
    forename: str
    surname: str
    date_of_birth: date | None
    year_group: int | None
    gender: str | None
    postcode: str | None
    destination: str | None = None  # plain words
    provider: str | None = None
    start_date: date | None = None
    phone: str | None = None
    parent_phone: str | None = None
    email: str | None = None
    what_you_know: str | None = None

    def values(self) -> tuple:
        return (self.reference, self.upn, self.uln, self.forename, self.surname, self.date_of_birth,
                self.year_group, self.gender, self.postcode, self.destination, self.provider, self.start_date,
                self.phone, self.parent_phone, self.email, self.what_you_know)


@dataclass
class ListSheet:
    school_name: str
    laestab: str
    title: str
    due_on: date
    rows: Iterable[ListRow]
    destinations: list[str]
    kind: str = "leavers"


def safe_text(value):
    """Text that a spreadsheet will never read as a formula: (value, needs quote prefix)."""
    if not isinstance(value, str):
        return value, False
    value = spreadsheet_text(value)
    return value, value.startswith(FORMULA_STARTS)


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_UNLOCK = '<protection locked="0"/>'
_WRAP = '<alignment vertical="top" wrapText="1"/>'


def _xf(num=0, font=0, fill=0, quote=False, inner="") -> str:
    attrs = f'numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
    attrs += ' applyNumberFormat="1"' if num else ""
    attrs += ' applyFont="1"' if font else ""
    attrs += ' applyFill="1"' if fill else ""
    attrs += ' quotePrefix="1"' if quote else ""
    attrs += ' applyAlignment="1"' if _WRAP in inner else ""
    attrs += ' applyProtection="1"' if _UNLOCK in inner else ""
    return f"<xf {attrs}>{inner}</xf>" if inner else f"<xf {attrs}/>"


_CELL_XFS = [
    _xf(), _xf(font=1, fill=3, inner=_WRAP), _xf(fill=2), _xf(quote=True), _xf(num=164),
    _xf(inner=_UNLOCK), _xf(num=164, inner=_UNLOCK), _xf(font=2, inner=_WRAP), _xf(font=1, inner=_WRAP),
    _xf(inner=_WRAP), _xf(quote=True, inner=_UNLOCK), _xf(quote=True, inner=_WRAP),
    _xf(font=1, quote=True, inner=_WRAP),
]
_STYLES = (
    f'{_XML}<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="16"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF3F2F1"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDEE0E2"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              for n in (1, 2, 3))
    + '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in (1, 2, 3))
    + '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/></Relationships>'
)
_MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'


def _text(ref: str, value: str, style: int, quoted_style: int) -> str:
    value, quoted = safe_text(value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return (f'<c r="{ref}" s="{quoted_style if quoted else style}" t="inlineStr">'
            f"<is><t{space}>{escape(value)}</t></is></c>")


def _cell(ref: str, value, style: int, quoted_style: int, date_style: int) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>' if style else ""
    if isinstance(value, str):
        return _text(ref, value, style, quoted_style)
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{date_style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'


# Per column: (style, quoted style, date style).
_COLUMN_STYLES = [
    (REFERENCE, LOCKED_QUOTED, LOCKED_DATE) if header == "Reference"
    else (DEFAULT, LOCKED_QUOTED, LOCKED_DATE) if ours else (OPEN, OPEN_QUOTED, OPEN_DATE)
    for header, _width, ours in COLUMNS
]


def headers_for(kind: str) -> tuple[str, ...]:
    """The list sheet's headers: the no-offer list asks for the September Guarantee status."""
    if kind != "no-offer":
        return HEADERS
    return tuple(NO_OFFER_HEADERS.get(header, header) for header in HEADERS)


def _list_sheet(rows: Iterable[ListRow], kind: str = "leavers") -> tuple[str, int]:
    parts = ['<row r="1">' + "".join(_text(f"{_LETTERS[n]}1", header, HEADER, HEADER)
                                     for n, header in enumerate(headers_for(kind))) + "</row>"]
    number = 1
    for row in rows:
        number += 1
        cells = "".join(_cell(f"{letter}{number}", value, *styles)
                        for letter, value, styles in zip(_LETTERS, row.values(), _COLUMN_STYLES, strict=False))
        parts.append(f'<row r="{number}">{cells}</row>')
    count, last = number - 1, max(number, 2)
    last_column, destination = _LETTERS[-1], _LETTERS[DESTINATION_COLUMN - 1]
    title, what, prompt = ((STATUS_HEADER, "a status", "Choose their September Guarantee status from the list.")
                           if kind == "no-offer" else
                           ("Destination", "a destination", "Choose what this young person is doing from the list."))
    cols = "".join(f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
                   for n, (_header, width, _ours) in enumerate(COLUMNS, start=1))
    xml = (
        f'{_XML}<worksheet {_NS} {_R_NS}><dimension ref="A1:{last_column}{number}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
        '<selection pane="topRight"/><selection pane="bottomLeft"/>'
        '<selection pane="bottomRight" activeCell="J2" sqref="J2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(parts)}</sheetData>'
        # Locked columns guard our data against slips; filtering and resizing stay allowed. No
        # password: this is a guard, not a secret.
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" autoFilter="0"/>'
        f'<autoFilter ref="A1:{last_column}{last}"/>'
        '<dataValidations count="1"><dataValidation type="list" errorStyle="stop" allowBlank="1" '
        f'showInputMessage="1" showErrorMessage="1" errorTitle="{title}" '
        f'error="Choose {what} from the list." promptTitle="{title}" '
        f'prompt="{prompt}" sqref="{destination}2:{destination}{last}">'
        f"<formula1>{DESTINATIONS_NAME}</formula1></dataValidation></dataValidations>{_MARGINS}</worksheet>"
    )
    return xml, count


def _about_lines(data: ListSheet, count: int) -> list[tuple[str, int]]:
    due = long_date(data.due_on)
    what = ("the destination each young person has gone on to" if data.kind == "leavers"
            else "what you know about each pupil's plans for September")
    return [
        (data.title, HEADING),
        (f"{data.school_name} (LAESTAB {data.laestab})", BOLD),
        (f"Return by {due}", BOLD),
        (f"{count:,} young {'person' if count == 1 else 'people'} on this list.", WRAP),
        ("", WRAP),
        ("How to fill it in", BOLD),
        (f"On the Young people sheet, tell us {what}.", WRAP),
        ("Choose a status from the drop-down list in the September Guarantee status column, or 'Moved "
         "away' if they have left Kent." if data.kind == "no-offer" else
         "Choose a destination from the drop-down list in the Destination column.", WRAP),
        ("Add who made the offer (school, college, employer or training provider) and the date of the offer "
         "if you know them." if data.kind == "no-offer" else
         "Add the provider (college, employer or training provider) and the start date if you know them.", WRAP),
        ("Add the young person's phone number and a parent or carer's phone number: these help us most.", WRAP),
        ("Write anything else you know in What you know, for example 'moved to Scotland' or 'not known "
         "to us'.", WRAP),
        ("Leave a row blank if you know nothing about that young person.", WRAP),
        ("Do not change the Reference column or add rows: the first nine columns are locked.", WRAP),
        ("", WRAP),
        ("How to return it", BOLD),
        ("Open the secure link in the email we sent you, confirm with the code we email to you, and "
         "upload this file on your list's page.", WRAP),
        (f"Please return it as soon as you can, and by {due} at the latest.", WRAP),
        ("Do not send this file by email: it holds personal data.", WRAP),
    ]


def _about_sheet(data: ListSheet, count: int) -> str:
    rows = []
    for number, (text, style) in enumerate(_about_lines(data, count), start=1):
        quoted = BOLD_QUOTED if style in (HEADING, BOLD) else WRAP_QUOTED
        cell = _text(f"A{number}", text, style, quoted) if text else ""
        rows.append(f'<row r="{number}">{cell}</row>')
    return (f'{_XML}<worksheet {_NS} {_R_NS}><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="110" customWidth="1"/></cols>'
            f'<sheetData>{"".join(rows)}</sheetData>{_MARGINS}</worksheet>')


@lru_cache(maxsize=8)
def _destinations_sheet(destinations: tuple[str, ...]) -> str:
    rows = "".join(f'<row r="{n}">{_text(f"A{n}", words, DEFAULT, LOCKED_QUOTED)}</row>'
                   for n, words in enumerate(destinations, start=1))
    return (f'{_XML}<worksheet {_NS} {_R_NS}><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            f"<sheetData>{rows}</sheetData>{_MARGINS}</worksheet>")


def _workbook(last_row: int, destinations: int) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}"{state} r:id="rId{n}"/>'
        for n, (name, state) in enumerate(((LIST_SHEET, ""), (ABOUT_SHEET, ""),
                                           (DESTINATIONS_SHEET, ' state="hidden"')), start=1)
    )
    return (
        f'{_XML}<workbook {_NS} {_R_NS}><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>"
        f"<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">"
        f"'{LIST_SHEET}'!$A$1:${_LETTERS[-1]}${last_row}</definedName>"
        f"<definedName name=\"{DESTINATIONS_NAME}\">'{DESTINATIONS_SHEET}'!$A$1:$A${max(destinations, 1)}"
        "</definedName></definedNames></workbook>"
    )


def write_list_workbook(data: ListSheet) -> bytes:
    """The bytes of one school's pre-populated .xlsx."""
    list_xml, count = _list_sheet(data.rows, data.kind)
    destinations = tuple(data.destinations)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _workbook(max(count + 1, 2), len(destinations)),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": list_xml,
        "xl/worksheets/sheet2.xml": _about_sheet(data, count),
        "xl/worksheets/sheet3.xml": _destinations_sheet(destinations),
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
