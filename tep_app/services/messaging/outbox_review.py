"""The outbox as the admins see it: how many emails are in each state, a page of them, and a failed
email put back in the queue. Sending lives in messaging/outbox.py."""
import logging

from sqlalchemy import func, select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import OutboxMessage
from tep_app.pagination import ROWS_PER_PAGE, Page
from tep_app.services.messaging.outbox import STATUSES, OutboxError

logger = logging.getLogger(__name__)


def count_by_status() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def list_messages(status: str | None = None, page: int = 1,
                  per_page: int = ROWS_PER_PAGE) -> tuple[list[OutboxMessage], int]:
    """A page of the outbox, newest first; (messages, number of pages)."""
    query = select(OutboxMessage)
    count = select(func.count(OutboxMessage.id))
    if status:
        query = query.where(OutboxMessage.status == status)
        count = count.where(OutboxMessage.status == status)
    total = db.session.scalar(count) or 0
    shown = Page.of(page, total, per_page)
    rows = list(db.session.scalars(
        query.order_by(OutboxMessage.id.desc()).offset(shown.offset).limit(shown.size)))
    return rows, shown.pages


def retry_message(message_pk: int) -> OutboxMessage:
    """Put a failed message back in the queue for another round of attempts."""
    row = db.session.get(OutboxMessage, message_pk)
    if row is None:
        raise OutboxError("There is no such email in the outbox")
    if row.status != "failed":
        raise OutboxError(f"Only a failed email can be retried; this one is {row.status}")
    row.status = "queued"
    row.attempts = 0
    row.next_attempt_at = clock.now()
    db.session.flush()
    logger.info("email %s queued again", row.ledger_key, extra={"ledger_key": row.ledger_key})
    return row
