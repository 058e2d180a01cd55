"""The rules of a case that need no database: the letter-or-visit flag, default lapse dates, forms."""
from datetime import date
from types import SimpleNamespace

from tep_app.services.cases.casework import _needs_letter_or_visit, default_lapse_date


def _case(numbers, attempts):
    details = [SimpleNamespace(kind=kind, value=value, is_current=True, marked_wrong=wrong)
               for kind, value, wrong in numbers]
    tries = [SimpleNamespace(channel="phone", used_value=value, outcome=outcome) for value, outcome in attempts]
    return SimpleNamespace(young_person=SimpleNamespace(contact_details=details), attempts=tries)


def test_three_failures_on_every_number_flag_the_case():
    numbers = [("phone", "07700900001", False), ("parent_phone", "07700 900 002", False)]
    two_each = [("07700900001", "no_answer")] * 3 + [("07700900002", "voicemail")] * 2
    assert _needs_letter_or_visit(_case(numbers, two_each)) is False
    assert _needs_letter_or_visit(_case(numbers, two_each + [("+44 7700 900002", "wrong_number")])) is True


def test_a_successful_call_does_not_count_as_a_failure():
    numbers = [("phone", "07700900001", False)]
    attempts = [("07700900001", "no_answer"), ("07700900001", "spoke_parent"), ("07700900001", "voicemail")]
    assert _needs_letter_or_visit(_case(numbers, attempts)) is False


def test_a_number_marked_wrong_counts_as_tried():
    numbers = [("phone", "07700900001", True), ("phone", "07700900003", False)]
    attempts = [("07700900003", "no_answer")] * 3
    assert _needs_letter_or_visit(_case(numbers, attempts)) is True


def test_with_no_numbers_three_failures_of_any_kind_flag_the_case():
    assert _needs_letter_or_visit(_case([], [(None, "no_answer")] * 2)) is False
    assert _needs_letter_or_visit(_case([], [(None, "no_answer")] * 3)) is True


def test_default_lapse_dates_a_year_for_eet_three_months_otherwise():
    employment = SimpleNamespace(group="employment")
    neet = SimpleNamespace(group="neet")
    assert default_lapse_date(employment, date(2024, 2, 29)) == date(2025, 2, 28)
    assert default_lapse_date(neet, date(2023, 11, 30)) == date(2024, 2, 29)
    assert default_lapse_date(neet, date(2023, 10, 15)) == date(2024, 1, 15)
