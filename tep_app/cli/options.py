"""What the commands share: the academic year option and a one-line failure with a non-zero exit."""
import click

from tep_app.extensions import db


def fail(message: str, code: int = 1):
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


YEAR_HELP = "The academic year's start: 2022 means 2022-23."


def parse_year(value: str | None) -> int:
    """--year as the commands that check it themselves take it (one line and exit 1 when it is wrong)."""
    if value is None:
        fail("Give the academic year with --year, like --year 2022 for 2022-23")
    text = value.strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        fail(f"--year {value!r} is not an academic year: give its start, like 2022 for 2022-23")
    return int(text)


def year_option(required: bool = True):
    return click.option("--year", "year", type=click.IntRange(2000, 2100), required=required,
                        help="The academic year's start: 2022 means 2022-23.")
