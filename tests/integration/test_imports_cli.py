"""`flask tep import`: a summary line and exit 0, or every problem, a one-line reason and exit 1."""
from sqlalchemy import func, select

from tep_app.models import YoungPerson
from tests.integration.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv, leaver_rows


def run(app, *args):
    return app.test_cli_runner().invoke(args=["tep", "import", *map(str, args)])


def people(db):
    return db.session.scalar(select(func.count(YoungPerson.id)))


def test_import_prints_a_summary_and_exits_0(app, db, tmp_path):
    (tmp_path / "e.csv").write_bytes(establishments_csv())
    (tmp_path / "l.csv").write_bytes(csv_bytes(LEAVER_HEADERS, leaver_rows(3)))
    assert run(app, "establishments", tmp_path / "e.csv").exit_code == 0
    result = run(app, "leavers", tmp_path / "l.csv", "--year", "2022")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "Imported 3 leavers for 2022-23: 3 new, 0 updated, 0 unchanged."
    assert people(db) == 3


def test_bad_rows_print_every_problem_then_one_line_reason(app, db, tmp_path):
    (tmp_path / "e.csv").write_bytes(establishments_csv())
    run(app, "establishments", tmp_path / "e.csv")
    rows = leaver_rows(60)
    for row in rows:
        row[7] = "NOWHERE"
    (tmp_path / "l.csv").write_bytes(csv_bytes(LEAVER_HEADERS, rows))
    result = run(app, "leavers", tmp_path / "l.csv", "--year", "2022")
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1
    assert lines[0] == "Row 2, Postcode: NOWHERE is not a UK postcode"
    assert len(lines) == 52
    assert lines[50] == "…and 10 more problems"
    assert lines[-1] == "Error: The file has 60 problems: nothing was imported. Correct the file and import it again."
    assert "Traceback" not in result.stderr + result.stdout
    assert people(db) == 0


def test_not_a_spreadsheet_exits_non_zero_with_a_reason(app, db, tmp_path):
    path = tmp_path / "leavers.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    result = run(app, "leavers", path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: leavers.xlsx is not an Excel .xlsx file")


def test_missing_file_and_folder_get_one_line(app, db, tmp_path):
    missing = run(app, "roll", tmp_path / "nope.csv")
    assert missing.exit_code == 1 and missing.stderr.strip() == f"Error: There is no file at {tmp_path / 'nope.csv'}"
    folder = run(app, "roll", tmp_path)
    assert folder.exit_code == 1
    assert folder.stderr.strip() == f"Error: {tmp_path} is a folder: give the path of an .xlsx or .csv file"


def test_unknown_kind_is_refused(app, db, tmp_path):
    result = run(app, "pupils", tmp_path / "x.csv")
    assert result.exit_code == 2 and "pupils" in result.stderr
