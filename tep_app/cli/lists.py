"""`flask tep lists build|export` (docs/design.md section 7); `flask tep calendar show` is in calendar.py.

Arguments are checked here, not by click, so that bad input gets one line and a non-zero exit.
"""
import time
from pathlib import Path

import click

from tep_app.cli import tep
from tep_app.cli.options import YEAR_HELP, fail, parse_year
from tep_app.extensions import db
from tep_app.models.collections import COLLECTION_KINDS
from tep_app.services import calendar
from tep_app.services.list_sheets import export_lists
from tep_app.services.lists import ListsError, build_lists_with_summary


def parse_kind(kind: str | None) -> str:
    if kind not in COLLECTION_KINDS:
        fail(f"Unknown list {kind!r}: use leavers or no-offer" if kind else "Say which lists: leavers or no-offer")
    return kind


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


@tep.group("lists")
def lists_group():
    """Build and export the per-school lists."""


@lists_group.command("build")
@click.argument("kind", required=False)
@click.option("--year", "year", default=None, metavar="YYYY", help=YEAR_HELP)
def build_command(kind, year):
    """Build (or rebuild) every school's leavers or no-offer list from the match results."""
    kind, academic_year = parse_kind(kind), parse_year(year)
    started = time.perf_counter()
    try:
        _collection, summary = build_lists_with_summary(kind, academic_year)
    except ListsError as error:
        fail(error.message)
    db.session.commit()
    words = "leavers lists" if kind == "leavers" else "no-offer lists"
    click.echo(f"Built the {words} for {calendar.year_label(academic_year)}: "
               f"{_plural(summary.people, 'young person', 'young people')} at "
               f"{_plural(summary.schools, 'school', 'schools')}.")
    if summary.already_sent:
        click.echo(f"The lists had already been sent: {summary.added:,} added, {summary.removed:,} removed, "
                   f"{summary.kept_answered:,} kept because their school has answered.")
    click.echo(f"Took {time.perf_counter() - started:.2f} s.", err=True)


@lists_group.command("export")
@click.argument("kind", required=False)
@click.option("--year", "year", default=None, metavar="YYYY", help=YEAR_HELP)
@click.option("--out", "out", default=None, metavar="DIR", help="The folder to write <LAESTAB>.xlsx files to.")
def export_command(kind, year, out):
    """Write one pre-populated .xlsx per school: DIR/<LAESTAB>.xlsx."""
    kind, academic_year = parse_kind(kind), parse_year(year)
    if not out:
        fail("Give the folder to write to with --out DIR")
    started = time.perf_counter()
    try:
        paths = export_lists(kind, academic_year, Path(out))
    except ListsError as error:
        fail(error.message)
    click.echo(f"Exported {_plural(len(paths), 'school list', 'school lists')} to {out}.")
    click.echo(f"Took {time.perf_counter() - started:.2f} s.", err=True)
