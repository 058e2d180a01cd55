"""The reviewer's accept or reject of one pair."""
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, InputRequired, Optional

from tep_app.forms import BaseForm


class DecideForm(BaseForm):
    result_id = IntegerField(validators=[InputRequired(message="Choose a pair to decide")])
    decision = HiddenField(validators=[InputRequired(message="Select accept or reject"),
                                       AnyOf(("accepted", "rejected"), message="Select accept or reject")])
    # Where to go back to: the queue the reviewer was on.
    year = IntegerField(validators=[Optional()])
    kind = HiddenField()
    page = IntegerField(validators=[Optional()])
