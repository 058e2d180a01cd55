"""What an officer or manager records on a young person's page, with or without a case: an
activity, a note, a phone number or email address, a move out of Kent, and opening, reopening or
taking a case. Each saves through services/people/record_actions.py and goes back to the page
with a banner; a form with errors shows the page again with what was typed and an error summary;
a save against a case changed since it was shown is refused and asks to save again."""
from flask import abort, flash, redirect, url_for
from flask_login import current_user

from tep_app.auth.roles import MANAGER, OFFICER, roles
from tep_app.extensions import db
from tep_app.people.action_forms import action_forms
from tep_app.people.blueprint import bp
from tep_app.people.show import render_person
from tep_app.services.cases import STALE_MESSAGE, ActivityInput, StaleCaseError
from tep_app.services.labels import activity_words
from tep_app.services.people.record import get_person
from tep_app.services.people.record_actions import (
    CONTACT_WORDS,
    Refused,
    add_contact,
    add_note,
    assign_to_me,
    open_case,
    record_move,
    record_person_activity,
    reopen,
)

# Each form: the field a refusal that names no field of the form is said against, and the page's
# place for the form (an error summary's link when the whole form must be sent again).
FIELDS = {"activity": "code", "note": "body", "contact": "value", "move": "la_code", "open": "submit",
          "reopen": "reason", "assign": "submit"}
PLACES = {"activity": "record-activity", "note": "add-note", "contact": "add-contact", "move": "record-move",
          "open": "case-actions", "reopen": "case-actions", "assign": "case-actions"}


def _person(person_id: int):
    person = get_person(person_id)
    if person is None:
        abort(404)
    return person


def _back(person):
    return redirect(url_for("people.show", person_id=person.id))


def _form(person, name: str):
    forms = action_forms(person, posted=name)
    return forms, getattr(forms, name)


def _refused(person, forms, name: str, refused: Refused):
    """Show the page again with the refusal against its field (or the form's own field)."""
    db.session.rollback()
    form = getattr(forms, name)
    field = form._fields.get(refused.field) or form._fields[FIELDS[name]]
    field.errors = [*field.errors, refused.message] if isinstance(field.errors, list) else [refused.message]
    return render_person(person, forms)


def _stale(person_id: int, name: str):
    """The case changed since the page was shown: the page again, with the latest, what was typed
    kept (with the version now seen), and a request to save again."""
    db.session.rollback()
    person = _person(person_id)
    forms = action_forms(person, posted=name)
    form = getattr(forms, name)
    if "version" in form._fields:
        case = forms.open_case if name != "reopen" else forms.closed_case
        form.version.data = case.version if case is not None else ""
    return render_person(person, forms, errors=[{"text": STALE_MESSAGE, "href": f"#{PLACES[name]}"}], stale=True)


@bp.route("/<int:person_id>/activity", methods=["POST"])
@roles(OFFICER, MANAGER)
def record_activity(person_id: int):
    person = _person(person_id)
    forms, form = _form(person, "activity")
    if not form.validate():
        return render_person(person, forms)
    data = ActivityInput(code=form.code.data, provider_name=form.provider_name.data or None,
                         start_date=form.start_date.data, due_to_lapse_on=form.due_to_lapse_on.data,
                         neet_start_date=form.neet_start_date.data, notes=form.notes.data or None,
                         ascertained_on=form.ascertained_on.data)
    try:
        result = record_person_activity(person, data, form.version.data, current_user.id)
    except StaleCaseError:
        return _stale(person_id, "activity")
    except Refused as refused:
        return _refused(person, forms, "activity", refused)
    words = f"{activity_words(data.code)} recorded for {person.display_name}"
    if result.closed:
        words += f". Case {result.case.id} is closed and has left the queue"
    elif result.case is not None:
        words += f". Case {result.case.id} stays open: they are still Not Known"
    flash(words, "success")
    return _back(person)


@bp.route("/<int:person_id>/notes", methods=["POST"])
@roles(OFFICER, MANAGER)
def add_person_note(person_id: int):
    person = _person(person_id)
    forms, form = _form(person, "note")
    if not form.validate():
        return render_person(person, forms)
    try:
        add_note(person, form.body.data, current_user.id)
    except Refused as refused:
        return _refused(person, forms, "note", refused)
    flash(f"Note added to {person.display_name}'s record", "success")
    return _back(person)


@bp.route("/<int:person_id>/contact-details", methods=["POST"])
@roles(OFFICER, MANAGER)
def add_contact_detail(person_id: int):
    person = _person(person_id)
    forms, form = _form(person, "contact")
    if not form.validate():
        return render_person(person, forms)
    try:
        detail = add_contact(person, form.kind.data, form.value.data, current_user.id)
    except Refused as refused:
        return _refused(person, forms, "contact", refused)
    flash(f"{detail.value} added as {CONTACT_WORDS[detail.kind]}", "success")
    return _back(person)


@bp.route("/<int:person_id>/moved", methods=["POST"])
@roles(OFFICER, MANAGER)
def record_person_move(person_id: int):
    person = _person(person_id)
    forms, form = _form(person, "move")
    if not form.validate():
        return render_person(person, forms)
    try:
        case = record_move(person, form.la_code.data, form.version.data, current_user.id)
    except StaleCaseError:
        return _stale(person_id, "move")
    except Refused as refused:
        return _refused(person, forms, "move", refused)
    words = f"{person.display_name} has moved out of Kent, to local authority {form.la_code.data}"
    flash(words + (f": case {case.id} is closed" if case is not None else ""), "success")
    return _back(person)


@bp.route("/<int:person_id>/case", methods=["POST"])
@roles(OFFICER, MANAGER)
def open_person_case(person_id: int):
    person = _person(person_id)
    forms, form = _form(person, "open")
    if not form.validate():
        return render_person(person, forms)
    try:
        case = open_case(person)
    except Refused as refused:
        return _refused(person, forms, "open", refused)
    officer = case.officer.name if case.officer else "no officer yet"
    flash(f"Case {case.id} opened for {person.display_name}, with {officer}", "success")
    return _back(person)


@bp.route("/<int:person_id>/case/<int:case_id>/reopen", methods=["POST"])
@roles(OFFICER, MANAGER)
def reopen_person_case(person_id: int, case_id: int):
    person = _person(person_id)
    forms, form = _form(person, "reopen")
    if not form.validate():
        return render_person(person, forms)
    try:
        case = reopen(person, case_id, form.reason.data, form.version.data)
    except StaleCaseError:
        return _stale(person_id, "reopen")
    except Refused as refused:
        return _refused(person, forms, "reopen", refused)
    flash(f"Case {case.id} reopened for {person.display_name}", "success")
    return _back(person)


@bp.route("/<int:person_id>/case/<int:case_id>/assign", methods=["POST"])
@roles(OFFICER, MANAGER)
def assign_person_case(person_id: int, case_id: int):
    person = _person(person_id)
    forms, form = _form(person, "assign")
    if not form.validate():
        return render_person(person, forms)
    try:
        case = assign_to_me(person, case_id, form.version.data, current_user)
    except StaleCaseError:
        return _stale(person_id, "assign")
    except Refused as refused:
        return _refused(person, forms, "assign", refused)
    flash(f"Case {case.id} is now yours", "success")
    return _back(person)

