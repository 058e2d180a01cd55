"""A young person's data-protection pages, for admins: the subject access export and erasure.

Both ask for a reason, which is kept in the audit. The pages name the young person, so each view
of them is audited too."""
from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import ValidationError

from tep_app.auth.roles import ADMIN, roles
from tep_app.extensions import db
from tep_app.forms import BaseForm
from tep_app.models import YoungPerson
from tep_app.people.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.people import erasure, subject_access
from tep_app.services.people.subject_access import SubjectAccessError, check_reason


class ReasonForm(BaseForm):
    reason = TextAreaField("Why is this needed?", widget=GovTextArea())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_reason(self, field):
        try:
            field.data = check_reason(field.data)
        except SubjectAccessError as error:
            raise ValidationError(error.message) from None


def _person_or_404(person_id: int) -> YoungPerson:
    person = db.session.get(YoungPerson, person_id)
    if person is None:
        abort(404)
    return person


def _person_page(person: YoungPerson) -> str:
    """Where a young person's own page is, once it exists; else the admin pages."""
    if "people.show" in current_app.view_functions:
        return url_for("people.show", person_id=person.id)
    return url_for("admin.index")


def _page(template: str, person: YoungPerson, form: ReasonForm, **context):
    record_audit("view", "young_person", person.id, after={"page": template.rsplit("/", 1)[-1].removesuffix(".html")})
    db.session.commit()
    return render_template(template, person=person, form=form, back=_person_page(person), **context)


@bp.route("/<int:person_id>/subject-access", methods=["GET", "POST"])
@roles(ADMIN)
def subject_access_export(person_id: int):
    """Download everything held about one young person: a readable report and the same as JSON."""
    person = _person_or_404(person_id)
    form = ReasonForm()
    if form.validate_on_submit():
        made = subject_access.export(person.id, form.reason.data)
        db.session.commit()
        return send_file(BytesIO(made.content), mimetype="application/zip", as_attachment=True,
                         download_name=made.filename, max_age=0)
    return _page("people/subject_access.html", person, form)


@bp.get("/<int:person_id>/erase")
@roles(ADMIN)
def confirm_erase(person_id: int):
    """Ask an admin to confirm erasing one young person's record, with a reason."""
    person = _person_or_404(person_id)
    return _page("people/erase.html", person, ReasonForm(), case=erasure.open_case(person.id),
                 erased=erasure.is_erased(person))


@bp.post("/<int:person_id>/erase")
@roles(ADMIN)
def erase(person_id: int):
    """Erase one young person's record, unless an open case still needs it."""
    person = _person_or_404(person_id)
    form = ReasonForm()
    refused = None
    if form.validate_on_submit():
        try:
            erasure.erase(person.id, form.reason.data)
        except erasure.ErasureError as error:
            db.session.rollback()
            refused = [{"text": error.message, "href": "#refused"}]
        else:
            db.session.commit()
            flash(f"Record {person_id} is erased: names, identifiers, contact details and notes are removed. "
                  "The codes and dates the figures count are kept.", "success")
            return redirect(_person_page(person))
    return _page("people/erase.html", person, form, case=erasure.open_case(person.id),
                 erased=erasure.is_erased(person), error_list=refused)
