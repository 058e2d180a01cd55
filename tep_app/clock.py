"""The one clock: today and now in the service's time zone (Europe/London, from config).

Every feature asks this module for the date and time; nothing reads the server's `date.today()`.
A test moves the whole application by moving the system clock (time-machine), and the demo may be
started as if on another day with `TEP_TODAY=YYYY-MM-DD` (never in production).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/London"


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The service's time zone, as config sets it."""
    name = current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    return _zone(name)


def _offset() -> timedelta:
    """How far `TEP_TODAY` moves the clock (development and demos only)."""
    if not has_app_context():
        return timedelta(0)
    return current_app.config.get("CLOCK_OFFSET") or timedelta(0)


def server_now() -> datetime:
    """The server's own moment, which `TEP_TODAY` does not move: only for the times of files on this
    machine (uploads kept a day, caught emails named in order). Everything else asks `now()`."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current moment, as an aware UTC datetime (what the database stores)."""
    return server_now() + _offset()


def timestamp() -> int:
    """The current moment in whole seconds since 1970 (what a signed cookie keeps)."""
    return int(now().timestamp())


def local_now() -> datetime:
    return now().astimezone(zone())


def today() -> date:
    """Today's date in the service's time zone."""
    return local_now().date()


def as_utc(value: datetime | None) -> datetime | None:
    """A stored datetime as aware UTC (SQLite gives back naive datetimes: they were stored in UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    """A stored datetime in the service's time zone."""
    value = as_utc(value)
    return value.astimezone(zone()) if value is not None else None


def local_date(value: datetime | None) -> date | None:
    """The date, in the service's time zone, of a stored datetime."""
    value = local(value)
    return value.date() if value is not None else None


def end_of_day(day: date) -> datetime:
    """The first moment after `day` ends, in the service's time zone, as UTC."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone()).astimezone(UTC)


def offset_for(wanted: str | None) -> timedelta | None:
    """The offset that makes today `wanted` (YYYY-MM-DD), keeping the time of day."""
    if not wanted:
        return None
    target = date.fromisoformat(wanted)
    real = server_now()
    return timedelta(days=(target - real.astimezone(_zone(DEFAULT_TIMEZONE)).date()).days)


@contextmanager
def travel(day: date, at: time = time(9, 0)):
    """Run the app as if at `at` on `day` in the service's time zone: the demo plays its county's
    recent past through the real services this way. Never used in production."""
    app = current_app._get_current_object()
    before = app.config.get("CLOCK_OFFSET")
    target = datetime.combine(day, at, tzinfo=zone())
    app.config["CLOCK_OFFSET"] = target - server_now()
    try:
        yield
    finally:
        if before is None:
            app.config.pop("CLOCK_OFFSET", None)
        else:
            app.config["CLOCK_OFFSET"] = before
