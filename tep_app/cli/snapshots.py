"""`flask tep snapshot --as-of YYYY-MM-DD`: the cohort's snapshot for a day (normally a month end),
as the month-end job takes it. Prints the counts; a day already taken, a day not yet come or a
date that cannot be read gives a one-line reason and a non-zero exit."""
import logging
import re
from datetime import date

import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.services.returns.snapshots import SnapshotRefused, is_month_end, take_snapshot

logger = logging.getLogger(__name__)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_of(value: str) -> date:
    try:
        if ISO_DATE.fullmatch(value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    fail(f"--as-of must be a real date like 2025-01-31, not {value!r}")


@tep.command("snapshot")
@click.option("--as-of", "as_of", required=True, metavar="YYYY-MM-DD", help="The day the snapshot is of.")
def snapshot_command(as_of: str):
    """Store the cohort as it stood at the end of a day, for the NCCIS return and the measure."""
    day = _as_of(as_of)
    try:
        snapshot = take_snapshot(day)
        db.session.commit()
    except SnapshotRefused as error:
        fail(str(error))
    except Exception as error:  # a one-line reason, never a traceback
        logger.exception("snapshot failed")
        fail(f"snapshot failed: {error}")
    measure = snapshot.counts["measure"]
    click.echo(f"Snapshot of {long_date(day)}{'' if is_month_end(day) else ' (not a month end)'}: "
               f"{snapshot.counts['rows']} young people; academic age 16-17: {measure['cohort']}, "
               f"NEET {measure['neet']}, Not Known {measure['not_known']}")
