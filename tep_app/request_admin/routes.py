"""Staff pages for one school request: status, secure link, contacts and history for all staff;
revoking or replacing the link and chasing the school for managers and admins."""
import logging

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tep_app import clock
from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, roles
from tep_app.extensions import db
from tep_app.main.errors import render_error
from tep_app.pagination import pagination, requested_page
from tep_app.services import request_states
from tep_app.services.figures import no_offer_figures, school_figures
from tep_app.services.school_requests import followup, request_admin
from tep_app.services.school_requests.answers import list_progress

bp = Blueprint("request_admin", __name__, url_prefix="/requests")
logger = logging.getLogger(__name__)
MANAGERS = (MANAGER, ADMIN)


def _request_or_404(request_id: int):
    school_request = request_admin.get_request(request_id)
    if school_request is None:
        return None, render_error(404, "School request not found",
                                  "There is no school request with that number. Find the school on the schools "
                                  "page, or its request on the chase-up dashboard.")
    return school_request, None


def _back_to(school_request):
    return redirect(url_for("request_admin.show", request_id=school_request.id))


@bp.get("/<int:request_id>")
@roles(OFFICER, MANAGER, ADMIN)
def show(request_id: int):
    school_request, missing = _request_or_404(request_id)
    if missing:
        return missing
    link = request_admin.describe_link(school_request)
    history = request_admin.list_history(request_id, page=requested_page())
    return render_template(
        "request_admin/show.html", school_request=school_request, link=link,
        status=request_states.status_of(school_request, clock.today()), labels=request_states.STATUS_LABELS,
        tags=request_states.STATUS_TAGS, closed=request_states.is_closed(school_request.status),
        chasers=request_states.chasers_count(school_request),
        actions=request_admin.list_actions(school_request, link) if current_user.role in MANAGERS else None,
        progress=list_progress(school_request), contacts=request_admin.list_contact_rows(school_request),
        figures=school_figures(school_request.collection.academic_year).get(school_request.establishment_id),
        no_offer=no_offer_figures(school_request.collection.academic_year)[1].get(school_request.establishment_id),
        history=history, email_tags=request_admin.EMAIL_STATUS_TAGS,
        pager=pagination(history.page, history.pages, "request_admin.show", request_id=request_id),
    )


@bp.get("/<int:request_id>/revoke")
@roles(MANAGER, ADMIN)
def confirm_revoke(request_id: int):
    school_request, missing = _request_or_404(request_id)
    if missing:
        return missing
    if not request_admin.describe_link(school_request).revocable:
        flash(f"{school_request.establishment.name} has no working link to revoke. Nothing has changed.", "info")
        return _back_to(school_request)
    return render_template("request_admin/confirm_revoke.html", school_request=school_request)


@bp.post("/<int:request_id>/revoke")
@roles(MANAGER, ADMIN)
def revoke(request_id: int):
    school_request, missing = _request_or_404(request_id)
    if missing:
        return missing
    try:
        request_admin.revoke_link(request_id, current_user.id)
    except request_admin.RequestActionError as error:
        db.session.rollback()
        flash(error.message, "info")
    else:
        flash(f"The link for {school_request.establishment.name} is revoked: it no longer works. "
              "The school's saved answers are kept.", "success")
    return _back_to(school_request)


@bp.post("/<int:request_id>/new-link")
@roles(MANAGER, ADMIN)
def reissue(request_id: int):
    school_request, missing = _request_or_404(request_id)
    if missing:
        return missing
    try:
        message = request_admin.send_new_link(request_id, current_user.id)
    except request_admin.RequestActionError as error:
        db.session.rollback()
        flash(error.message, "info")
    else:
        flash(f"A new link for {school_request.establishment.name} is being emailed to {message.to_address}. "
              "The old link no longer works.", "success")
    return _back_to(school_request)


@bp.post("/<int:request_id>/chase")
@roles(MANAGER, ADMIN)
def chase(request_id: int):
    school_request, missing = _request_or_404(request_id)
    if missing:
        return missing
    school = school_request.establishment.name
    try:
        message = followup.chase_request(request_id, current_user.id)
    except LookupError:
        db.session.rollback()
        message = None
    if message is None:
        flash(f"No chaser sent to {school}: it has submitted, has no active contact, was chased today, "
              "or someone else is changing it. Nothing has changed.", "info")
    else:
        flash(f"A chaser for {school} is being emailed to {message.to_address}", "success")
    return _back_to(school_request)
