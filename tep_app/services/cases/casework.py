"""Working one case: loading it, logging contact attempts and recording the activity found.

Every save carries the case version the officer saw. A save against an older version is refused
with StaleCaseError (checked first, and again by the version column when the row is written), so
two officers saving at once cannot overwrite each other.
"""
import logging
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from tep_app import clock
from tep_app.dates import day_and_short_month
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    Case,
    ContactAttempt,
    ContactDetail,
    ListEntry,
    SchoolResponse,
    YoungPerson,
)
from tep_app.reference_data import GROUP_LABELS
from tep_app.services.audit import record_audit
from tep_app.services.destinations import lapse_date
from tep_app.validation import Invalid, check_phone

logger = logging.getLogger(__name__)

FAILED_OUTCOMES = ("no_answer", "voicemail", "wrong_number")
PHONE_KINDS = ("phone", "parent_phone")
FAILED_ATTEMPTS_PER_NUMBER = 3
STALE_MESSAGE = ("This case was changed by someone else since you opened it. Your entry has not been saved yet: "
                 "check the latest details and save again.")
CHANNEL_LABELS = {"phone": "Phone call", "text": "Text message", "email": "Email", "letter": "Letter", "visit": "Visit"}
OUTCOME_LABELS = {
    "no_answer": "No answer", "voicemail": "Left a voicemail", "wrong_number": "Wrong number",
    "spoke_young_person": "Spoke to the young person", "spoke_parent": "Spoke to a parent or carer",
    "refused": "Refused to say",
    "letter_sent": "Letter sent", "returned_undelivered": "Returned undelivered",
    "no_one_home": "No one at home", "card_left": "Left a calling card", "moved_away": "They have moved away",
}
# What can happen by each way of trying, in the order offered. A letter or a visit is what an
# officer does once the calls have failed; each has its own outcomes (a letter is not answered).
LETTER_OR_VISIT = ("letter", "visit")
CHANNEL_OUTCOMES = {
    "phone": ("no_answer", "voicemail", "wrong_number", "spoke_young_person", "spoke_parent", "refused"),
    "text": ("no_answer", "wrong_number", "spoke_young_person", "spoke_parent", "refused"),
    "email": ("no_answer", "spoke_young_person", "spoke_parent", "refused"),
    "letter": ("letter_sent", "returned_undelivered"),
    "visit": ("spoke_young_person", "spoke_parent", "no_one_home", "card_left", "moved_away", "refused"),
}
# The outcomes as the form groups them: each way's own, then those any way can have.
OUTCOME_GROUPS = (
    ("A call, text or email", ("no_answer", "voicemail", "wrong_number")),
    ("A letter", ("letter_sent", "returned_undelivered")),
    ("A visit", ("no_one_home", "card_left", "moved_away")),
    ("Any way", ("spoke_young_person", "spoke_parent", "refused")),
)
OUTCOME_PHRASES = {"phone": "on the call", "text": "after the text message", "email": "after the email",
                   "letter": "to the letter", "visit": "on the visit"}
KIND_LABELS = {"phone": "Young person's phone", "parent_phone": "Parent or carer's phone", "email": "Email",
               "parent_email": "Parent or carer's email"}


class StaleCaseError(Exception):
    """The case changed after the officer opened it."""


@dataclass
class AttemptInput:
    channel: str
    used_value: str | None
    outcome: str
    notes: str | None
    next_follow_up_on: date | None


@dataclass
class ActivityInput:
    code: str
    provider_name: str | None
    start_date: date | None
    due_to_lapse_on: date | None
    neet_start_date: date | None
    notes: str | None = None
    ascertained_on: date | None = None  # today unless the officer says otherwise


@cache
def _case_query():
    """Built once (building its loader options costs more than running it)."""
    return (
        select(Case).where(Case.id == bindparam("case_id")).options(
            joinedload(Case.young_person).joinedload(YoungPerson.contact_details),
            joinedload(Case.establishment), joinedload(Case.officer),
        ).execution_options(populate_existing=True)
    )


def get_case(case_id: int) -> Case | None:
    """The case with its young person, contacts, school and officer, in one query. Its attempts
    and the young person's activities load when first used (saving an attempt uses them; the case
    page reads its timeline with its own queries)."""
    return db.session.execute(_case_query(), {"case_id": case_id}).unique().scalar_one_or_none()


@cache
def _answers_query():
    return (
        select(SchoolResponse).join(ListEntry, ListEntry.id == SchoolResponse.list_entry_id)
        .where(ListEntry.young_person_id == bindparam("young_person_id"))
        .options(contains_eager(SchoolResponse.list_entry).joinedload(ListEntry.establishment),
                 contains_eager(SchoolResponse.list_entry).joinedload(ListEntry.collection))
        .order_by(SchoolResponse.updated_at.desc(), SchoolResponse.id.desc())
    )


def list_school_answers(young_person_id: int) -> list[SchoolResponse]:
    """What schools said about this young person, newest first, with the school and collection
    (one query)."""
    return list(db.session.scalars(_answers_query(), {"young_person_id": young_person_id}))


class CodeChoice(NamedTuple):
    """An NCCIS activity code as the case page's activity form needs it."""

    code: str
    description: str
    group: str
    is_not_known: bool
    needs_neet_start: bool


def activity_codes() -> dict[str, CodeChoice]:
    """The NCCIS codes by code, in their display order. They are reference data, seeded by a
    migration and never changed by the app, so each app (a server worker) reads them once."""
    kept = current_app.extensions.setdefault("tep_reference_data", {})
    if "activity_codes" not in kept:
        rows = db.session.execute(
            select(ActivityCode.code, ActivityCode.description, ActivityCode.group, ActivityCode.is_not_known,
                   ActivityCode.needs_neet_start).order_by(ActivityCode.sort_order, ActivityCode.code))
        kept["activity_codes"] = {row.code: CodeChoice(*row) for row in rows}
    return dict(kept["activity_codes"])


def activity_code_groups(codes: dict[str, CodeChoice] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in (codes or activity_codes()).values():
        groups.setdefault(GROUP_LABELS.get(row.group, row.group), []).append(
            (row.code, f"{row.description} ({row.code})"))
    return list(groups.items())


def address_held(person: YoungPerson) -> str | None:
    """The young person's postal address as held ("12 High Street, Maidstone, ME14 1XX"), or None
    (a postcode alone is not an address to write to)."""
    address, postcode = (person.address or "").strip(), (person.postcode or "").strip()
    if not address:
        return None
    if postcode and postcode.lower() not in address.lower():
        address = f"{address}, {postcode}"
    return address[:254]


def contact_choices(case: Case) -> list[tuple[str, str]]:
    """The known numbers and addresses to pick from when logging an attempt, the postal address
    held last (for a letter or a visit)."""
    choices = []
    for detail in case.young_person.contact_details:
        if not detail.is_current:
            continue
        label = f"{detail.value} ({KIND_LABELS.get(detail.kind, detail.kind).lower()}"
        label += ", marked wrong)" if detail.marked_wrong else ")"
        choices.append((detail.value, label))
    address = address_held(case.young_person)
    if address:
        choices.append((address, f"{address} (address held)"))
    return choices


def default_lapse_date(code: ActivityCode, ascertained_on: date) -> date:
    """A year for education, employment or training; three months for anything else."""
    return lapse_date(ascertained_on, code.group)


def _phone_key(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return check_phone(value)
    except Invalid:
        return value.strip().lower()


def _check_version(case: Case, version: int | None) -> None:
    if version is None or int(version) != case.version:
        raise StaleCaseError(STALE_MESSAGE)


def _case_state(case: Case) -> dict:
    return {"status": case.status, "officer_id": case.officer_id,
            "next_follow_up_on": case.next_follow_up_on.isoformat() if case.next_follow_up_on else None,
            "needs_letter_or_visit": case.needs_letter_or_visit, "closing_activity_id": case.closing_activity_id}


def _flush_case(case: Case) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleCaseError(STALE_MESSAGE) from None


def record_attempt(case: Case, data: AttemptInput, version: int | None, staff_id: int | None,
                   today: date | None = None) -> ContactAttempt:
    """Log one attempt; mark a wrong number; flag the case for a letter or visit once every known
    number has had 3 failed attempts (or was marked wrong)."""
    _check_version(case, version)
    today = today or clock.today()
    before = _case_state(case)
    person = case.young_person
    detail = _known_detail(person, data.channel, data.used_value)
    if detail is None and data.used_value and data.channel in ("phone", "text", "email"):
        detail = ContactDetail(young_person_id=person.id, kind="email" if data.channel == "email" else "phone",
                               value=data.used_value, source=f"officer, {day_and_short_month(today)}",
                               recorded_on=today)
        db.session.add(detail)
        person.contact_details.append(detail)
        db.session.flush()
        record_audit("create", "contact_detail", detail.id, after={"young_person_id": person.id, "kind": detail.kind,
                                                               "value": detail.value})
    if data.outcome == "wrong_number" and detail is not None and not detail.marked_wrong:
        detail.marked_wrong = True
        record_audit("update", "contact_detail", detail.id, before={"marked_wrong": False},
                     after={"marked_wrong": True, "value": detail.value})
    attempt = ContactAttempt(case_id=case.id, channel=data.channel, used_value=data.used_value, outcome=data.outcome,
                             notes=data.notes, staff_id=staff_id, at=clock.now())
    case.attempts.insert(0, attempt)  # loads the earlier attempts before this one is added to the session
    db.session.add(attempt)
    case.next_follow_up_on = data.next_follow_up_on
    case.needs_letter_or_visit = _needs_letter_or_visit(case)
    case.updated_at = clock.now()  # every save moves the version on
    _flush_case(case)
    record_audit("create", "contact_attempt", attempt.id,
                 after={"case_id": case.id, "channel": data.channel, "used_value": data.used_value,
                        "outcome": data.outcome, "notes": data.notes})
    record_audit("update", "case", case.id, before=before, after=_case_state(case))
    logger.info("attempt logged on case %s", case.id, extra={"case_id": case.id, "outcome": data.outcome})
    return attempt


def _known_detail(person: YoungPerson, channel: str, value: str | None) -> ContactDetail | None:
    if not value:
        return None
    if channel == "email":
        return next((d for d in person.contact_details
                     if d.kind == "email" and d.value.lower() == value.lower()), None)
    key = _phone_key(value)
    return next((d for d in person.contact_details if d.kind in PHONE_KINDS and _phone_key(d.value) == key), None)


def _needs_letter_or_visit(case: Case) -> bool:
    """Every known number has failed 3 times (or is wrong) since the last letter or visit."""
    failed: dict[str | None, int] = {}
    for attempt in case.attempts:  # newest first
        if attempt.channel in LETTER_OR_VISIT:
            break
        if attempt.outcome in FAILED_OUTCOMES and attempt.channel in ("phone", "text"):
            key = _phone_key(attempt.used_value)
            failed[key] = failed.get(key, 0) + 1
    numbers = [d for d in case.young_person.contact_details if d.kind in PHONE_KINDS and d.is_current]
    if not numbers:
        return sum(failed.values()) >= FAILED_ATTEMPTS_PER_NUMBER
    return all(d.marked_wrong or failed.get(_phone_key(d.value), 0) >= FAILED_ATTEMPTS_PER_NUMBER for d in numbers)


def record_activity(case: Case, data: ActivityInput, version: int | None, staff_id: int | None,
                    today: date | None = None) -> Activity:
    """Record the activity found. It closes the case unless the code is Not Known (810, 820, 830)."""
    _check_version(case, version)
    before = _case_state(case)
    activity, code = add_officer_activity(case.young_person_id, data, staff_id, today, case_id=case.id)
    if not code.is_not_known:
        case.status = "closed"
        case.closed_at = clock.now()
        case.closing_activity_id = activity.id
        case.closed_reason = "activity_found"
        case.next_follow_up_on = None
        case.needs_letter_or_visit = False
    case.updated_at = clock.now()
    _flush_case(case)
    record_audit("update", "case", case.id, before=before, after=_case_state(case))
    logger.info("activity %s recorded on case %s", code.code, case.id, extra={"case_id": case.id, "code": code.code})
    return activity


def add_officer_activity(young_person_id: int, data: ActivityInput, staff_id: int | None, today: date | None = None,
                         case_id: int | None = None) -> tuple[Activity, ActivityCode]:
    """An officer's activity for a young person (source "officer"), ascertained today unless the
    officer said when, lapsing by default a year on for education, employment or training and three
    months on for anything else; audited. The figures read it as they read any activity. A case's
    activity (record_activity) and the young person's page both record through here."""
    today = today or clock.today()
    code = db.session.get(ActivityCode, data.code)
    if code is None:
        raise ValueError(f"unknown activity code {data.code!r}")
    ascertained_on = data.ascertained_on or today
    activity = Activity(
        young_person_id=young_person_id, code=code.code, provider_name=data.provider_name,
        start_date=data.start_date, ascertained_on=ascertained_on,
        due_to_lapse_on=data.due_to_lapse_on or default_lapse_date(code, ascertained_on),
        neet_start_date=data.neet_start_date if code.needs_neet_start else None,
        source="officer", notes=data.notes, recorded_by_id=staff_id,
    )
    db.session.add(activity)
    db.session.flush()
    after = {"young_person_id": young_person_id, "code": code.code, "provider_name": data.provider_name,
             "start_date": _iso(data.start_date), "due_to_lapse_on": _iso(activity.due_to_lapse_on),
             "neet_start_date": _iso(activity.neet_start_date), "case_id": case_id}
    if data.ascertained_on is not None:
        after["ascertained_on"] = _iso(ascertained_on)
    record_audit("create", "activity", activity.id, after=after)
    return activity, code


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
