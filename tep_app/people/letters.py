"""Printed letters and visit lists, for officers and managers.

One young person's letter is shown first, as it will be printed, from their case page; printing it
hands over a PDF and logs a letter sent on their open case. A patch's page lists its cases flagged
for a letter or a visit: all their letters print as one PDF (one a page, anyone with no address
skipped and counted), and the visit list prints as a table ordered by postcode. Every page and PDF
names young people, so each is audited.
"""
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tep_app import clock
from tep_app.auth.roles import MANAGER, OFFICER, roles
from tep_app.extensions import db
from tep_app.forms import BaseForm
from tep_app.models import YoungPerson
from tep_app.people.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.cases import StaleCaseError
from tep_app.services.people import letters, visits


class PrintForm(BaseForm):
    submit = SubmitField("Print", widget=GovSubmitInput())


def _pdf(content: bytes, filename: str):
    response = make_response(content)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _person_or_404(person_id: int) -> YoungPerson:
    person = db.session.get(YoungPerson, person_id)
    if person is None:
        abort(404)
    return person


def _patch_or_404(patch_id: int):
    found = visits.get_patch(patch_id)
    if found is None:
        abort(404)
    return found


def _names(people) -> str:
    names = [person.display_name for person in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@bp.get("/<int:person_id>/letter")
@roles(OFFICER, MANAGER)
def letter(person_id: int):
    """The letter as it will be printed, or why it cannot be."""
    person = _person_or_404(person_id)
    case = letters.open_case_of(person.id)
    problem = None
    preview = None
    if case is None:
        problem = letters.NO_OPEN_CASE.format(name=person.display_name)
    else:
        preview = letters.preview_for(case, current_user)
        if preview is None:
            problem = letters.NO_ADDRESS.format(name=person.display_name)
    record_audit("view", "young_person", person.id, after={"page": "letter"})
    return render_template("people/letter.html", person=person, case=case, letter=preview, problem=problem,
                           form=PrintForm())


@bp.post("/<int:person_id>/letter")
@roles(OFFICER, MANAGER)
def print_letter(person_id: int):
    person = _person_or_404(person_id)
    form = PrintForm()
    if not form.validate_on_submit():
        abort(400)
    case = letters.open_case_of(person.id)
    if case is None:
        flash(letters.NO_OPEN_CASE.format(name=person.display_name), "info")
        return redirect(url_for("people.letter", person_id=person.id))
    try:
        printed = letters.print_letters([case], current_user)
    except StaleCaseError:
        db.session.rollback()
        flash("This case was changed by someone else just now: print the letter again", "info")
        return redirect(url_for("people.letter", person_id=person.id))
    if printed.pdf is None:
        flash(letters.NO_ADDRESS.format(name=person.display_name), "info")
        return redirect(url_for("people.letter", person_id=person.id))
    flash(f"Letter printed for {person.display_name}. It is logged on the case as a letter sent", "success")
    return _pdf(printed.pdf, f"letter-case-{case.id}.pdf")


@bp.get("/letters-and-visits")
@roles(OFFICER, MANAGER)
def letters_and_visits():
    """Each patch and how many of its cases need a letter or a visit."""
    summaries = visits.list_patches_with_counts()
    mine = [s for s in summaries if s.patch.officer_id == current_user.id]
    others = [s for s in summaries if s.patch.officer_id != current_user.id]
    return render_template("people/letters_and_visits.html", mine=mine, others=others)


@bp.get("/letters-and-visits/<int:patch_id>")
@roles(OFFICER, MANAGER)
def patch(patch_id: int):
    """A patch's cases flagged for a letter or a visit, and the buttons to print them."""
    patch, label = _patch_or_404(patch_id)
    cases = visits.flagged_cases(patch)
    latest = visits.last_attempts(cases)
    no_address = [case for case in cases if letters.address_lines(case.young_person) is None]
    record_audit("view", "letters_and_visits", patch.id, after={"young_person_ids": [c.young_person_id
                                                                                     for c in cases]})
    return render_template("people/patch.html", patch=patch, label=label, cases=cases, latest=latest,
                           no_address=no_address, with_address=len(cases) - len(no_address),
                           attempt_words=visits.attempt_words, phones_held=visits.phones_held,
                           address_lines=letters.address_lines, form=PrintForm())


@bp.post("/letters-and-visits/<int:patch_id>/letters")
@roles(OFFICER, MANAGER)
def patch_letters(patch_id: int):
    """All the letters of a patch's flagged cases, one PDF, one letter a page."""
    patch, label = _patch_or_404(patch_id)
    form = PrintForm()
    if not form.validate_on_submit():
        abort(400)
    cases = visits.flagged_cases(patch)
    if not cases:
        flash(f"No cases in {label} need a letter or a visit", "info")
        return redirect(url_for("people.patch", patch_id=patch.id))
    try:
        printed = letters.print_letters(cases, current_user, why="patch letters")
    except StaleCaseError:
        db.session.rollback()
        flash("A case in this patch was changed by someone else just now: print the letters again", "info")
        return redirect(url_for("people.patch", patch_id=patch.id))
    skipped = ""
    if printed.skipped:
        count = len(printed.skipped)
        skipped = (f". {count} {'young person was' if count == 1 else 'young people were'} skipped: no address "
                   f"is held for {_names(printed.skipped)}")
    if printed.pdf is None:
        flash(f"No letters printed: no address is held for {_names(printed.skipped)}", "info")
        return redirect(url_for("people.patch", patch_id=patch.id))
    count = len(printed.cases)
    flash(f"{count} {'letter' if count == 1 else 'letters'} printed for {label}, each logged on its case as a "
          f"letter sent{skipped}", "success")
    return _pdf(printed.pdf, f"letters-patch-{patch.id}-{clock.today().isoformat()}.pdf")


@bp.get("/letters-and-visits/<int:patch_id>/visits.pdf")
@roles(OFFICER, MANAGER)
def visit_list(patch_id: int):
    """The patch's flagged cases as a table to take on visits, ordered by postcode."""
    patch, label = _patch_or_404(patch_id)
    today = clock.today()
    return _pdf(visits.visit_list(patch, label, today), f"visits-patch-{patch.id}-{today.isoformat()}.pdf")
