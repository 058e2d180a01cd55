"""Kent's usual school holidays, by rule, for any academic year: the defaults the calendar stores
for a year until an admin enters the county's published term dates (services/calendar.py)."""
from datetime import date, timedelta

from tep_app.services.bank_holidays import easter_sunday

# key, label: the school holidays of a year, in the order they fall. Their default dates follow
# Kent's usual pattern (default_holidays); a county's published term dates replace them per year.
HOLIDAY_KEYS = (
    ("october", "October half term"),
    ("christmas", "Christmas holiday"),
    ("february", "February half term"),
    ("easter", "Easter holiday"),
    ("may", "May half term"),
    ("summer", "Summer holiday"),
)
HOLIDAY_LABELS = dict(HOLIDAY_KEYS)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def default_holidays(academic_year: int) -> list[tuple[str, str, date, date]]:
    """[(key, label, first day, last day)]: Kent's usual pattern moved to `academic_year`.

    October half term is the week ending on October's last Friday; Christmas the two weeks from
    the Monday on or before Christmas Day; February half term the week from the Monday on or after
    11 February; Easter the week before Easter Sunday and the week after; May half term the week
    of the spring bank holiday (May's last Monday); the summer from 23 July to 31 August.
    """
    autumn, spring = academic_year, academic_year + 1
    last_friday = date(autumn, 10, 31) - timedelta(days=(date(autumn, 10, 31).weekday() - 4) % 7)
    christmas = _monday(date(autumn, 12, 25))
    february = date(spring, 2, 11) + timedelta(days=(7 - date(spring, 2, 11).weekday()) % 7)
    easter = easter_sunday(spring)
    may = _monday(date(spring, 5, 31))
    spans = {
        "october": (last_friday - timedelta(days=4), last_friday),
        "christmas": (christmas, christmas + timedelta(days=11)),
        "february": (february, february + timedelta(days=4)),
        "easter": (easter - timedelta(days=6), easter + timedelta(days=5)),
        "may": (may, may + timedelta(days=4)),
        "summer": (date(spring, 7, 23), date(spring, 8, 31)),
    }
    return [(key, label, *spans[key]) for key, label in HOLIDAY_KEYS]
