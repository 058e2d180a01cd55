"""Staff sign-in throttling: guesses are slowed down and limited per account and address, and no
stranger can keep an account's owner out (the NCSC's advice, in place of locking the account).

- Per account and address: each attempt is counted before its password is checked (one
  UPDATE ... RETURNING, committed at once, so parallel attempts cannot all be checked). After
  `ADDRESS_LIMIT` wrong passwords that address is refused for that account until it has been
  quiet for `QUIET_MINUTES`; then it gets one more try at a time. A refused attempt counts as
  noise, so an address that keeps guessing stays refused. The count is forgotten `FORGET_HOURS`
  after its last failure, and a right password from that address clears it.
- Per account, across every address: wrong and refused attempts in an hour are counted. Past
  `ACCOUNT_CEILING`, an address that has already failed for the account is let through at most
  once every `SLOW_SECONDS` (an address with no failures is never slowed), and the owner is
  emailed once a day a one-time link that clears every throttle on their account.

The client address is `request.remote_addr` after the trusted proxies (TEP_PROXY_COUNT).
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select, update

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import SignInThrottle, SignInUnlock, StaffUser
from tep_app.services.audit import record_audit
from tep_app.services.dialect import insert_for
from tep_app.services.messaging.email_secrets import UNLOCK_KIND, hash_token, unlock_token
from tep_app.services.messaging.email_texts import LINK, render_email
from tep_app.services.messaging.outbox import queue_email
from tep_app.validation import clean_text

ADDRESS_LIMIT = 5
QUIET_MINUTES = 15
FORGET_HOURS = 24
ACCOUNT_CEILING = 20
ACCOUNT_WINDOW = timedelta(hours=1)
SLOW_SECONDS = 30
EMAIL_EVERY = timedelta(hours=24)
UNLOCK_HOURS = 24
MAX_ADDRESS_LENGTH = 45


@dataclass(frozen=True)
class Claim:
    """May this attempt have its password checked? `failures` counts it, for its address."""
    allowed: bool
    failures: int = 0


def client_address(address: str | None) -> str:
    """The address limits are counted for: without control characters (a forwarded header is the
    client's to write), cut to the column."""
    return (clean_text(address or "") or "unknown")[:MAX_ADDRESS_LENGTH]


def claim_attempt(user_id: int, address: str, now: datetime) -> Claim:
    """Count this attempt for (account, address) before its password is checked, and commit.
    Refused (allowed False) when the address has failed too often for this account lately, or when
    the account is past its ceiling and this address, having failed, must wait its turn; a refusal
    is left uncommitted, for the caller to record in the same transaction."""
    forgotten = SignInThrottle.last_failed_at.is_(None) | (
        SignInThrottle.last_failed_at <= now - timedelta(hours=FORGET_HOURS))
    quiet = SignInThrottle.last_failed_at <= now - timedelta(minutes=QUIET_MINUTES)
    this = (SignInThrottle.staff_user_id == user_id) & (SignInThrottle.address == address)
    known = db.session.execute(select(SignInThrottle.failures, forgotten, quiet).where(this)).first()
    failures = 0 if known is None or known[1] else known[0]  # failures from this address lately
    if failures >= ADDRESS_LIMIT and not known[2]:
        return _refuse(this, now)
    if failures and _past_ceiling(user_id, now) and not _take_slow_turn(user_id, now):
        return _refuse(None, now)
    row = None
    if known is None:
        row = db.session.execute(
            insert_for()(SignInThrottle)
            .values(staff_user_id=user_id, address=address, failures=1, last_failed_at=now, created_at=now,
                    updated_at=now)
            .on_conflict_do_nothing(index_elements=["staff_user_id", "address"])
            .returning(SignInThrottle.failures)).first()
    if row is None:  # counted before, or by a parallel attempt just now
        row = db.session.execute(
            update(SignInThrottle)
            .where(this, forgotten | quiet | (SignInThrottle.failures < ADDRESS_LIMIT))
            .values(failures=case((forgotten, 1), else_=SignInThrottle.failures + 1), last_failed_at=now,
                    updated_at=now)
            .returning(SignInThrottle.failures)
            .execution_options(synchronize_session=False)
        ).first()
    if row is None:  # a parallel attempt took the last try
        return _refuse(this, now)
    db.session.commit()
    return Claim(True, row[0])


def _refuse(this, now: datetime) -> Claim:
    """Refused. An address that keeps guessing while refused must then be quiet for QUIET_MINUTES."""
    if this is not None:
        db.session.execute(update(SignInThrottle).where(this).values(last_failed_at=now, updated_at=now)
                           .execution_options(synchronize_session=False))
    return Claim(False)


def _past_ceiling(user_id: int, now: datetime) -> bool:
    return bool(db.session.scalar(select(StaffUser.id).where(
        StaffUser.id == user_id, StaffUser.failed_logins >= ACCOUNT_CEILING,
        StaffUser.failed_logins_since > now - ACCOUNT_WINDOW)))


def _take_slow_turn(user_id: int, now: datetime) -> bool:
    """Past the ceiling, one attempt from an address that has failed is let through every SLOW_SECONDS."""
    row = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id,
               StaffUser.last_slowed_check_at.is_(None)
               | (StaffUser.last_slowed_check_at <= now - timedelta(seconds=SLOW_SECONDS)))
        .values(last_slowed_check_at=now)
        .returning(StaffUser.id)
        .execution_options(synchronize_session=False)
    ).first()
    return row is not None


def count_account_failure(user_id: int, now: datetime) -> None:
    """A wrong or refused attempt for the account, from any address. At the ceiling, the owner is
    emailed (once a day) a link that clears the throttles."""
    new_window = StaffUser.failed_logins_since.is_(None) | (StaffUser.failed_logins_since <= now - ACCOUNT_WINDOW)
    count = db.session.execute(
        update(StaffUser).where(StaffUser.id == user_id)
        .values(failed_logins=case((new_window, 1), else_=StaffUser.failed_logins + 1),
                failed_logins_since=case((new_window, now), else_=StaffUser.failed_logins_since))
        .returning(StaffUser.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if count < ACCOUNT_CEILING:
        return
    told = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id,
               StaffUser.throttle_emailed_at.is_(None) | (StaffUser.throttle_emailed_at <= now - EMAIL_EVERY))
        .values(throttle_emailed_at=now)
        .returning(StaffUser.id)
        .execution_options(synchronize_session=False)
    ).first()
    if told is not None:
        _email_unlock_link(db.session.get(StaffUser, user_id), count, now)


def _email_unlock_link(user: StaffUser, attempts: int, now: datetime) -> None:
    nonce = secrets.token_hex(16)
    unlock = SignInUnlock(staff_user_id=user.id, nonce=nonce, token_hash=hash_token(unlock_token(nonce)),
                          expires_at=now + timedelta(hours=UNLOCK_HOURS))
    db.session.add(unlock)
    db.session.flush()
    subject, body = render_email("sign_in_unlock", staff_name=user.name, attempts=attempts, link=LINK,
                                 hours=UNLOCK_HOURS)
    queue_email(ledger_key=f"staff:{user.id}:unlock:{unlock.id}", kind=UNLOCK_KIND, to=user.email,
                subject=subject, body=body, link_nonce=nonce)
    record_audit("sign-in-unlock-sent", "staff_user", user.id, actor=("system", None, None))


def forget_address(user: StaffUser, address: str) -> None:
    """A right password: that address's count for the account is cleared."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.staff_user_id == user.id,
                                                    SignInThrottle.address == address))


def clear_throttles(user: StaffUser) -> int:
    """Clear every throttle on the account; returns how many addresses were refused or slowed."""
    count = throttled_addresses(user)
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.staff_user_id == user.id))
    user.failed_logins, user.failed_logins_since = 0, None
    user.last_slowed_check_at = user.throttle_emailed_at = None
    return count


def throttled_addresses(user: StaffUser, now: datetime | None = None) -> int:
    """How many addresses have had ADDRESS_LIMIT or more wrong passwords for the account lately."""
    now = now or clock.now()
    return db.session.scalar(select(func.count(SignInThrottle.id)).where(
        SignInThrottle.staff_user_id == user.id, SignInThrottle.failures >= ADDRESS_LIMIT,
        SignInThrottle.last_failed_at > now - timedelta(hours=FORGET_HOURS))) or 0


def throttled_counts(now: datetime | None = None) -> dict[int, int]:
    """{account id: addresses throttled} for every account with one or more."""
    now = now or clock.now()
    return dict(db.session.execute(
        select(SignInThrottle.staff_user_id, func.count(SignInThrottle.id))
        .where(SignInThrottle.failures >= ADDRESS_LIMIT,
               SignInThrottle.last_failed_at > now - timedelta(hours=FORGET_HOURS))
        .group_by(SignInThrottle.staff_user_id)).all())


def find_unlock(token: str) -> SignInUnlock | None:
    """The unused, unexpired unlock that this link's token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(SignInUnlock).where(
        SignInUnlock.token_hash == hash_token(token), SignInUnlock.used_at.is_(None),
        SignInUnlock.expires_at > clock.now()))


def use_unlock(token: str) -> StaffUser | None:
    """Use the link once: clear the throttles on its account. None if it has expired or was used."""
    unlock = find_unlock(token)
    if unlock is None:
        return None
    now = clock.now()
    used = db.session.execute(
        update(SignInUnlock).where(SignInUnlock.id == unlock.id, SignInUnlock.used_at.is_(None))
        .values(used_at=now, updated_at=now)
        .returning(SignInUnlock.id)
        .execution_options(synchronize_session=False)).first()
    if used is None:
        return None
    user = db.session.get(StaffUser, unlock.staff_user_id)
    cleared = clear_throttles(user)
    record_audit("sign-in-unlocked", "staff_user", user.id, after={"addresses_cleared": cleared},
                 actor=("anonymous", None, None))
    return user
