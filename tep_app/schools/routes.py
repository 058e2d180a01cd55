"""Staff pages for schools: every school with the size of its lists, and one school's lists."""
import logging

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, roles
from tep_app.inputs import requested_year
from tep_app.main.errors import render_error
from tep_app.models.collections import COLLECTION_KINDS
from tep_app.pagination import pagination, requested_page
from tep_app.schools.forms import SchoolSearchForm
from tep_app.services import list_sheets, lists, request_states
from tep_app.services.audit import record_audit
from tep_app.services.figures import no_offer_figures, school_figures
from tep_app.services.school_requests import request_admin
from tep_app.spreadsheets.list_template import XLSX_MIMETYPE

bp = Blueprint("schools", __name__, url_prefix="/schools")
logger = logging.getLogger(__name__)
def _year() -> int:
    return requested_year(lists.default_year)


def _school_or_404(laestab: str):
    school = lists.get_school(laestab)
    if school is None:
        return None, render_error(404, "School not found",
                                  f"There is no school with LAESTAB {laestab[:20]}. Check the number, "
                                  "or find the school on the schools page.")
    return school, None


@bp.get("/")
@roles(OFFICER, MANAGER, ADMIN)
def index():
    year = _year()
    form = SchoolSearchForm(request.args, meta={"csrf": False})
    form.set_years(sorted({*lists.list_years(), year}, reverse=True))
    form.year.data = year
    search = form.q.data if form.validate() else None
    result = lists.list_schools_with_counts(year, search, requested_page())
    return render_template(
        "schools/index.html", form=form, year=year, search=search, result=result,
        figures=school_figures(year), no_offer=no_offer_figures(year)[1],
        pagination=pagination(result.page, result.pages, "schools.index", year=year, q=search or None),
    )


@bp.get("/<laestab>")
@roles(OFFICER, MANAGER, ADMIN)
def show(laestab: str):
    school, missing = _school_or_404(laestab)
    if missing:
        return missing
    year = _year()
    summaries = lists.get_school_lists(school.id, year)
    kind = request.args.get("list") if request.args.get("list") in COLLECTION_KINDS else "leavers"
    chosen = summaries[kind]
    entries = None
    if chosen.collection is not None:
        entries = lists.list_entries(chosen.collection.id, school.id, requested_page())
        record_audit("view", "school_list", f"{chosen.collection.id}:{school.id}",
                     after={"laestab": school.laestab, "kind": kind, "academic_year": year, "page": entries.page,
                            "entries": [entry.id for entry in entries.items]})
    request_ids = request_admin.list_request_ids_by_collection(
        school.id, [summary.collection.id for summary in summaries.values() if summary.collection])
    return render_template(
        "schools/show.html", school=school, year=year, summaries=summaries, kind=kind, chosen=chosen,
        entries=entries, request_ids=request_ids, status_labels=request_states.STATUS_LABELS,
        figures=school_figures(year).get(school.id), no_offer=no_offer_figures(year)[1].get(school.id),
        pagination=entries and pagination(entries.page, entries.pages, "schools.show", laestab=school.laestab,
                                          year=year, list=kind),
    )


@bp.get("/<laestab>/download/<kind>")
@roles(OFFICER, MANAGER, ADMIN)
def download(laestab: str, kind: str):
    school, missing = _school_or_404(laestab)
    if missing:
        return missing
    year = _year()
    collection = lists.find_collection(kind, year) if kind in COLLECTION_KINDS else None
    if collection is None or collection.built_at is None:
        abort(404)
    data = list_sheets.write_school_list(collection, school)
    record_audit("export", "school_list", f"{collection.id}:{school.id}",
                 after={"laestab": school.laestab, "kind": kind, "academic_year": year, "bytes": len(data)})
    logger.info("school list downloaded %s %s", school.laestab, kind,
                extra={"laestab": school.laestab, "kind": kind, "staff_id": current_user.id})
    return data, 200, {
        "Content-Type": XLSX_MIMETYPE,
        "Content-Disposition": f'attachment; filename="{school.laestab}-{kind}-{year}.xlsx"',
        "Cache-Control": "private, no-store",
    }
