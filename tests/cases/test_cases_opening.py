"""Which young people become cases, and only once."""
from datetime import date, timedelta

from sqlalchemy import func, select

from tep_app.models import Activity, AuditEvent, Case
from tep_app.services.cases import (
    open_cases_for_lapsed,
    open_cases_for_overdue,
    open_cases_for_request,
)
from tests.support.cases_support import cases_of, open_case, seed_list


def test_not_known_and_unanswered_become_cases_and_known_destinations_do_not(db, make):
    officer = make.staff("officer")
    seeded = seed_list(make, db, ["810", "820", "830", None, "", "330", "draft:330"])
    opened = open_cases_for_request(seeded.request)

    assert opened == 6
    reasons = [[(c.reason, c.status) for c in cases_of(db, p)] for p in seeded.people]
    assert reasons == [
        [("school_not_known", "open")], [("school_not_known", "open")], [("school_not_known", "open")],
        [("no_school_answer", "open")], [("school_not_known", "open")], [], [("no_school_answer", "open")],
    ]
    case = cases_of(db, seeded.people[0])[0]
    assert case.establishment_id == seeded.school.id
    assert case.collection_id == seeded.collection.id
    assert case.year_group == 11
    assert case.officer_id == officer.id
    assert case.not_known_since == seeded.collection.send_on
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "case",
                                                       AuditEvent.object_id == str(case.id)))
    assert audit.action == "open" and audit.after["reason"] == "school_not_known"


def test_opening_twice_makes_no_duplicates(db, make):
    seeded = seed_list(make, db, ["810", None])
    assert open_cases_for_request(seeded.request) == 2
    assert open_cases_for_request(seeded.request) == 0
    assert db.session.scalar(select(func.count(Case.id))) == 2


def test_a_young_person_with_an_open_case_gets_no_second(db, make):
    seeded = seed_list(make, db, ["810", None])
    lapsed = open_case(make, db, person=seeded.people[0], reason="lapsed")
    assert open_cases_for_request(seeded.request) == 1
    assert cases_of(db, seeded.people[0]) == [lapsed]
    assert len(cases_of(db, seeded.people[1])) == 1


def test_a_closed_case_is_not_reopened_by_the_same_collection(db, make):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    case = cases_of(db, seeded.people[0])[0]
    case.status = "closed"
    db.session.flush()
    assert open_cases_for_request(seeded.request) == 0


def test_overdue_requests_open_cases_and_submitted_or_unsent_do_not(db, make):
    today = date(2022, 11, 10)
    overdue = seed_list(make, db, [None, "draft:810", "330"], status="in_progress", due_on=date(2022, 10, 31))
    not_due = seed_list(make, db, [None], status="sent", due_on=date(2022, 11, 30))
    unsent = seed_list(make, db, [None], status="not_sent", due_on=date(2022, 10, 31))

    assert open_cases_for_overdue(today) == 2
    assert [len(cases_of(db, p)) for p in overdue.people] == [1, 1, 0]
    assert cases_of(db, not_due.people[0]) == [] and cases_of(db, unsent.people[0]) == []
    assert open_cases_for_overdue(today) == 0


def _activity(db, person, code, ascertained_on, lapse_on):
    db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=ascertained_on,
                            due_to_lapse_on=lapse_on, source="officer"))
    db.session.flush()


def test_lapsed_activities_open_cases_once(db, make):
    today = date(2023, 11, 1)
    school = make.establishment()
    lapsed, renewed, current = make.young_person(), make.young_person(), make.young_person()
    for person in (lapsed, renewed, current):
        make.school_record(person, school, year_group=12)
    _activity(db, lapsed, "330", date(2022, 10, 1), date(2023, 10, 1))
    _activity(db, renewed, "330", date(2022, 10, 1), date(2023, 10, 1))
    _activity(db, renewed, "230", date(2023, 9, 20), date(2024, 9, 20))
    _activity(db, current, "230", date(2023, 9, 1), today + timedelta(days=1))

    assert open_cases_for_lapsed(today) == 1
    [case] = cases_of(db, lapsed)
    assert (case.reason, case.not_known_since, case.establishment_id, case.year_group) == \
        ("lapsed", date(2023, 10, 1), school.id, 12)
    assert cases_of(db, renewed) == [] and cases_of(db, current) == []
    assert open_cases_for_lapsed(today) == 0


def test_the_scheduler_name_for_the_lapse_job_exists():
    from tep_app.services import cases

    assert cases.open_lapsed_cases is cases.open_cases_for_lapsed


def test_a_school_submitting_through_the_portal_opens_its_cases(db, make):
    from tep_app.services.school_requests.answers import submit_request

    seeded = seed_list(make, db, ["810", "330", None], status="in_progress")
    counts = submit_request(seeded.request, seeded.school.contacts[0].email)

    assert counts["cases"] == 2
    assert [[c.reason for c in cases_of(db, p)] for p in seeded.people] == \
        [["school_not_known"], [], ["no_school_answer"]]


def test_the_unique_open_case_index_is_the_last_defence(db, make):
    from tep_app.services.cases.opening import _insert_cases

    person = make.young_person()
    open_case(make, db, person=person)
    row = {"young_person_id": person.id, "reason": "lapsed", "establishment_id": None, "district_id": None,
           "year_group": None, "collection_id": None, "not_known_since": date(2023, 1, 1)}
    # As if another process opened the case between the check and the insert.
    assert _insert_cases([row]) == 0
    assert len(cases_of(db, person)) == 1
