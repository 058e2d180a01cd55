"""The headline measure's page: NEET %, Not Known % and NEET + Not Known % of academic age 16-17 at
the latest month end and as the December-February average, broken down by district, school of
Year 11, year group, EHCP and gender; the trend over the academic year beside last year's, as inline
SVG with its table; the target a manager sets; and the figures as CSV. Read from month-end
snapshots only (services/returns/measure.py); nobody is named, so nothing here shows personal data."""
import csv
import io
import logging
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tep_app import clock
from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.dates import month_and_year
from tep_app.extensions import db
from tep_app.inputs import requested_year
from tep_app.models.returns import Snapshot
from tep_app.returns.blueprint import bp
from tep_app.returns.measure_forms import TargetForm
from tep_app.services.audit import record_audit
from tep_app.services.returns import measure, requirement, settings
from tep_app.services.returns.snapshots import month_end
from tep_app.services.returns.trend_chart import trend_chart
from tep_app.spreadsheets.tables import FORMULA_STARTS
from tep_app.validation import Invalid

logger = logging.getLogger(__name__)


def _year() -> int:
    """?year= (the academic year by its first calendar year), else the current one."""
    return requested_year(lambda: requirement.academic_year_of(clock.today()))


def _years_with_snapshots() -> list[int]:
    days = db.session.scalars(select(Snapshot.as_of)).all()
    return sorted({requirement.academic_year_of(day) for day in days}, reverse=True)


def _page(year: int, form: TargetForm):
    """The page: the county's figures of two years from the snapshots' stored counts (one small
    query), and the rows of one snapshot (or, asked for, the three averaged) for the breakdowns."""
    totals = measure.month_totals(date(year - 1, 9, 1), date(year + 1, 8, 31))
    this_year = {day: figures for day, figures in totals.items() if requirement.academic_year_of(day) == year}
    last_year = {day: figures for day, figures in totals.items() if requirement.academic_year_of(day) == year - 1}
    february = month_end(*requirement.annual_dates(year)[-1])
    annual_ready = february in this_year
    shown = request.args.get("of") if request.args.get("of") == "annual" and annual_ready else "month"
    annual = measure.annual_measure(year) if shown == "annual" else measure.annual_total(year)
    latest = measure.month_measure(max(this_year)) if this_year else None
    target = settings.get_target(year)
    chart = trend_chart(year, {day: figures.combined_pct for day, figures in this_year.items()},
                        {day: figures.combined_pct for day, figures in last_year.items()}, target)
    return render_template(
        "returns/measure.html", year=year, latest=latest, annual=annual, annual_ready=annual_ready,
        february=february, words={
            "latest": month_and_year(latest.as_of) if latest else "",
            "annual": [month_and_year(day) for day in annual.months],
            "missing": [month_and_year(day) for day in annual.missing],
            "annual_days": [month_and_year(month_end(*pair)) for pair in requirement.annual_dates(year)]},
        chart=chart, target=target, form=form, shown=shown, breakdowns=annual if shown == "annual" else latest,
        names=measure.BREAKDOWNS, labels=measure.BREAKDOWN_LABELS,
        years=[held for held in _years_with_snapshots() if held != year],
    )


@bp.get("/measure", endpoint="measure")
@roles(MANAGER, ADMIN)
def measure_page():
    year = _year()
    target = settings.get_target(year)
    form = TargetForm(data={"target": "" if target is None else f"{target:.1f}"})
    return _page(year, form)


@bp.post("/measure/target", endpoint="set_target")
@roles(MANAGER, ADMIN)
def set_target():
    year = _year()
    form = TargetForm()
    if form.validate_on_submit():
        try:
            value = settings.set_target(year, form.target.data, current_user.id)
        except Invalid as error:
            form.target.errors = [*form.target.errors, error.message]
        else:
            db.session.commit()
            logger.info("measure target set", extra={"academic_year": year, "target": value})
            flash(f"The target for {year} to {year + 1} is now {value:.1f}%", "success")
            return redirect(url_for("returns.measure", year=year))
    return _page(year, form)


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@bp.get("/measure.csv", endpoint="measure_csv")
@roles(MANAGER, ADMIN)
def measure_csv():
    """The latest month's figures, or ?of=annual the December-February average: counts and
    percentages by group, nobody named."""
    year = _year()
    if request.args.get("of") == "annual":
        chosen, name = measure.annual_measure(year), f"measure-{year}-december-to-february"
        if not chosen.months:
            abort(404)
    else:
        months = measure.year_measures(year)
        if not months:
            abort(404)
        chosen, name = months[-1], f"measure-{months[-1].as_of.isoformat()}"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [[_text(cell) for cell in row] for row in measure.csv_rows(chosen)])
    record_audit("export", "measure", name, after={"file": "csv"})
    return buffer.getvalue(), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}.csv"',
        "Cache-Control": "private, no-store",
    }
