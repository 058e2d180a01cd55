"""One school request as staff see it (summary, contacts, history) and a manager's actions on it:
revoke its secure link, or replace the link and email the new one to the main contact.

A new link goes only to a request that has been sent and is not yet submitted: before the send
there is no link to replace (the send issues one), and once the school has submitted there is
nothing left for it to answer. Revoking is allowed whenever the request has a link not already revoked.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    EstablishmentContact,
    OutboxMessage,
    RequestEvent,
    SchoolRequest,
    StaffUser,
)
from tep_app.pagination import ROWS_PER_PAGE, Page
from tep_app.services import request_states
from tep_app.services.audit import record_audit
from tep_app.services.messaging.email_texts import LINK, render_email, shown
from tep_app.services.messaging.outbox import deliver_soon, queue_email
from tep_app.services.school_requests.links import (
    active_contacts,
    reissue_token,
    revoke_token,
)

logger = logging.getLogger(__name__)

EMAIL_STATUS_TAGS = {"queued": "govuk-tag--blue", "sending": "govuk-tag--yellow", "sent": "govuk-tag--green",
                     "failed": "govuk-tag--red"}
EMAIL_KINDS = {
    "invite": "Invitation", "new_link": "New link", "access_code": "Security code", "reminder": "Reminder",
    "chaser": "Chaser", "receipt": "Receipt",
}


class RequestActionError(Exception):
    """A manager's action that cannot be done; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LinkState:
    state: str  # not_issued, active, expired, revoked
    text: str

    @property
    def revocable(self) -> bool:
        return self.state in ("active", "expired")


@dataclass(frozen=True)
class Actions:
    """Which of a manager's buttons make sense for the request as it is now."""

    revoke: bool
    new_link: bool
    chase: bool


@dataclass(frozen=True)
class ContactRow:
    name: str | None
    email: str
    role: str
    receives: str


@dataclass(frozen=True)
class HistoryItem:
    at: datetime | None
    what: str
    detail: str | None
    by: str
    email: OutboxMessage | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class HistoryPage:
    items: list[HistoryItem]
    page: int
    pages: int
    total: int


def _london(value: datetime | None) -> datetime | None:
    value = clock.as_utc(value)
    return value.astimezone(clock.zone()) if value else None


def get_request(request_id: int) -> SchoolRequest | None:
    return db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == request_id)
        .options(selectinload(SchoolRequest.establishment), selectinload(SchoolRequest.collection))
    )


def describe_link(school_request: SchoolRequest, now: datetime | None = None) -> LinkState:
    """Whether the school's secure link works, in words a manager can act on."""
    now = now or clock.now()
    if school_request.token_hash is None:
        return LinkState("not_issued", "Not issued yet")
    if school_request.token_revoked_at is not None:
        return LinkState("revoked", f"Revoked on {long_date(_london(school_request.token_revoked_at).date())}")
    expires = _london(school_request.token_expires_at)
    if expires is None or expires <= now:
        return LinkState("expired", f"Expired on {long_date(expires.date())}" if expires else "Expired")
    last_day = (expires - timedelta(seconds=1)).date()
    return LinkState("active", f"Active until the end of {long_date(last_day)}")


def list_actions(school_request: SchoolRequest, link: LinkState) -> Actions:
    is_open = request_states.is_open(school_request.status)
    return Actions(revoke=link.revocable, new_link=is_open, chase=is_open)


def list_contact_rows(school_request: SchoolRequest) -> list[ContactRow]:
    """The school's active contacts, main contact first, with the emails each one receives."""
    rows = []
    for index, contact in enumerate(active_contacts(school_request)):
        if index == 0:
            role, receives = "Main contact", "Every email: invitation, reminders, chasers, new links"
        elif index == 1:
            role, receives = "Second contact", "The invitation, and chasers from the third chaser"
        else:
            role, receives = "Contact", "The invitation"
        rows.append(ContactRow(contact.name, contact.email, role, receives))
    return rows


def _actor_names(actors: set[str]) -> dict[str, str]:
    ids = {int(a.split(":", 1)[1]) for a in actors if a.startswith("staff:") and a[6:].isdigit()}
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))).all()) \
        if ids else {}
    labels = {}
    for actor in actors:
        if actor.startswith("staff:"):
            staff_id = actor[6:]
            labels[actor] = names.get(int(staff_id), "A member of staff") if staff_id.isdigit() else actor
        elif actor == "system":
            labels[actor] = "Automatic"
        elif actor == "school":
            labels[actor] = "The school"
        else:
            labels[actor] = actor
    return labels


def list_history(request_id: int, page: int = 1, per_page: int = ROWS_PER_PAGE) -> HistoryPage:
    """Every event and every email of the request, newest first, one page at a time."""
    events = list(db.session.scalars(select(RequestEvent).where(RequestEvent.school_request_id == request_id)))
    emails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.school_request_id == request_id)))
    labels = _actor_names({e.actor for e in events if e.actor})
    rows = [(e.created_at, 0, e.id, HistoryItem(_london(e.created_at), e.kind.capitalize(), e.detail,
                                                labels.get(e.actor, "") if e.actor else "")) for e in events]
    rows += [(m.created_at, 1, m.id, HistoryItem(
        _london(m.created_at), f"Email: {EMAIL_KINDS.get(m.kind, m.kind.replace('_', ' '))}",
        shown(m.subject), f"To {m.to_address}", m, _london(m.sent_at))) for m in emails]
    rows.sort(key=lambda row: (clock.as_utc(row[0]) or clock.now(), row[1], row[2]), reverse=True)
    history = Page.of(page, len(rows), per_page)
    return HistoryPage([row[3] for row in history.rows(rows)], history.number, history.pages, len(rows))


def list_request_ids_by_collection(establishment_id: int, collection_ids: list[int]) -> dict[int, int]:
    """{collection id: school request id} for one school."""
    if not collection_ids:
        return {}
    return dict(db.session.execute(
        select(SchoolRequest.collection_id, SchoolRequest.id)
        .where(SchoolRequest.establishment_id == establishment_id, SchoolRequest.collection_id.in_(collection_ids))
    ).all())


def _claim(request_id: int) -> SchoolRequest:
    """The request's row, held until commit (PostgreSQL), so two managers cannot act at once."""
    school_request = db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == request_id)
        .options(selectinload(SchoolRequest.establishment), selectinload(SchoolRequest.collection))
        .with_for_update(of=SchoolRequest)
        .execution_options(populate_existing=True)
    )
    if school_request is None:
        raise LookupError("There is no such school request")
    return school_request


def revoke_link(request_id: int, user_id: int | None) -> SchoolRequest:
    """Stop the school's link working at once. Refused if there is no live link to revoke."""
    school_request = _claim(request_id)
    school = school_request.establishment.name
    state = describe_link(school_request)
    if state.state == "not_issued":
        raise RequestActionError(f"{school} has no link to revoke: its list has not been sent yet. "
                                 "Nothing has changed.")
    if state.state == "revoked":
        revoked_on = long_date(_london(school_request.token_revoked_at).date())
        raise RequestActionError(f"The link for {school} was already revoked on {revoked_on}. Nothing has changed.")
    revoke_token(school_request, user_id)
    return school_request


def _check_can_send_new_link(school_request: SchoolRequest) -> EstablishmentContact:
    school = school_request.establishment.name
    if not request_states.was_sent(school_request.status):
        raise RequestActionError(f"{school}'s list has not been sent yet, so it has no link to replace. "
                                 "The link is emailed when the collection is sent. Nothing has changed.")
    if request_states.is_closed(school_request.status):
        submitted = _london(school_request.submitted_at)
        on = f" on {long_date(submitted.date())}" if submitted else ""
        raise RequestActionError(f"{school} submitted its answers{on}, so it does not need a new link. "
                                 "Nothing has changed.")
    contacts = active_contacts(school_request)
    if not contacts:
        raise RequestActionError(f"{school} has no active contact to email a new link to. Nothing has changed.")
    return contacts[0]


def send_new_link(request_id: int, user_id: int | None) -> OutboxMessage:
    """Replace the school's link (the old one stops working) and email the new one to the main contact."""
    school_request = _claim(request_id)
    contact = _check_can_send_new_link(school_request)
    prefix = f"request:{request_id}:new-link:"
    n = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.ledger_key.like(f"{prefix}%"))) + 1
    reissue_token(school_request, user_id)
    subject, body = render_email(
        "new_link", school_name=school_request.establishment.name,
        collection_title=school_request.collection.title, link=LINK, deadline=long_date(school_request.due_on))
    message = queue_email(ledger_key=f"{prefix}{n}", kind="new_link", to=contact.email, subject=subject, body=body,
                          school_request_id=request_id, link_nonce=school_request.link_nonce)
    if message is None:
        raise RequestActionError("Another new link was being sent at the same time. Reload the page and try again.")
    request_states.add_event(request_id, "new link emailed", f"To {contact.email}",
                             f"staff:{user_id}" if user_id else None)
    record_audit("email new link", "school_request", request_id, after={"to": contact.email, "n": n})
    db.session.flush()
    deliver_soon(message)
    logger.info("new link queued for request %s", request_id,
                extra={"school_request_id": request_id, "ledger_key": message.ledger_key})
    return message
