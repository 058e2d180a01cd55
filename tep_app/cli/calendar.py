"""`flask tep calendar show` (docs/design.md section 7): the year's calendar of sends and deadlines.

Its own module, so that the command imports the calendar and nothing of the lists."""
import click

from tep_app.cli import tep
from tep_app.cli.options import YEAR_HELP, parse_year
from tep_app.dates import weekday_date
from tep_app.extensions import db
from tep_app.services import calendar


@tep.group("calendar")
def calendar_group():
    """The yearly calendar of sends and deadlines."""


@calendar_group.command("show")
@click.option("--year", "year", default=None, metavar="YYYY", help=YEAR_HELP)
def show_command(year):
    """Print the academic year's calendar (the defaults fill in any date not yet set)."""
    academic_year = parse_year(year) if year is not None else calendar.current_academic_year()
    calendar.ensure_calendar(academic_year)
    db.session.commit()
    rows = calendar.get_calendar(academic_year)
    click.echo(f"Calendar {calendar.year_label(academic_year)}")
    width = max(len(row.key) for row in rows)
    for row in rows:
        moved = calendar.working_day_on_or_before(row.on)
        note = f"  (sent {weekday_date(moved)})" if row.key.endswith("_send") and moved != row.on else ""
        click.echo(f"{weekday_date(row.on, aligned=True)}  {row.key:<{width}}  {row.label}{note}")
