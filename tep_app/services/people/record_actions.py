"""What any officer may record on a young person's page, with or without a case: an activity, a
note, a phone number or email address, a move out of Kent, and opening, reopening or taking a case.

Each goes through the same service functions as the case page, so it moves the figures exactly as
the case page would: an activity is an officer's activity (services/cases/casework.py), closing
the open case it settles; a move is the case page's move (services/cases/closing.py), taking the
young person out of the cohort and closing their case. Where a case is open, a save carries the
case version the officer saw and is refused (StaleCaseError) if the case changed since. Every
change is audited. A change that cannot be made raises Refused, naming the form field to blame.
"""
from dataclasses import dataclass

from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import Activity, Case, ContactDetail, PersonNote, StaffUser, YoungPerson
from tep_app.models.notes import NOTE_MOST
from tep_app.services.answer_fields import CONTACT_KINDS
from tep_app.services.audit import record_audit
from tep_app.services.cases.assignment import PatchError, reassign_cases
from tep_app.services.cases.casework import (
    STALE_MESSAGE,
    ActivityInput,
    StaleCaseError,
    add_officer_activity,
    record_activity,
)
from tep_app.services.cases.closing import open_case_of, record_moved_away, record_officer_move
from tep_app.services.cases.opening import open_case_for, reopen_case
from tep_app.validation import Invalid, check_email, check_length, check_phone

EMAIL_KINDS = ("email", "parent_email")
CONTACT_WORDS = {"phone": "the young person's phone number", "parent_phone": "the parent or carer's phone number",
                 "email": "the young person's email address", "parent_email": "the parent or carer's email address"}
REOPEN_REASON_MOST = 500
OFFICER_SOURCE = "officer"


class Refused(ValueError):
    """A change that cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class ActivityResult:
    activity: Activity
    case: Case | None  # the open case it was recorded on, if any
    closed: bool  # the case closed: the activity settled it


def _check_version(case: Case, version) -> None:
    if version in (None, "") or str(version) != str(case.version):
        raise StaleCaseError(STALE_MESSAGE)


def _usable(person: YoungPerson) -> None:
    if person.anonymised_at is not None:
        raise Refused("person", "This record has been anonymised: nothing more can be recorded on it")


def record_person_activity(person: YoungPerson, data: ActivityInput, version, staff_id: int | None) -> ActivityResult:
    """An officer's activity. With a case open it is recorded on the case (closing it unless the
    activity is Not Known), as from the case page; without one it is the young person's own."""
    _usable(person)
    case = open_case_of(person.id)
    if case is not None:
        activity = record_activity(case, data, version, staff_id)
        return ActivityResult(activity, case, case.status == "closed")
    activity, _code = add_officer_activity(person.id, data, staff_id)
    db.session.flush()
    return ActivityResult(activity, None, False)


def add_note(person: YoungPerson, body: str, staff_id: int | None) -> PersonNote:
    """A note on the young person's page, with its author and time."""
    _usable(person)
    try:
        text = check_length(body, "Note", NOTE_MOST).strip()
    except Invalid as error:
        raise Refused("body", error.message) from None
    if not text:
        raise Refused("body", "Enter a note")
    note = PersonNote(young_person_id=person.id, body=text, author_id=staff_id)
    db.session.add(note)
    db.session.flush()
    record_audit("create", "person_note", note.id, after={"young_person_id": person.id, "body": text})
    return note


def clean_contact(kind: str, value: str) -> str:
    """The number or address checked as the service checks every one, in the words of the check."""
    if kind not in CONTACT_KINDS:
        raise Refused("kind", "Select whose number or email address it is")
    label = CONTACT_WORDS[kind]
    try:
        return check_email(value, label) if kind in EMAIL_KINDS else check_phone(value, label)
    except Invalid as error:
        raise Refused("value", error.message) from None


def add_contact(person: YoungPerson, kind: str, value: str, staff_id: int | None) -> ContactDetail:
    """A phone number or email address an officer found, dated today, source "officer"."""
    _usable(person)
    clean = clean_contact(kind, value)
    held = db.session.scalar(select(ContactDetail).where(ContactDetail.young_person_id == person.id,
                                                         ContactDetail.kind == kind, ContactDetail.value == clean))
    if held is not None and held.is_current and not held.marked_wrong:
        raise Refused("value", f"{clean} is already held as {CONTACT_WORDS[kind]}")
    today = clock.today()
    if held is not None:  # held before but not current, or marked wrong: an officer says it is right now
        before = {"is_current": held.is_current, "marked_wrong": held.marked_wrong, "source": held.source}
        held.is_current, held.marked_wrong, held.source, held.recorded_on = True, False, OFFICER_SOURCE, today
        db.session.flush()
        record_audit("update", "contact_detail", held.id, before=before,
                     after={"is_current": True, "marked_wrong": False, "source": OFFICER_SOURCE, "value": clean,
                            "young_person_id": person.id, "by": staff_id})
        return held
    detail = ContactDetail(young_person_id=person.id, kind=kind, value=clean, source=OFFICER_SOURCE,
                           recorded_on=today)
    db.session.add(detail)
    db.session.flush()
    record_audit("create", "contact_detail", detail.id,
                 after={"young_person_id": person.id, "kind": kind, "value": clean, "source": OFFICER_SOURCE,
                        "by": staff_id})
    return detail


def record_move(person: YoungPerson, la_code: str, version, staff_id: int | None) -> Case | None:
    """The young person moved to another local authority (`la_code`, already checked): out of the
    cohort from today, as the case page's move. Returns the case it closed, if one was open."""
    _usable(person)
    if person.moved:
        raise Refused("la_code", f"{person.display_name} is already recorded as moved away")
    case = open_case_of(person.id)
    if case is not None:
        record_officer_move(case, "other_la", la_code, version, staff_id)
        return case
    record_moved_away(person, "other_la", la_code, clock.today(), by=f"staff:{staff_id}")
    return None


def open_case(person: YoungPerson) -> Case:
    """Open a case for a young person with none open."""
    _usable(person)
    if person.moved:
        raise Refused("open", f"{person.display_name} has moved out of Kent: no case can be opened")
    if open_case_of(person.id) is not None:
        raise Refused("open", f"{person.display_name} already has an open case")
    case = open_case_for(person)
    if case is None:  # another officer opened one at the same moment
        raise Refused("open", f"{person.display_name} already has an open case")
    return case


def _their_case(person: YoungPerson, case_id: int) -> Case | None:
    case = db.session.get(Case, case_id)
    return case if case is not None and case.young_person_id == person.id else None


def reopen(person: YoungPerson, case_id: int, reason: str, version) -> Case:
    """Reopen one of the young person's closed cases, saying why, when none is open."""
    _usable(person)
    case = _their_case(person, case_id)
    if case is None:
        raise Refused("reason", "Choose a case of theirs to reopen")
    if person.moved:
        raise Refused("reason", f"{person.display_name} has moved out of Kent: their case cannot be reopened")
    if open_case_of(person.id) is not None:
        raise Refused("reason", f"{person.display_name} already has an open case")
    _check_version(case, version)
    if case.status != "closed":
        raise StaleCaseError(STALE_MESSAGE)
    try:
        text = check_length(reason, "The reason", REOPEN_REASON_MOST).strip()
    except Invalid as error:
        raise Refused("reason", error.message) from None
    if not text:
        raise Refused("reason", "Enter why the case is being reopened")
    reopen_case(case, text)
    return case


def assign_to_me(person: YoungPerson, case_id: int, version, staff: StaffUser) -> Case:
    """An officer takes the young person's open case (audited as a reassignment)."""
    _usable(person)
    case = _their_case(person, case_id)
    if case is None or case.status != "open":
        raise StaleCaseError(STALE_MESSAGE)
    _check_version(case, version)
    if case.officer_id == staff.id:
        raise Refused("assign", "This case is already yours")
    try:
        reassign_cases([case.id], staff.id, user_id=staff.id)
    except PatchError:
        raise Refused("assign", "Only an officer can take a case: a manager gives cases to officers at "
                                "Cases, Manage") from None
    return case


__all__ = ["CONTACT_KINDS", "CONTACT_WORDS", "ActivityResult", "REOPEN_REASON_MOST", "Refused", "add_contact",
           "add_note", "assign_to_me", "clean_contact", "open_case", "record_move", "record_person_activity",
           "reopen"]
