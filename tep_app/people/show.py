"""A young person's page: everything held about them, over time, whether or not they have a case,
and for officers and managers the forms to record what they find (tep_app/people/actions.py)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, roles
from tep_app.people.action_forms import ActionForms, action_forms, error_list
from tep_app.people.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.people.merging import merge_into
from tep_app.services.people.record import RECORD_KINDS, answer_words, get_person, load_record


@bp.route("/<int:person_id>")
@roles(OFFICER, MANAGER, ADMIN)
def show(person_id: int):
    person = get_person(person_id)
    if person is None:
        abort(404)
    merge = merge_into(person.id)
    if merge is not None:  # a merged record leads to the record it was merged into
        flash(f"Record {person.id} is merged into this record.")
        return redirect(url_for("people.show", person_id=merge.kept_id))
    return render_person(person)


def render_person(person, forms: ActionForms | None = None, errors: list[dict] | None = None, stale: bool = False):
    """The page (audited as a view of the young person), with what an officer or manager may record
    there: `forms` as sent (with their errors), else each form empty."""
    record_audit("view", "young_person", person.id)
    can_record = current_user.role in (OFFICER, MANAGER) and person.anonymised_at is None
    if can_record and forms is None:
        forms = action_forms(person)
    errors = errors or (error_list(forms) if forms is not None else [])
    return render_template("people/record.html", record=load_record(person), person=person,
                           record_kinds=RECORD_KINDS, answer_words=answer_words, actions=forms if can_record else None,
                           can_take=current_user.role == OFFICER, error_list=errors, stale=stale)
