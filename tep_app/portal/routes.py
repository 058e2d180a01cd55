"""The school's pages: open the secure link, confirm with the emailed code, answer, upload, submit.

The token appears only in the first link and moves into the session at once. After the code,
the session is limited to one request: every page loads it from the session, never from the URL,
and the session ends after 30 minutes idle or when the link is revoked or replaced.
"""
import logging

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, session, url_for

from tep_app import clock
from tep_app.auth.roles import PUBLIC, SCHOOL, roles
from tep_app.auth.sessions import end_school_session_record, school_session_is_live, start_school_session
from tep_app.extensions import csrf, limiter
from tep_app.forms import choices
from tep_app.pagination import Page, requested_page
from tep_app.portal.download import list_workbook
from tep_app.portal.forms import AnswerForm, ChooseContactForm, CodeForm, SubmitForm, UploadForm
from tep_app.security import check_csrf
from tep_app.services import request_states
from tep_app.services.audit import record_audit
from tep_app.services.destinations import outcome_choices, outcome_value, outcome_words
from tep_app.services.school_requests import answers as service
from tep_app.services.school_requests.links import (
    LinkError,
    active_contacts,
    contact_for_code,
    link_fingerprint,
    link_is_live,
    mask_email,
    resolve_token,
    send_access_code,
    verify_access_code,
)
from tep_app.services.school_requests.upload import check_upload

bp = Blueprint("portal", __name__, url_prefix="/school")
logger = logging.getLogger(__name__)

PENDING_SECONDS = 30 * 60  # from opening the link to confirming the code
SCHOOL_KEYS = ("school_request_id", "school_contact_email", "school_link",
               "school_pending_request_id", "school_pending_link", "school_pending_at", "school_access_code_id")
LINK_MESSAGES = {
    "unknown": (404, "This link does not work",
                "Check you copied the whole link from the email. If it still does not work, contact TEP."),
    "replaced": (410, "This link has been replaced",
                 "Use the link in the latest email we sent you about this list. Your saved answers are kept."),
    "expired": (410, "This link has expired", "Contact TEP to ask for a new link."),
    "revoked": (410, "This link no longer works", "TEP has replaced it. Use the newest link we emailed you, "
                                                  "or contact TEP to ask for a new one."),
}
OPEN_ENDPOINTS = ("portal.start", "portal.sign_out", "portal.choose_contact", "portal.enter_code")


def end_school_session() -> None:
    end_school_session_record()
    for key in SCHOOL_KEYS:
        session.pop(key, None)


def message_page(heading: str, body: str, status: int = 200, link: tuple[str, str] | None = None):
    return render_template("portal/message.html", heading=heading, body=body, link=link), status


@bp.before_request
def load_school_session():
    """The request the session is limited to (in g.school_request), while its link is live. The
    session's own limits (idle, 2 hours) were checked on its recorded row already (enforce_roles)."""
    if request.endpoint in OPEN_ENDPOINTS or "school_request_id" not in session:
        return None
    school_request = service.get_request(session["school_request_id"])
    if not link_is_live(school_request, session.get("school_link")):
        end_school_session()
        return message_page("This link no longer works", "Contact TEP to ask for a new link.", 410)
    g.school_request = school_request
    return None


def _pending_request():
    """The request a visitor has opened the link of but not yet confirmed with a code."""
    if clock.timestamp() - session.get("school_pending_at", 0) > PENDING_SECONDS:
        return None
    school_request = service.get_request(session.get("school_pending_request_id"))
    return school_request if link_is_live(school_request, session.get("school_pending_link")) else None


@bp.route("/start/<token>", methods=["GET", "POST"])
@roles(PUBLIC)
@limiter.limit("10 per minute")
def start(token: str):
    """The emailed link. Opening it (GET or HEAD, as mail scanners do) shows a button and changes
    nothing; only the person's Continue (a POST) marks the list opened and goes on to the code."""
    school_request, reason = resolve_token(token)
    if school_request is None:
        logger.warning("school link refused: %s", reason, extra={"reason": reason, "ip": request.remote_addr})
        status, heading, body = LINK_MESSAGES[reason]
        return message_page(heading, body, status)
    already = session.get("school_request_id") == school_request.id and session.get("school_link") == \
        link_fingerprint(school_request) and school_session_is_live(school_request.id)
    if already:
        return redirect(url_for("portal.list"))
    if request.method != "POST":
        return render_template("portal/start.html", school_request=school_request)
    service.mark_opened(school_request)
    end_school_session()
    session["school_pending_request_id"] = school_request.id
    session["school_pending_link"] = link_fingerprint(school_request)
    session["school_pending_at"] = clock.timestamp()
    return redirect(url_for("portal.choose_contact"))


@bp.route("/confirm", methods=["GET", "POST"])
@roles(PUBLIC)
@limiter.limit("10 per 10 minutes", methods=["POST"])
def choose_contact():
    school_request = _pending_request()
    if school_request is None:
        return message_page("Open the link from your email", "Open the link from your email again to start.", 401)
    contacts = active_contacts(school_request)
    form = ChooseContactForm()
    form.contact.choices = choices((str(c.id), f"{c.name} ({mask_email(c.email)})" if c.name else mask_email(c.email))
                                   for c in contacts)
    if form.validate_on_submit():
        contact = next(c for c in contacts if str(c.id) == form.contact.data)
        try:
            access_code = send_access_code(school_request, contact.email)
        except LinkError as error:
            form.contact.errors = [error.message]
        else:
            session["school_access_code_id"] = access_code.id
            return redirect(url_for("portal.enter_code"))
    return render_template("portal/choose_contact.html", form=form, school_request=school_request,
                           has_contacts=bool(contacts))


@bp.route("/code", methods=["GET", "POST"])
@roles(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def enter_code():
    school_request = _pending_request()
    access_code_id = session.get("school_access_code_id")
    if school_request is None or access_code_id is None:
        return message_page("Open the link from your email", "Open the link from your email again to start.", 401)
    form = CodeForm()
    if form.validate_on_submit():
        check = verify_access_code(school_request, form.code.data, access_code_id)
        if check.ok:
            contact_email = contact_for_code(access_code_id)
            end_school_session()
            session["school_request_id"] = school_request.id
            session["school_contact_email"] = contact_email
            session["school_link"] = link_fingerprint(school_request)
            start_school_session(school_request.id, contact_email)
            service.record_sign_in(school_request, contact_email)
            return redirect(url_for("portal.list"))
        form.code.errors = [check.message]
    masked = mask_email(contact_for_code(access_code_id) or "")
    return render_template("portal/enter_code.html", form=form, masked=masked)


@bp.get("/young-people", endpoint="list")
@roles(SCHOOL)
def young_people():
    school_request = g.school_request
    progress = service.list_progress(school_request)
    shown = Page.of(requested_page(), len(progress.rows))
    record_audit("view", "school_request", school_request.id)
    return render_template("portal/list.html", school_request=school_request, progress=progress,
                           rows=shown.rows(progress.rows),
                           page=shown.number, pages=shown.pages,
                           pager=shown.links("portal.list"),
                           closed=request_states.is_closed(school_request.status), overdue=_overdue(school_request))


@bp.route("/young-people/<int:list_entry_id>", methods=["GET", "POST"])
@roles(SCHOOL)
def answer(list_entry_id: int):
    school_request = g.school_request
    entry = service.get_entry(school_request, list_entry_id)
    if entry is None:
        return message_page("Page not found", "This young person is not on your list.", 404)
    response = service.get_response(school_request, entry.id)
    kind = school_request.collection.kind
    form = AnswerForm(obj=response if request.method == "GET" else None)
    form.set_outcomes(kind, outcome_choices(kind))
    if request.method == "GET":
        form.outcome.data = outcome_value(response) or ""
        form.version.data = str(response.version if response else 0)
        record_audit("view", "young_person", entry.young_person_id)
    closed = request_states.is_closed(school_request.status)
    stale = None
    if request.method == "POST" and closed:
        return _closed_redirect()
    if form.validate_on_submit() and (form.save_draft.data or form.check_complete()):
        try:
            service.save_answer(school_request, entry, form.answer_values(), expected_version=form.expected_version(),
                                answered=not form.save_draft.data, contact_email=session["school_contact_email"])
        except service.StaleAnswer as error:
            stale = error.current
            form.version.data = str(stale.version if stale else 0)
        except service.RequestClosed:
            return _closed_redirect()
        else:
            kind = "Draft saved" if form.save_draft.data else "Answer saved"
            flash(f"{kind} for {entry.young_person.display_name}", "success")
            return redirect(url_for("portal.list"))
    error_list = [{"text": "Someone else at your school changed this answer since you opened it. Check it below "
                           "and save again.", "href": "#their-answer"}] if stale is not None else None
    return render_template("portal/answer.html", form=form, entry=entry, closed=closed, stale=stale,
                           words=outcome_words(kind), stale_value=outcome_value(stale), error_list=error_list,
                           kind=kind), 409 if stale is not None else 200


def _closed_redirect():
    flash("Your list has been submitted, so answers can no longer be changed. Contact TEP if something "
          "needs correcting.")
    return redirect(url_for("portal.list"))


@bp.get("/young-people.xlsx")
@roles(SCHOOL)
def download():
    school_request = g.school_request
    data, filename = list_workbook(school_request)
    record_audit("export", "school_request", school_request.id)
    return send_file(data, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/upload", methods=["GET", "POST"])
@roles(SCHOOL)
def upload():
    school_request = g.school_request
    if request_states.is_closed(school_request.status):
        return _closed_redirect()
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        entries = [row.entry for row in service.list_progress(school_request).rows]
        stream = form.file.data
        result = check_upload(school_request, entries, stream, stream.filename or "list.xlsx")
        if result.ok and not result.answers:
            result.problem(None, None, "The file has no answers in it. Fill in at least one row, then upload it.")
        if result.ok:
            try:
                saved = service.save_upload(school_request, result.answers, session["school_contact_email"])
            except service.RequestClosed:
                return _closed_redirect()
            flash(_saved_message(saved, result), "success")
            return redirect(url_for("portal.list"))
        problems = result.problems
        # The problems can name young people on the list.
        record_audit("view", "school_upload_problems", school_request.id, after={"problems": len(problems)})
    error_list = [{"text": _problem_text(p), "href": "#file"} for p in problems[:10]]
    if len(problems) > 10:
        error_list.append({"text": f"And {len(problems) - 10} more problems: see the table below", "href": "#problems"})
    return render_template("portal/upload.html", form=form, problems=problems, error_list=error_list)


def _saved_message(saved, result) -> str:
    """"2 answers changed; 10 rows unchanged", then what a school should check."""
    unchanged = saved.unchanged + result.skipped
    message = (f"{saved.changed} {'answer' if saved.changed == 1 else 'answers'} changed; {unchanged} "
               f"{'row' if unchanged == 1 else 'rows'} unchanged")
    if saved.replaced:
        message += (f". {saved.replaced} of them changed an answer or draft a colleague had saved: check them in "
                    "the list if you are not sure which is right")
    if result.unread_columns:
        names = ", ".join(result.unread_columns)
        message += (f". We did not read the {'column' if len(result.unread_columns) == 1 else 'columns'} {names}: "
                    "only your list's own columns are read")
    return message


def _problem_text(problem: dict) -> str:
    where = ", ".join(part for part in (
        f"Row {problem['row']}" if problem["row"] else None, problem["column"]) if part)
    return f"{where}: {problem['message']}" if where else problem["message"]


@bp.get("/check")
@roles(SCHOOL)
def check():
    school_request = g.school_request
    if request_states.is_closed(school_request.status):
        return redirect(url_for("portal.submitted"))
    progress = service.list_progress(school_request)
    record_audit("view", "school_request", school_request.id, after={"page": "check"})
    return render_template("portal/check.html", school_request=school_request, progress=progress,
                           words=outcome_words(school_request.collection.kind), form=SubmitForm(),
                           overdue=_overdue(school_request))


def _overdue(school_request) -> bool:
    return request_states.is_overdue(school_request.status, school_request.due_on, clock.today())


@bp.post("/submit")
@roles(SCHOOL)
def submit():
    school_request = g.school_request
    form = SubmitForm()
    if not form.validate_on_submit():
        return redirect(url_for("portal.check"))
    if service.submit_request(school_request, session["school_contact_email"]) is None:
        flash("Your list had already been submitted.")
    return redirect(url_for("portal.submitted"))


@bp.get("/submitted")
@roles(SCHOOL)
def submitted():
    school_request = g.school_request
    if not request_states.is_closed(school_request.status):
        return redirect(url_for("portal.check"))
    return render_template("portal/submitted.html", school_request=school_request,
                           reference=service.submission_reference(school_request))


@bp.route("/sign-out", methods=["GET", "POST"])
@csrf.exempt  # checked below whenever there is a session to end
@roles(PUBLIC)
def sign_out():
    """Only a POST with the CSRF token signs out; a GET shows the button while signed in. A POST
    with no school session (a second tab) has nothing to end and says so."""
    if request.method == "POST":
        if any(key in session for key in SCHOOL_KEYS):
            check_csrf()
            end_school_session()
        return redirect(url_for("portal.sign_out"))
    if "school_request_id" in session:
        return render_template("sign_out.html", action=url_for("portal.sign_out"),
                               note="Your saved answers are kept.")
    return message_page("You have signed out", "Your saved answers are kept. To carry on, open the link from "
                        "your email again.")
