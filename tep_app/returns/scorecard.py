"""The schools' scorecard: for each school, Not Known now (the Schools page's figure), whether it
answered the year's leavers list on time, and the share of its answers that gave a phone number;
sortable, paged, and as CSV. Schools and counts only: nobody is named."""
from flask import render_template, request

from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.inputs import requested_year
from tep_app.pagination import Page, requested_page
from tep_app.returns.blueprint import bp
from tep_app.services import lists
from tep_app.services.audit import record_audit
from tep_app.services.returns import scorecard


def _year() -> int:
    """?year=, else the year the Schools page shows."""
    return requested_year(lists.default_year)


def _sort() -> str:
    sort = request.args.get("sort", "")
    return sort if sort in scorecard.SORTS else scorecard.DEFAULT_SORT


@bp.get("/schools", endpoint="scorecard")
@roles(MANAGER, ADMIN)
def scorecard_page():
    year, sort = _year(), _sort()
    scores = scorecard.school_scores(year, sort)
    page = Page.of(requested_page(), len(scores))
    return render_template(
        "returns/scorecard.html", year=year, sort=sort, sorts=scorecard.SORTS, rows=page.rows(scores),
        total=len(scores), pager=page.links("returns.scorecard", year=year, sort=sort),
    )


@bp.get("/schools.csv", endpoint="scorecard_csv")
@roles(MANAGER, ADMIN)
def scorecard_csv():
    year, sort = _year(), _sort()
    scores = scorecard.school_scores(year, sort)
    record_audit("export", "scorecard", year, after={"file": "csv", "rows": len(scores)})
    return scorecard.scores_csv(scores), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="schools-scorecard-{year}.csv"',
        "Cache-Control": "private, no-store",
    }
