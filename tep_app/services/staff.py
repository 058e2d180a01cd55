"""Staff accounts: create, authenticate with lock-out, load for Flask-Login; admins disable,
re-enable and reset; users change their own password.

Password policy: 12 to 256 characters, not a common or repetitive password, not containing the
email address. Changing a password, disabling an account or resetting it rotates the account's
session token, which ends every session signed in with the old one.
"""
import secrets
from datetime import timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import StaffUser
from tep_app.models.staff import STAFF_ROLES
from tep_app.services.audit import record_audit

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS = {
    "password1234", "passwordpassword", "123456789012", "qwertyuiopas", "letmeinletmein",
    "password12345", "password123456", "1234567890123", "qwertyuiop123", "iloveyou1234",
    "welcome12345", "welcomewelcome", "changeme1234", "administrator", "kentcouncil1",
    "education123", "educationpeople",
}
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class StaffError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def password_problem(password: str, email: str = "") -> str | None:
    """The policy's message for a password that breaks it, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 5:
        return "Password is too easy to guess: use three random words"
    if email and email.split("@")[0].lower() in password.lower():
        return "Password must not contain your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def load_user(user_id: str) -> StaffUser | None:
    try:
        raw_id, token = user_id.split(":", 1)
        user = db.session.get(StaffUser, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def get_user_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def create_user(email: str, name: str, role: str, password: str) -> StaffUser:
    email = email.strip().lower()
    if role not in STAFF_ROLES:
        raise StaffError("role", "Select a role: officer, manager or admin")
    if "@" not in email:
        raise StaffError("email", "Enter an email address in the correct format, like name@example.com")
    if get_user_by_email(email):
        raise StaffError("email", "A staff account with this email address already exists")
    problem = password_problem(password, email)
    if problem:
        raise StaffError("password", problem)
    user = StaffUser(email=email, name=name.strip(), role=role, password_hash=hash_password(password),
                     session_token=secrets.token_hex(16))
    db.session.add(user)
    db.session.flush()
    record_audit("create", "staff_user", user.id, after={"email": email, "role": role})
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """Return the user if the password is right and the account is usable; count failures."""
    user = get_user_by_email(email)
    now = clock.now()
    if user is None:
        _hasher.hash(password)  # same work either way: no telling which emails exist
        record_audit("login-failed", "staff_user", None, after={"email": email.strip().lower()[:254]},
                     actor=("anonymous", None, None))
        return None
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=timezone.utc)
    if locked_until and locked_until > now:
        record_audit("login-locked", "staff_user", user.id, actor=("anonymous", None, None))
        raise StaffError("email", "This account is locked after too many failed sign-ins. Try again in 15 minutes.")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        record_audit("login-failed", "staff_user", user.id, actor=("anonymous", None, None))
        return None
    if not user.active:
        record_audit("login-disabled", "staff_user", user.id, actor=("anonymous", None, None))
        raise StaffError("email", "This account has been disabled. Speak to your TEP manager.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_audit("login", "staff_user", user.id, actor=("staff", str(user.id), user.email))
    return user


def _rotate_sessions(user: StaffUser) -> None:
    user.session_token = secrets.token_hex(16)


def make_one_time_password() -> str:
    groups = ["".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def list_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)))


def get_user(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def create_account(email: str, name: str, role: str, password: str | None = None) -> tuple[StaffUser, str | None]:
    """An admin creates an account. With no password given, a one-time password is made and
    returned (to show once). Either way the user chooses their own at first sign-in."""
    if not name or not name.strip():
        raise StaffError("name", "Enter the person's full name")
    one_time = None if password else make_one_time_password()
    user = create_user(email, name, role, password or one_time)
    user.must_change_password = True
    return user, one_time


def change_password(user: StaffUser, current_password: str, new_password: str) -> None:
    """The signed-in user changes their own password; their other sessions end."""
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise StaffError("current_password", "Your current password is not correct") from None
    problem = password_problem(new_password, user.email)
    if problem:
        raise StaffError("new_password", problem)
    if new_password == current_password:
        raise StaffError("new_password", "Your new password must be different from your current password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    _rotate_sessions(user)
    record_audit("change-password", "staff_user", user.id)


def disable_user(user: StaffUser, by: StaffUser) -> None:
    """Disable an account and end its sessions."""
    if user.id == by.id:
        raise StaffError("account", "You cannot disable your own account")
    if not user.active:
        return
    user.active = False
    _rotate_sessions(user)
    record_audit("disable", "staff_user", user.id, before={"active": True}, after={"active": False})


def enable_user(user: StaffUser) -> None:
    if user.active:
        return
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    record_audit("enable", "staff_user", user.id, before={"active": False}, after={"active": True})


def reset_password(user: StaffUser) -> str:
    """Give the account a one-time password (returned to show once); the user must change it
    at next sign-in, and every session signed in with the old password ends."""
    one_time = make_one_time_password()
    user.password_hash = hash_password(one_time)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    _rotate_sessions(user)
    record_audit("reset-password", "staff_user", user.id, after={"must_change_password": True})
    return one_time
