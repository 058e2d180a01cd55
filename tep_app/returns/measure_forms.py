"""The measure page's form: the target for the NEET + Not Known percentage."""
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from tep_app.forms import BaseForm


class TargetForm(BaseForm):
    target = StringField("Target for NEET and Not Known, %", widget=GovTextInput(),
                         validators=[DataRequired(message="Enter the target, a percentage like 5.5")])
    submit = SubmitField("Set the target", widget=GovSubmitInput())
