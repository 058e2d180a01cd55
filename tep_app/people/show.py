"""A young person's page: everything held about them, over time, whether or not they have a case."""
from flask import abort, render_template

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, roles
from tep_app.people.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.people.record import RECORD_KINDS, answer_words, get_person, load_record


@bp.route("/<int:person_id>")
@roles(OFFICER, MANAGER, ADMIN)
def show(person_id: int):
    person = get_person(person_id)
    if person is None:
        abort(404)
    record_audit("view", "young_person", person.id)
    return render_template("people/show.html", record=load_record(person), person=person,
                           record_kinds=RECORD_KINDS, answer_words=answer_words)
