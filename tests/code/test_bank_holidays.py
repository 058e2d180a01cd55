"""The app's own England and Wales bank holidays (services/bank_holidays.py) are the `holidays`
package's, day for day and name for name, in every year the package knows (to 2100), so a send
moves off and a warning names the same days as before; the package itself is not loaded by the app."""
from datetime import date

import holidays
import pytest
from dateutil.easter import easter

from tep_app.services.bank_holidays import bank_holiday, bank_holidays, easter_sunday
from tep_app.services.school_holidays import default_holidays

YEARS = range(1978, 2101)


@pytest.mark.parametrize("year", YEARS)
def test_each_year_has_the_days_and_names_of_the_holidays_package(year):
    expected = dict(holidays.country_holidays("GB", subdiv="ENG", years=year))

    assert dict(bank_holidays(year)) == expected


def test_easter_sunday_is_the_gregorian_easter():
    assert [easter_sunday(year) for year in range(1583, 4100)] == [easter(year) for year in range(1583, 4100)]


@pytest.mark.parametrize(("day", "name"), [
    (date(2020, 5, 8), "May Day"),
    (date(2022, 6, 2), "Spring Bank Holiday"),
    (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    (date(2023, 5, 8), "Coronation of Charles III"),
    (date(2021, 12, 28), "Boxing Day (observed)"),
    (date(2022, 12, 27), "Christmas Day (observed)"),
    (date(2023, 1, 2), "New Year's Day (observed)"),
    (date(2023, 5, 9), None),
])
def test_a_day_is_named_by_its_bank_holiday(day, name):
    assert bank_holiday(day) == name


def test_the_last_academic_year_a_page_accepts_has_its_easter_holiday():
    easter_holiday = next(row for row in default_holidays(2100) if row[0] == "easter")

    assert easter_holiday[2:] == (date(2101, 4, 11), date(2101, 4, 22))
    assert bank_holiday(date(2101, 4, 15)) == "Good Friday"
