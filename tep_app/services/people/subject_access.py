"""A young person's subject access export: everything the service holds about them, as a zip of a
readable report (dates in words) and the same data as JSON (dates in ISO 8601).

What is held is read from the one registry (services/people/personal_data.py): every table it
lists, every column of each row that reaches the young person, so a table added to the registry is
in the export without a change here. The emails that named them, if any, are added from the outbox.
The export is audited, with the reason the admin gave.
"""
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import render_template
from sqlalchemy import inspect, or_, select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import OutboxMessage, YoungPerson
from tep_app.services.audit import record_audit
from tep_app.services.labels import (
    REASON_WORDS,
    activity_words,
    guarantee_words,
    rule_words,
    staff_name,
    value_words,
)
from tep_app.services.people.personal_data import REGISTRY, Holding
from tep_app.validation import Invalid, check_length

REASON_MOST = 500
EMAILS = "outbox_message"

# Each table's heading in the report; a table without one is headed by its name in words.
TITLES = {
    "young_person": "Who they are",
    "school_record": "School records",
    "contact_detail": "Phone numbers and email addresses",
    "activity": "Activities (what they are doing)",
    "guarantee_record": "September Guarantee records",
    "case": "Cases",
    "contact_attempt": "Attempts to contact them",
    "list_entry": "Entries on schools' lists",
    "school_response": "What their school told us",
    "match_result": "Match results",
    "match_decision": "Match decisions",
    "enrolment": "College and provider enrolments matched to them",
    "offer": "September Guarantee offers matched to them",
    "import_warning": "Values an import left out",
    "audit_event": "Who viewed or changed their record",
    EMAILS: "Emails that named them",
}
# Columns read as words in the report (the JSON keeps the stored value).
_CODES = {"code": activity_words, "activity_code": activity_words, "guarantee_code": guarantee_words,
          "rule": rule_words}
_GUARANTEE_TABLES = ("guarantee_record", "offer")  # where "status" is a September Guarantee status
_HEADINGS = {"id": "Number", "upn": "UPN", "uln": "ULN", "ehcp": "EHCP", "ip": "IP address",
             "neet_start_date": "NEET start date"}
_WORD = re.compile(r"[a-z]+(_[a-z]+)+")
_STAFF = ("recorded_by_id", "staff_id", "officer_id", "decided_by_id")
_PLACES = {"establishment_id": "establishment_id", "provider_id": "establishment_id"}


class SubjectAccessError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Section:
    table: str
    title: str
    reach: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


@dataclass
class Export:
    filename: str
    content: bytes
    sections: list[Section]


def check_reason(value) -> str:
    """The reason for a subject access export or an erasure: required, and within its length."""
    text = (value or "").strip()
    if not text:
        raise SubjectAccessError("Enter the reason")
    try:
        return check_length(text, "The reason", REASON_MOST)
    except Invalid as error:
        raise SubjectAccessError(error.message) from None


def _columns(model) -> list[str]:
    return [attribute.key for attribute in inspect(model).column_attrs]


def _rows(model, condition, columns: list[str]) -> list[dict]:
    found = db.session.scalars(select(model).where(condition).order_by(model.id)).all()
    return [{name: getattr(row, name) for name in columns} for row in found]


def _section(entry: Holding, person_id: int) -> Section:
    columns = _columns(entry.model)
    return Section(entry.table, TITLES.get(entry.table, entry.table.replace("_", " ").capitalize()), entry.reach,
                   columns, _rows(entry.model, entry.rows_of([person_id]), columns))


def _emails(person: YoungPerson) -> Section:
    """Emails whose subject or text names them: their full name, or their UPN or ULN."""
    names = {f"{person.forename} {person.surname}"}
    if person.preferred_forename:
        names.add(f"{person.preferred_forename} {person.surname}")
    marks = [*names, *(value for value in (person.upn, person.uln) if value)]
    condition = or_(*(column.contains(mark, autoescape=True)
                      for mark in marks for column in (OutboxMessage.subject, OutboxMessage.body)))
    columns = ["id", "kind", "to_address", "subject", "body", "status", "sent_at", "created_at"]
    return Section(EMAILS, TITLES[EMAILS], "the subject or text names them", columns,
                   _rows(OutboxMessage, condition, columns))


def gather(person_id: int) -> list[Section]:
    """Every section of the export: each registered table's rows about the young person, then the
    emails that named them; the audit of who viewed or changed their record comes last."""
    person = db.session.get(YoungPerson, person_id)
    if person is None:
        raise SubjectAccessError("There is no young person with that number")
    sections = [_section(entry, person_id) for entry in REGISTRY]
    sections.append(_emails(person))
    return sorted(sections, key=lambda section: section.table == "audit_event")


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return value


def heading(column: str) -> str:
    return _HEADINGS.get(column, column.replace("_", " ").capitalize())


def words(table: str, column: str, value) -> str:
    """One stored value as the report reads it: dates in words, codes, staff and places named."""
    if value is None or value == "":
        return ""
    if column == "status" and table in _GUARANTEE_TABLES:
        return guarantee_words(str(value))
    if isinstance(value, (date, datetime)):
        return long_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column in _CODES:
        return _CODES[column](str(value))
    if column in _STAFF:
        return staff_name(value)
    if column in _PLACES:
        return value_words(_PLACES[column], value)
    if column in ("reason", "closed_reason") and value in REASON_WORDS:
        return REASON_WORDS[value]
    if isinstance(value, dict):
        return value_words(column, value)
    if isinstance(value, str) and _WORD.fullmatch(value):
        return value.replace("_", " ")
    return str(value)


def as_json(person_id: int, sections: list[Section], made_at: datetime) -> dict:
    return {
        "young_person_id": person_id,
        "made_at": made_at.isoformat(),
        "sections": [{"table": section.table, "title": section.title, "how_rows_reach_them": section.reach,
                      "rows": [{name: _json_value(value) for name, value in row.items()} for row in section.rows]}
                     for section in sections],
    }


def report_html(person: YoungPerson, sections: list[Section], made_at: datetime) -> str:
    shown = [{"section": section, "headings": [heading(name) for name in section.columns],
              "rows": [[words(section.table, name, row[name]) for name in section.columns] for row in section.rows]}
             for section in sections]
    return render_template("people/subject_access_report.html", person=person, sections=shown,
                           made_on=long_date(made_at))


def export(person_id: int, reason: str) -> Export:
    """The zip for one young person (report.html and data.json), with an audit row of the export."""
    reason = check_reason(reason)
    sections = gather(person_id)
    person = db.session.get(YoungPerson, person_id)
    made_at = clock.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.html", report_html(person, sections, made_at))
        archive.writestr("data.json", json.dumps(as_json(person_id, sections, made_at), indent=2, ensure_ascii=False))
    record_audit("export", "young_person", person_id,
                 after={"what": "subject access export", "reason": reason,
                        "rows": {section.table: len(section.rows) for section in sections}})
    db.session.flush()
    return Export(f"subject-access-{person_id}-{made_at.date().isoformat()}.zip", buffer.getvalue(), sections)
