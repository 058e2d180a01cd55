"""Everything held about one young person, over time: who they are, their schools, activities,
contact details (two different numbers of one kind from different sources are flagged), what
schools said, their cases with every attempt, the matching's evidence and their September
Guarantee records. The person page reads only this; what an officer may record on the page adds
to `PersonRecord` here.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    Case,
    ContactAttempt,
    Establishment,
    MatchResult,
    PersonNote,
    SchoolRecord,
    StaffUser,
    YoungPerson,
)
from tep_app.models.people import GuaranteeRecord
from tep_app.services.cases.casework import CHANNEL_LABELS, KIND_LABELS, OUTCOME_LABELS, list_school_answers
from tep_app.services.cases.closing import CLOSED_LABELS, moved_words
from tep_app.services.cases.timeline import REASON_LABELS, TimelineItem, answer_words, build_timeline
from tep_app.services.labels import MATCH_KINDS, MATCH_OUTCOMES, activity_words, guarantee_words, rule_words

RECORD_KINDS = {"leaver": "Leaver", "roll": "On roll"}


@dataclass
class ActivityRow:
    words: str
    source: str
    ascertained_on: date
    due_to_lapse_on: date | None
    start_date: date | None
    provider: str | None
    notes: str | None
    recorded_by: str | None
    lapsed: bool
    needs_review: bool


@dataclass
class ContactRow:
    id: int
    kind: str
    whose: str
    value: str
    source: str
    recorded_on: date
    is_current: bool
    marked_wrong: bool
    conflict: bool = False


@dataclass
class MatchRow:
    kind: str
    school: str
    academic_year: int
    result: str
    evidence: str
    likelihood: float


@dataclass
class AttemptRow:
    at: object
    how: str
    used_value: str | None
    outcome: str
    notes: str | None
    by: str | None


@dataclass
class CaseRow:
    id: int
    status: str
    reason: str
    school: str | None
    officer: str | None
    opened_at: object
    closed_at: object
    closed_reason: str | None
    attempts: list[AttemptRow] = field(default_factory=list)


@dataclass
class NoteRow:
    body: str
    by: str | None
    at: object


@dataclass
class PersonRecord:
    person: YoungPerson
    moved: str | None
    schools: list[tuple[SchoolRecord, str]]
    activities: list[ActivityRow]
    contacts: list[ContactRow]
    answers: list
    cases: list[CaseRow]
    matches: list[MatchRow]
    guarantees: list[tuple[GuaranteeRecord, str, str | None]]
    timeline: list[TimelineItem]
    notes: list[NoteRow] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        """The kinds of contact detail held with two different values from different sources."""
        return conflicting(self.contacts)

    @property
    def open_case(self) -> CaseRow | None:
        return next((row for row in self.cases if row.status == "open"), None)


def get_person(person_id: int) -> YoungPerson | None:
    return db.session.get(YoungPerson, person_id)


def load_record(person: YoungPerson) -> PersonRecord:
    """Everything held about `person`, newest first in each part."""
    answers = list_school_answers(person.id)
    return PersonRecord(
        person=person, moved=moved_words(person.moved, person.moved_to), schools=_schools(person.id),
        activities=_activities(person.id), contacts=contact_rows(person), answers=answers, cases=_cases(person.id),
        matches=_matches(person.id), guarantees=_guarantees(person.id), timeline=build_timeline(person, answers),
        notes=_notes(person.id),
    )


def _schools(person_id: int) -> list[tuple[SchoolRecord, str]]:
    return list(db.session.execute(
        select(SchoolRecord, Establishment.name).join(Establishment, Establishment.id == SchoolRecord.establishment_id)
        .where(SchoolRecord.young_person_id == person_id)
        .order_by(SchoolRecord.academic_year.desc(), SchoolRecord.id.desc())).all())


def _activities(person_id: int) -> list[ActivityRow]:
    today = clock.today()
    rows = db.session.execute(
        select(Activity, StaffUser.name).outerjoin(StaffUser, StaffUser.id == Activity.recorded_by_id)
        .where(Activity.young_person_id == person_id)
        .order_by(Activity.ascertained_on.desc(), Activity.id.desc())).all()
    return [ActivityRow(activity_words(a.code), a.source, a.ascertained_on, a.due_to_lapse_on, a.start_date,
                        a.provider_name, a.notes, by, a.due_to_lapse_on is not None and a.due_to_lapse_on < today,
                        bool(a.needs_review)) for a, by in rows]


def conflicting(rows: list[ContactRow]) -> list[str]:
    """Whose details differ between sources ("Parent's phone", ...), each once, in the rows' order."""
    return list(dict.fromkeys(row.whose for row in rows if row.conflict))


def contact_rows(person: YoungPerson) -> list[ContactRow]:
    """The young person's phone numbers and email addresses, each flagged when another source holds a
    different one of the same kind (on their page and on their case's page)."""
    rows = [ContactRow(d.id, d.kind, KIND_LABELS.get(d.kind, d.kind), d.value, d.source, d.recorded_on,
                       bool(d.is_current), bool(d.marked_wrong)) for d in person.contact_details]
    usable = [row for row in rows if row.is_current and not row.marked_wrong]
    for row in usable:
        row.conflict = any(other.kind == row.kind and other.value != row.value and other.source != row.source
                           for other in usable)
    return rows


def _cases(person_id: int) -> list[CaseRow]:
    cases = db.session.scalars(
        select(Case).where(Case.young_person_id == person_id).order_by(Case.opened_at.desc(), Case.id.desc())
        .options(selectinload(Case.officer), selectinload(Case.establishment))).all()
    staff = dict(db.session.execute(
        select(StaffUser.id, StaffUser.name).join(ContactAttempt, ContactAttempt.staff_id == StaffUser.id)
        .where(ContactAttempt.case_id.in_([case.id for case in cases]))).all()) if cases else {}
    rows = []
    for case in cases:
        row = CaseRow(case.id, case.status, REASON_LABELS.get(case.reason, case.reason),
                      case.establishment.name if case.establishment else None,
                      case.officer.name if case.officer else None, case.opened_at, case.closed_at,
                      CLOSED_LABELS.get(case.closed_reason) if case.closed_reason else None)
        for attempt in db.session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id)
                                          .order_by(ContactAttempt.at.desc(), ContactAttempt.id.desc())):
            row.attempts.append(AttemptRow(attempt.at, CHANNEL_LABELS.get(attempt.channel, attempt.channel),
                                           attempt.used_value, OUTCOME_LABELS.get(attempt.outcome, attempt.outcome),
                                           attempt.notes, staff.get(attempt.staff_id)))
        rows.append(row)
    return rows


def _matches(person_id: int) -> list[MatchRow]:
    """Each match result in the review's and the timeline's words."""
    rows = db.session.execute(
        select(MatchResult, SchoolRecord.academic_year, Establishment.name)
        .join(SchoolRecord, SchoolRecord.id == MatchResult.school_record_id)
        .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
        .where(SchoolRecord.young_person_id == person_id)
        .order_by(SchoolRecord.academic_year.desc(), MatchResult.id)).all()
    matches = []
    for result, year, school in rows:
        if result.decided_outcome is not None:
            words = f"match {'accepted' if result.decided_outcome == 'certain' else 'rejected'} after review"
        else:
            words = MATCH_OUTCOMES.get(result.outcome, result.outcome)
        matches.append(MatchRow(MATCH_KINDS.get(result.kind, "Matching"), school, year, words,
                                rule_words(result.rule), result.score or 0.0))
    return matches


def _notes(person_id: int) -> list[NoteRow]:
    """Officers' notes on the page, newest first, with who wrote each."""
    rows = db.session.execute(
        select(PersonNote, StaffUser.name).outerjoin(StaffUser, StaffUser.id == PersonNote.author_id)
        .where(PersonNote.young_person_id == person_id)
        .order_by(PersonNote.created_at.desc(), PersonNote.id.desc())).all()
    return [NoteRow(note.body, by, note.created_at) for note, by in rows]


def _guarantees(person_id: int) -> list[tuple[GuaranteeRecord, str, str | None]]:
    rows = db.session.execute(
        select(GuaranteeRecord, StaffUser.name).outerjoin(StaffUser, StaffUser.id == GuaranteeRecord.recorded_by_id)
        .where(GuaranteeRecord.young_person_id == person_id)
        .order_by(GuaranteeRecord.recorded_on.desc(), GuaranteeRecord.id.desc())).all()
    return [(record, guarantee_words(record.status), by) for record, by in rows]


__all__ = ["PersonRecord", "RECORD_KINDS", "answer_words", "get_person", "load_record"]
