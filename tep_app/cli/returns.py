"""`flask tep return ...`: the files the county sends to the DfE.

`flask tep return activity-survey --year YYYY --out FILE` writes the Annual Activity Survey of the
year's Year 11 leavers (services/returns/activity_survey.py) as the requirement's CSV. With errors
in it, the file would be invalid: the error report is printed and nothing is written (exit 1),
unless --allow-errors. A year that cannot be surveyed gives a one-line reason (exit 2)."""
import logging
from pathlib import Path

import click

from tep_app.cli import tep
from tep_app.cli.common import fail
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.services.audit import record_audit
from tep_app.services.calendar import year_label
from tep_app.services.returns import activity_survey

logger = logging.getLogger(__name__)
# Exit codes: the file would be invalid (1); the request cannot be met (2).
INVALID_FILE, BAD_REQUEST = 1, 2


@tep.group("return")
def return_group():
    """Write the returns the county sends to the DfE."""


@return_group.command("activity-survey")
@click.option("--year", "year", type=int, required=True,
              help="The academic year whose 1 November is surveyed: 2025 means last summer's Year 11 "
                   "leavers on 1 November 2025.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The CSV file to write.")
@click.option("--allow-errors", is_flag=True, help="Write the file even when the error report is not empty.")
def activity_survey_command(year: int, out: Path, allow_errors: bool):
    """The Annual Activity Survey of the year's Year 11 leavers, as the requirement's CSV."""
    if not 2000 <= year <= 2100:
        fail(f"--year must be an academic year's start, like 2025, not {year}", BAD_REQUEST)
    try:
        activity_survey.check_survey_year(year)
    except activity_survey.SurveyYearError as error:
        fail(str(error), BAD_REQUEST)
    survey = activity_survey.build_survey(year)
    lines = activity_survey.error_lines(survey)
    for line in lines:
        click.echo(line, err=True)
    if lines:
        click.echo(f"{len(lines)} {'error' if len(lines) == 1 else 'errors'} in the {year_label(year)} survey",
                   err=True)
    if lines and not allow_errors:
        fail("the file would be invalid and was not written (--allow-errors writes it anyway)", INVALID_FILE)
    try:
        out.write_text(activity_survey.survey_csv(survey), encoding="utf-8", newline="")
    except OSError as error:
        fail(f"could not write {out}: {error.strerror or error}", BAD_REQUEST)
    record_audit("export", "activity_survey", str(year),
                 after={"rows": len(survey.rows), "errors": len(lines), "to": "command line"})
    db.session.commit()
    click.echo(f"{survey.title}: {len(survey.rows)} young people written to {out}"
               f" (what was known by {long_date(survey.known_by)})")
