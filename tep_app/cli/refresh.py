"""`flask tep refresh --year YYYY --dir DIR`: the five imports, matching and both sets of lists in one go."""
from pathlib import Path

import click

from tep_app.cli import tep
from tep_app.cli.imports import print_problems
from tep_app.cli.options import fail, year_option
from tep_app.extensions import db
from tep_app.services.imports import plural
from tep_app.services.refresh import RefreshError, Stage, refresh_county


def _print_stage(stage: Stage) -> None:
    click.echo(f"{stage.name}: {stage.seconds:.1f} s. {stage.outcome}")


@tep.command("refresh")
@year_option(required=True)
@click.option("--dir", "folder", required=True, type=click.Path(path_type=Path),
              help="The folder with establishments, leavers, roll, enrolments and offers (.csv or .xlsx).")
def refresh_command(year: int, folder: Path):
    """Import a folder of the five files, match, and build the leavers and no-offer lists."""
    try:
        done = refresh_county(folder, year, report=_print_stage)
    except RefreshError as error:
        print_problems(error.problems, "error")
        fail(f"{error.message}. Nothing was changed.")
    db.session.commit()
    warned = f", with {plural(done.warnings, 'warning')}: those values were not imported" if done.warnings else ""
    click.echo(f"Refreshed {year}-{(year + 1) % 100:02d} in {done.seconds:.1f} s{warned}.")
