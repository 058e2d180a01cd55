"""The month-end snapshot as the scheduler and the command line take it, with a moving clock."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tep_app.jobs import tasks
from tep_app.jobs.scheduler import build_scheduler
from tep_app.models import Activity, Snapshot
from tep_app.services.returns.snapshots import snapshot_rows

LONDON = ZoneInfo("Europe/London")


def _evening(day: date) -> datetime:
    """23:45 in London, when the scheduler runs the month-end job, as UTC."""
    return datetime.combine(day, time(23, 45), tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["tep", *args])


def test_the_scheduler_takes_the_snapshot_each_night_at_a_quarter_to_midnight(app):
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert "hour='23', minute='45'" in str(jobs["month_end_snapshot"].trigger)


def test_a_year_of_nights_takes_one_snapshot_per_month_end(app, db, make, time_machine):
    """Every night from 31 August 2024 to 2 October 2025: a snapshot at each month end, the
    weekend ones too (Saturday 30 November, Saturday 31 May, Sunday 31 August), none on other days.
    The young person of academic age 17 is in the year end's snapshot (31 August) and, 18 without
    an EHCP from 1 September, out of the next one."""
    oldest = make.young_person(date_of_birth=date(2007, 1, 10))  # 17 in 2024-25, 18 in 2025-26
    youngest = make.young_person(date_of_birth=date(2009, 1, 10))  # 15 in 2024-25, 16 in 2025-26
    db.session.add(Activity(young_person_id=oldest.id, code="230", ascertained_on=date(2024, 9, 10),
                            due_to_lapse_on=date(2025, 9, 10), source="officer"))
    db.session.commit()
    taken = {}
    day = date(2024, 8, 31)
    while day <= date(2025, 10, 2):
        time_machine.move_to(_evening(day))
        result = tasks.run_month_end_snapshot(app)
        if result is not None:
            taken[day] = result
        day += timedelta(days=1)

    month_ends = [date(2024, 8, 31), date(2024, 9, 30), date(2024, 10, 31), date(2024, 11, 30), date(2024, 12, 31),
                  date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30),
                  date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30)]
    assert taken == {end: end.isoformat() for end in month_ends}
    assert [end.weekday() for end in (date(2024, 11, 30), date(2025, 5, 31), date(2025, 8, 31))] == [5, 5, 6]
    assert list(db.session.scalars(select(Snapshot.as_of).order_by(Snapshot.as_of))) == month_ends

    def ages(as_of):
        snapshot = db.session.scalar(select(Snapshot).where(Snapshot.as_of == as_of))
        return {row.young_person_id: (row.academic_age, row.activity_code) for row in snapshot_rows(snapshot)}

    assert ages(date(2025, 8, 31)) == {oldest.id: (17, "230"), youngest.id: (15, "150")}
    assert ages(date(2025, 9, 30)) == {youngest.id: (16, "810")}


def test_a_night_the_scheduler_missed_is_caught_up_the_next_night(app, db, time_machine):
    time_machine.move_to(_evening(date(2025, 2, 1)))  # 31 January was missed
    assert tasks.run_month_end_snapshot(app) == "2025-01-31"
    assert tasks.run_month_end_snapshot(app) is None


def test_the_command_takes_a_snapshot_and_prints_its_counts(cli, db, make, time_machine):
    time_machine.move_to("2025-02-03 10:00")
    person = make.young_person(date_of_birth=date(2008, 3, 1))
    db.session.add(Activity(young_person_id=person.id, code="619", ascertained_on=date(2025, 1, 6),
                            neet_start_date=date(2025, 1, 1), due_to_lapse_on=date(2025, 4, 6), source="officer"))
    db.session.commit()
    result = cli("snapshot", "--as-of", "2025-01-31")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Snapshot of 31 January 2025: 1 young people; academic age 16-17: 1, "
                                     "NEET 1, Not Known 0")
    again = cli("snapshot", "--as-of", "2025-01-31")
    assert again.exit_code == 1
    assert "A snapshot for 31 January 2025 was already taken on 3 February 2025" in again.output


@pytest.mark.parametrize("value, words", [
    ("2025-02-30", "--as-of must be a real date like 2025-01-31, not '2025-02-30'"),
    ("31/01/2025", "--as-of must be a real date like 2025-01-31, not '31/01/2025'"),
    ("20250131", "--as-of must be a real date like 2025-01-31, not '20250131'"),
    ("2025-03-31", "A snapshot cannot be taken for 31 March 2025: that day has not come yet."),
])
def test_a_date_that_cannot_be_taken_gives_a_reason_and_exit_code_1(cli, db, time_machine, value, words):
    time_machine.move_to("2025-02-03 10:00")
    result = cli("snapshot", "--as-of", value)
    assert result.exit_code == 1
    assert f"Error: {words}" in result.output
    assert db.session.scalar(select(Snapshot.id)) is None
