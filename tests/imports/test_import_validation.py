"""Row checks for the imports: every error and warning by row and column, in words that name the value."""
from datetime import date, datetime

import pytest

from tep_app.services.imports.validate import WARNING, Lookups, check_rows
from tep_app.spreadsheets.reader import Table

SCHOOL, COLLEGE_UKPRN = "8864001", "10012345"
LOOKUPS = Lookups(laestabs={SCHOOL: 1, "8864002": 2}, ukprns={COLLEGE_UKPRN: 3},
                  statuses={"110": "110", "offermade": "110", "151": "151", "noofferhasnotapplied": "151"})
LEAVER_HEADERS = ["LAESTAB", "UPN", "Forename", "Surname", "Date of birth", "Year group", "Gender", "Postcode",
                  "Phone", "Email"]
GOOD_UPN, OTHER_UPN = "B801200005001", "P207000016049"


def leaver(**changes):
    row = {"LAESTAB": SCHOOL, "UPN": GOOD_UPN, "Forename": "Ada", "Surname": "Lovelace",
           "Date of birth": "2006-03-01", "Year group": "11", "Gender": "F", "Postcode": "ME14 1XX",
           "Phone": "07700 900123", "Email": "ada@example.com"}
    row.update(changes)
    return row


def check(kind, headers, rows, formulas=(), year=2022):
    table = Table(list(headers), [(n, [row.get(h, "") for h in headers]) for n, row in enumerate(rows, start=2)],
                  set(formulas))
    return check_rows(kind, table, year, LOOKUPS)


def messages(checked):
    return [str(p) for p in checked.problems]


def warnings(checked):
    return [(str(p), p.value) for p in checked.warnings]


def test_a_good_leaver_row_is_clean_and_normalised():
    checked = check("leavers", LEAVER_HEADERS, [leaver(Postcode="me141xx", Phone="+44 7700 900123")])
    assert checked.problems == []
    (number, record), = checked.records
    assert number == 2
    assert record["date_of_birth"] == date(2006, 3, 1)
    assert record["postcode"] == "ME14 1XX"
    assert record["phone"] == "07700900123"
    assert record["school_id"] == 1


def test_missing_and_misnamed_columns_each_named_with_a_suggestion():
    headers = ["LAESTAB", "Forname", "Surname", "Year group"]
    checked = check("leavers", headers, [{"LAESTAB": SCHOOL}])
    assert messages(checked) == ["Row 1, Forename: The file has no Forename column. Did you mean ‘Forname’?",
                                 "Row 1, Date of birth: The file has no Date of birth column."]
    assert checked.records == []


def test_mis_aliases_are_accepted_and_unknown_columns_ignored():
    headers = ["LA/ESTAB", "Legal Forename", "Legal Surname", "DOB", "NC Year", "Post Code", "Parent/Carer phone",
               "Contact email", "Favourite colour"]
    row = {"LA/ESTAB": SCHOOL, "Legal Forename": "Ada", "Legal Surname": "Lovelace", "DOB": "01/03/2006",
           "NC Year": "11", "Post Code": "ME14 1XX", "Parent/Carer phone": "01632 960123",
           "Contact email": "ada@example.com", "Favourite colour": "green"}
    checked = check("leavers", headers, [row])
    assert checked.problems == []
    assert checked.match.ignored == ["Favourite colour"]
    record = checked.records[0][1]
    assert (record["forename"], record["surname"], record["parent_phone"]) == ("Ada", "Lovelace", "01632960123")


def test_header_matching_ignores_case_spaces_underscores_and_punctuation():
    headers = ["laestab", "FORE_NAME", "sur-name", "date of BIRTH", "year group"]
    row = dict(zip(headers, [SCHOOL, "Ada", "Lovelace", "2006-03-01", "11"], strict=False))
    assert check("leavers", headers, [row]).problems == []


def test_bad_check_letter_names_row_column_and_value():
    checked = check("leavers", LEAVER_HEADERS, [leaver(), leaver(UPN="A801200005001", Forename="Bea")])
    assert messages(checked) == ["Row 3, UPN: A801200005001 has the wrong check letter: check the UPN"]


def test_impossible_date():
    checked = check("leavers", LEAVER_HEADERS, [leaver(**{"Date of birth": "31/02/2006"})])
    assert messages(checked) == ["Row 2, Date of birth: 31/02/2006 is not a real date: use DD/MM/YYYY, like 04/09/2023"]
    assert checked.records == []


def test_excel_dates_and_uk_dates_are_read():
    rows = [leaver(**{"Date of birth": datetime(2006, 3, 1)}), leaver(UPN=OTHER_UPN, **{"Date of birth": "1/3/2006"})]
    checked = check("leavers", LEAVER_HEADERS, rows)
    assert checked.problems == []
    assert [r["date_of_birth"] for _, r in checked.records] == [date(2006, 3, 1), date(2006, 3, 1)]


def test_date_of_birth_implausible_for_the_year_group():
    checked = check("leavers", LEAVER_HEADERS, [leaver(**{"Date of birth": "2015-04-03"})])
    assert messages(checked) == ["Row 2, Date of birth: 03/04/2015 is not a likely date of birth for Year 11 "
                                 "in 2021-22"]


def test_year_group_must_be_11_or_12():
    checked = check("roll", LEAVER_HEADERS, [leaver(**{"Year group": "10"})])
    assert messages(checked) == ["Row 2, Year group: 10 is not a year group we import: enter 11 or 12"]


def test_unknown_school():
    checked = check("leavers", LEAVER_HEADERS, [leaver(LAESTAB="8869999")])
    assert messages(checked) == ["Row 2, LAESTAB: 8869999 is not a known school. Import establishments first."]


@pytest.mark.parametrize("column, value, message", [
    ("Postcode", "ZZ99 ZZZZ", "ZZ99 ZZZZ is not a UK postcode: enter it like ME14 1XX"),
    ("Phone", "12345", "Enter a phone number in the correct format, like 07700 900123 or 01622 694000"),
    ("Email", "ada.example.com", "Enter an email address in the correct format, like name@example.com"),
    ("Gender", "X", "X is not a gender: enter F, M, U or W"),
])
def test_a_bad_optional_value_is_a_warning_and_the_row_is_kept_without_it(column, value, message):
    checked = check("leavers", LEAVER_HEADERS, [leaver(**{column: value})])
    assert messages(checked) == []
    assert warnings(checked) == [(f"Row 2, {column}: {message}", value)]
    assert all(p.severity == WARNING for p in checked.warnings)
    (number, record), = checked.records
    assert record[column.lower()] is None and record["forename"] == "Ada"


def test_a_missing_required_value_is_an_error():
    checked = check("leavers", LEAVER_HEADERS, [leaver(Forename="")])
    assert messages(checked) == ["Row 2, Forename: Enter the forename"]
    assert checked.records == []


def test_a_mistyped_upn_or_uln_in_an_enrolment_return_is_a_warning():
    headers = ["Provider", "UPN", "ULN", "Forename", "Surname", "Date of birth"]
    rows = [{"Provider": COLLEGE_UKPRN, "UPN": "A801200005001", "ULN": "9276308687", "Forename": "Ada",
             "Surname": "Lovelace", "Date of birth": "2006-03-01"}]
    checked = check("enrolments", headers, rows)
    assert messages(checked) == []
    assert warnings(checked) == [
        ("Row 2, UPN: A801200005001 has the wrong check letter: check the UPN", "A801200005001"),
        ("Row 2, ULN: 9276308687 is not a ULN: it must be 10 digits that pass the ULN check", "9276308687")]
    (_, record), = checked.records
    assert (record["upn"], record["uln"], record["provider_id"]) == (None, None, 3)


def test_a_mistyped_uln_in_a_leavers_file_is_an_error():
    checked = check("leavers", LEAVER_HEADERS + ["ULN"], [leaver(ULN="9276308687")])
    assert messages(checked) == ["Row 2, ULN: 9276308687 is not a ULN: it must be 10 digits that pass the ULN check"]


def test_a_formula_in_an_optional_column_is_a_warning():
    checked = check("leavers", LEAVER_HEADERS, [leaver()], formulas={(2, 8)})
    assert messages(checked) == []
    assert warnings(checked) == [("Row 2, Phone: contains a formula; enter the value as text", "07700 900123")]
    assert checked.records[0][1]["phone"] is None


def test_a_formula_where_a_name_should_be():
    checked = check("leavers", LEAVER_HEADERS, [leaver(Forename="Ada")], formulas={(2, 2)})
    assert messages(checked) == ["Row 2, Forename: contains a formula; enter the name as text"]


def test_conflicting_duplicates_name_both_rows():
    rows = [leaver(), leaver(Forename="Adam", UPN=GOOD_UPN)]
    checked = check("leavers", LEAVER_HEADERS, rows)
    assert messages(checked) == ["Row 3, UPN: B801200005001 is also in row 2 with a different name, date of birth, "
                                 "school or year group (Ada Lovelace, 01/03/2006). Keep one row for each young "
                                 "person."]


def test_every_problem_is_collected():
    rows = [leaver(UPN="A801200005001"), leaver(UPN=OTHER_UPN, Postcode="nonsense"),
            leaver(UPN="", Forename="", LAESTAB="8869999")]
    checked = check("leavers", LEAVER_HEADERS, rows)
    assert [(p.row, p.column) for p in checked.problems] == [(2, "UPN"), (4, "Forename"), (4, "LAESTAB")]
    assert [(p.row, p.column) for p in checked.warnings] == [(3, "Postcode")]


def test_offer_status_code_or_words_case_insensitive_and_unknown_status():
    headers = ["Provider", "Forename", "Surname", "Date of birth", "Status", "Source"]
    base = {"Provider": COLLEGE_UKPRN, "Forename": "Ada", "Surname": "Lovelace", "Date of birth": "2006-03-01",
            "Source": "kentchoices"}
    rows = [{**base, "Status": "110"}, {**base, "Status": "OFFER MADE"}, {**base, "Status": "Maybe"}]
    checked = check("offers", headers, rows)
    assert [r["status"] for _, r in checked.records] == ["110", "110"]
    assert checked.records[0][1]["source"] == "KentChoices"
    assert messages(checked) == ["Row 4, Status: Maybe is not a September Guarantee status: enter a code such as "
                                 "110, or its words, such as Offer made"]


def test_enrolment_provider_must_be_known():
    headers = ["Provider", "Forename", "Surname", "Date of birth"]
    rows = [{"Provider": "10099999", "Forename": "Ada", "Surname": "Lovelace", "Date of birth": "2006-03-01"},
            {"Provider": "12", "Forename": "Ada", "Surname": "Lovelace", "Date of birth": "2006-03-01"}]
    assert messages(check("enrolments", headers, rows)) == [
        "Row 2, Provider: 10099999 is not a known school or provider. Import establishments first.",
        "Row 3, Provider: 12 is not a LAESTAB (7 digits) or a UKPRN (8 digits starting with 1)"]


def test_establishment_type_and_emails():
    headers = ["LAESTAB", "Name", "Type", "Contact email"]
    rows = [{"LAESTAB": "8864005", "Name": "Oak School", "Type": "School", "Contact email": "a@x.example; b@x.example"},
            {"LAESTAB": "8864006", "Name": "Elm", "Type": "castle", "Contact email": "nobody"}]
    checked = check("establishments", headers, rows)
    assert checked.records[0][1]["contact_email"] == ["a@x.example", "b@x.example"]
    assert messages(checked) == [
        "Row 3, Type: castle is not a type: enter school, college, special, independent or training"]
    assert warnings(checked) == [
        ("Row 3, Contact email: Enter an email address in the correct format, like name@example.com", "nobody")]
