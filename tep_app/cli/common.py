"""Helpers shared by the commands: a one-line failure with a non-zero exit."""
import click

from tep_app.extensions import db


def fail(message: str, code: int = 1):
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def year_option(required: bool = True):
    return click.option("--year", "year", type=click.IntRange(2000, 2100), required=required,
                        help="The academic year's start: 2022 means 2022-23.")
