"""`flask tep demo`: load the synthetic Kent-sized county (never real data)."""
import os

import click
from flask import current_app

from tep_app.cli import tep
from tep_app.cli.options import fail


@tep.command("demo")
@click.option("--seed", type=int, default=2022, show_default=True, help="The same seed gives the same county.")
@click.option("--years", type=click.IntRange(1, 10), default=1, show_default=True,
              help="Academic years of history, ending with the current one.")
@click.option("--scale", type=click.FloatRange(0.001, 5.0), default=1.0, show_default=True,
              help="1.0 is Kent-sized: about 17,500 young people per year group.")
@click.option("--year", "academic_year", type=click.IntRange(2000, 2100), default=None,
              help="The latest academic year's start (default: the current academic year).")
@click.option("--reset", is_flag=True,
              help="Empty the data tables first (reference codes, staff accounts and the audit trail stay). "
                   "Refused in production.")
def demo_command(seed: int, years: int, scale: float, academic_year: int | None, reset: bool) -> None:
    """Load a synthetic county: schools, colleges, leavers, roll, enrolments, offers and staff."""
    from tep_app.demo.load import has_data, load_demo, reset_data  # noqa: PLC0415 -- Faker only for this command

    if reset and os.environ.get("TEP_ENV", "development") == "production":
        fail("demo --reset empties the data tables, so it is not run in production (TEP_ENV=production)")
    if has_data() and not reset:
        click.echo("The database already has establishments: the demo county was not loaded again. "
                   "Use --reset to empty the data and load it afresh.")
        return
    if reset:
        reset_data()
        click.echo("Emptied the data tables. Staff accounts and the audit trail were kept.")
    summary = load_demo(seed=seed, academic_year=academic_year, years=years, scale=scale, out=click.echo)
    rows = summary["rows"]
    click.echo(f"Loaded {summary['establishments']} establishments and "
               + ", ".join(f"{count:,} {key.replace('_', ' ')}" for key, count in rows.items()
                           if key != "establishments"))
    click.echo("List entries: " + ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in summary["lists"].items()))
    click.echo(f"{summary['staff']} staff accounts; sign-ins are in {summary['logins_path']}")
    click.echo(f"Sign in at {current_app.config['BASE_URL']}/sign-in")
