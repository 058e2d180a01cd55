"""Forms for managing staff accounts."""
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovTextInput
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, role_words
from tep_app.forms import BaseForm, choices
from tep_app.validation import Invalid, check_email

ROLE_DUTIES = {OFFICER: "works a caseload of young people",
               MANAGER: "chase-up dashboard, patches and caseloads, audit",
               ADMIN: "imports, matches, calendar, email texts and staff accounts"}
ROLE_CHOICES = choices([(role, f"{role_words(role)}: {duties}") for role, duties in ROLE_DUTIES.items()])


class RoleField(RadioField):
    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError("Select a role")


def _email_check(form, field):
    try:
        field.data = check_email(field.data)
    except Invalid as error:
        raise ValidationError(error.message) from None


class AccountForm(BaseForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the person's full name"),
                                   Length(max=200, message="Full name must be 200 characters or fewer")])
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter an email address"),
                                   Length(max=254, message="Email address must be 254 characters or fewer"),
                                   _email_check])
    role = RoleField("Role", widget=GovRadioInput(), choices=ROLE_CHOICES)
    password = PasswordField("Password (optional)", widget=GovPasswordInput(),
                             description="Leave blank to make a one-time password. Either way, they choose "
                                         "their own password when they first sign in.")
