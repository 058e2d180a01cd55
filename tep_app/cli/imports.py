"""`flask tep import KIND FILE [--year YYYY]`: load one file.

A file with any error imports nothing: every error is printed, then a one-line reason, and the
command exits 1. Warnings do not stop it: they are printed, the summary counts them, and it exits 0.
"""
from pathlib import Path

import click

from tep_app.cli import tep
from tep_app.cli.options import fail, year_option
from tep_app.extensions import db
from tep_app.services.imports import IMPORT_KINDS, ImportFailed, import_file, list_warnings, plural

MAX_PROBLEM_LINES = 50
PROGRESS_FROM_ROWS = 5000


class _Progress:
    """A progress bar on stderr for long files; quiet for short ones."""

    def __init__(self):
        self.bar = None

    def start(self, total: int) -> None:
        if total >= PROGRESS_FROM_ROWS:
            self.bar = click.progressbar(length=total, label="Checking rows", file=click.get_text_stream("stderr"))
            self.bar.__enter__()

    def __call__(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@tep.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@year_option(required=False)
def import_command(kind: str, path: Path, year: int | None):
    """Import a file of establishments, leavers, roll, enrolments or offers (.xlsx or .csv)."""
    if not path.exists():
        fail(f"There is no file at {path}")
    if path.is_dir():
        fail(f"{path} is a folder: give the path of an .xlsx or .csv file")
    progress = _Progress()
    try:
        batch = import_file(kind, path, path.name, year, progress=progress)
        db.session.commit()
    except ImportFailed as error:
        progress.finish()
        print_problems(error.problems, "error")
        fail(f"{error.message}. Correct the file and import it again.")
    progress.finish()
    print_problems(list_warnings(batch.id), "warning")
    click.echo(batch.summary)


def print_problems(problems: list, word: str) -> None:
    """The first problems on stderr, one a line, then how many more there are."""
    for problem in problems[:MAX_PROBLEM_LINES]:
        click.echo(f"{word.capitalize()}: {problem}", err=True)
    more = len(problems) - MAX_PROBLEM_LINES
    if more > 0:
        click.echo(f"…and {plural(more, 'more ' + word)}", err=True)
