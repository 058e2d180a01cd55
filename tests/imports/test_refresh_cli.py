"""`flask tep refresh`: a folder of five files imported, matched and made into both sets of lists in one
go, each stage timed; a missing file or a file with an error changes nothing."""
import multiprocessing
import time

import pytest
from sqlalchemy import func, select

from tep_app.matching import parallel
from tep_app.models import Collection, Enrolment, ImportBatch, ListEntry, MatchResult, YoungPerson
from tep_app.services import match_runs
from tests.support.imports_support import (
    COLLEGE_UKPRN,
    LEAVER_HEADERS,
    csv_bytes,
    establishments_csv,
    leaver_rows,
    xlsx_bytes,
)

SOURCE_HEADERS = ["Provider", "UPN", "Forename", "Surname", "Date of birth", "Phone"]


def county_folder(folder, enrolment_provider=COLLEGE_UKPRN, offer_provider=COLLEGE_UKPRN):
    """Three leavers (the first enrolled, with a mistyped phone) and three on roll (the second with an offer)."""
    leavers, roll = leaver_rows(3), leaver_rows(3)
    (folder / "establishments.csv").write_bytes(establishments_csv())
    (folder / "leavers_2022.csv").write_bytes(csv_bytes(LEAVER_HEADERS, leavers))
    (folder / "roll.xlsx").write_bytes(xlsx_bytes(LEAVER_HEADERS, roll))
    first = leavers[0]
    (folder / "enrolments.csv").write_bytes(csv_bytes(SOURCE_HEADERS, [
        [enrolment_provider, first[1], first[2], first[3], first[4], "01632 000000"]]))
    second = roll[1]
    (folder / "offers_2022.xlsx").write_bytes(xlsx_bytes(SOURCE_HEADERS[:5] + ["Status"], [
        [offer_provider, second[1], second[2], second[3], second[4], "110"]]))
    return folder


def refresh(app, folder, year="2022"):
    return app.test_cli_runner().invoke(args=["tep", "refresh", "--year", year, "--dir", str(folder)])


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_refresh_imports_matches_and_builds_both_lists_timing_each_stage(app, db, tmp_path):
    result = refresh(app, county_folder(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "import establishments", "import leavers", "import roll", "import enrolments", "import offers", "match",
        "build leavers lists", "build no-offer lists"]
    assert all(" s. " in line for line in lines[:-1])
    assert "Imported 1 enrolments for 2022-23: 1 new, 0 updated, 0 unchanged. 1 warning" in lines[3]
    assert lines[6].endswith("2 young people at 1 school")
    assert lines[7].endswith("2 young people at 1 school")
    assert lines[-1].startswith("Refreshed 2022-23 in ")
    assert lines[-1].endswith(" s, with 1 warning: those values were not imported.")
    assert count(db, ImportBatch) == 5 and count(db, YoungPerson) == 3
    assert db.session.scalar(select(Enrolment.phone)) is None
    assert count(db, MatchResult) == 6
    kinds = db.session.execute(select(Collection.kind, func.count(ListEntry.id)).join(ListEntry.collection)
                               .group_by(Collection.kind).order_by(Collection.kind)).all()
    assert kinds == [("leavers", 2), ("no-offer", 2)]


def test_a_missing_file_is_named_before_anything_is_imported(app, db, tmp_path):
    folder = county_folder(tmp_path)
    (folder / "roll.xlsx").unlink()
    (folder / "offers_2022.xlsx").rename(folder / "offers_2021.xlsx")
    result = refresh(app, folder)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {folder} has no roll.csv or .xlsx, no offers.csv or .xlsx. "
                                     "Nothing was changed.")
    assert count(db, ImportBatch) == 0


def test_a_file_with_an_error_changes_nothing_and_exits_1(app, db, tmp_path):
    result = refresh(app, county_folder(tmp_path, enrolment_provider="10099999"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Row 2, Provider: 10099999 is not a known school or provider. Import establishments first.",
        "Error: enrolments.csv: The file has 1 error and 1 warning: nothing was imported. Nothing was changed."]
    assert result.stdout.strip().splitlines()[-1].startswith("import roll: ")
    assert count(db, ImportBatch) == 0 and count(db, YoungPerson) == 0


def test_two_files_of_one_kind_and_a_missing_folder_are_refused(app, db, tmp_path):
    folder = county_folder(tmp_path)
    (folder / "leavers.xlsx").write_bytes(b"")
    result = refresh(app, folder)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {folder} has leavers.xlsx and leavers_2022.csv: keep one leavers "
                                     "file. Nothing was changed.")
    missing = refresh(app, tmp_path / "nowhere")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"Error: There is no folder at {tmp_path / 'nowhere'}. Nothing was changed."


@pytest.fixture
def matching_in_children(monkeypatch):
    """Every matching job in a child process, as on an idle machine with a Kent-sized county."""
    monkeypatch.setattr(match_runs, "_workers", lambda: 2)
    monkeypatch.setattr(match_runs, "PARALLEL_THRESHOLD", 0)


def test_the_leavers_matched_in_a_child_while_the_offers_import_give_the_same_results(app, db, tmp_path,
                                                                                      matching_in_children):
    result = refresh(app, county_folder(tmp_path))
    assert result.exit_code == 0, result.output
    assert "match: " in result.stdout and "leaver_enrolment: 1 certain, 0 possible, 2 none" in result.stdout
    assert "roll_offer: 1 certain, 0 possible, 2 none" in result.stdout
    assert count(db, MatchResult) == 6
    kinds = db.session.execute(select(Collection.kind, func.count(ListEntry.id)).join(ListEntry.collection)
                               .group_by(Collection.kind).order_by(Collection.kind)).all()
    assert kinds == [("leavers", 2), ("no-offer", 2)]
    assert multiprocessing.active_children() == []


def test_an_offers_file_with_an_error_stops_the_leavers_matching_already_begun(app, db, tmp_path, monkeypatch,
                                                                               matching_in_children):
    matched = parallel.match_records

    def slow(*arguments):  # a Kent-sized matching, still running when the offers file fails
        time.sleep(60)
        return matched(*arguments)

    monkeypatch.setattr(parallel, "match_records", slow)
    result = refresh(app, county_folder(tmp_path, offer_provider="10099999"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: offers_2022.xlsx: The file has 1 error")
    assert result.stdout.strip().splitlines()[-1].startswith("import enrolments: ")
    assert multiprocessing.active_children() == []  # the child matching the leavers was stopped
    assert count(db, ImportBatch) == 0 and count(db, YoungPerson) == 0 and count(db, MatchResult) == 0
