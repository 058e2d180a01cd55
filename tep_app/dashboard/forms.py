"""Dashboard forms: picking a collection, searching the audit trail (both GET, no CSRF)."""
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from tep_app.forms import BaseForm
from tep_app.validation import Invalid, parse_date


class CollectionForm(BaseForm):
    class Meta:
        csrf = False

    collection = SelectField("Collection", widget=GovSelect(), coerce=int, validators=[Optional()])
    submit = SubmitField("Show", widget=GovSubmitInput())


class DayField(StringField):
    """A date typed as 27/3/2026 (or 2026-03-27), read as every typed date is (validation.parse_date);
    .day holds the date."""

    day: date | None = None

    def pre_validate(self, form):
        self.day = None
        if self.data:
            try:
                self.day = parse_date(self.data)
            except Invalid:
                raise ValidationError(f"{self.label.text} must be a real date, like 27/3/2026") from None


class AuditSearchForm(BaseForm):
    class Meta:
        csrf = False

    actor = StringField("Who (email address or part of it)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=254, message="Email must be 254 characters or fewer")])
    action = SelectField("Action", widget=GovSelect(), validators=[Optional()])
    object_type = SelectField("Type of record", widget=GovSelect(), validators=[Optional()])
    object_id = StringField("Record id", widget=GovTextInput(),
                            validators=[Optional(), Length(max=40, message="Record id must be 40 characters or fewer")])
    date_from = DayField("From date", widget=GovTextInput(), validators=[Optional()])
    date_to = DayField("To date", widget=GovTextInput(), validators=[Optional()])
    submit = SubmitField("Search", widget=GovSubmitInput())

    def validate_date_to(self, field):
        if self.date_from.day and field.day and field.day < self.date_from.day:
            raise ValidationError("To date must be the same as or after the from date")
