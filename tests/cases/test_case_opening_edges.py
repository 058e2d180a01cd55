"""Opening cases at the edges, with the clock moved: the day a list becomes overdue, the day an
activity lapses, an activity known since the send day, conflicts, settled statuses and what each
new case stores."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import Activity, AuditEvent, Case, GuaranteeStatus, SchoolResponse
from tep_app.services.cases import open_cases_for_request
from tep_app.services.cases.opening import open_cases_for_lapsed, open_cases_for_overdue
from tests.support.cases_support import cases_of, seed_list

DUE = date(2022, 10, 31)  # the lists' reply-by date; sent 7 October


def _on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def _activity(db, person, code, on, lapses=None, needs_review=False, source="enrolment import"):
    row = Activity(young_person_id=person.id, code=code, ascertained_on=on, due_to_lapse_on=lapses,
                   needs_review=needs_review, source=source)
    db.session.add(row)
    db.session.flush()
    return row


# Overdue: the day after the reply-by date, for lists sent and not submitted

@pytest.mark.parametrize("status, opened", [("sent", 1), ("opened", 1), ("in_progress", 1), ("submitted", 0),
                                            ("not_sent", 0)])
def test_a_list_is_overdue_the_day_after_its_reply_by_date(make, db, status, opened):
    seeded = seed_list(make, db, [None], status=status)
    with _on(DUE):
        assert open_cases_for_overdue() == 0
    with _on(DUE + timedelta(days=1)):
        assert open_cases_for_overdue() == opened
    assert len(cases_of(db, seeded.people[0])) == opened


def test_nothing_overdue_opens_nothing(db):
    with _on(DUE):
        assert open_cases_for_overdue() == 0


# Lapsed: the day after the due-to-lapse date, unless something newer is known

def test_an_activity_lapses_the_day_after_its_lapse_date(make, db):
    school = make.establishment(district_id=make.district("North").id)
    person = make.young_person()
    make.school_record(person, make.establishment(), kind="leaver", academic_year=2021, year_group=11)
    make.school_record(person, school, kind="leaver", academic_year=2022, year_group=12)
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2023, 1, 10))
    with _on(date(2023, 1, 10)):
        assert open_cases_for_lapsed() == 0
    with _on(date(2023, 1, 11)):
        assert open_cases_for_lapsed() == 1
        assert open_cases_for_lapsed() == 0  # an open case already
    [case] = cases_of(db, person)
    assert (case.reason, case.establishment_id, case.year_group, case.collection_id,
            case.not_known_since, case.status, case.version, case.needs_letter_or_visit) == (
        "lapsed", school.id, 12, None, date(2023, 1, 10), "open", 1, False)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "open"))
    assert (audit.object_type, audit.object_id, audit.after) == (
        "case", str(case.id), {"young_person_id": person.id, "officer_id": case.officer_id, "reason": "lapsed"})


def test_a_newer_activity_the_same_day_or_later_keeps_it_from_lapsing(make, db):
    same_day, later = make.young_person(), make.young_person()
    _activity(db, same_day, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))
    _activity(db, same_day, "220", date(2022, 1, 10), lapses=date(2023, 1, 10))
    _activity(db, later, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))
    _activity(db, later, "220", date(2022, 3, 10), lapses=date(2023, 3, 10))
    with _on(date(2022, 12, 1)):
        assert open_cases_for_lapsed() == 0


def test_an_older_activity_the_same_day_does_not_keep_a_newer_one_from_lapsing(make, db):
    person = make.young_person()
    _activity(db, person, "220", date(2022, 1, 10), lapses=date(2023, 1, 10))
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))  # the newer: it has lapsed
    with _on(date(2022, 12, 1)):
        assert open_cases_for_lapsed() == 1


def test_someone_who_moved_away_does_not_lapse(make, db):
    person = make.young_person(moved="abroad", moved_on=date(2022, 5, 1))
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))
    with _on(date(2022, 12, 1)):
        assert open_cases_for_lapsed() == 0


def test_a_lapsed_young_person_without_a_school_record_still_gets_a_case(make, db):
    person = make.young_person()
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))
    with _on(date(2022, 12, 1)):
        assert open_cases_for_lapsed() == 1
    [case] = cases_of(db, person)
    assert (case.establishment_id, case.year_group) == (None, None)


# A school's list: who gets a case

def _open(seeded, day=date(2022, 11, 1)):
    with _on(day):
        return open_cases_for_request(seeded.request)


def test_an_activity_known_from_the_send_day_means_no_case(make, db):
    seeded = seed_list(make, db, [None, None])
    _activity(db, seeded.people[0], "330", date(2022, 10, 7), lapses=date(2023, 10, 7))  # the send day
    _activity(db, seeded.people[1], "330", date(2022, 10, 6), lapses=date(2023, 10, 6))  # the day before
    assert _open(seeded) == 1
    assert cases_of(db, seeded.people[0]) == []
    assert cases_of(db, seeded.people[1])[0].reason == "no_school_answer"


def test_a_known_activity_counts_to_its_lapse_date(make, db):
    seeded = seed_list(make, db, [None, None, None])
    _activity(db, seeded.people[0], "330", date(2022, 10, 10), lapses=date(2022, 11, 1))  # lapses today
    _activity(db, seeded.people[1], "330", date(2022, 10, 10), lapses=date(2022, 10, 31))  # lapsed yesterday
    _activity(db, seeded.people[2], "330", date(2022, 10, 10))  # no lapse date
    assert _open(seeded) == 1
    assert [len(cases_of(db, p)) for p in seeded.people] == [0, 1, 0]


def test_a_not_known_activity_since_the_send_is_no_reason_to_skip_the_case(make, db):
    seeded = seed_list(make, db, [None])
    _activity(db, seeded.people[0], "810", date(2022, 10, 10))
    assert _open(seeded) == 1


def test_an_activity_to_review_opens_a_conflict_case(make, db):
    seeded = seed_list(make, db, ["330", None])
    for person in seeded.people:
        _activity(db, person, "330", date(2022, 10, 20), needs_review=True, source="school, 20 Oct")
    _activity(db, seeded.people[1], "220", date(2022, 10, 9), needs_review=False)
    assert _open(seeded) == 2
    assert [cases_of(db, p)[0].reason for p in seeded.people] == ["conflict", "conflict"]


def test_an_activity_to_review_from_before_the_send_is_no_conflict(make, db):
    seeded = seed_list(make, db, ["330"])
    _activity(db, seeded.people[0], "330", date(2022, 10, 6), needs_review=True, source="school, 6 Oct")
    assert _open(seeded) == 0


@pytest.mark.parametrize("group, opened", [("offer", 0), ("in-learning", 0), ("not-appropriate", 0)])
def test_a_settled_guarantee_status_means_no_case(make, db, group, opened):
    code = db.session.scalar(select(GuaranteeStatus.code).where(GuaranteeStatus.group == group))
    seeded = seed_list(make, db, [""])
    response = db.session.scalar(select(SchoolResponse))
    response.guarantee_code = code
    db.session.flush()
    assert _open(seeded) == opened


def test_a_status_that_settles_nothing_opens_a_case(make, db):
    code = db.session.scalar(select(GuaranteeStatus.code).where(
        GuaranteeStatus.group.not_in(("offer", "in-learning", "not-appropriate"))))
    seeded = seed_list(make, db, [""])
    db.session.scalar(select(SchoolResponse)).guarantee_code = code
    db.session.flush()
    assert _open(seeded) == 1
    assert cases_of(db, seeded.people[0])[0].reason == "school_not_known"


def test_an_answer_of_a_move_or_a_known_code_means_no_case_and_not_known_opens_one(make, db):
    seeded = seed_list(make, db, ["", "330", "820", "draft:330"])
    db.session.scalar(select(SchoolResponse).where(SchoolResponse.activity_code.is_(None),
                                                   SchoolResponse.answered.is_(True))).moved = "abroad"
    db.session.flush()
    assert _open(seeded) == 2
    assert [[c.reason for c in cases_of(db, p)] for p in seeded.people] == [
        [], [], ["school_not_known"], ["no_school_answer"]]


def test_a_case_stores_the_school_the_year_and_since_when(make, db):
    north = make.district("North")
    school = make.establishment(district_id=north.id)
    seeded = seed_list(make, db, [None, None], school=school, year_group=12)
    assert _open(seeded) == 2
    case = cases_of(db, seeded.people[1])[0]
    assert (case.establishment_id, case.year_group, case.collection_id, case.not_known_since,
            case.status, case.version) == (school.id, 12, seeded.collection.id, date(2022, 10, 7), "open", 1)
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "open").order_by(AuditEvent.id)).all()
    assert [a.after["young_person_id"] for a in audits] == [p.id for p in seeded.people]


def test_only_the_young_people_on_this_schools_list_get_cases(make, db):
    mine, theirs = seed_list(make, db, [None]), seed_list(make, db, [None])
    assert _open(mine) == 1
    assert cases_of(db, theirs.people[0]) == []


def test_a_closed_case_from_elsewhere_is_no_reason_to_skip(make, db):
    seeded = seed_list(make, db, [None, None])
    db.session.add(Case(young_person_id=seeded.people[0].id, status="closed", reason="lapsed",
                        opened_at=datetime(2022, 9, 1, tzinfo=UTC), not_known_since=date(2022, 9, 1)))
    db.session.flush()
    assert _open(seeded) == 2


def test_someone_who_moved_away_gets_no_case_from_a_list(make, db):
    seeded = seed_list(make, db, [None, None])
    seeded.people[0].moved, seeded.people[0].moved_on = "other_la", date(2022, 9, 20)
    db.session.flush()
    assert _open(seeded) == 1
    assert cases_of(db, seeded.people[0]) == []


def test_another_young_persons_activity_to_review_is_no_conflict_here(make, db):
    seeded, other = seed_list(make, db, [None]), make.young_person()
    _activity(db, other, "330", date(2022, 10, 20), needs_review=True, source="school, 20 Oct")
    assert _open(seeded) == 1
    assert cases_of(db, seeded.people[0])[0].reason == "no_school_answer"


def test_an_activity_to_review_from_the_send_day_is_a_conflict(make, db):
    seeded = seed_list(make, db, ["330"])
    _activity(db, seeded.people[0], "330", date(2022, 10, 7), needs_review=True, source="school, 7 Oct")
    assert _open(seeded) == 1
    assert cases_of(db, seeded.people[0])[0].reason == "conflict"


def test_the_schools_list_for_another_collection_is_not_opened_with_this_one(make, db):
    from tep_app.models import Collection, ListEntry

    seeded = seed_list(make, db, [None])
    other = Collection(kind="no-offer", academic_year=2022, send_on=date(2023, 6, 5), due_on=date(2023, 6, 30))
    db.session.add(other)
    db.session.flush()
    pupil = make.young_person()
    record = make.school_record(pupil, seeded.school, kind="roll", academic_year=2022, year_group=11)
    db.session.add(ListEntry(collection_id=other.id, establishment_id=seeded.school.id, young_person_id=pupil.id,
                             school_record_id=record.id, reason="no offer"))
    db.session.flush()
    assert _open(seeded) == 1
    assert cases_of(db, pupil) == []


def test_a_lapsed_case_goes_to_the_school_of_the_latest_year(make, db):
    person, latest, earlier = make.young_person(), make.establishment(), make.establishment()
    make.school_record(person, latest, kind="leaver", academic_year=2022, year_group=12)
    make.school_record(person, earlier, kind="leaver", academic_year=2021, year_group=11)  # recorded later
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))
    with _on(date(2022, 12, 1)):
        open_cases_for_lapsed()
    assert (cases_of(db, person)[0].establishment_id, cases_of(db, person)[0].year_group) == (latest.id, 12)


def test_the_latest_activity_is_the_latest_ascertained_whatever_order_it_was_recorded_in(make, db):
    person = make.young_person()
    _activity(db, person, "330", date(2022, 1, 10), lapses=date(2022, 6, 1))  # the latest: lapsed
    _activity(db, person, "220", date(2021, 12, 1), lapses=date(2023, 12, 1))  # older, recorded after
    with _on(date(2022, 12, 1)):
        assert open_cases_for_lapsed() == 1
