"""Forms for the imports pages: choose the kind, the year and the file; confirm an upload."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired

from tep_app.forms import BaseForm, choices
from tep_app.services.calendar import current_academic_year, year_label

KIND_NAMES = {
    "establishments": "Establishments (schools, colleges and providers)",
    "leavers": "Leavers (last summer's Year 11 and Year 12 leavers)",
    "roll": "Roll (current Year 11 and Year 12 pupils)",
    "enrolments": "Enrolments (post-16 enrolment returns)",
    "offers": "Offers (September Guarantee)",
}


class UploadForm(BaseForm):
    kind = RadioField("What is in the file?", widget=GovRadioInput(),
                      choices=choices(KIND_NAMES.items()),
                      validators=[InputRequired(message="Select what is in the file")])
    academic_year = SelectField("Academic year", widget=GovSelect(), coerce=int, choices=[],
                                validators=[InputRequired(message="Select the academic year")])
    file = FileField("Upload a file", widget=GovFileInput(),
                     validators=[FileRequired(message="Select a file"),
                                 FileAllowed(["xlsx", "csv"], message="The selected file must be an .xlsx or .csv "
                                                                      "spreadsheet")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = current_academic_year()
        years = range(current + 1, current - 6, -1)
        self.academic_year.choices = choices((year, year_label(year)) for year in years)
        if self.academic_year.data is None:
            self.academic_year.data = current


class ConfirmForm(BaseForm):
    submit = SubmitField("Import the file", widget=GovSubmitInput())
