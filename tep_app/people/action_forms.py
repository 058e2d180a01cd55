"""The forms on a young person's page for what an officer records there: an activity (the case
page's form, with the date it was found out), a note, a phone number or email address, a move out
of Kent, and opening, reopening or taking a case."""
from dataclasses import dataclass
from datetime import date

from flask import request
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from tep_app import clock
from tep_app.cases.forms import ActivityForm
from tep_app.extensions import db
from tep_app.forms import BaseForm, GovDateField, choices, within
from tep_app.models import Case, YoungPerson
from tep_app.models.notes import NOTE_MOST
from tep_app.services.cases.casework import activity_code_groups, activity_codes
from tep_app.services.cases.closing import open_case_of
from tep_app.services.people.record_actions import CONTACT_KINDS, REOPEN_REASON_MOST, Refused, clean_contact
from tep_app.validation import EARLIEST_START, Invalid, check_la_code

CONTACT_CHOICES = {"phone": "The young person's phone number", "parent_phone": "A parent or carer's phone number",
                   "email": "The young person's email address", "parent_email": "A parent or carer's email address"}


class PersonActivityForm(ActivityForm):
    """The case page's activity form, with the date the activity was found out (today unless
    changed; left empty, today)."""

    ascertained_on = GovDateField("Date ascertained")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ascertained_on.data is None and not self.ascertained_on.raw_data:
            self.ascertained_on.data = self.today

    def validate_ascertained_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError("Date ascertained must be today or in the past")
        if field.data and field.data < EARLIEST_START:
            raise ValidationError("Date ascertained must be after 1 January 2000")


class NoteForm(BaseForm):
    body = TextAreaField("Note", widget=GovTextArea(),
                         validators=[InputRequired(message="Enter a note"), within(NOTE_MOST, "Note")])
    submit = SubmitField("Add note", widget=GovSubmitInput())


class ContactForm(BaseForm):
    kind = RadioField("Whose is it?", widget=GovRadioInput(), choices=choices(CONTACT_CHOICES.items()),
                      validators=[InputRequired(message="Select whose number or email address it is")])
    value = StringField("Phone number or email address", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter the phone number or email address"),
                                    within(254, "Phone number or email address")])
    submit = SubmitField("Add contact details", widget=GovSubmitInput())

    def validate_value(self, field):
        if self.kind.data not in CONTACT_KINDS:
            return
        try:
            field.data = clean_contact(self.kind.data, field.data or "")
        except Refused as refused:
            raise ValidationError(refused.message) from None


class MoveForm(BaseForm):
    version = HiddenField()
    la_code = StringField("Local authority code", widget=GovTextInput(),
                          validators=[InputRequired(message="Enter the code of the local authority they moved to")])
    submit = SubmitField("Record the move out of Kent", widget=GovSubmitInput())

    def validate_la_code(self, field):
        try:
            field.data = check_la_code(field.data or "")
        except Invalid as error:
            raise ValidationError(error.message) from None


class ReopenForm(BaseForm):
    version = HiddenField()
    reason = TextAreaField("Why reopen it?", widget=GovTextArea(),
                           validators=[InputRequired(message="Enter why the case is being reopened"),
                                       within(REOPEN_REASON_MOST, "The reason")])
    submit = SubmitField("Reopen the case", widget=GovSubmitInput())


class CaseForm(BaseForm):
    """Opening a case, or taking one: the button and the case version seen."""

    version = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())


@dataclass
class ActionForms:
    activity: PersonActivityForm
    note: NoteForm
    contact: ContactForm
    move: MoveForm
    open: CaseForm
    reopen: ReopenForm
    assign: CaseForm
    open_case: Case | None
    closed_case: Case | None  # the newest closed case, which may be reopened when none is open

    def all(self):
        return (self.activity, self.note, self.contact, self.move, self.open, self.reopen, self.assign)


def action_forms(person: YoungPerson, posted: str | None = None, today: date | None = None) -> ActionForms:
    """Every form of the page; the one named `posted` holds what was sent, the rest their defaults
    (each carrying the version of the case it may change)."""
    today = today or clock.today()
    case = open_case_of(person.id)
    closed = None if case is not None else _newest_closed(person.id)

    def data(name):
        return request.form if posted == name else None

    codes = activity_codes()
    forms = ActionForms(
        activity=PersonActivityForm(formdata=data("activity"), groups=activity_code_groups(codes), codes=codes,
                                    today=today, prefix="activity"),
        note=NoteForm(formdata=data("note"), prefix="note"),
        contact=ContactForm(formdata=data("contact"), prefix="contact"),
        move=MoveForm(formdata=data("move"), prefix="moved"),
        open=CaseForm(formdata=data("open"), prefix="open"),
        reopen=ReopenForm(formdata=data("reopen"), prefix="reopen"),
        assign=CaseForm(formdata=data("assign"), prefix="assign"),
        open_case=case, closed_case=closed,
    )
    for name, form, of in (("activity", forms.activity, case), ("move", forms.move, case),
                           ("assign", forms.assign, case), ("reopen", forms.reopen, closed)):
        if name != posted:
            form.version.data = of.version if of is not None else ""
    return forms


def _newest_closed(person_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.young_person_id == person_id, Case.status == "closed")
                             .order_by(Case.closed_at.desc(), Case.id.desc()).limit(1))


def error_list(forms: ActionForms) -> list[dict]:
    """Every error of every form, for the page's error summary, each linked to its field."""
    return [{"text": message, "href": f"#{field.id}"} for form in forms.all() for field in form
            for message in field.errors]


__all__ = ["ActionForms", "CONTACT_CHOICES", "action_forms", "error_list"]
