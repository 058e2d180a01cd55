"""Admin views for staff accounts: list, create, disable, re-enable, reset a password, sign out everywhere,
clear the sign-in limits."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tep_app.admin.account_forms import AccountForm
from tep_app.admin.blueprint import bp
from tep_app.auth.roles import ADMIN, roles
from tep_app.services import staff


def _get_or_404(user_id: int):
    user = staff.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/accounts")
@roles(ADMIN)
def accounts():
    return render_template("admin/accounts/index.html", users=staff.list_users(), throttled=staff.throttled_counts())


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles(ADMIN)
def account_new():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user, one_time = staff.create_account(form.email.data, form.name.data, form.role.data,
                                                  form.password.data or None)
        except staff.StaffError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            if one_time:
                return render_template("admin/accounts/one_time_password.html", user=user, password=one_time,
                                       created=True)
            flash(f"Account created for {user.email}. They must choose a new password when they sign in.",
                  "success")
            return redirect(url_for("admin.account", user_id=user.id))
    return render_template("admin/accounts/new.html", form=form)


@bp.get("/accounts/<int:user_id>")
@roles(ADMIN)
def account(user_id: int):
    user = _get_or_404(user_id)
    return render_template("admin/accounts/show.html", user=user,
                           open_sessions=staff.count_open_sessions(user), throttled=staff.throttled_addresses(user))


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _done(user, message: str):
    """Back to the account's page, saying what was done."""
    flash(message, "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/clear-sign-in-limits")
@roles(ADMIN)
def account_clear_throttles(user_id: int):
    user = _get_or_404(user_id)
    cleared = _counted(staff.clear_throttles(user), "address", "addresses")
    return _done(user, f"Sign-in limits cleared for {user.email} ({cleared})")


@bp.post("/accounts/<int:user_id>/sign-out")
@roles(ADMIN)
def account_sign_out(user_id: int):
    user = _get_or_404(user_id)
    ended = _counted(staff.sign_out_everywhere(user), "session", "sessions")
    message = f"{user.email} is signed out everywhere ({ended} ended)"
    if user.id == current_user.id:  # their own: to the sign-in page
        flash(message, "success")
        return redirect(url_for("auth.login"))
    return _done(user, message)


@bp.post("/accounts/<int:user_id>/disable")
@roles(ADMIN)
def account_disable(user_id: int):
    user = _get_or_404(user_id)
    try:
        staff.disable_user(user, current_user)
    except staff.StaffError as error:
        flash(error.message, "info")
    else:
        flash(f"{user.email} is disabled and signed out everywhere", "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/enable")
@roles(ADMIN)
def account_enable(user_id: int):
    user = _get_or_404(user_id)
    staff.enable_user(user)
    return _done(user, f"{user.email} can sign in again")


@bp.post("/accounts/<int:user_id>/reset-password")
@roles(ADMIN)
def account_reset(user_id: int):
    user = _get_or_404(user_id)
    one_time = staff.reset_password(user)
    return render_template("admin/accounts/one_time_password.html", user=user, password=one_time, created=False)
