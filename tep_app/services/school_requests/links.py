"""Secure links to a school request and the 6-digit codes that confirm them.

A link carries a long token made from a random nonce and the secret key (an HMAC); only its SHA-256
is stored, so looking the hash up is the comparison. The token itself is made again only when an
email carrying it is sent, so neither the database nor the outbox holds a working link. The link
alone opens nothing: the visitor asks for a code, emailed to one of the school's registered
contacts, and types it in. A code is made the same way from its own nonce; only its HMAC is
stored. A code lasts 15 minutes and allows 5 tries.
"""
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tep_app import clock
from tep_app.dates import day_and_month, long_date, time_of_day
from tep_app.extensions import db
from tep_app.models import AccessCode, EstablishmentContact, ReplacedLink, SchoolRequest
from tep_app.services.audit import record_audit
from tep_app.services.messaging.email_secrets import (  # noqa: F401 -- also the links' API
    access_code_value,
    hash_token,
    keyed,
    link_token,
    link_url,
)
from tep_app.services.messaging.email_texts import CODE, render_email
from tep_app.services.messaging.outbox import deliver_soon, queue_email
from tep_app.services.request_states import add_event
from tep_app.services.school_requests.contacts import school_contacts

logger = logging.getLogger(__name__)

CODE_MINUTES = 15
CODE_TRIES = 5
DEFAULT_GRACE_DAYS = 14
LINK_KINDS = ("new_link", "chaser_link")  # emails that carry a working link after the invitation

MSG_CODE_WRONG = "The code is not correct. You have {left} {tries} left."
MSG_CODE_LOCKED = "You have entered the wrong code too many times. Request a new code."
MSG_CODE_EXPIRED = "The code has expired. Request a new code."
MSG_CODE_USED = "The code has already been used. Request a new code."
MSG_CODE_NONE = "Request a code first."
MSG_CODE_FORMAT = "Enter the 6-digit code from the email"
# Codes per link, counted in the database so every worker shares the count.
CODES_PER_HOUR = 3
CODES_PER_DAY = 10
MSG_CODE_LIMIT = ("You have asked for {count} codes in the last {period}. You can ask for another code "
                  "after {when}. Use the newest code we emailed you, or contact TEP.")


class LinkError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    message: str | None = None
    tries_left: int = 0


def link_fingerprint(school_request: SchoolRequest) -> str:
    """A short piece of the stored hash: a session made from a link ends when the link is replaced."""
    return (school_request.token_hash or "")[:16]


def token_expiry(due_on: date, grace_days: int = DEFAULT_GRACE_DAYS) -> datetime:
    """The end of the due date plus the grace days, London time, as UTC."""
    last_day = due_on + timedelta(days=grace_days)
    end = datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=clock.zone())
    return end.astimezone(UTC)


def issue_token(school_request: SchoolRequest, grace_days: int = DEFAULT_GRACE_DAYS, *,
                actor: str | None = "system", today: date | None = None) -> str:
    """Give the request a new secure link; return the raw token (it is never stored: an email
    carries it as ((link)) with the request's link_nonce, and it is made again when the email is sent)."""
    nonce = secrets.token_urlsafe(24)
    raw = link_token(school_request.id, nonce)
    if school_request.token_hash:  # the old link will say it was replaced
        db.session.add(ReplacedLink(school_request_id=school_request.id, token_hash=school_request.token_hash,
                                    replaced_at=clock.now()))
    school_request.token_hash = hash_token(raw)
    school_request.link_nonce = nonce
    # Never before the school's reply-by date plus the grace days, and never already past.
    school_request.token_expires_at = token_expiry(max(school_request.due_on, today or clock.today()), grace_days)
    school_request.token_revoked_at = None
    last_day = (school_request.token_expires_at - timedelta(seconds=1)).astimezone(clock.zone())
    add_event(school_request.id, "link issued", f"Valid until the end of {long_date(last_day.date())}", actor)
    db.session.flush()
    logger.info("link issued for request %s", school_request.id, extra={"school_request_id": school_request.id})
    return raw


def revoke_token(school_request: SchoolRequest, user_id: int | None) -> None:
    school_request.token_revoked_at = clock.now()
    add_event(school_request.id, "link revoked", None, f"staff:{user_id}" if user_id else None)
    record_audit("revoke link", "school_request", school_request.id)
    db.session.flush()
    logger.info("link revoked for request %s", school_request.id, extra={"school_request_id": school_request.id})


def reissue_token(school_request: SchoolRequest, user_id: int | None,
                  grace_days: int = DEFAULT_GRACE_DAYS) -> str:
    """A new link for the request; the old one stops working at once."""
    raw = issue_token(school_request, grace_days, actor=f"staff:{user_id}" if user_id else None)
    add_event(school_request.id, "link reissued", "The previous link no longer works",
              f"staff:{user_id}" if user_id else None)
    record_audit("reissue link", "school_request", school_request.id)
    db.session.flush()
    return raw


def resolve_token(raw: str | None) -> tuple[SchoolRequest | None, str]:
    """(request, "ok") for a good link, else (None, "unknown" | "replaced" | "expired" | "revoked")."""
    if not raw or len(raw) > 100:
        return None, "unknown"
    digest = hash_token(raw)
    found = db.session.scalar(select(SchoolRequest).where(SchoolRequest.token_hash == digest))
    if found is None:
        replaced = db.session.scalar(select(ReplacedLink.school_request_id).where(ReplacedLink.token_hash == digest))
        return None, "replaced" if replaced is not None else "unknown"
    if found.token_revoked_at is not None:
        reason = "revoked"
    elif found.token_expires_at is None or clock.as_utc(found.token_expires_at) <= clock.now():
        reason = "expired"
    else:
        return found, "ok"
    logger.info("link refused for request %s: %s", found.id, reason,
                extra={"school_request_id": found.id, "reason": reason})
    return None, reason


def link_is_live(school_request: SchoolRequest | None, fingerprint: str | None) -> bool:
    """Whether a session made from a link may go on: same link, not revoked, not expired."""
    if school_request is None or not fingerprint or link_fingerprint(school_request) != fingerprint:
        return False
    if school_request.token_revoked_at is not None:
        return False
    expires = clock.as_utc(school_request.token_expires_at)
    return expires is not None and expires > clock.now()


def active_contacts(school_request: SchoolRequest) -> list[EstablishmentContact]:
    """The school's active contacts, main contact first (the codes go only to one of them)."""
    return school_contacts(school_request.establishment_id)


def mask_email(address: str) -> str:
    """j•••@school.example: enough for the school to recognise, not enough to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _code_hash(school_request_id: int, code: str) -> str:
    return keyed(f"{school_request_id}:{code}").hex()


def send_access_code(school_request: SchoolRequest, contact_email: str) -> AccessCode:
    """Email a new 6-digit code to one of the school's registered, active contacts."""
    wanted = (contact_email or "").strip().lower()
    contact = next((c for c in active_contacts(school_request) if c.email.lower() == wanted), None)
    if contact is None:
        logger.warning("code refused for an unregistered address on request %s", school_request.id,
                       extra={"school_request_id": school_request.id})
        record_audit("code refused", "school_request", school_request.id, after={"reason": "unregistered address"},
                     actor=("school", str(school_request.id), None))
        raise LinkError("Choose one of your school's registered email addresses")
    _check_code_allowance(school_request, contact.email)
    access_code = AccessCode(
        school_request_id=school_request.id, contact_email=contact.email, nonce=secrets.token_urlsafe(24),
        expires_at=clock.now() + timedelta(minutes=CODE_MINUTES),
    )
    access_code.code_hash = _code_hash(school_request.id, access_code_value(access_code))
    db.session.add(access_code)
    db.session.flush()

    subject, body = render_email("access_code", school_name=school_request.establishment.name,
                                 code=CODE, minutes=CODE_MINUTES)
    message = queue_email(ledger_key=f"request:{school_request.id}:code:{access_code.id}", kind="access_code",
                to=contact.email, subject=subject, body=body, school_request_id=school_request.id,
                access_code_id=access_code.id)
    deliver_soon(message)
    add_event(school_request.id, "code sent", f"To {mask_email(contact.email)}", contact.email)
    record_audit("send code", "school_request", school_request.id,
                 actor=("school", str(school_request.id), contact.email))
    logger.info("access code queued for request %s", school_request.id,
                extra={"school_request_id": school_request.id, "access_code_id": access_code.id})
    return access_code


def _check_code_allowance(school_request: SchoolRequest, contact_email: str) -> None:
    """Refuse a 4th code within an hour, or an 11th within a day, naming when the school may ask
    again. The request's row is locked first, so parallel requests are counted one after another."""
    db.session.execute(select(SchoolRequest.id).where(SchoolRequest.id == school_request.id).with_for_update())
    now = clock.now()
    since = now - timedelta(days=1)
    made = sorted(clock.as_utc(at) for at in db.session.scalars(
        select(AccessCode.created_at).where(AccessCode.school_request_id == school_request.id,
                                            AccessCode.created_at > since)))
    last_hour = [at for at in made if at > now - timedelta(hours=1)]
    if len(last_hour) >= CODES_PER_HOUR:
        count, period, again = len(last_hour), "hour", last_hour[-CODES_PER_HOUR] + timedelta(hours=1)
    elif len(made) >= CODES_PER_DAY:
        count, period, again = len(made), "24 hours", made[-CODES_PER_DAY] + timedelta(days=1)
    else:
        return
    logger.warning("code refused for request %s: %s in the last %s", school_request.id, count, period,
                   extra={"school_request_id": school_request.id})
    record_audit("code refused", "school_request", school_request.id, after={"reason": f"{count} in the last {period}"},
                 actor=("school", str(school_request.id), contact_email))
    raise LinkError(MSG_CODE_LIMIT.format(count=count, period=period, when=_london_time(again, now)))


def _london_time(moment: datetime, now: datetime) -> str:
    """GOV.UK style: "2:35pm", or "2:35pm on 5 June" when it is not today."""
    local = moment.astimezone(clock.zone())
    text = time_of_day(moment)
    return text if local.date() == now.astimezone(clock.zone()).date() else f"{text} on {day_and_month(local)}"


def verify_access_code(school_request: SchoolRequest, code: str | None,
                       access_code_id: int | None = None) -> CodeCheck:
    """Check a typed code against the request's code (the one given, else the latest)."""
    query = select(AccessCode).where(AccessCode.school_request_id == school_request.id)
    if access_code_id is not None:
        query = query.where(AccessCode.id == access_code_id)
    access_code = db.session.scalar(query.order_by(AccessCode.id.desc()).limit(1).with_for_update())
    if access_code is None:
        return CodeCheck(False, MSG_CODE_NONE)
    if access_code.used_at is not None:
        return CodeCheck(False, MSG_CODE_USED)
    if access_code.attempts >= CODE_TRIES:
        return CodeCheck(False, MSG_CODE_LOCKED)
    if clock.as_utc(access_code.expires_at) <= clock.now():
        return CodeCheck(False, MSG_CODE_EXPIRED)
    typed = "".join((code or "").split())
    if len(typed) != 6 or not typed.isdigit():
        return CodeCheck(False, MSG_CODE_FORMAT, CODE_TRIES - access_code.attempts)
    if not hmac.compare_digest(access_code.code_hash, _code_hash(school_request.id, typed)):
        access_code.attempts += 1
        db.session.flush()
        left = CODE_TRIES - access_code.attempts
        logger.info("wrong code for request %s (%s left)", school_request.id, left,
                    extra={"school_request_id": school_request.id})
        record_audit("wrong code", "school_request", school_request.id,
                     actor=("school", str(school_request.id), access_code.contact_email))
        if left <= 0:
            add_event(school_request.id, "code locked", "Too many wrong codes", access_code.contact_email)
            return CodeCheck(False, MSG_CODE_LOCKED)
        return CodeCheck(False, MSG_CODE_WRONG.format(left=left, tries="try" if left == 1 else "tries"), left)
    access_code.used_at = clock.now()
    add_event(school_request.id, "code confirmed", None, access_code.contact_email)
    record_audit("confirm code", "school_request", school_request.id,
                 actor=("school", str(school_request.id), access_code.contact_email))
    db.session.flush()
    return CodeCheck(True, None, CODE_TRIES - access_code.attempts)


def contact_for_code(access_code_id: int) -> str | None:
    access_code = db.session.get(AccessCode, access_code_id)
    return access_code.contact_email if access_code else None
