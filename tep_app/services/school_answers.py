"""What a school says about its young people: the checks every answer passes (form and upload
alike), and, at submit, turning the answers into activities and contact details.

Nothing is overwritten: a new activity sits beside what is held (flagged for an officer when the
two disagree), and a new phone number sits beside the old one, newest first.
"""
import logging
import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.extensions import db
from tep_app.identifiers import IdentifierError, normalise_phone
from tep_app.models import (
    Activity,
    ActivityCode,
    ContactDetail,
    SchoolRequest,
    SchoolResponse,
)
from tep_app.models.collections import ListEntry
from tep_app.services.audit import record_audit

logger = logging.getLogger(__name__)

NOT_KNOWN_TO_US = "810"
EET_GROUPS = ("education", "employment", "training", "re-engagement")
CONFLICT_WINDOW = timedelta(days=92)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTACT_FIELDS = (("phone", "phone"), ("parent_phone", "parent_phone"), ("email", "email"))
ANSWER_FIELDS = ("activity_code", "provider_name", "start_date", "phone", "parent_phone", "email", "intelligence")


class AnswerError(ValueError):
    pass


# Checks shared by the form and the upload. Each returns the clean value or raises AnswerError.

def clean_phone(value, label: str) -> str | None:
    text = "" if value is None else str(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = f"0{int(value)}"  # a spreadsheet drops the leading zero of 07700 900123
    if not text:
        return None
    try:
        return normalise_phone(text)
    except IdentifierError:
        raise AnswerError(f"Enter {label} in the correct format, like 07700 900123 or 01622 694000") from None


def clean_email(value) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if len(text) > 254 or not EMAIL_PATTERN.match(text):
        raise AnswerError("Enter an email address in the correct format, like name@example.com")
    return text


def check_start_date(value: date | None, today: date | None = None) -> date | None:
    if value is None:
        return None
    today = today or clock.today()
    if value.year < 2000:
        raise AnswerError("Start date must be after 1 January 2000")
    if value > today + timedelta(days=730):
        raise AnswerError("Start date must be within the next 2 years")
    return value


def parse_date_cell(value) -> date | None:
    """A date from a spreadsheet cell: a real date, YYYY-MM-DD or DD/MM/YYYY."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise AnswerError(f"'{text}' is not a real date: use DD/MM/YYYY, like 04/09/2023")


def clean_text(value, limit: int) -> str | None:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise AnswerError(f"Must be {limit} characters or fewer")
    return text or None


# Destinations in plain words.

def destination_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(code, plain words)])] of the activities a school may choose."""
    from tep_app.services.destinations import destination_choices as choices

    return choices()


def words_to_code() -> dict[str, str]:
    """Plain words (any case and spacing) and the codes themselves, to the code."""
    from tep_app.services.destinations import plain_words_to_code

    return plain_words_to_code()


def normalise_words(text) -> str:
    from tep_app.services.destinations import normalise_words as normalise

    return normalise(text)


def code_words() -> dict[str, str]:
    return {code: words for _g, options in destination_choices() for code, words in options}


# Applying the answers at submit.

def source_label(on: date) -> str:
    return f"school, {on.day} {on:%b}"


def lapse_date(ascertained_on: date, group: str) -> date:
    if group in EET_GROUPS:
        try:
            return ascertained_on.replace(year=ascertained_on.year + 1)
        except ValueError:  # 29 February
            return ascertained_on.replace(year=ascertained_on.year + 1, day=28)
    month = ascertained_on.month + 3
    year = ascertained_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (ascertained_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _answer_date(response: SchoolResponse, fallback: date) -> date:
    stamp = response.updated_at or response.created_at
    if stamp is None:
        return fallback
    return clock.local_date(stamp)


def apply_answers(school_request: SchoolRequest, submitted_on: date) -> dict:
    """Turn the request's answered responses into activities and contact details."""
    responses = list(db.session.scalars(
        select(SchoolResponse)
        .where(SchoolResponse.school_request_id == school_request.id, SchoolResponse.answered.is_(True))
        .options(selectinload(SchoolResponse.list_entry).selectinload(ListEntry.young_person))
        .order_by(SchoolResponse.id)
    ))
    codes = {row.code: row for row in db.session.scalars(select(ActivityCode))}
    person_ids = [r.list_entry.young_person_id for r in responses]
    held_activities: dict[int, list[Activity]] = {}
    held_contacts: dict[int, list[ContactDetail]] = {}
    if person_ids:
        for activity in db.session.scalars(select(Activity).where(Activity.young_person_id.in_(person_ids))):
            held_activities.setdefault(activity.young_person_id, []).append(activity)
        for detail in db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id.in_(person_ids))):
            held_contacts.setdefault(detail.young_person_id, []).append(detail)
    counts = {"activities": 0, "flagged": 0, "contacts": 0, "left_for_officer": 0}
    for response in responses:
        person_id = response.list_entry.young_person_id
        answered_on = _answer_date(response, submitted_on)
        source = source_label(answered_on)
        changes: dict = {}
        code = response.activity_code
        if code and code != NOT_KNOWN_TO_US and code in codes:
            activity = _new_activity(response, codes[code], person_id, submitted_on, source,
                                     held_activities.get(person_id, []))
            if activity is not None:
                counts["activities"] += 1
                counts["flagged"] += int(activity.needs_review)
                changes["activity"] = {"code": code, "needs_review": activity.needs_review}
        else:
            counts["left_for_officer"] += 1
        for field, kind in CONTACT_FIELDS:
            value = getattr(response, field)
            held = held_contacts.setdefault(person_id, [])
            if value and not any(d.kind == kind and d.value.lower() == value.lower() for d in held):
                detail = ContactDetail(young_person_id=person_id, kind=kind, value=value, source=source,
                                       recorded_on=answered_on, is_current=True)
                db.session.add(detail)
                held.append(detail)
                counts["contacts"] += 1
                changes.setdefault("contacts", []).append(kind)
        if changes:
            record_audit("school answer applied", "young_person", person_id, after=changes)
    db.session.flush()
    logger.info("school answers applied for request %s", school_request.id,
                extra={"school_request_id": school_request.id, **counts})
    return counts


def _new_activity(response: SchoolResponse, code: ActivityCode, person_id: int, submitted_on: date,
                  source: str, held: list[Activity]) -> Activity | None:
    if any(a.code == code.code and a.source == source and a.ascertained_on == submitted_on for a in held):
        return None  # already applied (a reopened request submitted again)
    recent = sorted(
        (a for a in held if not a.source.startswith("school") and a.ascertained_on >= submitted_on - CONFLICT_WINDOW),
        key=lambda a: a.ascertained_on, reverse=True,
    )
    conflict = recent[0] if recent and recent[0].code != code.code else None
    notes = [response.intelligence] if response.intelligence else []
    if conflict is not None:
        notes.append(f"Differs from {conflict.code} ({conflict.source}, {conflict.ascertained_on:%-d %b %Y}): "
                     "an officer should check which is right.")
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
