"""Admin views for the retention schedule: its rules, each changed on a form of its own (audited),
and what the latest runs did."""
from flask import abort, flash, redirect, render_template, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField

from tep_app.admin.blueprint import bp
from tep_app.auth.roles import ADMIN, roles
from tep_app.forms import BaseForm
from tep_app.services.people import retention, retention_rules
from tep_app.services.people.personal_data import YOUNG_PERSON_RULE


class AgesForm(BaseForm):
    age = StringField("Age", widget=GovTextInput())
    ehcp_age = StringField("Age with an education, health and care plan (EHCP)", widget=GovTextInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class YearsForm(BaseForm):
    years = StringField("Years", widget=GovTextInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.get("/retention", endpoint="retention")
@roles(ADMIN)
def retention_rules_page():
    """How long young people's personal data is kept, and what the latest runs did."""
    return render_template("admin/retention/index.html", rules=retention_rules.list_rules(),
                           runs=retention.latest_runs(), summarise=retention.summarise)


@bp.route("/retention/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_retention_rule(key: str):
    try:
        rule = retention_rules.get_rule(key)
    except LookupError:
        abort(404)
    if key == YOUNG_PERSON_RULE:
        form = AgesForm(data={"age": str(rule.age), "ehcp_age": str(rule.ehcp_age)})
        limits = {"age": retention_rules.AGE_LIMITS, "ehcp_age": retention_rules.EHCP_AGE_LIMITS}
    else:
        form = YearsForm(data={"years": str(rule.years)})
        limits = {"years": retention_rules.YEAR_LIMITS[key]}
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in limits}
        try:
            changed = retention_rules.update_rule(key, **values)
        except retention_rules.RetentionRuleError as error:
            field = getattr(form, error.field)
            field.errors = [*field.errors, error.message]
        else:
            flash(f"{changed.label}: {changed.description}", "success")
            return redirect(url_for("admin.retention"))
    return render_template("admin/retention/edit.html", form=form, rule=rule, limits=limits)
