"""A school's filled-in list, uploaded back: every row checked as the web form checks it.

All or nothing: a file with any problem saves nothing and reports every problem by row and
column. Rows left blank are skipped; rows for young people who are not on the school's list
are refused.

Only the sheet's columns are read, and only its filled-in cells: each row's answer holds the
fields of the cells the school filled in, checked and normalised as the web form does them. What
the file changes is decided when it is saved (answers.save_upload), field by field against what
is held: a blank cell, or a column the sheet does not have, never erases anything.
"""
import logging
import re
from dataclasses import dataclass, field

from tep_app import clock
from tep_app.models.collections import ListEntry
from tep_app.models.requests import SchoolRequest
from tep_app.services.answer_fields import SHEET_KEYS
from tep_app.services.destinations import normalise_words, outcome_fields, words_to_outcome
from tep_app.spreadsheets.reader import SpreadsheetError, read_table
from tep_app.validation import Invalid, check_email, check_length, check_phone, check_start_date, parse_date

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
NOT_ON_LIST = ("{name} is not on your list. Remove the row, or tell us about them in What you know "
               "for another young person.")

# Normalised header -> (key, the column's name as the template spells it). The leavers sheet and
# the June (no-offer) sheet share the answer's fields: the June sheet's "Date of the offer" is the
# field the June web form keeps the offer date in, as its "Start date" is for a leaver.
COLUMNS = {
    "reference": ("reference", "Reference"),
    "upn": ("upn", "UPN"),
    "forename": ("forename", "Forename"),
    "firstname": ("forename", "Forename"),
    "surname": ("surname", "Surname"),
    "lastname": ("surname", "Surname"),
    "destination": ("outcome", "Destination"),
    "septemberguaranteestatus": ("outcome", "September Guarantee status"),
    "status": ("outcome", "September Guarantee status"),
    "provider": ("provider_name", "Provider"),
    "provideroftheoffer": ("provider_name", "Provider of the offer"),
    "startdate": ("start_date", "Start date"),
    "dateoftheoffer": ("start_date", "Date of the offer"),
    "offerdate": ("start_date", "Date of the offer"),
    "youngpersonsphone": ("phone", "Young person's phone"),
    "youngpersonphone": ("phone", "Young person's phone"),
    "phone": ("phone", "Young person's phone"),
    "parentorcarersphone": ("parent_phone", "Parent or carer's phone"),
    "parentorcarerphone": ("parent_phone", "Parent or carer's phone"),
    "parentphone": ("parent_phone", "Parent or carer's phone"),
    "email": ("email", "Email"),
    "emailaddress": ("email", "Email"),
    "whatyouknow": ("intelligence", "What you know"),
    "notes": ("intelligence", "What you know"),
}
# The list's own locked columns that an upload does not need: read by no one, and not worth a word.
LOCKED_UNREAD = {"uln", "dateofbirth", "yeargroup", "gender", "postcode"}
LABELS = dict(COLUMNS.values())
LABELS["outcome"] = "Destination"


@dataclass
class UploadResult:
    answers: list[tuple[ListEntry, dict]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    skipped: int = 0  # rows with no answer cell filled in
    unread_columns: list[str] = field(default_factory=list)  # the file's headers no column reads

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append({"row": row, "column": column, "message": message})

    @property
    def ok(self) -> bool:
        return not self.problems


def _normalise_header(text) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _reference(value) -> int | None:
    if _blank(value):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return -1
    return int(number) if number.is_integer() else -1


def check_upload(school_request: SchoolRequest, entries: list[ListEntry], stream, filename: str) -> UploadResult:
    """Read and check a file against the school's list; nothing is saved here."""
    result = UploadResult()
    try:
        table = read_table(stream, filename, max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        result.problem(getattr(error, "row", None), getattr(error, "column", None), str(error))
        return result
    columns: dict[int, str] = {}
    labels: dict[str, str] = {}  # key -> the file's own heading, for messages
    for position, header in enumerate(table.headers):
        name = _normalise_header(header)
        known = COLUMNS.get(name)
        if known and known[0] not in columns.values():
            columns[position] = known[0]
            labels[known[0]] = str(header).strip()
        elif name and name not in LOCKED_UNREAD:
            result.unread_columns.append(str(header).strip())
    present = set(columns.values())
    if not present & {"reference", "upn"}:
        result.problem(1, None, "The file has no Reference or UPN column. Download your list again and "
                                "fill that file in.")
    if not present & set(SHEET_KEYS):
        result.problem(1, None, "The file has no answer columns (Destination, Provider, phones, What you know). "
                                "Download your list again and fill that file in.")
    if result.problems:
        return result
    by_id = {entry.id: entry for entry in entries}
    by_upn = {entry.young_person.upn.upper(): entry for entry in entries if entry.young_person.upn}
    kind = school_request.collection.kind
    destinations = words_to_outcome(kind)
    seen: dict[int, int] = {}
    formulas = getattr(table, "formulas", set())
    for row_number, values in table.rows:
        cells = {key: (values[pos] if pos < len(values) else None) for pos, key in columns.items()}
        formula = next((labels[key] for pos, key in columns.items()
                        if key in SHEET_KEYS and (row_number, pos) in formulas), None)
        if formula:
            result.problem(row_number, formula, "The cell holds a formula. Type the answer itself instead.")
            continue
        if all(_blank(cells.get(key)) for key in SHEET_KEYS):
            result.skipped += 1
            continue
        entry = _find_entry(result, row_number, cells, by_id, by_upn)
        if entry is None:
            continue
        if entry.id in seen:
            result.problem(row_number, "Reference", f"{entry.young_person.display_name} is also in row "
                                                     f"{seen[entry.id]}. Keep one row for each young person.")
            continue
        seen[entry.id] = row_number
        answer = _check_cells(result, row_number, cells, destinations, kind, labels)
        if answer is not None:
            result.answers.append((entry, answer))
    if result.problems:
        result.answers = []
    logger.info("upload checked for request %s: %s rows with answers, %s problems", school_request.id,
                len(result.answers), len(result.problems),
                extra={"school_request_id": school_request.id})
    return result


def _find_entry(result: UploadResult, row_number: int, cells: dict, by_id: dict, by_upn: dict) -> ListEntry | None:
    name = " ".join(str(cells.get(k) or "").strip() for k in ("forename", "surname")).strip()
    name = name or "The young person in this row"
    reference = _reference(cells.get("reference"))
    upn = str(cells.get("upn") or "").strip().upper()
    if reference is not None:
        entry = by_id.get(reference)
        if entry is None:
            result.problem(row_number, "Reference", NOT_ON_LIST.format(name=name))
            return None
        if upn and (entry.young_person.upn or "").upper() != upn:
            result.problem(row_number, "UPN", f"The UPN {upn} does not match Reference {reference}. "
                                              "Do not change the Reference or UPN columns.")
            return None
        return entry
    entry = by_upn.get(upn) if upn else None
    if entry is None:
        result.problem(row_number, "UPN" if upn else "Reference", NOT_ON_LIST.format(name=name))
    return entry


def _check_cells(result: UploadResult, row_number: int, cells: dict, destinations: dict, kind: str,
                 labels: dict) -> dict | None:
    """The row's filled-in cells as the answer's fields, checked and normalised as the web form does
    them; a blank cell or an absent column gives no field at all. None if a cell has a problem."""
    answer: dict = {}
    before = len(result.problems)

    def check(key, function):
        value = cells.get(key)
        if _blank(value):
            return
        try:
            answer[key] = function(value)
        except Invalid as error:
            result.problem(row_number, labels.get(key, LABELS[key]), str(error))

    words = cells.get("outcome")
    if not _blank(words):
        value = destinations.get(normalise_words(words))
        if value is None:
            what = "statuses" if kind == "no-offer" else "destinations"
            result.problem(row_number, labels["outcome"], f"'{str(words).strip()}' is not one of the {what}. "
                                                          "Choose one from the drop-down list.")
        else:
            answer.update(outcome_fields(value))
    date_label = labels.get("start_date", LABELS["start_date"])
    check("provider_name", lambda v: check_length(v, labels.get("provider_name", LABELS["provider_name"]), 200))
    check("start_date", lambda v: check_start_date(parse_date(v), clock.today(), date_label))
    check("phone", lambda v: check_phone(v, "the young person's phone number"))
    check("parent_phone", lambda v: check_phone(v, "the parent or carer's phone number"))
    check("email", check_email)
    check("intelligence", lambda v: check_length(v, labels.get("intelligence", LABELS["intelligence"]), 2000))
    return answer if len(result.problems) == before else None
