"""Staff sign-in, sign-out and changing one's own password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tep_app.auth.forms import ChangePasswordForm, LoginForm
from tep_app.auth.roles import PUBLIC, STAFF, roles, safe_next
from tep_app.auth.sessions import end_staff_session, refresh_login, start_staff_session
from tep_app.extensions import csrf, limiter
from tep_app.security import check_csrf
from tep_app.services.sign_in import find_unlock, use_unlock
from tep_app.services.staff import MIN_PASSWORD_LENGTH, MSG_SIGN_IN, StaffError, authenticate, change_password

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@roles(PUBLIC)
@limiter.limit("20 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr)
        except StaffError as error:
            form.email.errors.append(error.message)
            return render_template("auth/login.html", form=form), 200
        if user is None:
            form.email.errors.append(MSG_SIGN_IN)
            return render_template("auth/login.html", form=form), 200
        start_staff_session(user)
        if user.must_change_password:
            return redirect(url_for("auth.change_password"))
        target = request.args.get("next")
        return redirect(safe_next(target) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/sign-in/unlock/<token>", methods=["GET", "POST"])
@roles(PUBLIC)
@limiter.limit("10 per minute")
def unlock(token: str):
    """The owner's one-time link from the "someone is guessing" email. Opening it changes nothing
    (mail scanners open links); the button clears the sign-in limits on the account."""
    if find_unlock(token) is None:
        return render_template("auth/unlock.html", usable=False), 404
    if request.method == "POST":
        if use_unlock(token) is None:
            return render_template("auth/unlock.html", usable=False), 404
        flash("The sign-in limits on your account are cleared. You can sign in now.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/unlock.html", usable=True)


@bp.route("/sign-out", methods=["GET", "POST"])
@csrf.exempt  # checked below whenever there is a session to end
@roles(PUBLIC)
def logout():
    """Only a POST with the CSRF token signs out, so no other site can sign anyone out; a GET (a
    bookmark, an old link) shows the button. A POST with no one signed in (a second tab, after the
    first signed out) has nothing to end and goes to the sign-in page."""
    if request.method == "POST":
        if current_user.is_authenticated:
            check_csrf()
            end_staff_session()
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("sign_out.html", action=url_for("auth.logout"),
                           note="You will need your password to sign in again.")


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@roles(*STAFF)
@limiter.limit("20 per minute", methods=["POST"])
def change_password_view():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except StaffError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            refresh_login(current_user)
            flash("Your password has been changed", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form, forced=current_user.must_change_password,
                           min_length=MIN_PASSWORD_LENGTH)
