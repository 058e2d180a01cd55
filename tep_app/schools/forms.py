"""The schools page's filter: academic year and a search by name or LAESTAB (GET, no CSRF)."""
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from tep_app.forms import BaseForm, choices
from tep_app.services.calendar import year_label


class SchoolSearchForm(BaseForm):
    class Meta:
        csrf = False

    year = SelectField("Academic year", widget=GovSelect(), coerce=int, validators=[Optional()])
    q = StringField("School name or LAESTAB", widget=GovTextInput(),
                    validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")])
    submit = SubmitField("Search", widget=GovSubmitInput())

    def set_years(self, years: list[int]) -> None:
        self.year.choices = choices((year, year_label(year)) for year in years)
