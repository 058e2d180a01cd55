"""What a school says about its young people: the checks every answer passes (form and upload
alike), and, at submit, turning the answers into activities and contact details.

Nothing is overwritten: a new activity sits beside what is held (flagged for an officer when the
two disagree), and a new phone number sits beside the old one, newest first.
"""
import logging
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.dates import day_and_short_month, long_date
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    ContactDetail,
    GuaranteeStatus,
    SchoolRequest,
    SchoolResponse,
)
from tep_app.models.collections import ListEntry
from tep_app.models.people import GuaranteeRecord
from tep_app.services.answer_fields import CONTACT_FIELDS, DETAIL_FIELDS, OUTCOME_FIELDS
from tep_app.services.audit import record_audit
from tep_app.services.cases.closing import close_open_case, record_moved_away
from tep_app.services.destinations import lapse_date

logger = logging.getLogger(__name__)

NOT_KNOWN_TO_US = "810"
CONFLICT_WINDOW = timedelta(days=92)
# The states of one row of a school's list, the same on every page that counts them.
STATE_LABELS = {"not_started": "Not started", "draft": "Draft", "contact_only": "Contact details given",
                "answered": "Answered"}


def has_outcome(values) -> bool:
    """A destination, a September Guarantee status or a move: what makes a row answered."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return any(get(name) for name in OUTCOME_FIELDS)


def has_details(values) -> bool:
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return any(get(name) for name in DETAIL_FIELDS)


def answer_state(response: SchoolResponse | None) -> str:
    """not_started, draft (saved but not given as the answer), answered (a destination, status or
    move) or contact_only (given, with contact details or what the school knows but no outcome)."""
    if response is None:
        return "not_started"
    if not response.answered:
        return "draft"
    return "answered" if has_outcome(response) else "contact_only"


def is_answered_clause():
    """answer_state(response) == "answered", as SQL, for pages that count answers in the database."""
    return and_(SchoolResponse.answered.is_(True),
                or_(*(and_(getattr(SchoolResponse, name).is_not(None), getattr(SchoolResponse, name) != "")
                      for name in OUTCOME_FIELDS)))


# Applying the answers at submit.

def source_label(on: date) -> str:
    return f"school, {day_and_short_month(on)}"


def _answer_date(response: SchoolResponse, fallback: date) -> date:
    stamp = response.updated_at or response.created_at
    if stamp is None:
        return fallback
    return clock.local_date(stamp)


def apply_answers(school_request: SchoolRequest, submitted_on: date) -> dict:
    """Turn the request's answers into what officers and managers see.

    A destination (education, employment, training or NEET) becomes an activity and closes the
    young person's open case; one that differs from what is held is flagged and keeps (or opens) a
    case for an officer to judge. "Not known to us" leaves the case to an officer, with the
    school's words on it. A move out of Kent takes the young person out of the cohort and the queue.
    Contact details are added beside what is held, newest first."""
    responses = list(db.session.scalars(
        select(SchoolResponse)
        .where(SchoolResponse.school_request_id == school_request.id, SchoolResponse.answered.is_(True))
        .options(selectinload(SchoolResponse.list_entry).selectinload(ListEntry.young_person))
        .order_by(SchoolResponse.id)
    ))
    codes = {row.code: row for row in db.session.scalars(select(ActivityCode))}
    settled = _settled_statuses()
    person_ids = [r.list_entry.young_person_id for r in responses]
    held_activities: dict[int, list[Activity]] = {}
    held_contacts: dict[int, list[ContactDetail]] = {}
    if person_ids:
        for activity in db.session.scalars(select(Activity).where(Activity.young_person_id.in_(person_ids))):
            held_activities.setdefault(activity.young_person_id, []).append(activity)
        for detail in db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id.in_(person_ids))):
            held_contacts.setdefault(detail.young_person_id, []).append(detail)
    counts = {"activities": 0, "flagged": 0, "contacts": 0, "left_for_officer": 0, "closed": 0, "moved": 0}
    school = school_request.establishment.name
    for response in responses:
        person = response.list_entry.young_person
        answered_on = _answer_date(response, submitted_on)
        source = source_label(answered_on)
        changes: dict = {}
        code = codes.get(response.activity_code) if response.activity_code else None
        if response.moved:
            record_moved_away(person, response.moved, response.moved_to, submitted_on, by=f"school: {school}")
            counts["moved"] += 1
            changes["moved"] = response.moved
        elif code is not None and not code.is_not_known:
            activity = _new_activity(response, code, person.id, submitted_on, source,
                                     held_activities.get(person.id, []), codes)
            if activity is not None:
                counts["activities"] += 1
                counts["flagged"] += int(activity.needs_review)
                changes["activity"] = code.code
                if not activity.needs_review:
                    db.session.flush()
                    counts["closed"] += close_open_case(person.id, "school_answer", activity.id,
                                                        by=f"school: {school}")
        elif response.guarantee_code:
            changes["guarantee_status"] = response.guarantee_code
            _record_guarantee(response, person.id, school_request, submitted_on, source)
            if response.guarantee_code in settled:
                counts["closed"] += close_open_case(person.id, "school_guarantee", None, by=f"school: {school}")
            else:
                counts["left_for_officer"] += 1
        else:
            counts["left_for_officer"] += 1
        for kind in CONTACT_FIELDS:
            value = getattr(response, kind)
            held = held_contacts.setdefault(person.id, [])
            if value and not any(d.kind == kind and d.value.lower() == value.lower() for d in held):
                detail = ContactDetail(young_person_id=person.id, kind=kind, value=value, source=source,
                                       recorded_on=answered_on, is_current=True)
                db.session.add(detail)
                held.append(detail)
                counts["contacts"] += 1
                changes.setdefault("contacts", []).append(kind)
        if changes:
            record_audit("school answer applied", "young_person", person.id, after=changes)
    db.session.flush()
    logger.info("school answers applied for request %s", school_request.id,
                extra={"school_request_id": school_request.id, **counts})
    return counts


def _record_guarantee(response: SchoolResponse, person_id: int, school_request: SchoolRequest, submitted_on: date,
                      source: str) -> None:
    """The school's September Guarantee answer, kept as the young person's status for the year
    (once: a request submitted again adds nothing new)."""
    year = school_request.collection.academic_year
    if db.session.scalar(select(GuaranteeRecord.id).where(
            GuaranteeRecord.young_person_id == person_id, GuaranteeRecord.academic_year == year,
            GuaranteeRecord.status == response.guarantee_code, GuaranteeRecord.source == source,
            GuaranteeRecord.recorded_on == submitted_on)) is not None:
        return
    db.session.add(GuaranteeRecord(young_person_id=person_id, academic_year=year, status=response.guarantee_code,
                                   provider_name=response.provider_name, offer_date=response.start_date,
                                   recorded_on=submitted_on, source=source))


def _settled_statuses() -> set[str]:
    """September Guarantee statuses that settle a pupil's question: an offer, already in learning,
    or an offer not appropriate. "No offer yet" leaves the pupil to an officer."""
    return set(db.session.scalars(select(GuaranteeStatus.code).where(
        GuaranteeStatus.group.in_(("offer", "in-learning", "not-appropriate")))))


def _new_activity(response: SchoolResponse, code: ActivityCode, person_id: int, submitted_on: date,
                  source: str, held: list[Activity], codes: dict[str, ActivityCode]) -> Activity | None:
    if any(a.code == code.code and a.source == source and a.ascertained_on == submitted_on for a in held):
        return None  # already applied (a reopened request submitted again)
    recent = sorted(
        (a for a in held if not a.source.startswith("school") and a.ascertained_on >= submitted_on - CONFLICT_WINDOW),
        key=lambda a: a.ascertained_on, reverse=True,
    )
    conflict = recent[0] if recent and recent[0].code != code.code else None
    notes = [response.intelligence] if response.intelligence else []
    if conflict is not None:
        held_code = codes.get(conflict.code)
        held_words = f"{held_code.description} ({conflict.code})" if held_code else conflict.code
        notes.append(f"Differs from {held_words}, recorded by {conflict.source} on "
                     f"{long_date(conflict.ascertained_on)}: an officer should check which is right.")
    activity = Activity(
        young_person_id=person_id, code=code.code, provider_name=response.provider_name,
        start_date=response.start_date, ascertained_on=submitted_on,
        due_to_lapse_on=lapse_date(submitted_on, code.group),
        neet_start_date=response.start_date if code.needs_neet_start else None,
        source=source, notes="\n".join(notes) or None, needs_review=conflict is not None,
    )
    db.session.add(activity)
    held.append(activity)
    return activity
