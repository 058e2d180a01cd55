"""Erasing a young person's record at their request (UK GDPR, article 17), by an admin with a reason.

Erasure is refused while an open case still needs the record. Otherwise every registered table's
rows about them are anonymised as the registry (services/people/personal_data.py) says, by the
retention run's own anonymise_people (services/people/retention.py), which marks `anonymised_at`: names,
identifiers, contact details and typed notes go; the codes, dates, school and year group the
figures count stay, so the Not Known and NEET figures of past months do not change. The audit row
of the erasure holds the young person's id, the reason (with their names taken out) and how many
rows of each table were changed: never the erased data. Audit rows are kept as written (the audit
trail is append-only), under their own seven-year rule.
"""
import re
from dataclasses import dataclass

from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import Case, YoungPerson
from tep_app.services.audit import record_audit
from tep_app.services.people.retention import anonymise_people
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
    counts = anonymise_people([person_id], clock.now())
    record_audit("erase", "young_person", person_id, after={"reason": kept_reason, "rows": counts})
    db.session.flush()
    return Erased(person_id, counts)
