"""Month-end snapshots: who is in them with which status and activity, and that they never change."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tep_app.models import Activity, Snapshot, SnapshotRow
from tep_app.services.returns.snapshots import SnapshotRefused, snapshot_rows, take_snapshot


def _activity(db, person, code, ascertained_on, **kwargs):
    db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=ascertained_on,
                            source="officer", **kwargs))
    db.session.flush()


def test_a_snapshot_holds_each_young_person_with_the_activity_that_counted(db, make, time_machine):
    time_machine.move_to("2025-02-03 09:00")
    school = make.establishment()
    in_learning = make.young_person(date_of_birth=date(2008, 3, 1))  # academic age 16 in 2024-25
    make.school_record(in_learning, school, academic_year=2023, kind="roll", year_group=11)
    _activity(db, in_learning, "230", date(2024, 9, 20), start_date=date(2024, 9, 5), due_to_lapse_on=date(2025, 9, 20))
    lapsed = make.young_person(date_of_birth=date(2007, 5, 1))  # 17
    _activity(db, lapsed, "330", date(2024, 6, 1), due_to_lapse_on=date(2024, 12, 1))
    too_old = make.young_person(date_of_birth=date(2005, 5, 1))  # 19, no EHCP: not in the cohort
    with_plan = make.young_person(date_of_birth=date(2005, 5, 1), ehcp=True)  # 19 with an EHCP
    moved = make.young_person(date_of_birth=date(2008, 1, 1), moved="other_la", moved_to="887",
                              moved_on=date(2025, 1, 14))
    moved_before = make.young_person(date_of_birth=date(2008, 1, 1), moved="abroad", moved_on=date(2024, 11, 2))

    snapshot = take_snapshot(date(2025, 1, 31))
    rows = {row.young_person_id: row for row in snapshot_rows(snapshot)}

    assert too_old.id not in rows and moved_before.id not in rows
    first = rows[in_learning.id]
    assert (first.academic_age, first.year_group, first.cohort_status, first.lead_la, first.activity_code,
            first.category, first.year_11_school_id) == (16, 12, "P", "886", "230", "eet", school.id)
    assert first.activity_start_date == date(2024, 9, 5)
    second = rows[lapsed.id]
    assert (second.activity_code, second.held_activity_code, second.currency_lapsed, second.category) == \
        ("810", "330", True, "not-known")
    assert (rows[with_plan.id].academic_age, rows[with_plan.id].activity_code) == (19, "810")
    assert (rows[moved.id].cohort_status, rows[moved.id].transferred_to_la) == ("T", "887")
    assert snapshot.counts["measure"] == {"cohort": 2, "neet": 0, "not_known": 1}


def test_a_snapshot_is_taken_once_and_never_changes(db, make, time_machine):
    time_machine.move_to("2025-03-01 09:00")
    person = make.young_person(date_of_birth=date(2008, 3, 1))
    _activity(db, person, "619", date(2025, 1, 10), neet_start_date=date(2025, 1, 2), due_to_lapse_on=date(2025, 4, 10))
    snapshot = take_snapshot(date(2025, 2, 28))
    before = [(row.young_person_id, row.activity_code, row.category) for row in snapshot_rows(snapshot)]

    _activity(db, person, "310", date(2025, 2, 20))  # found later, ascertained before the month end
    with pytest.raises(SnapshotRefused, match="already taken on 1 March 2025; a snapshot never changes"):
        take_snapshot(date(2025, 2, 28))

    assert [(row.young_person_id, row.activity_code, row.category) for row in snapshot_rows(snapshot)] == before
    assert db.session.scalar(select(func.count()).select_from(Snapshot)) == 1
    assert before == [(person.id, "619", "neet")]
    assert db.session.scalar(select(SnapshotRow.neet_start_date)) == date(2025, 1, 2)


def test_a_day_not_yet_come_is_refused(db, time_machine):
    time_machine.move_to("2025-03-01 09:00")
    with pytest.raises(SnapshotRefused, match="has not come yet"):
        take_snapshot(date(2025, 3, 31))


def test_found_without_an_activity_counts_as_the_dashboard_counts_it(db, make, time_machine):
    """No activity of their own, but on a Year 12 roll this year (a school sixth form), or a leaver
    matched with certainty to a college enrolment that has started: known, not Not Known."""
    from tep_app.models import MatchResult

    time_machine.move_to("2025-02-03 09:00")
    school = make.establishment()
    college = make.establishment(type="college", contacts=0)
    sixth_former = make.young_person(date_of_birth=date(2008, 3, 1))
    make.school_record(sixth_former, school, kind="roll", academic_year=2024, year_group=12)
    student = make.young_person(date_of_birth=date(2008, 4, 1))
    leaver = make.school_record(student, school, kind="leaver", academic_year=2024, year_group=11)
    enrolment = make.enrolment(college, student, academic_year=2024, start_date=date(2024, 9, 9))
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=leaver.id, candidate_id=enrolment.id,
                               outcome="certain", rule="upn", score=1.0))
    unknown = make.young_person(date_of_birth=date(2008, 5, 1))
    db.session.flush()

    rows = {row.young_person_id: row for row in snapshot_rows(take_snapshot(date(2025, 1, 31)))}
    assert (rows[sixth_former.id].activity_code, rows[sixth_former.id].category,
            rows[sixth_former.id].activity_start_date) == ("210", "eet", date(2024, 9, 1))
    assert (rows[student.id].activity_code, rows[student.id].activity_start_date) == ("230", date(2024, 9, 9))
    assert (rows[unknown.id].activity_code, rows[unknown.id].category) == ("810", "not-known")


def test_a_record_merged_into_another_is_reported_once_as_merged(db, make, time_machine):
    from datetime import UTC, datetime

    from tep_app.models import PersonMerge

    time_machine.move_to("2025-03-03 09:00")
    kept = make.young_person(date_of_birth=date(2008, 3, 1))
    duplicate = make.young_person(date_of_birth=date(2008, 3, 1))
    db.session.add(PersonMerge(kept_id=kept.id, merged_id=duplicate.id, merged_at=datetime(2025, 2, 12, 10, tzinfo=UTC),
                               took=[]))
    db.session.flush()
    statuses = {day: {row.young_person_id: row.cohort_status for row in snapshot_rows(take_snapshot(day))}
                for day in (date(2025, 1, 31), date(2025, 2, 28))}
    assert statuses[date(2025, 1, 31)] == {kept.id: "P", duplicate.id: "P"}
    assert statuses[date(2025, 2, 28)] == {kept.id: "P", duplicate.id: "M"}
    time_machine.move_to("2025-04-03 09:00")
    assert {row.young_person_id for row in snapshot_rows(take_snapshot(date(2025, 3, 31)))} == {kept.id}
