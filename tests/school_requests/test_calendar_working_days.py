"""The calendar's defaults and working days (no database)."""
from datetime import date

import pytest

from tep_app.services.calendar import (
    add_working_days,
    current_academic_year,
    default_calendar,
    is_working_day,
    working_day_on_or_before,
    year_label,
)


def test_default_calendar_is_appendix_a_for_2022_23():
    dates = {key: on for key, _label, on in default_calendar(2022)}

    assert dates == {
        "sixth_form_enrolment": date(2022, 9, 16),
        "college_enrolment_1": date(2022, 9, 30),
        "college_enrolment_2": date(2022, 10, 28),
        "college_enrolment_3": date(2023, 2, 28),
        "leavers_send": date(2022, 10, 7),
        "leavers_due": date(2022, 10, 31),
        "offers_schools_1": date(2023, 3, 24),
        "offers_schools_2": date(2023, 4, 28),
        "offers_colleges": date(2023, 3, 31),
        "cohort_check": date(2023, 4, 1),
        "no_offer_send": date(2023, 6, 5),
        "no_offer_due": date(2023, 6, 30),
    }


def test_default_calendar_moves_to_the_year_asked_for_in_date_order():
    rows = default_calendar(2025)
    dates = {key: on for key, _label, on in rows}

    assert dates["leavers_send"] == date(2025, 10, 7)
    assert dates["no_offer_due"] == date(2026, 6, 30)
    assert [on for _k, _l, on in rows] == sorted(on for _k, _l, on in rows)
    assert all(label for _k, label, _on in rows)


def test_year_label_and_current_academic_year():
    assert year_label(2022) == "2022-23"
    assert year_label(2099) == "2099-00"
    assert current_academic_year(date(2022, 9, 1)) == 2022
    assert current_academic_year(date(2023, 8, 31)) == 2022
    assert current_academic_year(date(2023, 1, 15)) == 2022


@pytest.mark.parametrize(("day", "expected"), [
    (date(2022, 10, 7), date(2022, 10, 7)),    # a Friday stays
    (date(2023, 10, 7), date(2023, 10, 6)),    # a Saturday moves to the Friday
    (date(2024, 10, 6), date(2024, 10, 4)),    # a Sunday moves to the Friday
    (date(2022, 12, 27), date(2022, 12, 23)),  # Christmas Day observed, Boxing Day, the weekend
    (date(2023, 4, 10), date(2023, 4, 6)),     # Easter Monday and Good Friday
    (date(2023, 5, 8), date(2023, 5, 5)),      # the Coronation bank holiday
])
def test_working_day_on_or_before_skips_weekends_and_english_bank_holidays(day, expected):
    assert working_day_on_or_before(day) == expected


def test_is_working_day():
    assert is_working_day(date(2023, 6, 5))
    assert not is_working_day(date(2023, 12, 25))
    assert not is_working_day(date(2023, 6, 3))


def test_add_working_days_forwards_and_backwards_across_easter():
    assert add_working_days(date(2023, 4, 6), 1) == date(2023, 4, 11)
    assert add_working_days(date(2023, 4, 11), -1) == date(2023, 4, 6)
    assert add_working_days(date(2022, 10, 31), -7) == date(2022, 10, 20)
    assert add_working_days(date(2022, 10, 31), -2) == date(2022, 10, 27)
    assert add_working_days(date(2022, 10, 31), 5) == date(2022, 11, 7)
    assert add_working_days(date(2022, 10, 29), 0) == date(2022, 10, 29)
