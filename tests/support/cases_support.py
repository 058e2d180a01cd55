"""Helpers for the case tests: a school's list with the school's answers, and open cases."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tep_app import clock
from tep_app.models import Case, Collection, ContactDetail, ListEntry, SchoolRequest, SchoolResponse


@dataclass
class SeededList:
    request: SchoolRequest
    school: object
    collection: Collection
    people: list


def collection(db, kind: str = "leavers", academic_year: int = 2022) -> Collection:
    found = db.session.scalar(select(Collection).where(Collection.kind == kind,
                                                       Collection.academic_year == academic_year))
    if found:
        return found
    found = Collection(kind=kind, academic_year=academic_year, send_on=date(2022, 10, 7), due_on=date(2022, 10, 31))
    db.session.add(found)
    db.session.flush()
    return found


def seed_list(make, db, answers: list, *, school=None, status: str = "submitted", due_on: date | None = None,
              year_group: int = 11) -> SeededList:
    """One young person per answer: a code ("810", "330"), "" for answered without a destination,
    None for no answer at all, or "draft:<code>" for an unsaved draft."""
    coll = collection(db)
    school = school or make.establishment()
    request = SchoolRequest(collection_id=coll.id, establishment_id=school.id, status=status,
                            due_on=due_on or coll.due_on)
    db.session.add(request)
    db.session.flush()
    people = []
    for answer in answers:
        person = make.young_person()
        record = make.school_record(person, school, kind="leaver", academic_year=coll.academic_year,
                                    year_group=year_group)
        entry = ListEntry(collection_id=coll.id, establishment_id=school.id, young_person_id=person.id,
                          school_record_id=record.id, reason="no enrolment found")
        db.session.add(entry)
        db.session.flush()
        if answer is not None:
            draft = answer.startswith("draft:")
            code = answer.removeprefix("draft:") or None
            db.session.add(SchoolResponse(school_request_id=request.id, list_entry_id=entry.id, activity_code=code,
                                          answered=not draft, intelligence="Moved to Margate, works weekends"))
        people.append(person)
    db.session.flush()
    return SeededList(request, school, coll, people)


def open_case(make, db, *, person=None, school=None, officer=None, not_known_since: date = date(2022, 9, 1),
              **kwargs) -> Case:
    person = person or make.young_person()
    school = school or make.establishment()
    case = Case(young_person_id=person.id, status=kwargs.pop("status", "open"), reason=kwargs.pop("reason", "lapsed"),
                establishment_id=school.id, officer_id=officer.id if officer else None,
                opened_at=datetime.now(UTC), not_known_since=not_known_since,
                year_group=kwargs.pop("year_group", 11), **kwargs)
    db.session.add(case)
    db.session.flush()
    return case


def add_phone(db, person, value: str, kind: str = "phone", source: str = "leavers import",
              recorded_on: date = date(2022, 7, 20)) -> ContactDetail:
    detail = ContactDetail(young_person_id=person.id, kind=kind, value=value, source=source, recorded_on=recorded_on)
    db.session.add(detail)
    db.session.flush()
    return detail


def cases_of(db, person) -> list[Case]:
    return list(db.session.scalars(select(Case).where(Case.young_person_id == person.id).order_by(Case.id)))


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)
