"""Admin views for the texts of printed letters, edited as the email texts are: a heading and a
text with ((placeholders)), a preview with sample values, each change audited."""
from flask import abort, render_template
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from tep_app.admin.blueprint import bp
from tep_app.admin.text_editor import edit_text
from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.forms import BaseForm, within
from tep_app.services.people import letters
from tep_app.services.placeholders import BODY_MOST, HEADING_MOST


class LetterTextForm(BaseForm):
    title = StringField("Heading", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter the letter's heading"),
                                    within(HEADING_MOST, "The heading")])
    body = TextAreaField("Text", widget=GovTextArea(), validators=[DataRequired(message="Enter the letter's text"),
                                                                   within(BODY_MOST, "The text")])
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = SubmitField("Save", widget=GovSubmitInput())


@bp.get("/letter-texts")
@roles(ADMIN, MANAGER)
def letter_templates():
    """The letters printed for young people the service could not reach by phone."""
    return render_template("admin/letters/letter_templates.html", texts=letters.list_templates())


@bp.route("/letter-texts/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_letter_template(key: str):
    definition = letters.definition(key)
    if definition is None:
        abort(404)
    template = letters.get_template(key)
    return edit_text(LetterTextForm(obj=template), template, heading="title",
                     save=lambda title, body: letters.update_template(key, title, body, current_user.id),
                     preview=lambda title, body: letters.preview_letter(key, title, body),
                     saved=f"The letter \u201c{definition.name.lower()}\u201d is saved", back="admin.letter_templates",
                     page="admin/letters/edit_letter_template.html", definition=definition,
                     sample=letters.SAMPLE_VALUES)
