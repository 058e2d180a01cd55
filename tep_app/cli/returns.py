"""`flask tep return ...`: the files the county sends to the DfE.

`flask tep return activity-survey --year YYYY --out FILE` writes the Annual Activity Survey of the
year's Year 11 leavers (services/returns/activity_survey.py) as the requirement's CSV. With errors
in it, the file would be invalid: the error report is printed and nothing is written (exit 1),
unless --allow-errors. A year that cannot be surveyed gives a one-line reason (exit 2).

`flask tep return nccis --month YYYY-MM --out FILE` writes the monthly NCCIS return from the
snapshot taken at the month's end (services/returns/nccis_xml.py), checked against the project's
XSD and the requirement's rules in the same way: the error report, and nothing written (exit 1)
unless --allow-errors; a bad month or a month with no snapshot gives a one-line reason (exit 2)."""
import logging
from pathlib import Path

import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.dates import long_date, month_and_year
from tep_app.extensions import db
from tep_app.services.audit import record_audit
from tep_app.services.calendar import year_label
from tep_app.services.returns import activity_survey, nccis_xml
from tep_app.services.returns.nccis_errors import report_lines

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


@return_group.command("nccis")
@click.option("--month", "month", required=True, help="The month whose end is returned, YYYY-MM: 2025-01.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The XML file to write.")
@click.option("--allow-errors", is_flag=True, help="Write the file even when the error report is not empty.")
def nccis_command(month: str, out: Path, allow_errors: bool):
    """The monthly NCCIS return, from the snapshot taken at the month's end, as the requirement's XML."""
    try:
        snapshot = nccis_xml.snapshot_for_month(month)
    except nccis_xml.MonthRefused as error:
        fail(str(error), BAD_REQUEST)
    nccis = nccis_xml.build_return(snapshot)
    part = out.with_name(out.name + ".part")
    try:
        nccis_xml.write_xml(nccis, str(part))
        nccis.errors += nccis_xml.file_errors(nccis_xml.validate_xml(str(part)))
    except OSError as error:
        part.unlink(missing_ok=True)
        fail(f"could not write {out}: {error.strerror or error}", BAD_REQUEST)
    period = month_and_year(nccis.as_of)
    lines = report_lines(nccis.errors)
    for line in lines:
        click.echo(line, err=True)
    if nccis.errors:
        count = len(nccis.errors)
        click.echo(f"{count} {'error' if count == 1 else 'errors'} in the NCCIS return for {period}", err=True)
        if not allow_errors:
            part.unlink(missing_ok=True)
            fail("the file would be invalid and was not written (--allow-errors writes it anyway)", INVALID_FILE)
    part.replace(out)
    record_audit("export", "nccis_return", snapshot.id,
                 after={"month": nccis_xml.month_of(snapshot), "rows": len(nccis.records),
                        "errors": len(nccis.errors), "to": "command line"})
    db.session.commit()
    click.echo(f"NCCIS return for {period}: {len(nccis.records)} young people written to {out} "
               f"(the snapshot of {long_date(nccis.as_of)})")
