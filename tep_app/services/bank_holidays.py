"""England and Wales bank holidays, by rule, for any year from 1978 (the first with an early May
bank holiday): the days a send moves off and a reply period skips (services/calendar.py), and the
Easter Sunday that Kent's default school holidays follow (services/school_holidays.py).

The rules: New Year's Day, Good Friday, Easter Monday, the early May bank holiday (May's first
Monday), the spring bank holiday (May's last Monday), the summer bank holiday (August's last
Monday), Christmas Day and Boxing Day. New Year's Day, Christmas Day or Boxing Day on a weekend
gives a substitute day, the next weekday not already a bank holiday. On top of the rules, the
days moved or added by royal proclamation (MOVED and EXTRA): a new one is added there when it is
proclaimed. Each day is named as the `holidays` package names it, and a test checks every day and
name against that package.
"""
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

NEW_YEAR, CHRISTMAS, BOXING_DAY = "New Year's Day", "Christmas Day", "Boxing Day"
EARLY_MAY, SPRING, SUMMER = "May Day", "Spring Bank Holiday", "Late Summer Bank Holiday"
GOOD_FRIDAY, EASTER_MONDAY = "Good Friday", "Easter Monday"
OBSERVED = "{} (observed)"

# (year, name): the day a bank holiday was moved to that year.
MOVED = {
    (1995, EARLY_MAY): date(1995, 5, 8),  # VE Day, 50 years on
    (2002, SPRING): date(2002, 6, 4),
    (2012, SPRING): date(2012, 6, 4),
    (2020, EARLY_MAY): date(2020, 5, 8),  # VE Day, 75 years on
    (2022, SPRING): date(2022, 6, 2),
}
# Days added once.
EXTRA = {
    date(1981, 7, 29): "Wedding of Charles and Diana",
    date(1999, 12, 31): "Millennium Celebrations",
    date(2002, 6, 3): "Golden Jubilee of Elizabeth II",
    date(2011, 4, 29): "Wedding of William and Catherine",
    date(2012, 6, 5): "Diamond Jubilee of Elizabeth II",
    date(2022, 6, 3): "Platinum Jubilee of Elizabeth II",
    date(2022, 9, 19): "State Funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Coronation of Charles III",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus)."""
    golden = year % 19
    century, of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - leap_centuries - (century - correction + 1) // 3 + 19 * golden + 15) % 30
    leap_years, year_rest = divmod(of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - moon - year_rest) % 7
    shift = (golden + 11 * moon + 22 * weekday) // 451
    month, day = divmod(moon + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=-first.weekday() % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _with_substitutes(days: dict[date, str], year: int) -> None:
    """Add the substitute day of New Year's Day, Christmas Day and Boxing Day on a weekend."""
    for day, name in ((date(year, 1, 1), NEW_YEAR), (date(year, 12, 25), CHRISTMAS), (date(year, 12, 26), BOXING_DAY)):
        if day.weekday() < 5:
            continue
        substitute = day
        while substitute.weekday() >= 5 or substitute in days:
            substitute += timedelta(days=1)
        days[substitute] = OBSERVED.format(name)


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> MappingProxyType:
    """{day: name} of the year's England and Wales bank holidays, the weekend days they fall on
    included beside their substitutes."""
    easter = easter_sunday(year)
    by_name = {
        NEW_YEAR: date(year, 1, 1),
        GOOD_FRIDAY: easter - timedelta(days=2),
        EASTER_MONDAY: easter + timedelta(days=1),
        EARLY_MAY: _first_monday(year, 5),
        SPRING: _last_monday(year, 5),
        SUMMER: _last_monday(year, 8),
        CHRISTMAS: date(year, 12, 25),
        BOXING_DAY: date(year, 12, 26),
    }
    days = {MOVED.get((year, name), day): name for name, day in by_name.items()}
    days.update((day, name) for day, name in EXTRA.items() if day.year == year)
    _with_substitutes(days, year)
    return MappingProxyType(days)


def bank_holiday(day: date) -> str | None:
    """The name of the bank holiday on `day`, or None."""
    return bank_holidays(day.year).get(day)
