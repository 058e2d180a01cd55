"""Erasing a young person's record at their request (UK GDPR, article 17), by an admin with a reason.

Erasure is refused while an open case still needs the record. Otherwise every registered table's
rows about them are anonymised as the registry (services/people/personal_data.py) says: names,
identifiers, contact details and typed notes go; the codes, dates, school and year group the
figures count stay, so the Not Known and NEET figures of past months do not change. The audit row
of the erasure holds the young person's id, the reason (with their names taken out) and how many
rows of each table were changed: never the erased data. Audit rows are kept as written (the audit
trail is append-only), under their own seven-year rule.
"""
import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import AuditEvent, Case, YoungPerson
from tep_app.services.audit import record_audit
from tep_app.services.people.personal_data import (
    ANONYMISED_FORENAME,
    CLEAR,
    DELETE,
    REDACT,
    REGISTRY,
    REKEY,
    YEAR_START,
    Holding,
)
from tep_app.services.people.retention import ANONYMISATION_RULES, year_start
from tep_app.services.people.subject_access import SubjectAccessError, check_reason

REMOVED = "[removed]"


class ErasureError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Erased:
    person_id: int
    rows: dict[str, int]


def open_case(person_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.young_person_id == person_id, Case.status == "open"))


def is_erased(person: YoungPerson) -> bool:
    """Anonymised already, by an erasure or by the retention run."""
    return person.anonymised_at is not None


def _redacted(row, column: str) -> str:
    return str(row.id) if column == "surname" else ANONYMISED_FORENAME


def _rekeyed(table: str, row) -> str:
    return hashlib.sha256(f"anonymised:{table}:{row.id}".encode()).hexdigest()


def _anonymise_rows(entry: Holding, person_id: int) -> int:
    dropped = [held for held in entry.columns if held.rule in ANONYMISATION_RULES]
    rows = db.session.scalars(select(entry.model).where(entry.rows_of([person_id]))).all()
    for row in rows:
        if any(held.treatment == DELETE for held in dropped):
            db.session.delete(row)
            continue
        for held in dropped:
            if held.treatment == CLEAR:
                setattr(row, held.column, None)
            elif held.treatment == REDACT:
                setattr(row, held.column, _redacted(row, held.column))
            elif held.treatment == YEAR_START and getattr(row, held.column) is not None:
                setattr(row, held.column, year_start(getattr(row, held.column)))
            elif held.treatment == REKEY:
                setattr(row, held.column, _rekeyed(entry.table, row))
    return len(rows)


def anonymise(person_id: int) -> dict[str, int]:
    """Anonymise every registered table's rows about one young person as the retention run does
    (services/people/retention.py: the same treatments, and `anonymised_at` marks them); the count
    of each table's rows. The audit trail is left as written: it is append-only."""
    counts = {}
    for entry in REGISTRY:
        if entry.model is AuditEvent:
            continue
        counts[entry.table] = _anonymise_rows(entry, person_id)
    db.session.get(YoungPerson, person_id).anonymised_at = clock.now()
    db.session.flush()
    return counts


def _without_their_details(reason: str, person: YoungPerson) -> str:
    """The reason as the audit keeps it: their names, numbers and postcode taken out."""
    details = (person.forename, person.surname, person.preferred_forename, person.former_surname, person.upn,
               person.uln, person.postcode, *(person.middle_names or "").split())
    for detail in sorted({d.strip() for d in details if d and len(d.strip()) > 1}, key=len, reverse=True):
        reason = re.sub(re.escape(detail), REMOVED, reason, flags=re.IGNORECASE)
    return reason


def erase(person_id: int, reason: str) -> Erased:
    """Erase one young person's record, or raise ErasureError saying why not (nothing changed)."""
    try:
        reason = check_reason(reason)
    except SubjectAccessError as error:
        raise ErasureError(error.message) from None
    person = db.session.get(YoungPerson, person_id)
    if person is None:
        raise ErasureError("There is no young person with that number")
    if is_erased(person):
        raise ErasureError("This record is already erased. Nothing has changed.")
    case = open_case(person_id)
    if case is not None:
        raise ErasureError(f"{person.display_name} has an open case (case {case.id}), which still needs their "
                           "record. Close the case first, then erase the record. Nothing has changed.")
    kept_reason = _without_their_details(reason, person)
    counts = anonymise(person_id)
    record_audit("erase", "young_person", person_id, after={"reason": kept_reason, "rows": counts})
    db.session.flush()
    return Erased(person_id, counts)
