"""A young person's timeline: everything that happened to their record, newest first."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from sqlalchemy import Integer, String, and_, bindparam, case, or_, select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    AuditEvent,
    Case,
    ContactAttempt,
    Establishment,
    ImportBatch,
    MatchDecision,
    MatchResult,
    SchoolRecord,
    SchoolRequest,
    StaffUser,
    YoungPerson,
)
from tep_app.models.people import GuaranteeRecord
from tep_app.services.cases.casework import (
    CHANNEL_LABELS,
    OUTCOME_LABELS,
    list_school_answers,
)
from tep_app.services.cases.closing import CLOSED_LABELS, moved_words
from tep_app.services.labels import (
    MATCH_KINDS,
    MATCH_OUTCOMES,
    REASON_WORDS,
    activity_words,
    changes_words,
    guarantee_words,
    rule_words,
    staff_name,
)
from tep_app.validation import optional_id

REASON_LABELS = REASON_WORDS
# Who recorded something, when no member of staff is named on it.
SOURCE_WORDS = {"officer": "an officer", "system": "TEP Follow-up"}
AUDIT_SHOWN = ("reassign", "assign", "update", "delete", "school answer applied", "moved away", "reopen")
AUDIT_TYPES = ("young_person", "case", "contact_detail")


AUDIT_TITLES = {("school answer applied", "young_person"): "School's answer recorded",
                ("reassign", "case"): "Case reassigned", ("assign", "case"): "Case assigned",
                ("update", "case"): "Case updated",
                ("reopen", "case"): "Case reopened",
                ("moved away", "young_person"): "Moved out of Kent",
                ("update", "contact_detail"): "Contact details changed",
                ("create", "contact_detail"): "Contact details added"}


def answer_words(response) -> str:
    """What a school answered about one young person, in words."""
    if response.moved:
        return moved_words(response.moved, response.moved_to)
    if response.guarantee_code:
        return guarantee_words(response.guarantee_code)
    if response.activity_code:
        return activity_words(response.activity_code)
    return "no destination given"


@dataclass
class TimelineItem:
    at: datetime
    title: str
    detail: str | None = None
    by: str | None = None

    @property
    def local_at(self) -> datetime:
        return self.at.astimezone(clock.zone())


def _aware(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    return datetime.min.replace(tzinfo=UTC)


@cache
def _statements() -> dict:
    """The timeline's four statements, built once with the young person's id (and their cases'
    ids) as bound parameters: building them costs more than running them."""
    person_id = bindparam("person_id", type_=Integer)
    decided_by = (
        select(StaffUser.name).join(MatchDecision, MatchDecision.decided_by_id == StaffUser.id)
        .where(MatchDecision.school_record_id == SchoolRecord.id, MatchDecision.kind == MatchResult.kind,
               MatchDecision.decision == case((MatchResult.decided_outcome == "certain", "accepted"),
                                              else_="rejected"))
        .order_by(MatchDecision.decided_at.desc()).limit(1).scalar_subquery())
    records = (
        select(SchoolRecord.id, SchoolRecord.kind, SchoolRecord.academic_year, SchoolRecord.year_group,
               SchoolRecord.created_at, Establishment.name, ImportBatch.id, ImportBatch.created_at,
               ImportBatch.filename, MatchResult.id, MatchResult.kind, MatchResult.outcome,
               MatchResult.decided_outcome, MatchResult.rule, MatchResult.score, MatchResult.updated_at,
               decided_by)
        .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
        .outerjoin(ImportBatch, ImportBatch.id == SchoolRecord.import_batch_id)
        .outerjoin(MatchResult, MatchResult.school_record_id == SchoolRecord.id)
        .where(SchoolRecord.young_person_id == person_id)
        .order_by(SchoolRecord.id, MatchResult.id))
    cases = (
        select(Case.id, Case.opened_at, Case.closed_at, Case.reason, Case.closed_reason, ContactAttempt.id,
               ContactAttempt.channel,
               ContactAttempt.used_value, ContactAttempt.outcome, ContactAttempt.notes, ContactAttempt.at,
               StaffUser.name)
        .outerjoin(ContactAttempt, ContactAttempt.case_id == Case.id)
        .outerjoin(StaffUser, StaffUser.id == ContactAttempt.staff_id)
        .where(Case.young_person_id == person_id)
        .order_by(Case.id, ContactAttempt.id))
    activities = (
        select(Activity.code, ActivityCode.description, Activity.created_at, Activity.provider_name, Activity.notes,
               Activity.source, StaffUser.name)
        .outerjoin(ActivityCode, ActivityCode.code == Activity.code)
        .outerjoin(StaffUser, StaffUser.id == Activity.recorded_by_id)
        .where(Activity.young_person_id == person_id).order_by(Activity.ascertained_on.desc(), Activity.id))
    audit = (
        select(AuditEvent.at, AuditEvent.action, AuditEvent.object_type, AuditEvent.before, AuditEvent.after,
               AuditEvent.actor_label, AuditEvent.actor_type, AuditEvent.actor_id)
        .where(or_(and_(AuditEvent.object_type == "young_person",
                        AuditEvent.object_id == bindparam("person_key", type_=String)),
                   and_(AuditEvent.object_type == "case",
                        AuditEvent.object_id.in_(bindparam("case_keys", expanding=True)))),
               AuditEvent.action.in_(AUDIT_SHOWN)))
    guarantees = (
        select(GuaranteeRecord.status, GuaranteeRecord.provider_name, GuaranteeRecord.offer_date,
               GuaranteeRecord.source, GuaranteeRecord.created_at, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == GuaranteeRecord.recorded_by_id)
        .where(GuaranteeRecord.young_person_id == person_id).order_by(GuaranteeRecord.id))
    return {"records": records, "cases": cases, "activities": activities, "audit": audit, "guarantees": guarantees}


def build_timeline(person: YoungPerson, answers: list | None = None) -> list[TimelineItem]:
    """Import batches, match results, school answers, cases, attempts, activities and audited
    changes for one young person, newest first, in four queries. `answers` saves a query when the
    caller has them."""
    statements, params = _statements(), {"person_id": person.id}
    items = _records_and_matches(db.session.execute(statements["records"], params))
    for response in list_school_answers(person.id) if answers is None else answers:
        if not response.answered:
            continue
        school = response.list_entry.establishment.name
        items.append(TimelineItem(_aware(response.updated_at), f"{school} answered: {answer_words(response)}",
                                  response.intelligence, _contact_name(response.list_entry.establishment,
                                                                       response.updated_by)))
    case_ids, case_items = _cases_and_attempts(db.session.execute(statements["cases"], params))
    items.extend(case_items)
    for code, _description, created_at, provider_name, notes, source, recorded_by in db.session.execute(
            statements["activities"], params):
        items.append(TimelineItem(_aware(created_at), f"Activity recorded: {activity_words(code)}",
                                  "; ".join(part for part in (provider_name, notes) if part) or None,
                                  recorded_by or SOURCE_WORDS.get(source, source)))
    for status, provider_name, offer_date, source, created_at, recorded_by in db.session.execute(
            statements["guarantees"], params):
        offered = f"offer made on {long_date(offer_date)}" if offer_date else None
        items.append(TimelineItem(_aware(created_at), f"September Guarantee status recorded: {guarantee_words(status)}",
                                  "; ".join(part for part in (provider_name, offered) if part) or None,
                                  recorded_by or SOURCE_WORDS.get(source, source)))
    events = db.session.execute(statements["audit"], {"person_key": str(person.id),
                                                      "case_keys": [str(i) for i in case_ids]})
    for event in events:
        if event.object_type == "case" and event.action == "update":
            continue  # shown as the attempt or activity that made it
        if event.action == "reopen":
            detail = _reopened_detail(event.before, event.after)
        elif event.action == "moved away":
            detail = _moved_detail(event.after)
        else:
            detail = changes_words(event.before, event.after)
        items.append(TimelineItem(_aware(event.at), AUDIT_TITLES.get((event.action, event.object_type),
                                                                     f"{event.action.capitalize()} "
                                                                     f"({event.object_type.replace('_', ' ')})"),
                                  detail, _actor_name(event)))
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def _reopened_detail(before: dict | None, after: dict | None) -> str | None:
    """"Because she rang back: she left the job. It had closed because an officer recorded their activity"."""
    why = (after or {}).get("reason")
    closed = CLOSED_LABELS.get((before or {}).get("closed_reason"))
    parts = [f"Because {why}" if why else None, f"It had closed because {closed}" if closed else None]
    return ". ".join(part for part in parts if part) or None


def _moved_detail(after: dict | None) -> str | None:
    """"Moved to another local authority (Lancashire), on 5 December 2026"."""
    after = after or {}
    words = moved_words(after.get("moved"), after.get("moved_to"))
    try:
        on = date.fromisoformat(after.get("moved_on") or "")
    except (TypeError, ValueError):
        return words
    return f"{words}, on {long_date(on)}" if words else None


def _contact_name(school: Establishment | None, email: str | None) -> str | None:
    """A school contact's name (never their email address), or the school's name."""
    if not email:
        return None
    wanted = email.strip().lower()
    contact = next((c for c in getattr(school, "contacts", None) or [] if (c.email or "").lower() == wanted), None)
    if contact is not None and contact.name:
        return f"{contact.name}, {school.name}"
    return school.name if school is not None else None


def _actor_name(event) -> str | None:
    """Who made an audited change, by name: a member of staff, a school's contact, or the service."""
    if event.actor_type == "staff":
        return staff_name(event.actor_id)
    if event.actor_type == "school" and (request_id := optional_id(event.actor_id)):
        school_request = db.session.get(SchoolRequest, request_id)
        return _contact_name(school_request.establishment if school_request else None, event.actor_label)
    return SOURCE_WORDS["system"] if event.actor_type == "system" else None


def _records_and_matches(rows) -> list[TimelineItem]:
    """The school records (with the import that brought each) and their match results."""
    records, matches, seen = [], [], set()
    for (record_id, kind, year, year_group, created_at, school, batch_id, batch_at, filename, match_id, match_kind,
         outcome, decided, rule, score, match_at, decided_by) in rows:
        if record_id not in seen:
            seen.add(record_id)
            list_kind = "leavers list" if kind == "leaver" else "roll"
            imported = batch_id is not None
            records.append(TimelineItem(_aware(batch_at if imported else created_at),
                                        f"On {school}'s {list_kind} ({year}), year {year_group}",
                                        f"Imported from {filename}" if imported else None))
        if match_id is not None:
            kind_words = MATCH_KINDS.get(match_kind, "Matching")
            result = MATCH_OUTCOMES.get(decided or outcome, decided or outcome)
            if decided is not None:  # a person's decision after review, never "certain"
                result = (f"match {'accepted' if decided == 'certain' else 'rejected'} after review"
                          + (f" by {decided_by}" if decided_by else ""))
            matches.append(TimelineItem(_aware(match_at), f"{kind_words}: {result}",
                                        f"{rule_words(rule)} Likelihood {score:.0%}."))
    return records + matches


def _cases_and_attempts(rows) -> tuple[list[int], list[TimelineItem]]:
    """The young person's cases and every contact attempt on them, with who made it."""
    case_ids, cases, attempts = [], [], []
    for (case_id, opened_at, closed_at, reason, closed_reason, attempt_id, channel, used_value, outcome, notes, at,
         staff) in rows:
        if not case_ids or case_ids[-1] != case_id:
            case_ids.append(case_id)
            cases.append(TimelineItem(_aware(opened_at), "Case opened",
                                      f"Because {REASON_LABELS.get(reason, reason)}"))
            if closed_at:
                cases.append(TimelineItem(_aware(closed_at), "Case closed",
                                          f"Because {CLOSED_LABELS[closed_reason]}" if closed_reason in CLOSED_LABELS
                                          else None))
        if attempt_id is not None:
            title = f"{CHANNEL_LABELS.get(channel, channel)}"
            if used_value:
                title += f" to {used_value}"
            title += f": {OUTCOME_LABELS.get(outcome, outcome).lower()}"
            attempts.append(TimelineItem(_aware(at), title, notes, staff))
    return case_ids, cases + attempts
