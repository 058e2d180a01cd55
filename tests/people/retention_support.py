"""Moving the clock for the retention tests, and a small county whose figures must not change."""
from contextlib import contextmanager
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from tep_app.models import Activity, ContactDetail, MatchResult, YoungPerson
from tep_app.services import figures
from tep_app.services.people.retention import run_retention

LONDON = ZoneInfo("Europe/London")


@contextmanager
def on(day: date, at: time = time(2, 0)):
    """The whole application on `day` (the nightly job's hour by default), in London."""
    with time_machine.travel(datetime.combine(day, at, tzinfo=LONDON), tick=False):
        yield


def run_on(db, day: date, dry_run: bool = False):
    with on(day):
        result = run_retention(dry_run=dry_run)
        db.session.commit()
    return result


def person(db, person_id: int) -> YoungPerson:
    db.session.expire_all()
    return db.session.get(YoungPerson, person_id)


def leaver(make, db, school, born: date, code: str | None = "230", seen: date = date(2022, 10, 3),
           **kwargs) -> YoungPerson:
    """A Year 11 leaver of 2022-23 with a phone number and an activity (found out on `seen`) with a note."""
    young = make.young_person(date_of_birth=born, uln="1234567890", address="1 Test Lane", middle_names="Jo",
                              **kwargs)
    make.school_record(young, school, "leaver", 2022, year_group=11)
    db.session.add(ContactDetail(young_person_id=young.id, kind="phone", value="07700 900111", source="import",
                                 recorded_on=date(2022, 7, 20)))
    if code:
        db.session.add(Activity(young_person_id=young.id, code=code, ascertained_on=seen,
                                due_to_lapse_on=seen.replace(year=seen.year + 1), neet_start_date=date(2022, 9, 1)
                                if code == "540" else None, source="officer", notes="Spoke to them at home"))
    db.session.flush()
    return young


def county(make, db) -> list[YoungPerson]:
    """Leavers of 2022-23 in two districts: in learning, NEET, Not Known, lapsed, found by a match,
    moved away; all past 20 by 1 September 2026 but one with an EHCP."""
    schools = [make.establishment(district_id=make.district().id) for _ in range(2)]
    college = make.establishment(type="college", contacts=0)
    born = date(2006, 3, 10)
    people = [leaver(make, db, schools[0], born, "230"), leaver(make, db, schools[0], born, "540"),
              leaver(make, db, schools[1], born, "810"), leaver(make, db, schools[1], born, None),
              leaver(make, db, schools[1], born, "230", ehcp=True),
              leaver(make, db, schools[0], born, "540", moved="other_la", moved_to="Medway",
                     moved_on=date(2023, 1, 10))]
    lapsed = db.session.scalar(select(Activity).where(Activity.young_person_id == people[0].id))
    lapsed.due_to_lapse_on = date(2022, 12, 1)
    found = people[3]
    enrolment = make.enrolment(college, found, 2022)
    record = found.school_records[0] if found.school_records else None
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, candidate_id=enrolment.id,
                               outcome="certain", rule="upn", score=1.0))
    db.session.flush()
    return people


def all_figures(as_at: date) -> tuple:
    figures._CACHE.clear()
    return (figures.figure_tables(2022, as_at), figures.not_known_by_week(2022, 16, as_at),
            figures.no_offer_figures(2022, as_at))
