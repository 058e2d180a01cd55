"""`flask tep cases open-lapsed | open-overdue | rebalance`."""
from datetime import date

from sqlalchemy import func, select

from tep_app.models import Activity, Case
from tests.support.cases_support import cases_of, open_case, seed_list


def test_open_lapsed_command_opens_once(app, db, make):
    person = make.young_person()
    make.school_record(person, make.establishment())
    db.session.add(Activity(young_person_id=person.id, code="230", ascertained_on=date(2022, 10, 1),
                            due_to_lapse_on=date(2023, 10, 1), source="officer"))
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["tep", "cases", "open-lapsed", "--date", "2023-10-02"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Opened 1 cases for lapsed activities"
    assert [c.reason for c in cases_of(db, person)] == ["lapsed"]
    again = runner.invoke(args=["tep", "cases", "open-lapsed", "--date", "2023-10-02"])
    assert again.output.strip() == "Opened 0 cases for lapsed activities"


def test_open_overdue_command(app, db, make):
    seeded = seed_list(make, db, [None, "330"], status="sent", due_on=date(2022, 10, 31))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tep", "cases", "open-overdue", "--date", "2022-11-01"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Opened 1 cases for overdue school lists"
    assert [len(cases_of(db, p)) for p in seeded.people] == [1, 0]


def test_a_bad_date_is_refused_with_a_reason(app, db):
    result = app.test_cli_runner().invoke(args=["tep", "cases", "open-overdue", "--date", "31/10/2022"])
    assert result.exit_code != 0
    assert "Invalid value for '--date'" in result.output
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_rebalance_command(app, db, make):
    heavy, light = make.staff("officer"), make.staff("officer")
    for _ in range(4):
        open_case(make, db, officer=heavy)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tep", "cases", "rebalance"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Moved 2 cases"
    assert db.session.scalar(select(func.count(Case.id)).where(Case.officer_id == light.id)) == 2
