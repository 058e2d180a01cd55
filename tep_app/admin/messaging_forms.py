"""Forms for the admin messaging pages: email texts and calendar dates."""
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from tep_app.forms import BaseForm, within
from tep_app.services.placeholders import BODY_MOST
from tep_app.validation import real_date, whole_number


class EmailTextForm(BaseForm):
    subject = StringField("Subject", widget=GovTextInput(),
                          validators=[DataRequired(message="Enter the email subject"),
                                      Length(max=200, message="The subject must be 200 characters or fewer")])
    body = TextAreaField("Text", widget=GovTextArea(), validators=[DataRequired(message="Enter the email text"),
                                                                   within(BODY_MOST, "The text")])
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = SubmitField("Save", widget=GovSubmitInput())


class RequiredDateField(Field):
    """A GOV.UK date input (day, month, year): required, and a real date."""

    widget = GovDateInput()

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        parts = [str(v).strip() for v in (valuelist or [])][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        label = self.label.text
        if not any(parts):
            raise ValueError(f"Enter the {label.lower()}")
        missing = [name for name, part in zip(("a day", "a month", "a year"), parts, strict=False) if not part]
        if missing:
            raise ValueError(f"The {label.lower()} must include {' and '.join(missing)}")
        on = real_date(*parts)
        if on is None or not 2000 <= on.year <= 2100:
            raise ValueError(f"The {label.lower()} must be a real date, like 7 10 2022")
        self.data = on


class CalendarDateForm(BaseForm):
    on = RequiredDateField("Date")
    submit = SubmitField("Save", widget=GovSubmitInput())


class SchoolHolidayForm(BaseForm):
    first_day = RequiredDateField("First day")
    last_day = RequiredDateField("Last day")
    submit = SubmitField("Save", widget=GovSubmitInput())


class CalendarSettingForm(BaseForm):
    value = StringField("Working days", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter a whole number of school days")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def number(self) -> int | None:
        return whole_number(self.value.data or "")
