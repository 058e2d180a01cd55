"""Dashboard forms: picking a collection, searching the audit trail (both GET, no CSRF)."""
from datetime import date, datetime

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from tep_app.forms import BaseForm

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y")


def parse_day(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class CollectionForm(BaseForm):
    class Meta:
        csrf = False

    collection = SelectField("Collection", widget=GovSelect(), coerce=int, validators=[Optional()])
    submit = SubmitField("Show", widget=GovSubmitInput())


class DayField(StringField):
    """A date typed as 27/3/2026 (or 2026-03-27); .day holds the parsed date."""

    day: date | None = None

    def pre_validate(self, form):
        self.day = None
        if self.data:
            try:
                self.day = parse_day(self.data)
            except ValueError:
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
