"""`flask tep lists build|export` and `flask tep calendar show`: the contract of docs/design.md section 7."""
import pytest
from openpyxl import load_workbook

from tep_app.models import MatchResult


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def county(db, make):
    schools = [make.establishment(name=f"CLI School {n}", laestab=f"886200{n}") for n in range(1, 4)]
    for n, school in enumerate(schools):
        for _ in range(n + 1):
            record = make.school_record(make.young_person(), school, kind="leaver", academic_year=2022)
            db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="none",
                                       rule="test", score=0.0))
    matched = make.school_record(make.young_person(), schools[0], kind="leaver", academic_year=2022)
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=matched.id, outcome="certain",
                               rule="test", score=1.0))
    db.session.flush()
    return schools


def test_build_prints_the_counts(runner, county):
    result = runner.invoke(args=["tep", "lists", "build", "leavers", "--year", "2022"])

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Built the leavers lists for 2022-23: 6 young people at 3 schools.\n"


def test_export_writes_one_file_per_school(runner, county, tmp_path):
    runner.invoke(args=["tep", "lists", "build", "leavers", "--year", "2022"])
    out = tmp_path / "new" / "lists"

    result = runner.invoke(args=["tep", "lists", "export", "leavers", "--year", "2022", "--out", str(out)])

    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Exported 3 school lists to {out}.\n"
    assert sorted(p.name for p in out.iterdir()) == ["8862001.xlsx", "8862002.xlsx", "8862003.xlsx"]
    sheet = load_workbook(out / "8862003.xlsx").worksheets[0]
    assert sheet.max_row == 4
    assert [c.value for c in sheet[1]][:6] == ["Reference", "UPN", "ULN", "Forename", "Surname", "Date of birth"]


@pytest.mark.parametrize(("args", "message"), [
    (["build", "everyone", "--year", "2022"], "Error: Unknown list 'everyone': use leavers or no-offer"),
    (["build", "--year", "2022"], "Error: Say which lists: leavers or no-offer"),
    (["build", "leavers"], "Error: Give the academic year with --year, like --year 2022 for 2022-23"),
    (["build", "leavers", "--year", "22-23"],
     "Error: --year '22-23' is not an academic year: give its start, like 2022 for 2022-23"),
    (["export", "leavers", "--year", "2022"], "Error: Give the folder to write to with --out DIR"),
    (["export", "no-offer", "--year", "2041", "--out", "somewhere"],
     "Error: The no-offer lists for 2041-42 have not been built: run flask tep lists build no-offer --year 2041"),
])
def test_bad_input_gets_one_line_and_a_non_zero_exit(runner, args, message):
    result = runner.invoke(args=["tep", "lists", *args])

    assert result.exit_code == 1
    assert result.stderr == message + "\n"
    assert result.stdout == ""


def test_export_to_a_file_is_refused(runner, county, tmp_path):
    runner.invoke(args=["tep", "lists", "build", "leavers", "--year", "2022"])
    target = tmp_path / "lists.xlsx"
    target.write_text("not a folder")

    result = runner.invoke(args=["tep", "lists", "export", "leavers", "--year", "2022", "--out", str(target)])

    assert result.exit_code == 1
    assert result.stderr == f"Error: {target} is a file, not a folder\n"


def test_export_to_a_folder_that_cannot_be_made_is_refused(runner, county, tmp_path):
    runner.invoke(args=["tep", "lists", "build", "leavers", "--year", "2022"])
    (tmp_path / "a-file").write_text("x")
    target = tmp_path / "a-file" / "lists"

    result = runner.invoke(args=["tep", "lists", "export", "leavers", "--year", "2022", "--out", str(target)])

    assert result.exit_code == 1
    assert result.stderr == f"Error: Cannot create the folder {target}: Not a directory\n"


def test_calendar_show_prints_the_year(runner):
    result = runner.invoke(args=["tep", "calendar", "show", "--year", "2023"])

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Calendar 2023-24"
    assert "Sat 07 Oct 2023  leavers_send" in result.stdout
    assert "(sent Fri 6 Oct 2023)" in result.stdout
    assert any(line.startswith("Sun 30 Jun 2024  no_offer_due") for line in lines)
    assert len(lines) == 13
