"""`flask tep cases ...`: the nightly case-opening jobs, runnable by hand or by a scheduler."""
import logging

import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.extensions import db
from tep_app.services.cases import open_cases_for_lapsed, open_cases_for_overdue, rebalance

logger = logging.getLogger(__name__)


@tep.group("cases")
def cases_group():
    """Open and balance officers' cases."""


def _today_option():
    return click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Run as if today were this date (YYYY-MM-DD); default today in London.")


@cases_group.command("open-lapsed")
@_today_option()
def open_lapsed_command(on):
    """Open a case for every young person whose activity has lapsed unconfirmed."""
    opened = _run("open-lapsed", lambda: open_cases_for_lapsed(on.date() if on else None))
    click.echo(f"Opened {opened} cases for lapsed activities")


@cases_group.command("open-overdue")
@_today_option()
def open_overdue_command(on):
    """Open cases for the lists of schools past their deadline that have not submitted."""
    opened = _run("open-overdue", lambda: open_cases_for_overdue(on.date() if on else None))
    click.echo(f"Opened {opened} cases for overdue school lists")


@cases_group.command("rebalance")
def rebalance_command():
    """Spread the open cases no patch covers evenly across the active officers."""
    moved = _run("rebalance", rebalance)
    click.echo(f"Moved {moved} cases")


def _run(name: str, work):
    try:
        result = work()
        db.session.commit()
    except Exception as error:  # a one-line reason, never a traceback
        logger.exception("cases %s failed", name)
        fail(f"cases {name} failed: {error}")
    return result
