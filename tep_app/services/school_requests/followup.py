"""Following up: reminders before the school's reply-by date, chasers after it, and a manager's
chase. Each is exactly once (a ledger key per request, kind and number, and the request row locked
while it is decided). A chaser to a school whose link has lapsed, or is about to, carries a new one.
Reminders and chasers count school days (calendar.SchoolDays: no weekend, bank holiday or school
holiday), as the reply period does, so none falls due while schools are closed. A manager's chase
counts as a chaser on every page (request_states.chasers_count) and leaves the automatic ones on
their own days.
"""
import logging
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    EstablishmentContact,
    OutboxMessage,
    SchoolRequest,
)
from tep_app.services.audit import record_audit
from tep_app.services.calendar import SchoolDays
from tep_app.services.messaging.email_texts import LINK, render_email
from tep_app.services.messaging.outbox import queue_email
from tep_app.services.request_states import OPEN_STATUSES, add_event, lock_request, overdue_clause
from tep_app.services.school_requests.contacts import school_contacts
from tep_app.services.school_requests.links import LINK_KINDS, issue_token

logger = logging.getLogger(__name__)

# The numbers the follow-up runs on.
REMINDER_DAYS = (7, 2)  # school days before the reply-by date: reminder 1, reminder 2
CHASER_EVERY = 5  # school days between chasers after the reply-by date
SECOND_CONTACT_FROM_CHASER = 3  # from the third chaser, the school's second contact is chased too
MAX_CHASERS = 6  # about six weeks of chasing; after that the young people are in officers' queues


def _open_requests():
    return list(db.session.scalars(
        select(SchoolRequest).where(SchoolRequest.status.in_(OPEN_STATUSES))
        .options(selectinload(SchoolRequest.collection), selectinload(SchoolRequest.establishment))
        .order_by(SchoolRequest.id)
    ))


def reminder_due(school_request: SchoolRequest, today: date, days: SchoolDays | None = None) -> int:
    """The number of the reminder due today (0 for none): on or after its day, before the deadline."""
    if today > school_request.due_on:
        return 0
    add = (days or SchoolDays()).add
    sent_on = clock.local_date(school_request.sent_at) if school_request.sent_at else None
    due = 0
    for n, days in enumerate(REMINDER_DAYS, start=1):
        day = add(school_request.due_on, -days)
        if today >= day and (sent_on is None or sent_on < day):
            due = n
    return due if due > (school_request.reminders_sent or 0) else 0


def chaser_due(school_request: SchoolRequest, today: date, days: SchoolDays | None = None) -> int:
    """The number of the chaser due today (0 for none): every 5 school days after the deadline,
    at most MAX_CHASERS."""
    add = (days or SchoolDays()).add
    n = 0
    while n < MAX_CHASERS and today >= add(school_request.due_on, CHASER_EVERY * (n + 1)):
        n += 1
    return n if n > (school_request.chasers_sent or 0) else 0


def _link_sent_on(school_request: SchoolRequest) -> date:
    """The day the school's working link was emailed: the latest new link a manager issued, else
    the first send. Reminders and chasers point the school to that email."""
    latest = db.session.scalar(
        select(OutboxMessage.created_at).where(OutboxMessage.school_request_id == school_request.id,
                                               OutboxMessage.kind.in_(LINK_KINDS))
        .order_by(OutboxMessage.created_at.desc()).limit(1))
    stamp = latest or school_request.sent_at
    return clock.local_date(stamp) if stamp else school_request.due_on


def needs_new_link(school_request: SchoolRequest, today: date) -> bool:
    """Whether a chaser must carry a new link: the school's link has lapsed, or lapses before the
    next chaser could reach the school. A link a manager revoked stays revoked."""
    if school_request.token_revoked_at is not None:
        return False
    expires = clock.as_utc(school_request.token_expires_at)
    next_chaser = SchoolDays().add(today, CHASER_EVERY)
    return expires is None or expires < clock.end_of_day(next_chaser)


def _follow_up_text(school_request: SchoolRequest, kind: str,
                    today: date | None = None) -> tuple[str, str, str, str | None]:
    """(subject, body, outbox kind, link nonce) of a reminder or chaser. A chaser to a school whose
    link has lapsed, or is about to, carries a new link ("chaser_link", with the nonce it is made
    from when the email is sent); the old link says it was replaced."""
    values = {"school_name": school_request.establishment.name,
              "collection_title": school_request.collection.title, "deadline": long_date(school_request.due_on)}
    today = today or clock.today()
    if kind == "chaser" and needs_new_link(school_request, today):
        issue_token(school_request, today=today)
        subject, body = render_email("chaser_link", link=LINK, **values)
        return subject, body, "chaser_link", school_request.link_nonce
    subject, body = render_email(kind, sent_date=long_date(_link_sent_on(school_request)), **values)
    return subject, body, kind, None


def _follow_up(school_request: SchoolRequest, kind: str, n: int, ledger: str, second: bool, today: date) -> int:
    contacts = school_contacts(school_request.establishment_id)
    if not contacts:
        add_event(school_request.id, f"{kind} not sent", "The school has no active contact")
        return 0
    subject, body, kind, nonce = _follow_up_text(school_request, kind, today)
    targets = [(ledger, contacts[0])]
    if second and len(contacts) > 1:
        targets.append((f"{ledger}:second", contacts[1]))
    queued = 0
    for key, contact in targets:
        message = queue_email(ledger_key=key, kind=kind, to=contact.email, subject=subject, body=body,
                              school_request_id=school_request.id, link_nonce=nonce)
        queued += message is not None
    if queued:
        add_event(school_request.id, f"{kind} {n} sent", "To " + ", ".join(c.email for _, c in targets))
    return queued


def _send_due(kind: str, due_number, today: date, second_from: int | None) -> int:
    """Queue the reminders or chasers due today: each request claimed and checked again under its
    lock, the number recorded so the same one never goes twice."""
    queued = 0
    days = SchoolDays()
    for candidate in _open_requests():
        n = due_number(candidate, today, days)
        if not n:
            continue
        school_request = lock_request(candidate.id)
        if (school_request is None or school_request.status not in OPEN_STATUSES
                or due_number(school_request, today, days) != n):
            continue
        second = second_from is not None and n >= second_from
        queued += _follow_up(school_request, kind, n, f"request:{school_request.id}:{kind}:{n}", second, today)
        setattr(school_request, f"{kind}s_sent", n)
        db.session.flush()
    logger.info("%s %ss queued", queued, kind, extra={"queued": queued, "today": today.isoformat()})
    return queued


def send_reminders(today: date | None = None) -> int:
    """Reminders 7 and 2 school days before the reply-by date to schools that have not submitted."""
    return _send_due("reminder", reminder_due, today or clock.today(), None)


def send_chasers(today: date | None = None) -> int:
    """Chasers every 5 school days after the reply-by date; from the third, the second contact too."""
    return _send_due("chaser", chaser_due, today or clock.today(), SECOND_CONTACT_FROM_CHASER)


def chase_request(request_id: int, user_id: int | None) -> OutboxMessage | None:
    """A manager's one-click chase. None if the school has submitted, has no contact or was
    chased by hand today."""
    school_request = lock_request(request_id)
    if school_request is None:
        raise LookupError("There is no such school request")
    if school_request.status not in OPEN_STATUSES:
        return None
    prefix = f"request:{request_id}:manual-chase:"
    manual = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.ledger_key.like(f"{prefix}%"))))
    if any(m.created_at and clock.local_date(m.created_at) == clock.today()
           for m in manual):
        return None
    contacts = school_contacts(school_request.establishment_id)
    if not contacts:
        return None
    n = len(manual) + 1
    subject, body, kind, nonce = _follow_up_text(school_request, "chaser")
    message = queue_email(ledger_key=f"{prefix}{n}", kind=kind, to=contacts[0].email, subject=subject,
                          body=body, school_request_id=request_id, link_nonce=nonce)
    if message is not None:
        actor = f"staff:{user_id}" if user_id else None
        school_request.manual_chasers_sent = (school_request.manual_chasers_sent or 0) + 1
        add_event(request_id, "chaser sent by a manager", f"To {contacts[0].email}", actor)
        record_audit("chase school", "school_request", request_id, after={"to": contacts[0].email, "n": n})
        db.session.flush()
    return message




def _chased_by_hand_today(request_ids: list[int]) -> set[int]:
    """Requests a manager chased by hand today."""
    if not request_ids:
        return set()
    start = clock.end_of_day(clock.today() - timedelta(days=1))
    return set(db.session.scalars(select(OutboxMessage.school_request_id).where(
        OutboxMessage.school_request_id.in_(request_ids), OutboxMessage.ledger_key.like("request:%:manual-chase:%"),
        OutboxMessage.created_at >= start)))


def overdue_to_chase(collection_id: int, today: date | None = None) -> list[tuple[SchoolRequest, str]]:
    """What "chase every overdue school" would send: each school of the collection past its
    reply-by date, not submitted, with an active contact and not chased by hand today, with the
    address its chaser would go to; by school name."""
    today = today or clock.today()
    overdue = list(db.session.scalars(
        select(SchoolRequest).where(SchoolRequest.collection_id == collection_id, overdue_clause(today))
        .options(selectinload(SchoolRequest.establishment))))
    chased = _chased_by_hand_today([r.id for r in overdue])
    contacts = {}
    if overdue:
        for contact in db.session.scalars(
                select(EstablishmentContact)
                .where(EstablishmentContact.establishment_id.in_({r.establishment_id for r in overdue}),
                       EstablishmentContact.active.is_(True))
                .order_by(EstablishmentContact.position.desc(), EstablishmentContact.id.desc())):
            contacts[contact.establishment_id] = contact.email  # the first by position wins
    plan = [(r, contacts[r.establishment_id]) for r in overdue
            if r.id not in chased and r.establishment_id in contacts]
    return sorted(plan, key=lambda pair: pair[0].establishment.name)


def chase_overdue(collection_id: int, user_id: int | None) -> int:
    """A manager's "chase every overdue school": one chaser each, as `chase_request`. Returns how
    many were queued."""
    queued = 0
    for school_request, _email in overdue_to_chase(collection_id):
        queued += chase_request(school_request.id, user_id) is not None
    logger.info("%s overdue schools chased by hand", queued, extra={"collection_id": collection_id, "queued": queued})
    return queued
