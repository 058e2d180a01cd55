"""Two severities: a third-party return with a mistyped UPN and an unallocated phone number is imported
without those values, says which row and column, and its row still matches by name; a file with an
error is still refused whole."""
import pytest
from sqlalchemy import func, select

from tep_app.models import Enrolment, ImportBatch, ImportWarning, MatchResult, SchoolRecord
from tep_app.services.imports import ImportFailed, import_file, list_warnings
from tests.support.imports_support import (
    COLLEGE_UKPRN,
    LEAVER_HEADERS,
    csv_bytes,
    establishments_csv,
    leaver_rows,
)

ENROLMENT_HEADERS = ["Provider", "UPN", "Forename", "Surname", "Date of birth", "Postcode", "Phone", "Course"]
MISTYPED = "A801200005001"  # B801200005001 with the wrong check letter
UNALLOCATED = "01632 000000"


@pytest.fixture
def leavers(db):
    import_file("establishments", establishments_csv(), "establishments.csv")
    import_file("leavers", csv_bytes(LEAVER_HEADERS, leaver_rows(2)), "leavers.csv", 2022)
    return leaver_rows(2)


def enrolment_file(leavers, upn=MISTYPED, phone=UNALLOCATED, provider=COLLEGE_UKPRN):
    """Row 2: the first leaver, as given; row 3: the second, with `upn` and `phone`."""
    rows = []
    for leaver, (row_upn, row_phone, course) in zip(leavers, [(None, "07700 900555", "A levels"),
                                                              (upn, phone, "BTEC")], strict=False):
        _school, good_upn, forename, surname, born, _group, _gender, postcode, *_ = leaver
        rows.append([provider, row_upn or good_upn, forename.upper(), surname, born, postcode, row_phone, course])
    return csv_bytes(ENROLMENT_HEADERS, rows)


def test_a_mistyped_upn_and_an_unallocated_phone_are_left_out_with_warnings(app, db, leavers):
    batch = import_file("enrolments", enrolment_file(leavers), "college.csv", 2022)
    db.session.commit()
    assert batch.created_count == 2 and batch.warning_count == 2
    assert [(str(w), w.value) for w in list_warnings(batch.id)] == [
        ("Row 3, UPN: A801200005001 has the wrong check letter: check the UPN", MISTYPED),
        ("Row 3, Phone: Enter a phone number in the correct format, like 07700 900123 or 01622 694000", UNALLOCATED)]
    stored = db.session.execute(select(Enrolment.course, Enrolment.upn, Enrolment.phone).order_by(Enrolment.id)).all()
    assert stored == [("A levels", leavers[0][1], "07700900555"), ("BTEC", None, None)]

    result = app.test_cli_runner().invoke(args=["tep", "match", "--year", "2022"])
    assert result.exit_code == 0, result.output
    btec = db.session.scalar(select(Enrolment.id).where(Enrolment.course == "BTEC"))
    leaver_record = db.session.scalar(select(SchoolRecord.id).join(SchoolRecord.young_person)
                                      .where(SchoolRecord.kind == "leaver").order_by(SchoolRecord.id).offset(1))
    match = db.session.scalar(select(MatchResult).where(MatchResult.school_record_id == leaver_record))
    assert (match.outcome, match.candidate_id) == ("certain", btec)
    assert "+dob" in match.rule and not match.rule.startswith(("upn", "uln"))  # by name and date of birth


def test_the_same_return_with_an_unknown_provider_is_refused_whole(db, leavers):
    with pytest.raises(ImportFailed) as failed:
        import_file("enrolments", enrolment_file(leavers, provider="10099999"), "college.csv", 2022)
    assert [str(p) for p in failed.value.problems] == [
        "Row 2, Provider: 10099999 is not a known school or provider. Import establishments first.",
        "Row 3, Provider: 10099999 is not a known school or provider. Import establishments first."]
    assert len(failed.value.warnings) == 2
    assert str(failed.value) == "The file has 2 errors and 2 warnings: nothing was imported"
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0
    assert db.session.scalar(select(func.count(ImportWarning.id))) == 0
    assert db.session.scalar(select(func.count(ImportBatch.id)).where(ImportBatch.kind == "enrolments")) == 0


def test_the_same_return_without_a_required_column_is_refused_whole(db, leavers):
    data = enrolment_file(leavers).replace(b"Date of birth", b"Birthday", 1)
    with pytest.raises(ImportFailed) as failed:
        import_file("enrolments", data, "college.csv", 2022)
    assert [str(p) for p in failed.value.problems] == [
        "Row 1, Date of birth: The file has no Date of birth column. Did you mean ‘Birthday’?"]
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_an_impossible_date_of_birth_is_still_an_error(db, leavers):
    leavers[1][4] = "31/02/2006"
    with pytest.raises(ImportFailed) as failed:
        import_file("enrolments", enrolment_file(leavers), "college.csv", 2022)
    assert [(p.row, p.column) for p in failed.value.problems] == [(3, "Date of birth")]
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0
