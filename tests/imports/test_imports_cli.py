"""`flask tep import`: a summary line and exit 0 (with any warnings printed and counted), or every error,
a one-line reason and exit 1."""
from sqlalchemy import func, select

from tep_app.models import ContactDetail, YoungPerson
from tests.support.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv, leaver_rows


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


def test_bad_rows_print_every_error_then_one_line_reason_with_the_counts(app, db, tmp_path):
    (tmp_path / "e.csv").write_bytes(establishments_csv())
    run(app, "establishments", tmp_path / "e.csv")
    rows = leaver_rows(60)
    for row in rows:
        row[5] = "9"
    rows[0][7] = "NOWHERE"
    (tmp_path / "l.csv").write_bytes(csv_bytes(LEAVER_HEADERS, rows))
    result = run(app, "leavers", tmp_path / "l.csv", "--year", "2022")
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1
    assert lines[0] == "Error: Row 2, Year group: 9 is not a year group we import: enter 11 or 12"
    assert len(lines) == 52
    assert lines[50] == "…and 10 more errors"
    assert lines[-1] == ("Error: The file has 60 errors and 1 warning: nothing was imported. Correct the file and "
                         "import it again.")
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert people(db) == 0


def test_warnings_are_printed_and_counted_and_the_file_is_imported(app, db, tmp_path):
    (tmp_path / "e.csv").write_bytes(establishments_csv())
    run(app, "establishments", tmp_path / "e.csv")
    rows = leaver_rows(53)
    for row in rows[:52]:
        row[8] = "01632 000000"
    rows[1][10] = "not an email"
    (tmp_path / "l.csv").write_bytes(csv_bytes(LEAVER_HEADERS, rows))
    result = run(app, "leavers", tmp_path / "l.csv", "--year", "2022")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == ("Imported 53 leavers for 2022-23: 53 new, 0 updated, 0 unchanged. "
                                     "53 warnings: those values were not imported.")
    lines = result.stderr.strip().splitlines()
    assert lines[:3] == [
        "Warning: Row 2, Phone: Enter a phone number in the correct format, like 07700 900123 or 01622 694000",
        "Warning: Row 3, Phone: Enter a phone number in the correct format, like 07700 900123 or 01622 694000",
        "Warning: Row 3, Email: Enter an email address in the correct format, like name@example.com"]
    assert lines[50:] == ["…and 3 more warnings"]
    assert people(db) == 53
    phones = db.session.scalar(select(func.count(ContactDetail.id)).where(ContactDetail.kind == "phone"))
    assert phones == 1


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
