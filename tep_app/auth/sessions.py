"""Staff sessions: they end after 8 hours, or after 60 minutes without a request.

The times live in the signed session cookie (signed_in_at, seen_at: Unix seconds). A session
that began before these checks carries neither and starts its clock at its next request.
"""
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tep_app.services.audit import record_audit

IDLE_SECONDS = 60 * 60
MAX_SECONDS = 8 * 60 * 60
SEEN_RESOLUTION = 30  # refresh seen_at at most this often, so most requests leave the cookie alone
# Pages a user who must change their password may still reach.
ASSET_ENDPOINTS = {"static", "main.assets"}
PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "main.health"} | ASSET_ENDPOINTS


def start_staff_session(user) -> None:
    """Sign a staff user in: a fresh session with its clocks started."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


def refresh_login(user) -> None:
    """After the user's session token rotated (their own password change): keep this session."""
    signed_in_at = session.get("signed_in_at")
    login_user(user)
    session["signed_in_at"] = signed_in_at or int(time.time())


def check_staff_session():
    """before_request (from enforce_roles): end an expired staff session, or send a user who
    must change their password to do so. Returns a response to send instead, or None."""
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    signed_in_at = session.get("signed_in_at") or now
    seen_at = session.get("seen_at") or now
    idle = now - seen_at > current_app.config.get("STAFF_IDLE_SECONDS", IDLE_SECONDS)
    too_long = now - signed_in_at > current_app.config.get("STAFF_MAX_SESSION_SECONDS", MAX_SECONDS)
    if idle or too_long:
        record_audit("session-expired", "staff_user", current_user.id,
                     after={"reason": "idle" if idle else "too long"})
        logout_user()
        session.clear()
        flash("You have been signed out because you were inactive for 60 minutes" if idle
              else "You have been signed out because you have been signed in for 8 hours", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # Assets never write the session: the browser fetches them in parallel with the next page, and a
    # cookie set by an asset response (carrying the older session) would overwrite the page's, losing
    # the form's CSRF token. With SESSION_REFRESH_EACH_REQUEST off, only a changed session is sent.
    if request.endpoint not in ASSET_ENDPOINTS:
        if "signed_in_at" not in session:
            session["signed_in_at"] = signed_in_at
        if now - seen_at >= SEEN_RESOLUTION or "seen_at" not in session:
            session["seen_at"] = now
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_EXEMPT:
        return redirect(url_for("auth.change_password"))
    return None
