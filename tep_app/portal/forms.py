"""Forms for the school's pages: choose a contact, enter the code, answer, upload."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from tep_app import clock
from tep_app.forms import BaseForm, GovDateField, choices
from tep_app.services.answer_fields import FORM_FIELDS
from tep_app.services.destinations import outcome_fields
from tep_app.validation import Invalid, check_email, check_phone, check_start_date


class ChooseContactForm(BaseForm):
    contact = RadioField(
        "Where should we send the code?", widget=GovRadioInput(), choices=[],
        validators=[InputRequired(message="Select the email address to send the code to")],
    )
    submit = SubmitField("Send the code", widget=GovSubmitInput())


class CodeForm(BaseForm):
    code = StringField(
        "Code", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the 6-digit code from the email")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _checked(check):
    """A WTForms validator from a validation check; a blank field is left alone."""
    def validator(form, field):
        if field.data:
            try:
                field.data = check(field.data)
            except Invalid as error:
                raise ValidationError(error.message) from None
    return validator


def _phone_check(label: str):
    return _checked(lambda value: check_phone(value, label))


_email_check = _checked(check_email)
_date_check = _checked(lambda value: check_start_date(value, clock.today()))


class AnswerForm(BaseForm):
    outcome = SelectField("Destination", choices=[], validate_choice=True)
    moved_to = StringField(
        "Where they moved to (optional)", widget=GovTextInput(),
        validators=[Length(max=100, message="Where they moved to must be 100 characters or fewer")],
    )
    provider_name = StringField(
        "Provider (optional)", widget=GovTextInput(),
        validators=[Length(max=200, message="Provider must be 200 characters or fewer")],
    )
    start_date = GovDateField("Start date (optional)", validators=[_date_check])
    phone = StringField("Young person's phone (optional)", widget=GovTextInput(),
                        validators=[_phone_check("the young person's phone number")])
    parent_phone = StringField("Parent or carer's phone (optional)", widget=GovTextInput(),
                               validators=[_phone_check("the parent or carer's phone number")])
    email = StringField("Email (optional)", widget=GovTextInput(), validators=[_email_check])
    intelligence = TextAreaField(
        "What you know (optional)", widget=GovTextArea(),
        validators=[Length(max=2000, message="What you know must be 2000 characters or fewer")],
    )
    version = HiddenField()
    save = SubmitField("Save answer", widget=GovSubmitInput())
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())

    def set_outcomes(self, kind: str, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        """The collection's grouped choices: destinations (leavers) or September Guarantee statuses."""
        self.kind = kind
        self.outcome_groups = groups
        self.outcome.label.text = "September Guarantee status" if kind == "no-offer" else "Destination"
        self.outcome.choices = choices([("", "Choose a status" if kind == "no-offer" else "Choose a destination")] + [
            (value, words) for _label, options in groups for value, words in options
        ])

    def expected_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return -1

    def answer_values(self) -> dict:
        """The answer's fields: the outcome's from the one choice, each other from its own field
        (where they moved to only beside a move)."""
        values = outcome_fields(self.outcome.data or None)
        values.update({name: self[name].data or None for name in FORM_FIELDS})
        if not values["moved"]:
            values["moved_to"] = None
        return values

    def check_complete(self) -> bool:
        """Saving as the answer (not a draft) needs at least an outcome or something known."""
        if any(self.answer_values().values()):
            return True
        thing = "a status" if getattr(self, "kind", "leavers") == "no-offer" else "a destination"
        self.outcome.errors = list(self.outcome.errors) + [f"Select {thing}, or tell us what you know"]
        return False


class UploadForm(BaseForm):
    file = FileField(
        "Upload your filled-in list", widget=GovFileInput(),
        validators=[FileRequired(message="Select your filled-in list"),
                    FileAllowed(["xlsx"], message="The file must be an .xlsx spreadsheet")],
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class SubmitForm(BaseForm):
    submit = SubmitField("Submit the list", widget=GovSubmitInput())
