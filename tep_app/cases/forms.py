"""Forms for cases: queue filters, patches, reassignment, contact attempts and activities."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tep_app import clock
from tep_app.forms import BaseForm, GovDateField, choices
from tep_app.services.cases.casework import (
    CHANNEL_LABELS,
    CHANNEL_OUTCOMES,
    LETTER_OR_VISIT,
    OUTCOME_GROUPS,
    OUTCOME_LABELS,
    OUTCOME_PHRASES,
)
from tep_app.services.cases.queue import UNASSIGNED
from tep_app.validation import Invalid, check_email, check_phone, optional_id

ANOTHER = "another"


def _officer_choice(value):
    """An officer's id, or UNASSIGNED (-1) for nobody's cases."""
    return UNASSIGNED if str(value).strip() == str(UNASSIGNED) else optional_id(value)


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Name or UPN", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    officer = SelectField("Officer", widget=GovSelect(), coerce=_officer_choice, validators=[Optional()])
    school = SelectField("School", widget=GovSelect(), coerce=optional_id, validators=[Optional()])
    district = SelectField("District", widget=GovSelect(), coerce=optional_id, validators=[Optional()])
    year_group = SelectField("Year group", widget=GovSelect(), coerce=optional_id, validators=[Optional()])
    status = SelectField("Status", widget=GovSelect(), choices=choices([("open", "Open"), ("closed", "Closed")]),
                         validators=[Optional()])
    follow_up_due = BooleanField("Only follow-ups due today or overdue", widget=GovCheckboxInput())
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def set_choices(self, options: dict, officers: list, with_officer: bool) -> None:
        self.school.choices = choices([(None, "All schools"), *options["schools"]])
        self.district.choices = choices([(None, "All districts"), *options["districts"]])
        self.year_group.choices = choices([(None, "All year groups"),
                                           *((y, f"Year {y}") for y in options["year_groups"])])
        self.officer.choices = choices([(None, "All officers")])
        if with_officer:
            self.officer.choices += choices([(UNASSIGNED, "Not assigned")] + [(o.id, o.name) for o in officers])


class PatchForm(BaseForm):
    area = RadioField("Give a school or a whole district", widget=GovRadioInput(),
                      choices=choices([("school", "A school"), ("district", "A district")]),
                      validators=[InputRequired(message="Select a school or a district")])
    establishment_id = SelectField("School", widget=GovSelect(), coerce=optional_id)
    district_id = SelectField("District", widget=GovSelect(), coerce=optional_id)
    officer_id = SelectField("Officer", widget=GovSelect(), coerce=optional_id,
                             validators=[InputRequired(message="Select an officer")])
    move_open_cases = BooleanField("Also move this area's open cases to the officer", widget=GovCheckboxInput(),
                                   default=True)
    submit = SubmitField("Save patch", widget=GovSubmitInput())

    def validate_officer_id(self, field):
        if field.data is None:
            raise ValidationError("Select an officer")

    def validate_establishment_id(self, field):
        if self.area.data == "school" and field.data is None:
            raise ValidationError("Select a school")

    def validate_district_id(self, field):
        if self.area.data == "district" and field.data is None:
            raise ValidationError("Select a district")


class ReassignForm(BaseForm):
    officer_id = SelectField("Give the selected cases to", widget=GovSelect(), coerce=optional_id)
    submit = SubmitField("Reassign selected cases", widget=GovSubmitInput())

    def validate_officer_id(self, field):
        if field.data is None:
            raise ValidationError("Select an officer")


class AttemptForm(BaseForm):
    version = HiddenField()
    channel = RadioField("How did you try to contact them?", widget=GovRadioInput(),
                         choices=choices(CHANNEL_LABELS.items()),
                         validators=[InputRequired(message="Select how you tried to contact them")])
    used = SelectField("Number or address used", widget=GovSelect(), validate_choice=False)
    other_value = StringField("Other number, email or address", widget=GovTextInput(),
                              validators=[Length(max=254, message="Enter 254 characters or fewer")])
    outcome = RadioField("What happened?", widget=GovRadioInput(), choices=choices(OUTCOME_LABELS.items()),
                         validators=[InputRequired(message="Select what happened")])
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(),
                          validators=[Optional(), Length(max=2000, message="Notes must be 2,000 characters or fewer")])
    next_follow_up_on = GovDateField("Next follow-up date (optional)")
    submit = SubmitField("Save attempt", widget=GovSubmitInput())

    def __init__(self, *args, contacts=(), today: date | None = None, address: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        self.address = address
        self.used.choices = choices([("", "Choose a number or address"), *contacts,
                                     (ANOTHER, "Another number or address")])
        self.used_value = None
        self.outcome_groups = [(title, [(code, OUTCOME_LABELS[code]) for code in codes])
                               for title, codes in OUTCOME_GROUPS]

    def validate_used(self, field):
        channel = self.channel.data
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select the number or address you used")
        if channel in LETTER_OR_VISIT and not field.data and not self.other_value.data and self.address:
            field.data = self.address  # a letter or a visit goes to the address held unless told otherwise
            return
        if field.data == ANOTHER or (not field.data and self.other_value.data):
            return
        if not field.data and channel in ("phone", "text", "email"):
            raise ValidationError("Select the number or address you used")

    def validate_other_value(self, field):
        if self.used.data not in (ANOTHER, "") or (self.used.data == "" and not field.data):
            return
        value, channel = field.data or "", self.channel.data
        if not value:
            if channel in ("phone", "text", "email"):
                raise ValidationError("Enter the number or address you used")
            return
        try:
            if channel == "email":
                check_email(value)
            elif channel in ("phone", "text"):
                field.data = check_phone(value)
        except Invalid as error:
            raise ValidationError(error.message) from None

    def validate_outcome(self, field):
        allowed = CHANNEL_OUTCOMES.get(self.channel.data)
        if field.data and allowed is not None and field.data not in allowed:
            raise ValidationError(f"Select what happened {OUTCOME_PHRASES[self.channel.data]}")

    def validate_next_follow_up_on(self, field):
        if field.data and field.data < self.today:
            raise ValidationError("Next follow-up date must be today or in the future")

    def attempt_value(self) -> str | None:
        if self.used.data and self.used.data != ANOTHER:
            return self.used.data
        return self.other_value.data or None


class ActivityForm(BaseForm):
    version = HiddenField()
    code = SelectField("Activity", validators=[InputRequired(message="Select an activity")])
    provider_name = StringField("Provider (optional)", widget=GovTextInput(),
                                validators=[Optional(),
                                            Length(max=200, message="Provider must be 200 characters or fewer")])
    start_date = GovDateField("Start date (optional)")
    due_to_lapse_on = GovDateField("Due-to-lapse date (optional)")
    neet_start_date = GovDateField("NEET start date")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(),
                          validators=[Optional(), Length(max=2000, message="Notes must be 2,000 characters or fewer")])
    submit = SubmitField("Record activity", widget=GovSubmitInput())

    def __init__(self, *args, groups=(), codes=None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.codes = codes or {}
        self.today = today or clock.today()
        self.code.choices = choices([("", "Choose an activity"),
                                     *((c, w) for _g, options in self.groups for c, w in options)])

    def validate_code(self, field):
        if not field.data or field.data not in self.codes:
            raise ValidationError("Select an activity")

    def validate_neet_start_date(self, field):
        code = self.codes.get(self.code.data)
        if code is not None and code.needs_neet_start and field.data is None and not field.errors:
            raise ValidationError("Enter the NEET start date: this activity needs one")
        if field.data and field.data > self.today:
            raise ValidationError("NEET start date must be today or in the past")

    def validate_due_to_lapse_on(self, field):
        if field.data and field.data <= self.today:
            raise ValidationError("Due-to-lapse date must be in the future")


class MovedForm(BaseForm):
    """The young person has moved out of Kent: they leave the cohort and the queue."""

    moved = RadioField("Where did they move?", choices=choices([
        ("other_la", "To another part of the UK"), ("abroad", "To another country")]),
        widget=GovRadioInput(), validators=[InputRequired(message="Select where they moved to")])
    moved_to = StringField("New local authority or country (optional)", widget=GovTextInput(),
                           validators=[Length(max=100, message="Must be 100 characters or fewer")])
    version = HiddenField()
    submit = SubmitField("Record the move and close the case", widget=GovSubmitInput())


class GuaranteeForm(BaseForm):
    """A no-offer case: the young person's September Guarantee status, as the school's June list asks."""

    version = HiddenField()
    status = SelectField("September Guarantee status",
                         validators=[InputRequired(message="Select their September Guarantee status")])
    provider_name = StringField("Provider of the offer (optional)", widget=GovTextInput(),
                                validators=[Optional(),
                                            Length(max=200, message="Provider must be 200 characters or fewer")])
    offer_date = GovDateField("Date of the offer (optional)")
    submit = SubmitField("Record the status", widget=GovSubmitInput())

    def __init__(self, *args, groups=(), today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.today = today or clock.today()
        self.codes = {code for _label, options in self.groups for code, _words in options}
        self.status.choices = choices([("", "Choose a status"),
                                       *((c, w) for _g, options in self.groups for c, w in options)])

    def validate_status(self, field):
        if not field.data or field.data not in self.codes:
            raise ValidationError("Select their September Guarantee status")

    def validate_offer_date(self, field):
        if field.data and field.data > self.today:
            raise ValidationError("Date of the offer must be today or in the past")
