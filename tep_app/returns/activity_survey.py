"""The Annual Activity Survey's page: last summer's Year 11 leavers on 1 November, by school, with
the error report (each error linked to the young person's page) and the downloads: the survey's
CSV (personal data, audited) and the summary by school to share with schools (.xlsx, audited)."""
import logging

from flask import abort, render_template, request

from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.pagination import Page, requested_page
from tep_app.returns.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.calendar import year_label
from tep_app.services.returns import activity_survey, requirement
from tep_app.spreadsheets.tables import XLSX_MIMETYPE

logger = logging.getLogger(__name__)


def _requested_year() -> int:
    """?year=, or the newest year with leavers whose 1 November has come."""
    year = request.args.get("year", type=int)
    if year is None:
        held = activity_survey.survey_years()
        return held[0] if held else activity_survey.latest_survey_year()
    return year


def _survey_or_404(year: int) -> activity_survey.Survey:
    try:
        activity_survey.check_survey_year(year)
    except activity_survey.SurveyYearError:
        abort(404)
    return activity_survey.build_survey(year)


@bp.get("/activity-survey", endpoint="activity_survey")
@roles(MANAGER, ADMIN)
def activity_survey_page():
    year = _requested_year()
    years = [(held, year_label(held)) for held in activity_survey.survey_years() if held != year]
    try:
        activity_survey.check_survey_year(year)
    except activity_survey.SurveyYearError as error:
        return render_template("returns/activity_survey.html", year=year, label=year_label(year), problem=str(error),
                               years=years), 404
    survey = activity_survey.build_survey(year)
    schools, total = activity_survey.summary_by_school(survey)
    page = Page.of(requested_page(), len(survey.errors))
    record_audit("view", "activity_survey", year, after={"errors": len(survey.errors), "page": page.number})
    return render_template(
        "returns/activity_survey.html", year=year, label=year_label(year), survey=survey, schools=schools,
        total=total, groups=requirement.SURVEY_GROUPS, errors=page.rows(survey.errors), page=page,
        pager=page.links("returns.activity_survey", year=year), years=years, problem=None,
    )


@bp.get("/activity-survey/survey.csv", endpoint="activity_survey_csv")
@roles(MANAGER, ADMIN)
def activity_survey_csv():
    """The requirement's CSV: a row for each young person, so personal data (audited)."""
    year = _requested_year()
    survey = _survey_or_404(year)
    record_audit("export", "activity_survey", year, after={"file": "csv", "rows": len(survey.rows),
                                                          "errors": len(survey.errors)})
    logger.info("export activity survey %s", year, extra={"rows": len(survey.rows), "export": "activity-survey"})
    return activity_survey.survey_csv(survey), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="activity-survey-{year}.csv"',
        "Cache-Control": "private, no-store",
    }


@bp.get("/activity-survey/summary.xlsx", endpoint="activity_survey_summary")
@roles(MANAGER, ADMIN)
def activity_survey_summary():
    """Destinations by school, counts and percentages: no young person is named."""
    year = _requested_year()
    survey = _survey_or_404(year)
    record_audit("export", "activity_survey", year, after={"file": "summary", "rows": len(survey.rows)})
    logger.info("export activity survey summary %s", year, extra={"export": "activity-survey-summary"})
    return activity_survey.summary_xlsx(survey), 200, {
        "Content-Type": XLSX_MIMETYPE,
        "Content-Disposition": f'attachment; filename="activity-survey-summary-{year}.xlsx"',
        "Cache-Control": "private, no-store",
    }
