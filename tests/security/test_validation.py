"""The one set of checks: what passes, what it becomes, and the exact words when it does not."""
from datetime import date, datetime, timedelta

import pytest

from tep_app import validation as v
from tep_app.validation import Invalid, Problem


def refused(check, value, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as error:
        check(value, *args, **kwargs)
    assert str(error.value) == error.value.message
    return error.value.message


# Problems and text

def test_problem_reads_row_column_message_and_is_an_error_unless_told():
    assert str(Problem(12, "UPN", "X has the wrong check letter")) == "Row 12, UPN: X has the wrong check letter"
    assert str(Problem(None, "UPN", "Wrong")) == "UPN: Wrong"
    assert str(Problem(3, None, "Wrong")) == "Row 3: Wrong"
    assert str(Problem(None, None, "The file is empty")) == "The file is empty"
    assert Problem(1, "A", "m").severity == v.ERROR != v.WARNING
    assert Problem(1, "A", "m").value is None


@pytest.mark.parametrize("value, text", [(None, ""), (" x ", "x"), (8864000.0, "8864000"), (11.5, "11.5"),
                                         (7, "7")])
def test_cells_read_as_text(value, text):
    assert v.as_text(value) == text


# UPN

@pytest.mark.parametrize("upn", ["B801200005001", "P207000016049"])
def test_valid_upns_pass(upn):
    assert v.check_upn(upn) == upn


def test_a_upn_is_read_in_capitals_without_spaces():
    assert v.check_upn(" b8012 00005001 ") == "B801200005001"


def test_a_temporary_upn_ends_in_a_letter_counted_by_its_value():
    body = "80120000500A"
    temporary = v.upn_check_letter(body) + body
    assert temporary == "M80120000500A"  # 13 fewer than B801200005001: B (1) - 13 = 11 (mod 23), M
    assert v.check_upn(temporary) == temporary


def test_the_check_letter_weighs_each_character_by_its_place():
    assert v.upn_check_letter("801200005001") == "B"
    assert v.upn_check_letter("207000016049") == "P"
    assert v.upn_check_letter("000000000001") == "P"  # 1 x 13 = 13: P, as the alphabet has no I or O


@pytest.mark.parametrize("value, message", [
    ("B80120000500", "B80120000500 is not a UPN: a UPN has 13 characters, this has 12"),
    ("B8012000050011", "B8012000050011 is not a UPN: a UPN has 13 characters, this has 14"),
    ("", " is not a UPN: a UPN has 13 characters, this has 0"),
    ("I801200005001", "I801200005001 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("O801200005001", "O801200005001 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("S801200005001", "S801200005001 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("1801200005001", "1801200005001 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("B8012000050X1", "B8012000050X1 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("B80120000500S", "B80120000500S is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("B80120000500-", "B80120000500- is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("B8012000050٠1", "B8012000050٠1 is not a UPN: it must be a letter, 11 digits, then a digit or letter"),
    ("A801200005001", "A801200005001 has the wrong check letter: check the UPN"),
    ("B801200005002", "B801200005002 has the wrong check letter: check the UPN"),
])
def test_bad_upns_are_named_with_what_is_wrong(value, message):
    assert refused(v.check_upn, value) == message


# ULN

def test_a_valid_uln_passes_as_text_or_as_a_number():
    assert v.check_uln("9276308686") == "9276308686"
    assert v.check_uln(" 92763 08686 ") == "9276308686"
    assert v.check_uln(9276308686.0) == "9276308686"


@pytest.mark.parametrize("value", [
    "9276308687",   # the check digit does not agree
    "9276308680",
    "0000000050",   # its sum passes (5 x 2 = 10), but a ULN never starts with 0
    "927630868",    # 9 digits
    "92763086861",  # 11 digits
    "927630868A",
    "92763086٨6",
])
def test_bad_ulns_are_refused(value):
    assert refused(v.check_uln, value) == f"{value} is not a ULN: it must be 10 digits that pass the ULN check"


def test_the_uln_check_weighs_ten_down_to_one_and_wants_ten_left_over():
    # 1 x 10 + 9 x 1 = 19, which leaves 8; 2 x 10 = 20 leaves 9; 1 x 10 leaves 10.
    assert v.check_uln("1000000000") == "1000000000"
    for value in ("1000000009", "2000000000", "1000000001"):
        refused(v.check_uln, value)


# LAESTAB, UKPRN, URN

def test_laestab_is_7_digits_with_or_without_the_slash():
    assert v.check_laestab("886/4000") == "8864000"
    assert v.check_laestab(" 886 4000 ") == "8864000"
    assert v.check_laestab(8864000.0) == "8864000"


@pytest.mark.parametrize("value", ["886/400", "88640001", "886400A", "886٤000"])
def test_bad_laestabs_are_named_as_given(value):
    assert refused(v.check_laestab, value) == f"{value} is not a LAESTAB: it must be 7 digits, like 8864000"


def test_ukprn_is_8_digits_starting_with_1():
    assert v.check_ukprn(" 1000 1234 ") == "10001234"
    assert v.check_ukprn(10001234) == "10001234"
    for value in ("20001234", "1000123", "100012345", "1000123A", "1000123٤"):
        assert refused(v.check_ukprn, value) == f"{value} is not a UKPRN: it must be 8 digits starting with 1"


def test_urn_is_up_to_10_digits():
    assert v.check_urn("1") == "1"
    assert v.check_urn("1234567890") == "1234567890"
    for value in ("12345678901", "12a", "١٢"):
        assert refused(v.check_urn, value) == f"{value} is not a URN: it must be up to 10 digits"


# Postcodes

@pytest.mark.parametrize("value, postcode", [(" me141xx ", "ME14 1XX"), ("ME14 1XX", "ME14 1XX"),
                                             ("ct1  2ab", "CT1 2AB"), ("SW1A1AA", "SW1A 1AA"), ("W1A 0AX", "W1A 0AX"),
                                             ("GIR 0AA", "GIR 0AA")])
def test_postcodes_are_written_one_way(value, postcode):
    assert v.check_postcode(value) == postcode


@pytest.mark.parametrize("value", ["ME14", "NOT A CODE", "ME14 1XXX", "QE14 1XX", "ME14 1CX", ""])
def test_bad_postcodes_are_named_as_given(value):
    assert refused(v.check_postcode, value) == f"{value} is not a UK postcode: enter it like ME14 1XX"


# Phone numbers

@pytest.mark.parametrize("value, number", [
    ("07700 900123", "07700900123"), ("+44 7700 900123", "07700900123"), ("+44 (0)7700 900123", "07700900123"),
    ("0044 7700 900123", "07700900123"), ("447700900123", "07700900123"), ("(07700) 900-123", "07700900123"),
    ("07700.900.123", "07700900123"), ("07912 345678", "07912345678"), ("+447912345678", "07912345678"),
    ("01622 694000", "01622694000"), ("+44 1622 694000", "01622694000"), ("01632 960123", "01632960123"),
    ("0113 496 0000", "01134960000"), ("020 7946 0999", "02079460999"),
])
def test_uk_phone_numbers_are_stored_in_national_format(value, number):
    assert v.check_phone(value) == number


def test_a_number_that_lost_its_leading_zero_in_a_spreadsheet_gets_it_back():
    assert v.check_phone(7700900123) == "07700900123"
    assert v.check_phone(1622694000.0) == "01622694000"
    assert v.check_phone("7912345678") == "07912345678"


@pytest.mark.parametrize("value", ["12345", "0770", "01632 000000", "01632 96012", "+33 1 23 45 67 89",
                                   "not a number", "", True, "07700 9001234"])
def test_bad_phone_numbers_say_how_to_write_one(value):
    assert refused(v.check_phone, value) == (
        "Enter a phone number in the correct format, like 07700 900123 or 01622 694000")


def test_a_phone_message_names_its_field():
    assert refused(v.check_phone, "12345", "the young person's phone number") == (
        "Enter the young person's phone number in the correct format, like 07700 900123 or 01622 694000")


# Email addresses

def test_emails_are_checked_and_kept_in_lower_case():
    assert v.check_email(" Ada@Example.COM ") == "ada@example.com"
    assert v.check_email("head@oak.example") == "head@oak.example"


@pytest.mark.parametrize("value", ["ada.example.com", "a@b", "a b@example.com", "ada@example..com", "", None,
                                   "a@localhost", "ada@@example.com"])
def test_bad_emails_say_how_to_write_one(value):
    assert refused(v.check_email, value) == "Enter an email address in the correct format, like name@example.com"


def test_an_email_message_names_its_field():
    assert refused(v.check_email, "nobody", "the parent's email address") == (
        "Enter the parent's email address in the correct format, like name@example.com")


# Dates

@pytest.mark.parametrize("value", ["2006-03-01", "2006-3-1", "2006-03-01 00:00", "2006-03-01 00:00:00",
                                   "2006-03-01T10:30", "01/03/2006", "1/3/2006", "01.03.2006", "01-03-2006",
                                   " 01/03/2006 ", "1/3/06", datetime(2006, 3, 1, 10, 30), date(2006, 3, 1)])
def test_dates_are_read_in_every_form_a_file_or_form_gives(value):
    assert v.parse_date(value) == date(2006, 3, 1)


@pytest.mark.parametrize("value", ["2006/03/01", "1 March 2006", "01/03/206", "01032006", "", "2006-03-01 10",
                                   "2006-03-01 10:30:1", "1/3/2006/"])
def test_what_is_not_a_date_says_how_to_write_one(value):
    assert refused(v.parse_date, value) == f"{value.strip()} is not a date: use DD/MM/YYYY, like 04/09/2023"


@pytest.mark.parametrize("value", ["31/02/2006", "2006-02-31", "13/13/2006", "00/01/2006"])
def test_a_date_that_does_not_exist(value):
    assert refused(v.parse_date, value) == f"{value} is not a real date: use DD/MM/YYYY, like 04/09/2023"


def test_start_dates_from_2000_to_two_years_ahead():
    today = date(2023, 9, 4)
    assert v.check_start_date(date(2000, 1, 1), today) == date(2000, 1, 1)
    assert v.check_start_date(today + timedelta(days=730), today) == date(2025, 9, 3)
    assert refused(v.check_start_date, date(1999, 12, 31), today) == "Start date must be after 1 January 2000"
    assert refused(v.check_start_date, date(2025, 9, 4), today) == "Start date must be within the next 2 years"
    assert refused(v.check_start_date, date(1999, 12, 31), today, "Course start") == (
        "Course start must be after 1 January 2000")


# Lengths and choices

def test_length_up_to_the_most():
    assert v.check_length(" " + "a" * 100 + " ", "Forename", 100) == "a" * 100
    assert refused(v.check_length, "a" * 101, "Forename", 100) == "Forename must be 100 characters or fewer: it has 101"


@pytest.mark.parametrize("value, code", [("F", "F"), ("m", "M"), ("U", "U"), ("w", "W"), ("Female", "F"),
                                         ("MALE", "M"), ("unknown", "U"), ("Not known", "U"), ("Withheld", "W")])
def test_genders(value, code):
    assert v.check_gender(value) == code


def test_a_gender_we_do_not_record():
    assert refused(v.check_gender, "X") == "X is not a gender: enter F, M, U or W"


@pytest.mark.parametrize("value, answer", [("Y", True), ("yes", True), ("TRUE", True), ("1", True), (True, True),
                                           ("n", False), ("No", False), ("false", False), ("0", False),
                                           (False, False)])
def test_yes_or_no(value, answer):
    assert v.check_yes_no(value) is answer


def test_neither_yes_nor_no():
    assert refused(v.check_yes_no, "maybe") == "maybe is not a yes or no: enter Y or N"


def test_a_choice_can_be_matched_its_own_way():
    choices = {"kentchoices": "KentChoices"}
    squeezed = v.check_choice("Kent Choices", choices, "a source", "KentChoices",
                              key=lambda text: text.lower().replace(" ", ""))
    assert squeezed == "KentChoices"
    assert refused(v.check_choice, "Kent Choices", choices, "a source", "KentChoices") == (
        "Kent Choices is not a source: enter KentChoices")
