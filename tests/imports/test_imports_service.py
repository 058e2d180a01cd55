"""import_file and check_file against the database: all or nothing on errors, warnings kept with the batch,
every problem named, no duplicates."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tep_app.models import (
    AuditEvent,
    ContactDetail,
    Enrolment,
    Establishment,
    EstablishmentContact,
    ImportBatch,
    Offer,
    SchoolRecord,
    YoungPerson,
)
from tep_app.services.imports import ImportFailed, check_file, import_file, list_warnings
from tests.support.imports_support import (
    COLLEGE_UKPRN,
    LEAVER_HEADERS,
    SCHOOL,
    csv_bytes,
    establishments_csv,
    leaver_rows,
    xlsx_bytes,
)

COUNTED = (Establishment, YoungPerson, SchoolRecord, ContactDetail, Enrolment, Offer, ImportBatch)


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


@pytest.fixture
def schools(db):
    import_file("establishments", establishments_csv(), "establishments.csv")
    return db


def assert_one_problem(db, kind, data, filename, expected, **kwargs):
    before = counts(db)
    with pytest.raises(ImportFailed) as failed:
        import_file(kind, data, filename, 2022, **kwargs)
    assert [str(p) for p in failed.value.problems] == [expected]
    assert counts(db) == before


def test_establishments_import_with_districts_and_contacts(schools, db):
    oak = db.session.scalar(select(Establishment).where(Establishment.laestab == SCHOOL))
    assert oak.name == "Oakfield School" and oak.district.name == "Maidstone"
    assert [(c.email, c.name) for c in oak.contacts] == [("head@oak.example", "Pat Head"), ("data@oak.example", None)]
    batch = import_file("establishments", establishments_csv(), "establishments.csv")
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 3)
    assert db.session.scalar(select(func.count(EstablishmentContact.id))) == 4


def test_leavers_import_stores_people_records_contacts_batch_and_audit(schools, db):
    batch = import_file("leavers", csv_bytes(LEAVER_HEADERS, leaver_rows(3)), "leavers.csv", 2022, user_id=None)
    assert batch.summary == "Imported 3 leavers for 2022-23: 3 new, 0 updated, 0 unchanged."
    assert (batch.kind, batch.academic_year, batch.row_count, len(batch.sha256)) == ("leavers", 2022, 3, 64)
    person = db.session.scalar(select(YoungPerson).where(YoungPerson.forename == "Forename1"))
    assert person.date_of_birth == date(2006, 3, 2) and person.postcode == "ME14 1XX"
    record, = person.school_records
    assert (record.kind, record.academic_year, record.year_group, record.establishment.laestab) == (
        "leaver", 2022, 11, SCHOOL)
    assert sorted((c.kind, c.value, c.source) for c in person.contact_details) == [
        ("email", "pupil1@example.com", "leavers import 2022-23"),
        ("parent_phone", "01632960001", "leavers import 2022-23"),
        ("phone", "07700900001", "leavers import 2022-23")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "import_batch",
                                                       AuditEvent.object_id == str(batch.id)))
    assert event.action == "import" and event.after["created"] == 3


def test_reimporting_the_same_file_and_an_overlapping_one_makes_no_duplicates(schools, db):
    import_file("leavers", csv_bytes(LEAVER_HEADERS, leaver_rows(3)), "leavers.csv", 2022)
    before = counts(db)
    again = import_file("leavers", xlsx_bytes(LEAVER_HEADERS, leaver_rows(3)), "leavers.xlsx", 2022)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    rows = leaver_rows(4)
    rows[0][8] = "07700 900999"  # a new phone number for the first leaver
    overlap = import_file("leavers", csv_bytes(LEAVER_HEADERS, rows), "leavers.csv", 2022)
    assert (overlap.created_count, overlap.updated_count, overlap.unchanged_count) == (1, 1, 2)
    after = counts(db)
    assert after["YoungPerson"] == before["YoungPerson"] + 1
    assert after["SchoolRecord"] == before["SchoolRecord"] + 1
    assert after["ContactDetail"] == before["ContactDetail"] + 3 + 1


def test_people_without_upn_are_matched_by_name_birth_date_and_school(schools, db):
    rows = leaver_rows(2)
    for row in rows:
        row[1] = ""
    import_file("roll", csv_bytes(LEAVER_HEADERS, rows), "roll.csv", 2022)
    import_file("roll", csv_bytes(LEAVER_HEADERS, rows), "roll.csv", 2022)
    assert counts(db)["YoungPerson"] == 2


def test_enrolments_and_offers_upsert_by_row_key(schools, db):
    headers = ["Provider", "UPN", "First name", "Surname", "Date of Birth", "Year group", "Course", "Start date"]
    rows = [[COLLEGE_UKPRN, "", "Ann", "Able", "01/03/2006", "12", "A levels", "2022-09-05"],
            [SCHOOL, "", "Ben", "Baker", "2006-04-02", "12", "BTEC", "05/09/2022"]]
    first = import_file("enrolments", csv_bytes(headers, rows), "enrolments.csv", 2022)
    rows[0][6] = "A levels: maths"
    second = import_file("enrolments", csv_bytes(headers, rows), "enrolments.csv", 2022)
    assert (first.created_count, second.created_count, second.updated_count, second.unchanged_count) == (2, 0, 1, 1)
    assert db.session.scalar(select(Enrolment.course).where(Enrolment.forename == "Ann")) == "A levels: maths"
    offers = ["Provider", "Forename", "Surname", "DOB", "Status", "Offer date", "Source"]
    offer_rows = [[COLLEGE_UKPRN, "Ann", "Able", "01/03/2006", "Offer made", "2023-03-01", "college"]]
    import_file("offers", xlsx_bytes(offers, offer_rows), "offers.xlsx", 2022)
    import_file("offers", xlsx_bytes(offers, offer_rows), "offers.xlsx", 2022)
    offer, = db.session.scalars(select(Offer)).all()
    assert (offer.status, offer.offer_date, offer.provider.laestab) == ("110", date(2023, 3, 1), "8864901")


def test_a_row_key_seen_again_later_in_the_file_takes_the_later_row(schools, db):
    headers = ["Provider", "First name", "Surname", "Date of Birth", "Course"]
    rows = [[COLLEGE_UKPRN, "Ann", "Able", "01/03/2006", "A levels"],
            [SCHOOL, "Ben", "Baker", "2006-04-02", "BTEC"],
            [COLLEGE_UKPRN, "ANN", "Able", "01/03/2006", "Maths"]]
    batch = import_file("enrolments", csv_bytes(headers, rows), "enrolments.csv", 2022)
    assert batch.created_count == 2
    assert db.session.execute(select(Enrolment.forename, Enrolment.course).where(Enrolment.surname == "Able")).all() \
        == [("ANN", "Maths")]


def test_rows_written_before_a_late_problem_are_taken_back(schools, db):
    headers = ["Provider", "First name", "Surname", "Date of Birth"]
    rows = [[COLLEGE_UKPRN, f"Ann{n}", "Able", "01/03/2006"] for n in range(30)] + [["1234567", "Zed", "Zee", "x"]]
    before = counts(db)
    with pytest.raises(ImportFailed) as failed:
        import_file("enrolments", csv_bytes(headers, rows), "enrolments.csv", 2022)
    assert [p.row for p in failed.value.problems] == [32, 32]
    assert counts(db) == before


def test_check_file_previews_without_writing(schools, db):
    before = counts(db)
    headers = ["Legal Forename", "Legal Surname", "DOB", "NC Year", "LA/ESTAB", "Tutor group"]
    rows = [["Ann", "Able", "01/03/2006", "11", SCHOOL, "11A"]]
    result = check_file("roll", csv_bytes(headers, rows), "roll.csv", 2022)
    assert result.ok and result.row_count == 1
    assert result.columns_ignored == ["Tutor group"]
    assert ("DOB", "Date of birth") in result.columns_found
    assert result.preview == [{"LAESTAB": SCHOOL, "Forename": "Ann", "Surname": "Able", "Date of birth": "01/03/2006",
                               "Year group": "11"}]
    assert counts(db) == before


# Broken input: one clear message naming the row and column, and nothing written.

def test_missing_or_misnamed_column(schools, db):
    headers = [h if h != "Surname" else "Surnme" for h in LEAVER_HEADERS]
    assert_one_problem(db, "leavers", csv_bytes(headers, leaver_rows(2)), "l.csv",
                       "Row 1, Surname: The file has no Surname column. Did you mean ‘Surnme’?")


def test_bad_check_letter(schools, db):
    rows = leaver_rows(2)
    rows[1][1] = "A801200005001"
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv",
                       "Row 3, UPN: A801200005001 has the wrong check letter: check the UPN")


def test_impossible_date(schools, db):
    rows = leaver_rows(2)
    rows[0][4] = "31/02/2006"
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv",
                       "Row 2, Date of birth: 31/02/2006 is not a real date: use DD/MM/YYYY, like 04/09/2023")


def test_unknown_school(schools, db):
    rows = leaver_rows(2)
    rows[1][0] = "8869999"
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv",
                       "Row 3, LAESTAB: 8869999 is not a known school. Import establishments first.")


def test_formula_where_a_name_should_be_in_csv(schools, db):
    rows = leaver_rows(2)
    rows[0][2] = '=HYPERLINK("http://example.com","Ann")'
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv",
                       "Row 2, Forename: contains a formula; enter the name as text")


def test_formula_where_a_name_should_be_in_xlsx(schools, db):
    rows = leaver_rows(3)
    rows[2][3] = '=UPPER("smith")'
    assert_one_problem(db, "leavers", xlsx_bytes(LEAVER_HEADERS, rows), "l.xlsx",
                       "Row 4, Surname: contains a formula; enter the name as text")


def test_a_bad_postcode_is_left_out_with_a_warning_kept_with_the_batch(schools, db):
    rows = leaver_rows(2)
    rows[0][7] = "NOT A CODE"
    batch = import_file("leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv", 2022)
    assert batch.warning_count == 1
    assert batch.summary == ("Imported 2 leavers for 2022-23: 2 new, 0 updated, 0 unchanged. "
                             "1 warning: those values were not imported.")
    assert [(str(w), w.value) for w in list_warnings(batch.id)] == [
        ("Row 2, Postcode: NOT A CODE is not a UK postcode: enter it like ME14 1XX", "NOT A CODE")]
    postcodes = dict(db.session.execute(select(YoungPerson.forename, YoungPerson.postcode)).all())
    assert postcodes == {"Forename1": None, "Forename2": "ME14 1XX"}


def test_conflicting_duplicates(schools, db):
    rows = leaver_rows(2)
    rows.append(list(rows[0]))
    rows[2][2] = "Someone"
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv",
                       f"Row 4, UPN: {rows[0][1]} is also in row 2 with a different name, date of birth, school or "
                       "year group (Forename1 Surname1, 02/03/2006). Keep one row for each young person.")


def test_empty_file(schools, db):
    assert_one_problem(db, "leavers", b"", "l.csv", "The file is empty")


def test_not_a_spreadsheet(schools, db):
    assert_one_problem(db, "leavers", b"%PDF-1.4\n\x00\x01\x02binary", "l.xlsx",
                       "l.xlsx is not an Excel .xlsx file. Save it as .xlsx or .csv and try again.")


def test_header_with_no_rows(schools, db):
    assert_one_problem(db, "leavers", xlsx_bytes(LEAVER_HEADERS, []), "l.xlsx",
                       "The file has column headings but no rows of data")


def test_more_rows_than_the_limit(schools, db):
    assert_one_problem(db, "leavers", csv_bytes(LEAVER_HEADERS, leaver_rows(4)), "l.csv",
                       "The file has 4 rows: the most one import takes is 3. Split it and import each part.",
                       max_rows=3)


def test_one_bad_row_among_good_ones_writes_nothing(schools, db):
    rows = leaver_rows(50)
    rows[49][5] = "9"
    before = counts(db)
    with pytest.raises(ImportFailed) as failed:
        import_file("leavers", csv_bytes(LEAVER_HEADERS, rows), "l.csv", 2022)
    assert str(failed.value) == "The file has 1 error: nothing was imported"
    assert counts(db) == before
