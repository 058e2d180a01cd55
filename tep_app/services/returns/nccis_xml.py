"""The monthly NCCIS return: a month-end snapshot written as the requirement's XML, and checked.

The return is made from a snapshot (services/returns/snapshots.py): each row's cohort status, LA
codes, current activity with its dates and currency, EHCP and September Guarantee status, as taken
at the month's end and never changed. Only who the young person is (names, date of birth, gender,
UPN, ULN, address and postcode) is read from their record as it is now, so a name put right after
the month's end is returned right. The layout is the project's XSD (schema/nccis.xsd, the project's
reading of the requirement); the settings it rests on are requirement.py's.

`build_return(snapshot)` reads the records and checks them (services/returns/nccis_errors.py);
`write_xml(nccis_return, target)` writes the file element by element (lxml's incremental writer),
and `validate_xml(source)` checks a file against the XSD while reading it, so neither holds the
whole document in memory.
"""
import calendar
import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date, month_and_year
from tep_app.extensions import db
from tep_app.models import ActivityCode, GuaranteeStatus, YoungPerson
from tep_app.models.returns import Snapshot, SnapshotRow
from tep_app.services.returns import requirement as req
from tep_app.services.returns.nccis_errors import CodeLists, NccisError, check_records
from tep_app.validation import Invalid, check_gender, check_month, check_postcode, check_uln, check_upn, clean_text

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "nccis.xsd"
ROOT, HEADER, PEOPLE, PERSON = "NCCISReturn", "Header", "YoungPersons", "YoungPerson"
# The most XSD failures a report lists: past the first few, more say nothing new.
MOST_FILE_ERRORS = 20


@dataclass(slots=True)
class ReturnRecord:
    """One young person in the return: a snapshot row with who they are, from their record."""

    young_person_id: int
    found: bool  # their record is still held (a merge or an erasure may have removed it)
    given_name: str | None
    middle_name: str | None
    family_name: str | None
    display_name: str
    dob: date | None
    gender: str | None
    upn: str | None
    uln: str | None
    address: str | None
    postcode: str | None
    ehcp: bool
    academic_age: int
    year_group: int | None
    cohort_status: str
    lead_la: str
    transferred_to_la: str | None
    activity_code: str
    held: bool  # an activity was recorded (not a code the snapshot gave for want of one)
    currency_lapsed: bool
    start_date: date | None
    ascertained_on: date | None
    due_to_lapse_on: date | None
    neet_start_date: date | None
    sg_status: str | None
    sg_recorded_on: date | None
    # Element name -> why the value held was left out of the file (not in the requirement's format).
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def young_persons_id(self) -> str:
        return req.young_persons_id(self.young_person_id)


@dataclass
class NccisReturn:
    snapshot: Snapshot
    records: list[ReturnRecord]
    errors: list[NccisError] = field(default_factory=list)

    @property
    def as_of(self) -> date:
        return self.snapshot.as_of

    @property
    def valid(self) -> bool:
        return not self.errors


class MonthRefused(ValueError):
    """A month with no return: the message says why, in words for the user."""


def month_end_of(month: str) -> date:
    """The last day of a month written YYYY-MM; `Invalid` for anything else."""
    first = check_month(month)
    return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


def snapshot_for_month(month: str) -> Snapshot:
    """The snapshot taken at the end of the month (YYYY-MM), or `MonthRefused` saying why not."""
    try:
        end = month_end_of(month)
    except Invalid as error:
        raise MonthRefused(error.message) from None
    snapshot = db.session.scalar(select(Snapshot).where(Snapshot.as_of == end))
    if snapshot is None:
        raise MonthRefused(f"No snapshot was taken at the end of {month_and_year(end)}: the return is made "
                           f"from the snapshot of {long_date(end)}")
    return snapshot


def month_snapshots() -> list[Snapshot]:
    """The snapshots taken at a month's end, newest first: the months a return can be made for."""
    snapshots = db.session.scalars(select(Snapshot).order_by(Snapshot.as_of.desc()))
    return [s for s in snapshots if s.as_of.day == calendar.monthrange(s.as_of.year, s.as_of.month)[1]]


def month_of(snapshot: Snapshot) -> str:
    return f"{snapshot.as_of:%Y-%m}"


def _text(value: str | None) -> str | None:
    """Text from a record, trimmed; a control character (which XML cannot hold) removed."""
    if not value:
        return None
    cleaned = (value if value.isprintable() else clean_text(value)).strip()
    return cleaned or None


# The identifiers a record holds that the XSD restricts, each with the one check of its kind.
FORMAT_CHECKS = {"Gender": check_gender, "UPN": check_upn, "ULN": check_uln, "Postcode": check_postcode}


def _formatted(name: str, value: str | None, left_out: dict[str, str]) -> str | None:
    """The value in the requirement's format, or None (and why, in `left_out`) when it cannot be."""
    if value is None:
        return None
    try:
        return FORMAT_CHECKS[name](value)
    except Invalid as error:
        left_out[name] = error.message
        return None


def load_records(snapshot: Snapshot) -> list[ReturnRecord]:
    """The snapshot's rows in YoungPersonsID order, each with who the young person is now."""
    row, person = SnapshotRow, YoungPerson
    query = (
        select(row.young_person_id, person.id.label("found"), person.forename, person.middle_names, person.surname,
               person.preferred_forename, person.date_of_birth, person.gender, person.upn, person.uln,
               person.address, person.postcode, row.ehcp, row.academic_age, row.year_group, row.cohort_status,
               row.lead_la, row.transferred_to_la, row.activity_code, row.held_activity_code, row.currency_lapsed,
               row.activity_start_date, row.ascertained_on, row.due_to_lapse_on, row.neet_start_date,
               row.sg_status, row.sg_recorded_on)
        .outerjoin(person, person.id == row.young_person_id)
        .where(row.snapshot_id == snapshot.id)
        .order_by(row.young_person_id))
    records = []
    year_start = date(req.academic_year_of(snapshot.as_of), req.ACADEMIC_YEAR_START_MONTH, 1)
    for r in db.session.execute(query):
        held = r.held_activity_code is not None
        code = r.held_activity_code if held and r.currency_lapsed and req.RETURN_HELD_CODE_WHEN_LAPSED \
            else r.activity_code
        start = r.activity_start_date
        if not held and code == req.ON_ROLL_COMPULSORY_CODE:
            start = year_start
        given, family = _text(r.forename), _text(r.surname)
        left_out: dict[str, str] = {}
        as_held = (("Gender", r.gender), ("UPN", r.upn), ("ULN", r.uln), ("Postcode", r.postcode))
        identifiers = {name: _formatted(name, _text(value), left_out) for name, value in as_held}
        records.append(ReturnRecord(
            young_person_id=r.young_person_id, found=r.found is not None, given_name=given,
            middle_name=_text(r.middle_names), family_name=family,
            display_name=" ".join(part for part in (_text(r.preferred_forename) or given, family) if part)
            or f"Young person {r.young_person_id}",
            dob=r.date_of_birth, gender=identifiers["Gender"], upn=identifiers["UPN"], uln=identifiers["ULN"],
            address=_text(r.address), postcode=identifiers["Postcode"], ehcp=bool(r.ehcp), academic_age=r.academic_age,
            year_group=r.year_group, cohort_status=r.cohort_status, lead_la=r.lead_la,
            transferred_to_la=r.transferred_to_la, activity_code=code, held=held,
            currency_lapsed=bool(r.currency_lapsed), start_date=start,
            ascertained_on=r.ascertained_on, due_to_lapse_on=r.due_to_lapse_on, neet_start_date=r.neet_start_date,
            sg_status=r.sg_status, sg_recorded_on=r.sg_recorded_on, left_out=left_out))
    return records


def code_lists() -> CodeLists:
    activity = db.session.execute(select(ActivityCode.code, ActivityCode.is_neet, ActivityCode.needs_send)).all()
    year_12_only = db.session.scalars(select(GuaranteeStatus.code).where(GuaranteeStatus.year_12_only.is_(True)))
    return CodeLists(activity={code for code, _neet, _send in activity},
                     neet={code for code, neet, _send in activity if neet},
                     needs_send={code for code, _neet, send in activity if send},
                     guarantee_year_12_only=set(year_12_only))


def build_return(snapshot: Snapshot) -> NccisReturn:
    """The return of a snapshot, with its error report (the requirement's rules; not yet the XSD)."""
    records = load_records(snapshot)
    return NccisReturn(snapshot, records, check_records(records, snapshot.as_of, code_lists()))


# --- Writing ----------------------------------------------------------------------------------------
# The file is written as text, a young person at a time and a block of them per write: every value
# escaped for XML, in the XSD's order. (Building an element tree per young person takes three times
# as long for the same bytes.)
RECORDS_PER_WRITE = 1000


def _x(name: str, value: str | None) -> str:
    """<name>value</name>, or nothing for no value. Text read from records is cleaned of control
    characters when loaded (`_text`); here it is escaped."""
    if not value:
        return ""
    return f"<{name}>{value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</{name}>"


def _d(name: str, value: date | None) -> str:
    return f"<{name}>{value.isoformat()}</{name}>" if value else ""


def _address_lines(address: str | None) -> list[str]:
    if not address:
        return []
    lines = [part.strip() for part in address.replace("\n", ",").split(",") if part.strip()]
    if len(lines) > req.ADDRESS_LINES:
        lines = lines[:req.ADDRESS_LINES - 1] + [", ".join(lines[req.ADDRESS_LINES - 1:])]
    return lines


def _guarantee(record: ReturnRecord) -> str:
    if record.year_group not in req.GUARANTEE_YEAR_GROUPS:
        return ""
    name = f"SeptemberGuaranteeYear{record.year_group}"
    status = record.sg_status or req.GUARANTEE_NOT_RECORDED
    recorded = record.sg_recorded_on if record.sg_status else None
    return f"<{name}>{_x('StatusCode', status)}{_d('StatusDate', recorded)}</{name}>"


def person_xml(record: ReturnRecord) -> str:
    """One young person's <YoungPerson>, in the XSD's order."""
    lines = _address_lines(record.address)
    address = f"<Address>{''.join(_x('AddressLine', line) for line in lines)}</Address>" if lines else ""
    return "".join((
        "<YoungPerson>", _x("YoungPersonsID", record.young_persons_id), _x("GivenName", record.given_name),
        _x("MiddleName", record.middle_name), _x("FamilyName", record.family_name), _d("DOB", record.dob),
        _x("Gender", record.gender), _x("UPN", record.upn), _x("ULN", record.uln), address,
        _x("Postcode", record.postcode), _x("CohortStatus", record.cohort_status), _x("LeadLEA", record.lead_la),
        _x("TransferredToLEACode", record.transferred_to_la),
        "<CurrentActivity>", _x("ActivityCode", record.activity_code), _d("StartDate", record.start_date),
        _d("DateAscertained", record.ascertained_on), _d("DueToLapseDate", record.due_to_lapse_on),
        _x("CurrencyLapsed", "Y" if record.currency_lapsed else "N"), _d("NEETStartDate", record.neet_start_date),
        "</CurrentActivity>",
        "<Characteristics>", _x("SEND", "Y" if record.ehcp else "N"), "</Characteristics>",
        _guarantee(record), "</YoungPerson>\n"))


def _header(nccis_return: NccisReturn) -> str:
    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n', f"<{ROOT}>\n", f"<{HEADER}>",
        _x("LACode", req.LEAD_LA_CODE), _x("DatabaseID", req.DATABASE_ID), _d("PeriodEnd", nccis_return.as_of),
        _d("DateProduced", clock.today()), _x("RecordCount", str(len(nccis_return.records))), f"</{HEADER}>\n",
        f"<{PEOPLE}>\n"))


def write_xml(nccis_return: NccisReturn, target) -> None:
    """Write the return to `target`: a path, or a binary file open for writing."""
    if isinstance(target, (str, Path)):
        with open(target, "wb") as file:
            write_xml(nccis_return, file)
        return
    target.write(_header(nccis_return).encode("utf-8"))
    records = nccis_return.records
    for first in range(0, len(records), RECORDS_PER_WRITE):
        block = "".join(person_xml(record) for record in records[first:first + RECORDS_PER_WRITE])
        target.write(block.encode("utf-8"))
    target.write(f"</{PEOPLE}>\n</{ROOT}>\n".encode())


# --- Checking against the XSD -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def _rewind(source):
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _stream_failures(source) -> list[str]:
    """The XSD's failures while the file is read as a stream (libxml2 gives them no line here)."""
    try:
        for _event, element in etree.iterparse(_rewind(source), events=("end",), tag=PERSON, schema=schema(),
                                               resolve_entities=False, no_network=True, huge_tree=True):
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        messages = [f"{f'Line {entry.line}' if entry.line > 0 else 'The file'}: {entry.message}"
                    for entry in error.error_log]
        return messages[:MOST_FILE_ERRORS] or [f"The file: {error}"]
    return []


def _placed_failures(source) -> list[str]:
    """The header and each young person checked apart, so that a failure names its YoungPersonsID."""
    messages, header = [], None

    def check(element, where: str) -> None:
        document = etree.Element(ROOT)
        document.append(copy.deepcopy(header if header is not None else etree.Element(HEADER)))
        people = etree.SubElement(document, PEOPLE)
        if element is not None:
            people.append(copy.deepcopy(element))
        if not schema().validate(document):
            messages.extend(f"{where}: {entry.message}" for entry in schema().error_log)

    try:
        for _event, element in etree.iterparse(_rewind(source), events=("end",), tag=(HEADER, PERSON),
                                               resolve_entities=False, no_network=True, huge_tree=True):
            if element.tag == HEADER:
                header = element
                check(None, "Header")
                continue
            check(element, f"YoungPersonsID {element.findtext('YoungPersonsID')}")
            element.clear(keep_tail=True)
            if len(messages) >= MOST_FILE_ERRORS:
                break
    except etree.XMLSyntaxError:
        return []
    return messages[:MOST_FILE_ERRORS]


def validate_xml(source) -> list[str]:
    """The file's failures against the XSD in words, each placed by the YoungPersonsID it was found
    in (else "Header", a line or "The file"); [] when the file follows the XSD. Read as a stream, so
    the whole document is never held; only a file that fails is read again, a young person at a time."""
    failures = _stream_failures(source)
    if not failures:
        return []
    return _placed_failures(source) or failures


def file_errors(messages: Iterable[str]) -> list[NccisError]:
    words, priority = req.NCCIS_RULES["XSD"]
    return [NccisError("XSD", words, priority, None, None, None, message) for message in messages]
