"""Sessions that end: every signed-in session, staff or school, is a row in user_session.

The signed cookie holds a random session id (`sid` for staff, `school_sid` for a school); the row
holds its SHA-256, when it was last seen, when it expires and when it ended. Every request checks
the row, so a copied cookie stops working the moment the session ends: at sign-out, after being
idle, after the absolute limit (8 hours for staff, 2 hours for a school), when the password
changes, or when an admin signs the account out everywhere.

The cookie also keeps its own clocks (signed_in_at, seen_at), which end a staff session even
before the row is looked at.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import UserSession
from tep_app.services.audit import record_audit

IDLE_SECONDS = 60 * 60
MAX_SECONDS = 8 * 60 * 60
SCHOOL_IDLE_SECONDS = 30 * 60
SCHOOL_MAX_SECONDS = 2 * 60 * 60
SEEN_RESOLUTION = 30  # refresh seen_at at most this often, so most requests leave the cookie alone
STAFF_KEY = "sid"
SCHOOL_KEY = "school_sid"
# Pages a user who must change their password may still reach.
ASSET_ENDPOINTS = {"static", "main.assets"}
PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "main.health"} | ASSET_ENDPOINTS


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def record_session(kind: str, *, staff_user_id: int | None = None, school_request_id: int | None = None,
                   contact_email: str | None = None) -> str:
    """Record a new session; return its raw id, for the cookie (only the hash is stored)."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    lifetime = MAX_SECONDS if kind == "staff" else SCHOOL_MAX_SECONDS
    db.session.add(UserSession(id_hash=_hash(raw), kind=kind, staff_user_id=staff_user_id,
                               school_request_id=school_request_id, contact_email=contact_email,
                               last_seen_at=now, expires_at=now + timedelta(seconds=lifetime)))
    db.session.flush()
    return raw


def _find(raw: str | None) -> UserSession | None:
    if not raw or not isinstance(raw, str) or len(raw) > 100:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.id_hash == _hash(raw)))


def _end(record: UserSession | None, reason: str) -> None:
    if record is not None and record.ended_at is None:
        record.ended_at = clock.now()
        record.ended_reason = reason


def _problem(record: UserSession | None, idle_seconds: int) -> str | None:
    """Why a session may not go on ("ended", "idle", "too long"), or None."""
    if record is None or record.ended_at is not None:
        return "ended"
    now = clock.now()
    if now >= clock.as_utc(record.expires_at):
        return "too long"
    if (now - clock.as_utc(record.last_seen_at)).total_seconds() > idle_seconds:
        return "idle"
    return None


def _seen(record: UserSession) -> None:
    now = clock.now()
    if (now - clock.as_utc(record.last_seen_at)).total_seconds() >= SEEN_RESOLUTION:
        record.last_seen_at = now


# Staff

def start_staff_session(user) -> None:
    """Sign a staff user in: a fresh session with its clocks started and its row recorded."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = clock.timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now
    session[STAFF_KEY] = record_session("staff", staff_user_id=user.id)


def end_staff_session(reason: str = "signed out") -> None:
    """Sign out: end the recorded session, then forget the cookie's contents."""
    if current_user.is_authenticated:
        record_audit("sign-out", "staff_user", current_user.id)
    _end(_find(session.get(STAFF_KEY)), reason)
    logout_user()
    session.clear()


def refresh_login(user) -> None:
    """After the user's own password change ended all their sessions: go on in this one, with a new id."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    signed_in_at = session.get("signed_in_at")
    login_user(user)
    session["signed_in_at"] = signed_in_at or clock.timestamp()
    session[STAFF_KEY] = record_session("staff", staff_user_id=user.id)


def check_staff_session():
    """before_request (from enforce_roles): end an ended, expired or idle staff session, or send a
    user who must change their password to do so. Returns a response to send instead, or None."""
    if request.endpoint in ASSET_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = clock.timestamp()
    signed_in_at = session.get("signed_in_at") or now
    seen_at = session.get("seen_at") or now
    idle_limit = current_app.config.get("STAFF_IDLE_SECONDS", IDLE_SECONDS)
    idle = now - seen_at > idle_limit
    too_long = now - signed_in_at > current_app.config.get("STAFF_MAX_SESSION_SECONDS", MAX_SECONDS)
    record = _find(session.get(STAFF_KEY))
    if record is not None and record.staff_user_id != current_user.id:
        record = None
    problem = "idle" if idle else "too long" if too_long else _problem(record, idle_limit)
    if problem is not None:
        return _end_expired_staff_session(record, problem)
    _seen(record)
    # With SESSION_REFRESH_EACH_REQUEST off, only a changed session is sent: most requests leave it.
    if now - seen_at >= SEEN_RESOLUTION or "seen_at" not in session:
        session["seen_at"] = now
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_EXEMPT:
        return redirect(url_for("auth.change_password"))
    return None


def _end_expired_staff_session(record, problem: str):
    if problem == "ended":
        record_audit("session-refused", "staff_user", current_user.id,
                     after={"reason": record.ended_reason if record is not None else "not recorded"})
    else:
        record_audit("session-expired", "staff_user", current_user.id, after={"reason": problem})
        _end(record, problem)
        flash("You have been signed out because you were inactive for 60 minutes" if problem == "idle"
              else "You have been signed out because you have been signed in for 8 hours", "info")
    logout_user()
    for key in ("_user_id", "_fresh", "_id", "signed_in_at", "seen_at", STAFF_KEY):
        session.pop(key, None)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# Schools

def start_school_session(school_request_id: int, contact_email: str) -> None:
    """After the code is confirmed: record the school's session (2 hours at most)."""
    session[SCHOOL_KEY] = record_session("school", school_request_id=school_request_id,
                                         contact_email=contact_email)


def end_school_session_record(reason: str = "signed out") -> None:
    record = _find(session.pop(SCHOOL_KEY, None))
    if record is not None and record.ended_at is None:
        record_audit("sign-out", "school_request", record.school_request_id,
                     actor=("school", str(record.school_request_id), record.contact_email))
        _end(record, reason)


def school_session_is_live(school_request_id: int) -> bool:
    """Whether this browser's recorded school session, for this request, may go on (open, not
    idle for 30 minutes, not older than 2 hours)."""
    record = _find(session.get(SCHOOL_KEY))
    return (record is not None and record.school_request_id == school_request_id
            and _problem(record, SCHOOL_IDLE_SECONDS) is None)


def check_school_session():
    """before_request (from enforce_roles) on school pages: the recorded session must be open, for
    this request, not idle for 30 minutes and not older than 2 hours. Returns a response or None."""
    record = _find(session.get(SCHOOL_KEY))
    if record is not None and record.school_request_id != session.get("school_request_id"):
        record = None
    problem = _problem(record, SCHOOL_IDLE_SECONDS)
    if problem is None:
        _seen(record)
        return None
    # The answer is a 401, so nothing is written: an idle or expired row stays refused by its clocks.
    for key in [key for key in session if key.startswith("school_")]:
        session.pop(key, None)
    body = ("You have been signed in for 2 hours, so we signed you out to keep the young people's details "
            "safe." if problem == "too long" else "Your session has ended.")
    return render_template("portal/message.html", heading="Your session has ended", link=None,
                           body=f"{body} Your saved answers are kept. Open the link from your email again "
                                "to carry on."), 401
