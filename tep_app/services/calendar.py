"""The yearly calendar (docs/design.md section 3): dates are data, one set per academic year.

The defaults come from Appendix A of the 2022-23 letter to schools, moved to the academic year
asked for. An admin may change any date; `ensure_calendar` only fills in what is missing, so an
admin's change is never overwritten. A send day is a working day (weekends and English bank
holidays are skipped). Reply periods, reminders and chasers count school days: working days outside
the year's school holidays, which are data too (Kent's pattern by default, each editable).
"""
import logging
from datetime import date, timedelta

from flask import has_request_context
from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date, weekday
from tep_app.extensions import db
from tep_app.models import Collection
from tep_app.models.collections import CalendarDate, CalendarSetting, SchoolHoliday
from tep_app.services.audit import record_audit
from tep_app.services.bank_holidays import bank_holiday, bank_holidays
from tep_app.services.dialect import insert_for
from tep_app.services.school_holidays import HOLIDAY_LABELS, default_holidays

logger = logging.getLogger(__name__)

# key, label, (month, day): Appendix A of the 2022-23 letter. Months September to December fall in
# the academic year's first calendar year; January to August in the second.
DEFAULT_DATES = (
    ("sixth_form_enrolment", "Sixth form enrolment returns due from schools", (9, 16)),
    ("college_enrolment_1", "College enrolment returns due (first)", (9, 30)),
    ("leavers_send", "Leaver destination lists sent to schools", (10, 7)),
    ("college_enrolment_2", "College enrolment returns due (second)", (10, 28)),
    ("leavers_due", "Leaver destination lists due back from schools", (10, 31)),
    ("college_enrolment_3", "College enrolment returns due (third)", (2, 28)),
    ("offers_schools_1", "September Guarantee offers due from schools (first)", (3, 24)),
    ("offers_colleges", "September Guarantee offers due from colleges (first)", (3, 31)),
    ("cohort_check", "School cohort check opens", (4, 1)),
    ("offers_schools_2", "September Guarantee offers due from schools (final)", (4, 28)),
    ("no_offer_send", "No recorded offer lists sent to schools", (6, 5)),
    ("no_offer_due", "No recorded offer lists due back from schools", (6, 30)),
)
CALENDAR_KEYS = tuple(key for key, _label, _on in DEFAULT_DATES)

# key, label, default: numbers that go with each year's calendar, editable by an admin.
REPLY_WORKING_DAYS = "reply_working_days"
DEFAULT_SETTINGS = (
    (REPLY_WORKING_DAYS, "School days a school has to reply when its list is sent late", 15),
)
SETTING_LIMITS = {REPLY_WORKING_DAYS: (5, 60)}


class CalendarError(ValueError):
    """A date an admin may not set, with a message to show next to the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def year_label(academic_year: int) -> str:
    """2022 -> "2022-23"."""
    return f"{academic_year}-{(academic_year + 1) % 100:02d}"


def academic_year_bounds(academic_year: int) -> tuple[date, date]:
    return date(academic_year, 9, 1), date(academic_year + 1, 8, 31)


def current_academic_year(today: date | None = None) -> int:
    """The academic year (September to August) that `today` falls in, by its start year."""
    today = today or clock.today()
    return today.year if today.month >= 9 else today.year - 1


def get_holidays(academic_year: int) -> list[tuple[str, str, date, date]]:
    """The year's school holidays: the stored dates, else the defaults, in date order."""
    stored = {row.key: row for row in db.session.scalars(
        select(SchoolHoliday).where(SchoolHoliday.academic_year == academic_year))}
    rows = [(key, label, stored[key].first_day, stored[key].last_day) if key in stored else (key, label, first, last)
            for key, label, first, last in default_holidays(academic_year)]
    return sorted(rows, key=lambda row: row[2])


def set_holiday(academic_year: int, key: str, first_day: date, last_day: date) -> None:
    """Change one school holiday of the year (audited). Both days inside the academic year, the
    first on or before the last."""
    if key not in HOLIDAY_LABELS:
        raise CalendarError(f"There is no school holiday called {key!r}")
    first, last = academic_year_bounds(academic_year)
    for day in (first_day, last_day):
        if not first <= day <= last:
            raise CalendarError(
                f"The holiday must be in the {year_label(academic_year)} academic year, between "
                f"{long_date(first)} and {long_date(last)}")
    if last_day < first_day:
        raise CalendarError("The last day of the holiday must be the same as or after the first day")
    ensure_calendar(academic_year)
    row = db.session.scalar(select(SchoolHoliday).where(
        SchoolHoliday.academic_year == academic_year, SchoolHoliday.key == key))
    before = {"first_day": row.first_day.isoformat(), "last_day": row.last_day.isoformat()}
    row.first_day, row.last_day = first_day, last_day
    record_audit("update", "school_holiday", f"{academic_year}:{key}", before=before,
                 after={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()})
    db.session.flush()
    logger.info("calendar %s holiday %s set to %s to %s", academic_year, key, first_day, last_day,
                extra={"academic_year": academic_year, "key": key})


def default_calendar(academic_year: int) -> list[tuple[str, str, date]]:
    """[(key, label, date)] in date order, from Appendix A moved to `academic_year`."""
    rows = []
    for key, label, (month, day) in DEFAULT_DATES:
        year = academic_year if month >= 9 else academic_year + 1
        rows.append((key, label, date(year, month, day)))
    return sorted(rows, key=lambda row: row[2])


def ensure_calendar(academic_year: int) -> int:
    """Write the default dates and school holidays the year does not have yet; returns how many
    dates were written."""
    existing = set(db.session.scalars(
        select(CalendarDate.key).where(CalendarDate.academic_year == academic_year)
    ))
    missing = [
        {"academic_year": academic_year, "key": key, "label": label, "on": on}
        for key, label, on in default_calendar(academic_year) if key not in existing
    ]
    if missing:
        db.session.execute(
            insert_for()(CalendarDate).values(missing).on_conflict_do_nothing(index_elements=["academic_year", "key"])
        )
        logger.info("calendar %s: %s default dates written", academic_year, len(missing),
                    extra={"academic_year": academic_year, "written": len(missing)})
    _ensure_holidays(academic_year)
    return len(missing)


def _ensure_holidays(academic_year: int) -> None:
    existing = set(db.session.scalars(
        select(SchoolHoliday.key).where(SchoolHoliday.academic_year == academic_year)))
    missing = [
        {"academic_year": academic_year, "key": key, "label": label, "first_day": first, "last_day": last}
        for key, label, first, last in default_holidays(academic_year) if key not in existing
    ]
    if missing:
        db.session.execute(
            insert_for()(SchoolHoliday).values(missing).on_conflict_do_nothing(index_elements=["academic_year", "key"])
        )


def get_calendar(academic_year: int) -> list[CalendarDate]:
    """The year's stored dates in date order (call `ensure_calendar` first to fill in defaults)."""
    return list(db.session.scalars(
        select(CalendarDate).where(CalendarDate.academic_year == academic_year)
        .order_by(CalendarDate.on, CalendarDate.id)
    ))


def _check_key(key: str) -> None:
    if key not in CALENDAR_KEYS:
        raise CalendarError(f"There is no calendar date called {key!r}")


def get_date(academic_year: int, key: str) -> date:
    """The year's date for `key`: the stored one, else the default."""
    _check_key(key)
    stored = db.session.scalar(select(CalendarDate.on).where(
        CalendarDate.academic_year == academic_year, CalendarDate.key == key,
    ))
    if stored is not None:
        return stored
    return next(on for k, _label, on in default_calendar(academic_year) if k == key)


def set_date(academic_year: int, key: str, new_date: date, user_id: int | None = None) -> CalendarDate:
    """Change one date of the year's calendar (audited). The date must fall inside the academic year."""
    _check_key(key)
    if not isinstance(new_date, date):
        raise CalendarError("Enter a real date")
    first, last = academic_year_bounds(academic_year)
    if not first <= new_date <= last:
        raise CalendarError(
            f"The date must be in the {year_label(academic_year)} academic year, between "
            f"{long_date(first)} and {long_date(last)}"
        )
    ensure_calendar(academic_year)
    row = db.session.scalar(select(CalendarDate).where(
        CalendarDate.academic_year == academic_year, CalendarDate.key == key,
    ))
    before = {"on": row.on.isoformat()}
    row.on = new_date
    actor = None
    if not has_request_context() and user_id is not None:
        actor = ("staff", str(user_id), None)
    record_audit("update", "calendar_date", f"{academic_year}:{key}", before=before,
                 after={"on": new_date.isoformat()}, actor=actor)
    _follow_in_collection(academic_year, key, new_date)
    db.session.flush()
    logger.info("calendar %s %s set to %s", academic_year, key, new_date,
                extra={"academic_year": academic_year, "key": key, "user_id": user_id})
    return row


def _follow_in_collection(academic_year: int, key: str, new_date: date) -> None:
    """A built collection takes its calendar's new send or due date (its schools' own reply-by
    dates, set when each list is sent, stay)."""
    for kind in ("leavers", "no-offer"):
        prefix = kind.replace("-", "_")
        if key not in (f"{prefix}_send", f"{prefix}_due"):
            continue
        collection = db.session.scalar(select(Collection).where(
            Collection.kind == kind, Collection.academic_year == academic_year))
        if collection is None:
            return
        if key.endswith("_send"):
            collection.send_on = working_day_on_or_before(new_date)
        else:
            collection.due_on = new_date


def get_setting(academic_year: int, key: str) -> int:
    """The year's value for a calendar setting: the stored one, else the default."""
    default = next((value for k, _label, value in DEFAULT_SETTINGS if k == key), None)
    if default is None:
        raise CalendarError(f"There is no calendar setting called {key!r}")
    stored = db.session.scalar(select(CalendarSetting.value).where(
        CalendarSetting.academic_year == academic_year, CalendarSetting.key == key))
    return default if stored is None else stored


def list_settings(academic_year: int) -> list[tuple[str, str, int]]:
    """[(key, label, value)] for the year."""
    return [(key, label, get_setting(academic_year, key)) for key, label, _default in DEFAULT_SETTINGS]


def set_setting(academic_year: int, key: str, value: int) -> None:
    """Change one of the year's calendar settings (audited), within its limits."""
    get_setting(academic_year, key)  # checks the key
    low, high = SETTING_LIMITS[key]
    if not isinstance(value, int) or not low <= value <= high:
        raise CalendarError(f"Enter a whole number of school days from {low} to {high}")
    row = db.session.scalar(select(CalendarSetting).where(
        CalendarSetting.academic_year == academic_year, CalendarSetting.key == key))
    before = None if row is None else row.value
    if row is None:
        row = CalendarSetting(academic_year=academic_year, key=key, value=value)
        db.session.add(row)
    row.value = value
    record_audit("update", "calendar_setting", f"{academic_year}:{key}", before={"value": before},
                 after={"value": value})
    db.session.flush()


def send_day(on: date) -> date:
    """The day a send planned for `on` really happens: the working day on or before it."""
    return working_day_on_or_before(on)


def effective_due(calendar_due: date, sent_on: date, reply_working_days: int) -> date:
    """The date a school must reply by: the calendar's deadline, or, for a list sent late, the send
    date plus the reply period in school days (so never in a holiday), whichever is later."""
    return max(calendar_due, add_school_days(sent_on, reply_working_days))


def is_working_day(d: date) -> bool:
    """A weekday that is not an England and Wales bank holiday."""
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def working_day_on_or_before(d: date) -> date:
    """`d` if it is a working day, else the working day before it."""
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """The working day `n` working days after `d` (before it when n is negative); n=0 gives `d`."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_working_day(d):
            remaining -= 1
    return d


class SchoolDays:
    """Working days outside the school holidays, each academic year's holidays read once (build
    one for a run over many requests)."""

    def __init__(self):
        self._years: dict[int, tuple] = {}

    def holiday(self, d: date) -> str | None:
        """The label of the school holiday `d` falls in, if any."""
        year = current_academic_year(d)
        for _key, label, first, last in self._spans(year):
            if first <= d <= last:
                return label
        return None

    def _spans(self, year: int) -> list[tuple[str, str, date, date]]:
        if year not in self._years:
            self._years[year] = tuple(get_holidays(year))
        return self._years[year]

    def is_school_day(self, d: date) -> bool:
        return is_working_day(d) and self.holiday(d) is None

    def add(self, d: date, n: int) -> date:
        """The school day `n` school days after `d` (before it when n is negative); n=0 gives `d`."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            d += timedelta(days=step)
            if self.is_school_day(d):
                remaining -= 1
        return d


def add_school_days(d: date, n: int, days: SchoolDays | None = None) -> date:
    """As add_working_days, skipping the school holidays too."""
    return (days or SchoolDays()).add(d, n)


def is_school_day(d: date) -> bool:
    return SchoolDays().is_school_day(d)


def list_date_warnings(dates: list[CalendarDate]) -> dict[str, str]:
    """{key: warning} for the send and due dates of a year's calendar that fall on a weekend, a bank
    holiday or in a school holiday (a send date as the day it is really sent)."""
    days, warnings = SchoolDays(), {}
    for row in dates:
        if row.key.endswith("_send"):
            warning = date_warning(send_day(row.on), days)
        elif row.key.endswith("_due"):
            warning = date_warning(row.on, days)
        else:
            continue
        if warning:
            warnings[row.key] = warning
    return warnings


def date_warning(d: date, days: SchoolDays | None = None) -> str | None:
    """Why a send or reply-by date is a poor one, in words, or None: a weekend, a bank holiday or a
    school holiday."""
    if d.weekday() >= 5:
        return f"{weekday(d)} is not a working day"
    bank = bank_holiday(d)
    if bank:
        return f"{bank} is a bank holiday"
    holiday = (days or SchoolDays()).holiday(d)
    return f"This is in the {holiday}, when schools are closed" if holiday else None
