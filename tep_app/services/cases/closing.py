"""Closing cases: when an officer or a school finds what a young person is doing, or the young
person has moved out of the county.

A case closes with its reason (an activity found by an officer, a school's answer, moved away, a
September Guarantee status given by the school or an officer) and the activity that closed it, in
the same transaction as the change, audited. A young person who moved away leaves the county's
cohort from that day: out of the Not Known and no-offer figures and the queue.
"""
import logging
from datetime import date

from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import Case, Collection, GuaranteeStatus, YoungPerson
from tep_app.models.cases import CLOSED_REASONS
from tep_app.models.people import GuaranteeRecord
from tep_app.services.audit import record_audit
from tep_app.services.calendar import current_academic_year
from tep_app.services.cases.casework import STALE_MESSAGE, StaleCaseError
from tep_app.services.figures import SETTLED_GUARANTEE_GROUPS
from tep_app.services.labels import REASON_WORDS

logger = logging.getLogger(__name__)

MOVED_LABELS = {"other_la": "Moved to another local authority", "abroad": "Moved to another country"}
CLOSED_LABELS = {key: REASON_WORDS[key] for key in CLOSED_REASONS}


def moved_words(moved: str | None, moved_to: str | None) -> str | None:
    """"Moved to another local authority (Lancashire)", or None."""
    if not moved:
        return None
    words = MOVED_LABELS.get(moved, "Moved away")
    return f"{words} ({moved_to})" if moved_to else words


def close_case(case: Case, reason: str, activity_id: int | None = None, by: str | None = None) -> None:
    """Close an open case, saying why (audited)."""
    if case.status != "open":
        return
    case.status = "closed"
    case.closed_at = clock.now()
    case.closed_reason = reason
    case.closing_activity_id = activity_id
    case.next_follow_up_on = None
    case.needs_letter_or_visit = False  # nothing more to send or visit
    case.updated_at = clock.now()
    record_audit("close", "case", case.id, before={"status": "open"},
                 after={"status": "closed", "reason": reason, "activity_id": activity_id, "by": by})
    logger.info("case %s closed: %s", case.id, reason, extra={"case_id": case.id, "reason": reason})


def open_case_of(person_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.young_person_id == person_id, Case.status == "open"))


def close_open_case(person_id: int, reason: str, activity_id: int | None = None, by: str | None = None) -> bool:
    """Close the young person's open case, if they have one; True if one was closed."""
    case = open_case_of(person_id)
    if case is None:
        return False
    close_case(case, reason, activity_id, by)
    return True


def record_moved_away(person: YoungPerson, moved: str, moved_to: str | None, on: date,
                     by: str | None = None) -> None:
    """The young person moved out of the county ("other_la" or "abroad"): they leave the cohort
    and the queue from `on`."""
    if moved not in MOVED_LABELS:
        raise ValueError(f"unknown move {moved!r}")
    before = {"moved": person.moved, "moved_to": person.moved_to,
              "moved_on": person.moved_on.isoformat() if person.moved_on else None}
    person.moved, person.moved_to, person.moved_on = moved, (moved_to or None), on
    record_audit("moved away", "young_person", person.id, before=before,
                 after={"moved": moved, "moved_to": moved_to, "moved_on": on.isoformat(), "by": by})
    close_open_case(person.id, "moved_away", None, by)
    db.session.flush()


def record_officer_move(case: Case, moved: str, moved_to: str | None, version, staff_id: int | None) -> None:
    """An officer found the young person has moved out of the county: the case closes."""
    if version is None or str(version) != str(case.version):
        raise StaleCaseError(STALE_MESSAGE)
    record_moved_away(case.young_person, moved, moved_to, clock.today(), by=f"staff:{staff_id}")


def case_collection(case: Case) -> Collection | None:
    """The collection whose list opened the case (None for a lapsed activity)."""
    return db.session.get(Collection, case.collection_id) if case.collection_id else None


def record_officer_guarantee(case: Case, status: str, provider_name: str | None, offer_date: date | None,
                             version, staff_id: int | None) -> bool:
    """An officer records the young person's September Guarantee status, as a school does on the
    June list: a settled one (an offer, already in learning, an offer not appropriate) closes the
    case and lowers the no-offer figure; "no offer yet" is kept and the case stays open. True if
    the case closed."""
    if version is None or str(version) != str(case.version):
        raise StaleCaseError(STALE_MESSAGE)
    row = db.session.get(GuaranteeStatus, status)
    if row is None:
        raise ValueError(f"unknown September Guarantee status {status!r}")
    collection = case_collection(case)
    record = GuaranteeRecord(
        young_person_id=case.young_person_id,
        academic_year=collection.academic_year if collection else current_academic_year(),
        status=status, provider_name=provider_name or None, offer_date=offer_date, recorded_on=clock.today(),
        source="officer", recorded_by_id=staff_id)
    db.session.add(record)
    db.session.flush()
    record_audit("create", "guarantee_record", record.id,
                 after={"young_person_id": case.young_person_id, "guarantee_status": status,
                        "provider_name": provider_name, "offer_date": offer_date.isoformat() if offer_date else None,
                        "case_id": case.id})
    if row.group in SETTLED_GUARANTEE_GROUPS:
        close_case(case, "officer_guarantee", None, by=f"staff:{staff_id}")
    else:
        case.updated_at = clock.now()
    db.session.flush()
    return case.status == "closed"
