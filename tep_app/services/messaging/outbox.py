"""The email outbox: every email is a row first, then a sender delivers it over SMTP.

Each message has a unique ledger key ("request:42:invite:1:0"), so queueing the same email twice
writes one row. A secure link or a code is never stored here: the text keeps ((link)) or ((code))
and the row the nonce it is made from, and the sender makes the link or code with the secret key at
the moment it sends (see `render_message`). The sender claims due messages with row locks
(`FOR UPDATE SKIP LOCKED` on PostgreSQL), commits the claim, then sends them one by one, committing
each one's outcome before the next. A connection failure puts the message back in the queue with an
exponential back-off; after 10 attempts it is marked failed with its last error kept.

Delivery is at least once. A sender killed after the SMTP server accepted a message but before
"sent" was committed leaves it "sending"; after 10 minutes it is claimed again and sent again, with
the same Message-ID (fixed when the message is queued), so the receiving server or mail reader can
recognise the copy. `list_stuck` names the messages left "sending". Nothing is lost while the SMTP
server is down.

A message someone is waiting for goes first. Each row has a priority from its kind (`PRIORITIES`):
an access code or a new link before a receipt, and both before a send day's invitations, reminders
and chasers. The sender claims in priority order, and between two bulk messages it claims any
urgent message queued since its batch began. A web request that queues an urgent message also
sends that one message itself once its answer has gone (`deliver_soon`), without waiting for the
scheduler; the scheduler sends it instead if that try cannot reach the server.
"""
import hashlib
import logging
import secrets
import smtplib
import socket
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import after_this_request, current_app, has_request_context
from sqlalchemy import func, or_, select, update

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import AccessCode, OutboxMessage
from tep_app.services.dialect import insert_for
from tep_app.services.messaging.email_secrets import UNLOCK_KIND, access_code_value, link_url, unlock_url
from tep_app.services.messaging.email_texts import CODE, LINK, fill_secrets
from tep_app.validation import Invalid, check_email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF_MINUTES = 60
RECLAIM_AFTER_MINUTES = 10
STATUSES = ("queued", "sending", "sent", "failed")
# Errors that mean "the server could not be reached or dropped us": try again later.
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout)
# Lower goes first. A person is waiting for a code, a new link or a link to clear their sign-in
# limits; a receipt confirms what they just did; every other kind (invite, reminder, chaser) is a
# send day's bulk.
URGENT, SOON, BULK = 0, 1, 2
PRIORITIES = {"access_code": URGENT, "new_link": URGENT, UNLOCK_KIND: URGENT, "receipt": SOON}
KIND_HEADER = "X-TEP-Kind"
# The web request's own try at an urgent message gives up sooner than the scheduler would.
PROMPT_TIMEOUT_SECONDS = 5


class OutboxError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def message_id(ledger_key: str, mail_from: str = "", unique: str = "") -> str:
    """A Message-ID made from the ledger key, the sender's domain and a random part chosen when the
    message is queued. It is stored with the message, so every attempt to send it carries the same
    one, and an email queued again after a database restore does not collide with the old one."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "tep-follow-up.invalid"
    digest = hashlib.sha256(ledger_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}{'.' + unique if unique else ''}@{domain}>"


def queue_email(*, ledger_key: str, kind: str, to: str, subject: str, body: str,
                school_request_id: int | None = None, link_nonce: str | None = None,
                access_code_id: int | None = None) -> OutboxMessage | None:
    """Queue one email. If its ledger key is already in the outbox, nothing is written: None.

    A text with ((link)) names the request's link by `link_nonce`; one with ((code)) names its
    code by `access_code_id`. The sender fills them in (`render_message`)."""
    try:
        check_email(to)
    except Invalid:
        raise OutboxError(f"Cannot queue {kind} email: {to!r} is not an email address") from None
    if LINK in subject + body and not (link_nonce and (school_request_id or kind == UNLOCK_KIND)):
        raise OutboxError(f"Cannot queue {kind} email: it has a ((link)) but no link to put there")
    if CODE in subject + body and not access_code_id:
        raise OutboxError(f"Cannot queue {kind} email: it has a ((code)) but no code to put there")
    insert = insert_for()
    now = clock.now()
    statement = (
        insert(OutboxMessage)
        .values(ledger_key=ledger_key, kind=kind, to_address=to, subject=subject[:200], body=body,
                school_request_id=school_request_id, link_nonce=link_nonce, access_code_id=access_code_id,
                message_id=message_id(ledger_key, current_app.config["MAIL_FROM"], secrets.token_hex(8)),
                priority=PRIORITIES.get(kind, BULK), status="queued", attempts=0, next_attempt_at=now,
                created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["ledger_key"])
        .returning(OutboxMessage)
    )
    message = db.session.scalars(statement).first()
    if message is None:
        logger.info("email %s already in the outbox", ledger_key, extra={"ledger_key": ledger_key})
        return None
    logger.info("email %s queued", ledger_key, extra={"ledger_key": ledger_key, "kind": kind})
    return message


def _due(now: datetime):
    return (OutboxMessage.status == "queued") & or_(
        OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)


def _stuck(now: datetime, after_minutes: float):
    return (OutboxMessage.status == "sending") & (
        OutboxMessage.next_attempt_at < now - timedelta(minutes=after_minutes))


def list_stuck(now: datetime | None = None, after_minutes: float = RECLAIM_AFTER_MINUTES,
               limit: int | None = None) -> tuple[int, list[OutboxMessage]]:
    """Messages left "sending" for longer than the hold time (their sender most likely stopped in
    the middle of a batch): (how many, the oldest claimed first, at most `limit`)."""
    now = now or clock.now()
    count = db.session.scalar(select(func.count(OutboxMessage.id)).where(_stuck(now, after_minutes))) or 0
    rows = list(db.session.scalars(select(OutboxMessage).where(_stuck(now, after_minutes))
                                   .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
    return count, rows


def reclaim_stale(now: datetime | None = None, after_minutes: float = RECLAIM_AFTER_MINUTES) -> int:
    """Put back in the queue messages claimed by a sender that stopped (left "sending"). Each is sent
    again with its own Message-ID: the server may already have had it."""
    now = now or clock.now()
    keys = list(db.session.scalars(select(OutboxMessage.ledger_key).where(_stuck(now, after_minutes))
                                   .order_by(OutboxMessage.id)))
    if not keys:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(_stuck(now, after_minutes), OutboxMessage.ledger_key.in_(keys))
        .values(status="queued", next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        logger.warning("reclaimed %s emails left sending: %s", result.rowcount, ", ".join(keys[:20]),
                       extra={"reclaimed": result.rowcount, "ledger_keys": keys[:100]})
    return result.rowcount


def claim_due(limit: int, now: datetime | None = None, priority: int | None = None) -> list[int]:
    """Claim up to `limit` due messages for this sender, most urgent first, and commit the claim.
    With `priority`, only messages of that priority or a more urgent one."""
    now = now or clock.now()
    due = _due(now) if priority is None else _due(now) & (OutboxMessage.priority <= priority)
    ids = list(db.session.scalars(
        select(OutboxMessage.id).where(due).order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    ))
    if ids:
        # While "sending", next_attempt_at holds the time of the claim.
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(status="sending", next_attempt_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return ids


def render_message(row: OutboxMessage, access_codes: dict[int, AccessCode] | None = None) -> tuple[str, str]:
    """(subject, body) as the school receives them: ((link)) and ((code)) made now from the row's
    nonces and the secret key. Only the sender calls this; nothing it returns is stored."""
    values = {}
    if row.link_nonce and row.school_request_id:
        values[LINK] = link_url(row.school_request_id, row.link_nonce)
    elif row.link_nonce and row.kind == UNLOCK_KIND:
        values[LINK] = unlock_url(row.link_nonce)
    if row.access_code_id:
        code = (access_codes or {}).get(row.access_code_id) or db.session.get(AccessCode, row.access_code_id)
        if code is not None and code.nonce:
            values[CODE] = access_code_value(code)
    return fill_secrets(row.subject, values), fill_secrets(row.body, values)


def build_message(row: OutboxMessage, mail_from: str,
                  access_codes: dict[int, AccessCode] | None = None) -> EmailMessage:
    subject, body = render_message(row, access_codes)
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id or message_id(row.ledger_key, mail_from)
    message[KIND_HEADER] = row.kind  # what it is, for mail rules and the local mail catcher's filter
    message.set_content(body)
    return message


def _connect(config, timeout: float = 30) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=timeout)
    if config.get("SMTP_STARTTLS"):
        smtp.starttls()
    if config.get("SMTP_USER"):
        smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return smtp


def _retry(row: OutboxMessage, error: Exception, now: datetime) -> str:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        logger.error("email %s failed after %s attempts", row.ledger_key, row.attempts,
                     extra={"ledger_key": row.ledger_key, "error": row.last_error})
        return "failed"
    row.status = "queued"
    row.next_attempt_at = now + backoff(row.attempts)
    logger.warning("email %s not sent, will retry", row.ledger_key,
                   extra={"ledger_key": row.ledger_key, "attempts": row.attempts, "error": row.last_error})
    return "retried"


def _fail(row: OutboxMessage, error: Exception) -> str:
    row.attempts += 1
    row.status = "failed"
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    logger.error("email %s refused by the server", row.ledger_key,
                 extra={"ledger_key": row.ledger_key, "error": row.last_error})
    return "failed"


def _send_one(smtp: smtplib.SMTP, row: OutboxMessage, mail_from: str, now: datetime,
              access_codes: dict[int, AccessCode]) -> str:
    try:
        smtp.send_message(build_message(row, mail_from, access_codes))
    except smtplib.SMTPRecipientsRefused as error:
        return _fail(row, error)
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            return _fail(row, error)
        return _retry(row, error, now)
    row.status = "sent"
    row.sent_at = clock.now()
    row.last_error = None
    logger.info("email %s sent", row.ledger_key, extra={"ledger_key": row.ledger_key})
    return "sent"


def _claimed_rows(ids: list[int]) -> tuple[list[OutboxMessage], dict[int, AccessCode]]:
    """The claimed rows, most urgent first, and the access codes their texts name."""
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                   .order_by(OutboxMessage.priority, OutboxMessage.id)))
    code_ids = {row.access_code_id for row in rows if row.access_code_id}
    access_codes = {code.id: code for code in db.session.scalars(
        select(AccessCode).where(AccessCode.id.in_(code_ids)))} if code_ids else {}
    return rows, access_codes


def _batch(ids: list[int], limit: int, now: datetime):
    """The claimed rows one by one; before each bulk message, any urgent message queued since the
    batch began is claimed and comes first. Yields (row, the access codes it may name)."""
    rows, access_codes = _claimed_rows(ids)
    pending = list(rows)
    while pending:
        if pending[0].priority > URGENT:
            urgent = claim_due(limit, max(now, clock.now()), priority=URGENT)  # queued since `now` too
            if urgent:
                extra, codes = _claimed_rows(urgent)
                access_codes.update(codes)
                pending[:0] = extra
        row = pending.pop(0)
        yield row, access_codes


def deliver_outbox(limit: int = 100, now: datetime | None = None,
                   reclaim_after_minutes: float = RECLAIM_AFTER_MINUTES) -> dict:
    """Send due emails, most urgent first, committing each one's outcome before the next is sent.
    No transaction is open while the SMTP server is being talked to. Returns counts: sent, failed,
    retried."""
    now = now or clock.now()
    config = current_app.config
    mail_from = config["MAIL_FROM"]
    counts = {"sent": 0, "failed": 0, "retried": 0}
    reclaim_stale(now, reclaim_after_minutes)
    db.session.commit()
    ids = claim_due(limit, now)
    if not ids:
        return counts
    smtp, down = None, None
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False  # one query per batch, not per row
    try:
        for row, access_codes in _batch(ids, limit, now):
            if row.status != "sending":
                continue
            db.session.commit()  # the batch's reads end here: no transaction while the server is talked to
            if down is not None:  # the server cannot be reached: the rest wait for the next round
                outcome = _retry(row, down, now)
            else:
                try:
                    if smtp is None:
                        smtp = _connect(config)
                    outcome = _send_one(smtp, row, mail_from, now, access_codes)
                except CONNECTION_ERRORS + (smtplib.SMTPException,) as error:
                    down = error if smtp is None else None
                    smtp = _close(smtp)
                    outcome = _retry(row, error, now)
            counts[outcome] += 1
            db.session.commit()  # "sent" is durable before the next message goes
    finally:
        session.expire_on_commit = expire_on_commit
        _close(smtp)
    logger.info("outbox delivered", extra=counts)
    return counts


def deliver_one(message_pk: int, timeout: float = PROMPT_TIMEOUT_SECONDS) -> str | None:
    """Send one queued message now, if no sender has claimed it: "sent", "failed" (refused by the
    server), "queued" (the server could not be reached: left for the scheduler, no attempt
    counted) or None (not queued: already claimed, sent, or never committed). Safe while the
    scheduler runs: the claim is one conditional update."""
    now = clock.now()
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_pk, OutboxMessage.status == "queued")
        .values(status="sending", next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    row = db.session.get(OutboxMessage, message_pk)
    access_codes = {}
    if row.access_code_id:
        access_codes[row.access_code_id] = db.session.get(AccessCode, row.access_code_id)
    db.session.commit()  # no transaction while the server is talked to
    smtp = None
    try:
        smtp = _connect(current_app.config, timeout=timeout)
        outcome = _send_one(smtp, row, current_app.config["MAIL_FROM"], now, access_codes)
    except CONNECTION_ERRORS + (smtplib.SMTPException,) as error:
        logger.warning("email %s not sent at once, left for the scheduler", row.ledger_key,
                       extra={"ledger_key": row.ledger_key, "error": f"{type(error).__name__}: {error}"[:200]})
        row.status, row.next_attempt_at, outcome = "queued", now, "queued"
    finally:
        _close(smtp)
    db.session.commit()
    return outcome


def deliver_soon(message: OutboxMessage | None) -> None:
    """Send `message` as soon as the web request that queued it has answered (and so committed),
    when OUTBOX_SEND_AT_ONCE is on. Outside a request, or if this try fails, the scheduler sends it."""
    if message is None or not has_request_context() or not current_app.config.get("OUTBOX_SEND_AT_ONCE"):
        return
    app, message_pk = current_app._get_current_object(), message.id

    def send_after_answer():
        with app.app_context():
            try:
                deliver_one(message_pk)
            except Exception:  # the scheduler sends it; the school already has its page
                db.session.rollback()
                logger.exception("email %s: prompt delivery failed", message_pk)

    @after_this_request
    def register(response):
        if response.status_code < 400:
            response.call_on_close(send_after_answer)
        return response


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:  # the connection is already gone
            smtp.close()
    return None
