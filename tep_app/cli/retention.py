"""`flask tep retention run [--dry-run]`: the retention schedule applied now (the nightly job's work).

Prints one line for the run and one per rule with its counts; a dry run counts the same and changes
nothing. Either way the run is audited, with its counts."""
import logging

import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.extensions import db
from tep_app.services.people.retention import report_lines, run_retention

logger = logging.getLogger(__name__)


@tep.group("retention")
def retention_group():
    """Apply the retention schedule to young people's personal data."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Count what each rule would change, and change nothing.")
def run_command(dry_run: bool):
    """Anonymise young people past the schedule's age; delete old contact attempts, notes and audit rows."""
    try:
        result = run_retention(dry_run=dry_run)
        db.session.commit()
    except Exception as error:  # a one-line reason, never a traceback
        logger.exception("retention run failed")
        fail(f"retention run failed: {error}")
    for line in report_lines(result):
        click.echo(line)
