"""Dates and times as the service shows them, in the GOV.UK style: every page, message and email.

This is the only module that holds a date format; templates reach it through the filters in
`templating` and services import it directly. A stored moment is UTC and is shown in UK time.
"""
from datetime import date, datetime

from tep_app import clock


def long_date(value) -> str:
    """A date, "5 June 2027", or a moment in UK time, "5 June 2027 at 14:21"; "" for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return clock.local(value).strftime("%-d %B %Y at %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


def day_and_month(value: date) -> str:
    """"5 June": a day within the year being talked about."""
    return value.strftime("%-d %B")


def month_and_year(value: date) -> str:
    """"June 2027": a month as a whole (a monthly return's period)."""
    return value.strftime("%B %Y")


def short_month(value: date) -> str:
    """"Jun": a month on a chart's axis."""
    return value.strftime("%b")


def short_month_and_year(value: date) -> str:
    """"Jun 2027": a month in a table's narrow column."""
    return value.strftime("%b %Y")


def short_date(value) -> str:
    """"5 Jun 2027" for a table's narrow column; a moment is its UK date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local(value)
    return value.strftime("%-d %b %Y")


def day_and_short_month(value: date) -> str:
    """"5 Jun": where a value came from and when, in a narrow column."""
    return value.strftime("%-d %b")


def weekday(value: date) -> str:
    """"Saturday"."""
    return value.strftime("%A")


def weekday_date(value: date, aligned: bool = False) -> str:
    """"Sat 5 Jun 2027": a date whose day of the week matters (send days); `aligned` pads the day
    ("Sat 05 Jun 2027") so a column of them lines up."""
    return value.strftime("%a %d %b %Y" if aligned else "%a %-d %b %Y")


def numeric_date(value) -> str:
    """"05/06/2027", as a spreadsheet or a school's records write it; "" for nothing."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def time_of_day(moment: datetime) -> str:
    """"2:35pm" in UK time."""
    local = clock.local(moment)
    return f"{local:%-I:%M}{'am' if local.hour < 12 else 'pm'}"
