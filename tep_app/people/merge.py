"""Merging two records of one young person, and undoing it, for admins (services/people/merging.py).

The admin chooses the other record (by its number or a search), sees the two side by side, chooses
which identity values win and confirms with a reason. Every page names young people, so each view
is audited."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextArea
from wtforms import BooleanField, HiddenField, SubmitField, TextAreaField

from tep_app.auth.roles import ADMIN, roles
from tep_app.extensions import db
from tep_app.inputs import requested_id
from tep_app.models import PersonMerge, YoungPerson
from tep_app.people.blueprint import bp
from tep_app.people.data_protection import ReasonForm
from tep_app.services.audit import record_audit
from tep_app.services.people import merging
from tep_app.services.people.search import search_people
from tep_app.validation import optional_id


class MergeForm(ReasonForm):
    other_id = HiddenField()
    confirm_upns = BooleanField("They are one young person, although their UPNs differ", widget=GovCheckboxInput())
    reason = TextAreaField("Why are these one young person?", widget=GovTextArea())
    submit = SubmitField("Merge the records", widget=GovSubmitInput())


class UndoForm(ReasonForm):
    reason = TextAreaField("Why undo the merge?", widget=GovTextArea())
    submit = SubmitField("Undo the merge", widget=GovSubmitInput())


def _person_or_404(person_id: int) -> YoungPerson:
    person = db.session.get(YoungPerson, person_id)
    if person is None:
        abort(404)
    return person


def _other_id(value) -> int | None:
    return optional_id(value.strip().removeprefix("Record").removeprefix("record").strip()
                       if isinstance(value, str) else None)


def _viewed(person: YoungPerson, page: str, **more) -> None:
    record_audit("view", "young_person", person.id, after={"page": page, **more})
    db.session.commit()


def _compare(person: YoungPerson, other_id: int, form: MergeForm, refused: str | None = None):
    """The two records side by side with the form, or why they cannot be merged."""
    try:
        plan = merging.plan(person.id, other_id)
    except merging.MergeError as error:
        plan, refused = None, error.message
    else:
        refused = refused or merging.refusal(plan, upns_confirmed=True)
    form.other_id.data = str(other_id)
    _viewed(person, "merge", other=other_id)
    sides = [merging.side(plan.kept), merging.side(plan.other)] if plan else []
    take = {column: request.form.get(f"take-{column}", "kept") for column in merging.IDENTITY_FIELDS}
    return render_template("people/merge_compare.html", person=person, plan=plan, sides=sides, form=form,
                           fields=merging.IDENTITY_FIELDS, take=take, refused=refused,
                           error_list=[{"text": refused, "href": "#refused"}] if refused and request.method == "POST"
                           else None)


@bp.get("/<int:person_id>/merge")
@roles(ADMIN)
def merge_start(person_id: int):
    """Choose the other record (by its number or a search); with ?with=<number>, the comparison."""
    person = _person_or_404(person_id)
    other_id = requested_id("with")
    if other_id is not None:
        return _compare(person, other_id, MergeForm())
    text = request.args.get("q", "")
    # A record number is short: ten digits or more are a ULN or a phone number to search for.
    found = _other_id(text) if sum(char.isdigit() for char in text) < 10 else None
    if found is not None:
        return redirect(url_for("people.merge_start", person_id=person.id, **{"with": found}))
    result = search_people(text) if text else None
    if result is not None:
        result.rows = [row for row in result.rows if row.id != person.id]
    _viewed(person, "merge choose", found=result.total if result else None)
    return render_template("people/merge_choose.html", person=person, q=text, result=result,
                           merged_in=merging.merges_into(person.id))


@bp.post("/<int:person_id>/merge")
@roles(ADMIN)
def merge_records(person_id: int):
    """Merge the other record into this one, or the page again saying why not."""
    person = _person_or_404(person_id)
    form = MergeForm()
    other_id = _other_id(form.other_id.data)
    if other_id is None:
        _viewed(person, "merge choose")
        return render_template("people/merge_choose.html", person=person, q="", result=None,
                               merged_in=merging.merges_into(person.id),
                               error_list=[{"text": "Choose the record to merge", "href": "#merge-q"}])
    if not form.validate_on_submit():
        return _compare(person, other_id, form)
    take = {column for column in merging.IDENTITY_FIELDS if request.form.get(f"take-{column}") == "other"}
    try:
        done = merging.merge(person.id, other_id, form.reason.data, take, form.confirm_upns.data, current_user.id)
    except merging.MergeError as error:
        db.session.rollback()
        return _compare(person, other_id, form, refused=error.message)
    db.session.commit()
    flash(f"Record {done.merged_id} is merged into this record. An admin can undo the merge.", "success")
    return redirect(url_for("people.show", person_id=person.id))


def _undo_page(person: YoungPerson, form: UndoForm, refused: str | None = None):
    merge = merging.merge_into(person.id)
    moved = {}
    if merge is not None:
        for row in merge.rows:
            moved[row.held_in] = moved.get(row.held_in, 0) + 1
    _viewed(person, "unmerge")
    kept = db.session.get(YoungPerson, merge.kept_id) if merge else None
    return render_template("people/merge_undo.html", person=person, merge=merge, kept=kept, moved=moved,
                           fields=merging.IDENTITY_FIELDS, form=form, refused=refused,
                           error_list=[{"text": refused, "href": "#refused"}] if refused else None)


@bp.get("/<int:person_id>/unmerge")
@roles(ADMIN)
def confirm_unmerge(person_id: int):
    """What the merge of this record moved, and the form to undo it."""
    return _undo_page(_person_or_404(person_id), UndoForm())


@bp.post("/<int:person_id>/unmerge")
@roles(ADMIN)
def unmerge(person_id: int):
    """Undo the merge of this record: exactly the rows it moved go back, the identity values return."""
    person = _person_or_404(person_id)
    form = UndoForm()
    merge: PersonMerge | None = merging.merge_into(person.id)
    if merge is None:
        return _undo_page(person, form, f"Record {person.id} is not merged into another record.")
    if not form.validate_on_submit():
        return _undo_page(person, form)
    try:
        merging.undo(merge.id, form.reason.data, current_user.id)
    except merging.MergeError as error:
        db.session.rollback()
        return _undo_page(person, form, error.message)
    db.session.commit()
    flash(f"The merge is undone: record {person.id} has its own rows and details again.", "success")
    return redirect(url_for("people.show", person_id=person.id))
