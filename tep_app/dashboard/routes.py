"""The manager's chase-up dashboard, its exports, and the audit search."""
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.dashboard.forms import AuditSearchForm, CollectionForm
from tep_app.extensions import db
from tep_app.forms import choices
from tep_app.inputs import requested_id
from tep_app.models import SchoolRequest
from tep_app.pagination import pagination, requested_page
from tep_app.services import audit_search, dashboard
from tep_app.services.audit import record_audit
from tep_app.services.calendar import current_academic_year
from tep_app.services.figures import dashboard_figures, no_offer_figures
from tep_app.services.labels import object_type_words
from tep_app.services.request_states import NOT_SENT, OVERDUE, SENT
from tep_app.services.school_requests import followup
from tep_app.spreadsheets.tables import XLSX_MIMETYPE, write_table

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
logger = logging.getLogger(__name__)


def _xlsx(headers, rows, name: str, object_type: str, object_id: str, detail: dict):
    record_audit("export", object_type, object_id, after={**detail, "rows": len(rows)})
    logger.info("export %s", name, extra={"rows": len(rows), "export": name})
    return write_table(headers, rows, title=name), 200, {
        "Content-Type": XLSX_MIMETYPE,
        "Content-Disposition": f'attachment; filename="{name}.xlsx"',
        "Cache-Control": "private, no-store",
    }


def _chosen_collection(collections=None):
    """`?collection=`, or the one in progress when none is asked for; an id naming no collection is
    the service's "Page not found"."""
    collection_id = requested_id("collection")
    collection = dashboard.get_collection(collection_id, collections)
    if collection_id is not None and (collection is None or collection.id != collection_id):
        abort(404)
    return collection


@bp.get("/")
@roles(MANAGER, ADMIN)
def index():
    collections = dashboard.list_collections()
    form = CollectionForm(request.args)
    form.collection.choices = choices((c.id, c.title) for c in collections)
    collection = _chosen_collection(collections)
    summary, rows, pages = None, [], 1
    if collection is not None:
        form.collection.data = collection.id
        summary = dashboard.count_lists(collection.id)
        rows, pages = dashboard.list_school_requests(collection.id, page=requested_page(),
                                                     total=summary[SENT] + summary[NOT_SENT])
    year = collection.academic_year if collection else current_academic_year()
    figures, weekly = dashboard_figures(year)
    return render_template(
        "dashboard/index.html", form=None, collection_form=form, collection=collection, year=year,
        summary=summary, any_overdue=bool(summary and summary[OVERDUE]), rows=rows,
        pager=pagination(requested_page(), pages, "dashboard.index", collection=collection.id if collection else None),
        headline=figures["all"][0], by_district=figures["district"], by_school=figures["school"],
        by_year_group=figures["year_group"], weekly=weekly, chart=dashboard.chart_bars(weekly),
        officers=dashboard.list_officer_caseloads(), no_offer=no_offer_figures(year)[0],
        labels=dict(dashboard.LIST_FIGURES),
    )


@bp.get("/export")
@roles(MANAGER, ADMIN)
def export():
    table = request.args.get("table", "")
    if table not in dashboard.EXPORT_TABLES:
        abort(404)
    collection = _chosen_collection()
    year = collection.academic_year if collection else current_academic_year()
    headers, rows = dashboard.export_table(table, collection, year)
    return _xlsx(headers, rows, f"chase-up-{table}-{year}", "dashboard", table,
                 {"table": table, "collection": collection.id if collection else None, "year": year})


@bp.post("/requests/<int:request_id>/chase")
@roles(MANAGER, ADMIN)
def chase(request_id: int):
    school_request = db.session.get(SchoolRequest, request_id)
    if school_request is None:
        abort(404)
    school = school_request.establishment.name
    try:
        message = followup.chase_request(request_id, current_user.id)
    except (ValueError, LookupError) as error:
        flash(f"No chaser sent to {school}: {error}", "info")
    else:
        if message is None:
            flash(f"No chaser sent to {school}: it has submitted, has no contact or was chased today", "info")
        else:
            flash(f"Chaser queued for {school} to {message.to_address}", "success")
    return redirect(url_for("dashboard.index", collection=school_request.collection_id) + "#chase-up")


@bp.route("/collections/<int:collection_id>/chase-overdue", methods=["GET", "POST"])
@roles(MANAGER, ADMIN)
def chase_overdue(collection_id: int):
    collection = dashboard.get_collection(collection_id)
    if collection is None or collection.id != collection_id:
        abort(404)
    if request.method == "POST":
        queued = followup.chase_overdue(collection_id, current_user.id)
        flash(f"{queued} {'chaser' if queued == 1 else 'chasers'} queued to overdue schools", "success")
        return redirect(url_for("dashboard.index", collection=collection_id) + "#chase-up")
    return render_template("dashboard/chase_overdue.html", collection=collection,
                           plan=followup.overdue_to_chase(collection_id))


def _audit_form() -> tuple[AuditSearchForm, audit_search.AuditFilters | None]:
    form = AuditSearchForm(request.args)
    form.action.choices = choices([("", "Any action"), *((a, a) for a in audit_search.list_audit_actions())])
    form.object_type.choices = choices([("", "Any type"), *((t, object_type_words(t))
                                                          for t in audit_search.list_audit_object_types())])
    if not form.validate():
        return form, None
    return form, audit_search.AuditFilters(
        actor=form.actor.data or None, action=form.action.data or None, object_type=form.object_type.data or None,
        object_id=form.object_id.data or None, date_from=form.date_from.day, date_to=form.date_to.day,
    )


@bp.get("/audit")
@roles(MANAGER, ADMIN)
def audit():
    form, filters = _audit_form()
    result = audit_search.search_audit(filters, page=requested_page()) if filters else None
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    record_audit("search", "audit_log", None, after={"query": query})
    return render_template(
        "dashboard/audit.html", form=form, result=result, describe=audit_search.describe_changes,
        object_words=audit_search.object_words,
        pager=pagination(result.page, result.pages, "dashboard.audit", **query) if result else None,
        export_url=url_for("dashboard.audit_export", **query),
    )


@bp.get("/audit/export")
@roles(MANAGER, ADMIN)
def audit_export():
    form, filters = _audit_form()
    if filters is None:
        return redirect(url_for("dashboard.audit", **request.args))
    rows = audit_search.audit_export_rows(filters)
    return _xlsx(audit_search.EXPORT_HEADERS, rows, "audit", "audit_event", None,
                 {key: value for key, value in request.args.items() if value})
