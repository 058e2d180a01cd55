"""`flask tep match`: counts per kind and outcome, and one-line errors."""
from datetime import date

from sqlalchemy import func, select

from tep_app.models import MatchResult

YEAR = 2022


def _seed(make):
    school = make.establishment(name="Beacon Academy")
    college = make.establishment(type="college", contacts=0)
    found = make.young_person(forename="Harry", surname="Ng", date_of_birth=date(2006, 9, 9))
    make.school_record(found, school, "leaver", YEAR)
    make.enrolment(college, found, YEAR)
    make.school_record(make.young_person(forename="Ivy", surname="Cole"), school, "leaver", YEAR)
    pupil = make.young_person(forename="Sam", surname="Eze", date_of_birth=date(2007, 2, 2))
    make.school_record(pupil, school, "roll", YEAR)
    make.offer(college, pupil, YEAR, status="110")


def test_match_prints_the_counts_of_each_outcome(app, db, make):
    _seed(make)
    result = app.test_cli_runner().invoke(args=["tep", "match", "--year", str(YEAR)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Matched 2022-23 in ")
    assert lines[1].split() == ["leavers", "vs", "enrolments:", "1", "certain,", "0", "possible,", "1", "none"]
    assert lines[2].split() == ["roll", "vs", "offers:", "1", "certain,", "0", "possible,", "0", "none"]
    assert lines[1].index("certain") == lines[2].index("certain")
    assert db.session.scalar(select(func.count()).select_from(MatchResult)) == 3


def test_match_without_a_year_matches_every_year(app, db, make):
    _seed(make)
    result = app.test_cli_runner().invoke(args=["tep", "match"])
    assert result.exit_code == 0, result.output
    assert "leavers vs enrolments: 1 certain" in " ".join(result.output.split())


def test_a_bad_year_is_one_line_and_fails(app, db, make):
    _seed(make)
    result = app.test_cli_runner().invoke(args=["tep", "match", "--year", "twenty"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: --year 'twenty' is not an academic year: give its start, like 2022 for 2022-23"]


def test_a_year_with_nothing_to_match_is_one_line_and_fails(app, db, make):
    _seed(make)
    result = app.test_cli_runner().invoke(args=["tep", "match", "--year", "2019"])
    assert result.exit_code != 0
    assert result.output.strip() == "Error: There are no leavers or pupils on roll for 2019-20: import them first"
    assert db.session.scalar(select(func.count()).select_from(MatchResult)) == 0
