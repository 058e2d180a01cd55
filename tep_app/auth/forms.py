from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired

from tep_app.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password")])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired(message="Enter your current password")])
    new_password = PasswordField("New password", widget=GovPasswordInput(),
                                 validators=[InputRequired(message="Enter a new password")])
    confirm_password = PasswordField("Confirm new password", widget=GovPasswordInput(),
                                     validators=[InputRequired(message="Confirm your new password"),
                                                 EqualTo("new_password", message="The passwords do not match")])
