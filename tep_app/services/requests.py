"""School requests: one per collection and school, sent once, reminded and chased until answered.

Every email goes through the outbox with a ledger key per request, kind and number, so a send,
reminder or chaser is exactly once even when two schedulers run at once: each request is claimed
with `FOR UPDATE SKIP LOCKED` on PostgreSQL and its status checked again under the lock, and the
unique ledger key is the last line of defence. Services flush; the command or job commits.
"""
import logging
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Collection,
    Establishment,
    EstablishmentContact,
    ListEntry,
    OutboxMessage,
    RequestEvent,
    SchoolRequest,
)
from tep_app.models.base import utcnow
from tep_app.models.collections import COLLECTION_KINDS
from tep_app.services.email_texts import render_email, renderer
from tep_app.services.outbox import queue_email

logger = logging.getLogger(__name__)

OPEN_STATUSES = ("sent", "opened", "in_progress")
REMINDER_DAYS = (7, 2)  # working days before the deadline: reminder 1, reminder 2
CHASER_EVERY = 5  # working days between chasers after the deadline
SECOND_CONTACT_FROM_CHASER = 3
MAX_CHASERS = 6
# Emails that carry a working link after the first invitation.
LINK_KINDS = ("new_link", "chaser_link")  # about six weeks of chasing; after that the young people are in officers' queues


class SendError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _calendar():
    from tep_app.services import calendar

    return calendar


def calendar_prefix(kind: str) -> str:
    return kind.replace("-", "_")


def _check_kind(kind: str) -> None:
    if kind not in COLLECTION_KINDS:
        raise SendError(f"Unknown collection {kind!r}: use leavers or no-offer")


def _long(d: date) -> str:
    return d.strftime("%-d %B %Y")


def _event(request_id: int, kind: str, detail: str | None = None, actor: str | None = "system") -> None:
    db.session.add(RequestEvent(school_request_id=request_id, kind=kind, detail=detail, actor=actor))


def _lock(request_id: int) -> SchoolRequest | None:
    """Claim one request row; None if another process holds it (PostgreSQL) or it is gone."""
    return db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == request_id)
        .options(joinedload(SchoolRequest.establishment, innerjoin=True))
        .with_for_update(skip_locked=True, of=SchoolRequest)
        .execution_options(populate_existing=True)
    )


def active_contacts(establishment_id: int) -> list[EstablishmentContact]:
    return list(db.session.scalars(
        select(EstablishmentContact)
        .where(EstablishmentContact.establishment_id == establishment_id, EstablishmentContact.active.is_(True))
        .order_by(EstablishmentContact.position, EstablishmentContact.id)
    ))


def find_collection(kind: str, academic_year: int) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.kind == kind, Collection.academic_year == academic_year))


def create_requests(collection: Collection) -> int:
    """One request per school with someone on its list; returns how many were new."""
    with_entries = set(db.session.scalars(
        select(ListEntry.establishment_id).where(ListEntry.collection_id == collection.id).distinct()))
    existing = set(db.session.scalars(
        select(SchoolRequest.establishment_id).where(SchoolRequest.collection_id == collection.id)))
    missing = sorted(with_entries - existing)
    if not missing:
        return 0
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now = utcnow()
    rows = [{"collection_id": collection.id, "establishment_id": establishment_id, "status": "not_sent",
             "due_on": collection.due_on, "reminders_sent": 0, "chasers_sent": 0, "version": 1,
             "created_at": now, "updated_at": now} for establishment_id in missing]
    created = len(db.session.execute(
        insert(SchoolRequest).values(rows).on_conflict_do_nothing(index_elements=["collection_id", "establishment_id"])
        .returning(SchoolRequest.id)
    ).all())
    logger.info("%s school requests created for collection %s", created, collection.id,
                extra={"collection_id": collection.id, "requests_created": created})
    return created


def send_date(collection: Collection) -> date:
    return _calendar().working_day_on_or_before(collection.send_on)


def _resolve_collection(kind, academic_year) -> Collection:
    if isinstance(kind, Collection):
        return kind
    _check_kind(kind)
    collection = find_collection(kind, academic_year)
    if collection is None or collection.built_at is None:
        from tep_app.services.lists import ListsError, build_lists

        try:
            collection = build_lists(kind, academic_year)
        except ListsError as error:
            raise SendError(error.message) from None
        logger.info("built the %s lists for %s before sending", kind, academic_year,
                    extra={"kind": kind, "academic_year": academic_year})
    return collection


def _check_send_date(kind, academic_year, today: date) -> None:
    """Refuse before the send date, before doing any work (building the lists writes)."""
    if isinstance(kind, Collection):
        on = kind.send_on
    else:
        collection = find_collection(kind, academic_year)
        on = collection.send_on if collection else _calendar().get_date(academic_year, f"{calendar_prefix(kind)}_send")
    on = _calendar().working_day_on_or_before(on)
    if today < on:
        raise SendError(f"The {kind if isinstance(kind, str) else kind.kind} lists for {academic_year} "
                        f"are not due to be sent until {_long(on)}: use --force to send them now")


def send_collection(kind, academic_year: int | None = None, today: date | None = None,
                    force: bool = False) -> dict:
    """Send every school its list for the collection: once. `kind` may also be a Collection.

    Returns counts: requests (created), sent (requests sent now), emails (queued now),
    already (requests sent before) and no_contact (names of schools with no active contact).
    """
    today = today or clock.today()
    if isinstance(kind, Collection):
        academic_year = kind.academic_year
    elif academic_year is None:
        raise SendError("Give the academic year, e.g. --year 2022")
    else:
        _check_kind(kind)
    if not force:
        _check_send_date(kind, academic_year, today)
    collection = _resolve_collection(kind, academic_year)
    created = create_requests(collection)
    request_ids = list(db.session.scalars(
        select(SchoolRequest.id).where(SchoolRequest.collection_id == collection.id).order_by(SchoolRequest.id)))
    if not request_ids:
        raise SendError(f"No school has anyone on its {collection.kind} list for {collection.academic_year}: "
                        "nothing to send")
    result = {"collection_id": collection.id, "requests": created, "sent": 0, "emails": 0, "already": 0,
              "no_contact": []}
    render = renderer("invite_leavers" if collection.kind == "leavers" else "invite_no_offer")
    contacts = contacts_by_school(collection.id)
    invited = _invited_requests(collection.id)
    for request_id in request_ids:
        school_request = _lock(request_id)
        if school_request is None or school_request.status != "not_sent":
            result["already"] += 1
            continue
        queued = _send_invite(school_request, collection, render, contacts.get(school_request.establishment_id, []),
                              request_id in invited, today)
        if queued is None:
            result["no_contact"].append(school_request.establishment.name)
            continue
        result["sent"] += 1
        result["emails"] += queued
    db.session.flush()
    logger.info("collection %s sent", collection.id, extra={**result, "no_contact": len(result["no_contact"])})
    return result


def contacts_by_school(collection_id: int) -> dict[int, list[EstablishmentContact]]:
    """The active contacts of every school with a request in the collection, main contact first."""
    rows = db.session.scalars(
        select(EstablishmentContact)
        .join(SchoolRequest, SchoolRequest.establishment_id == EstablishmentContact.establishment_id)
        .where(SchoolRequest.collection_id == collection_id, EstablishmentContact.active.is_(True))
        .order_by(EstablishmentContact.establishment_id, EstablishmentContact.position, EstablishmentContact.id)
    )
    contacts: dict[int, list[EstablishmentContact]] = {}
    for contact in rows:
        contacts.setdefault(contact.establishment_id, []).append(contact)
    return contacts


def _invited_requests(collection_id: int) -> set[int]:
    """Requests of the collection whose invitation is already in the outbox."""
    return set(db.session.scalars(
        select(OutboxMessage.school_request_id)
        .join(SchoolRequest, SchoolRequest.id == OutboxMessage.school_request_id)
        .where(SchoolRequest.collection_id == collection_id, OutboxMessage.kind == "invite")
        .distinct()
    ))


def _send_invite(school_request: SchoolRequest, collection: Collection, render, contacts: list,
                 already_queued: bool, today: date) -> int | None:
    """Issue the link and queue the invitation to every active contact; None if it has none."""
    if not contacts:
        _event(school_request.id, "not sent", "The school has no active contact")
        return None
    prefix = f"request:{school_request.id}:invite:1:"
    queued = 0
    if not already_queued:  # a new link would break the one already emailed
        school_request.due_on = reply_by(collection, today)
        from tep_app.services.links import issue_token

        token = issue_token(school_request, today=today)
        link = f"{current_app.config['BASE_URL']}/school/start/{token}"
        subject, body = render(school_name=school_request.establishment.name, collection_title=collection.title,
                               link=link, deadline=_long(school_request.due_on))
        for contact in contacts:
            message = queue_email(ledger_key=f"{prefix}{contact.position}", kind="invite", to=contact.email,
                                  subject=subject, body=body, school_request_id=school_request.id)
            queued += message is not None
    school_request.status = "sent"
    school_request.sent_at = utcnow()
    _event(school_request.id, "invite sent", f"To {len(contacts)} contact{'s' if len(contacts) != 1 else ''}")
    db.session.flush()
    return queued


def reply_by(collection: Collection, sent_on: date) -> date:
    """The school's effective reply-by date for a list sent on `sent_on`: the calendar's deadline,
    or the send date plus the year's reply period when the list goes out late."""
    cal = _calendar()
    return cal.effective_due(collection.due_on, sent_on,
                             cal.get_setting(collection.academic_year, cal.REPLY_WORKING_DAYS))


def _open_requests():
    return list(db.session.scalars(
        select(SchoolRequest).where(SchoolRequest.status.in_(OPEN_STATUSES))
        .options(selectinload(SchoolRequest.collection), selectinload(SchoolRequest.establishment))
        .order_by(SchoolRequest.id)
    ))


def reminder_due(school_request: SchoolRequest, today: date) -> int:
    """The number of the reminder due today (0 for none): on or after its day, before the deadline."""
    if today > school_request.due_on:
        return 0
    add = _calendar().add_working_days
    sent_on = clock.local_date(school_request.sent_at) if school_request.sent_at else None
    due = 0
    for n, days in enumerate(REMINDER_DAYS, start=1):
        day = add(school_request.due_on, -days)
        if today >= day and (sent_on is None or sent_on < day):
            due = n
    return due if due > (school_request.reminders_sent or 0) else 0


def chaser_due(school_request: SchoolRequest, today: date) -> int:
    """The number of the chaser due today (0 for none): every 5 working days after the deadline,
    at most MAX_CHASERS."""
    add = _calendar().add_working_days
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
    next_chaser = _calendar().add_working_days(today, CHASER_EVERY)
    return expires is None or expires < clock.end_of_day(next_chaser)


def _follow_up_text(school_request: SchoolRequest, kind: str, today: date | None = None) -> tuple[str, str, str]:
    """(subject, body, outbox kind) of a reminder or chaser. A chaser to a school whose link has
    lapsed, or is about to, carries a new link ("chaser_link"); the old link says it was replaced."""
    values = {"school_name": school_request.establishment.name,
              "collection_title": school_request.collection.title, "deadline": _long(school_request.due_on)}
    today = today or clock.today()
    if kind == "chaser" and needs_new_link(school_request, today):
        from tep_app.services.links import issue_token

        token = issue_token(school_request, today=today)
        subject, body = render_email("chaser_link", link=f"{current_app.config['BASE_URL']}/school/start/{token}",
                                     **values)
        return subject, body, "chaser_link"
    subject, body = render_email(kind, sent_date=_long(_link_sent_on(school_request)), **values)
    return subject, body, kind


def _follow_up(school_request: SchoolRequest, kind: str, n: int, ledger: str, second: bool, today: date) -> int:
    contacts = active_contacts(school_request.establishment_id)
    if not contacts:
        _event(school_request.id, f"{kind} not sent", "The school has no active contact")
        return 0
    subject, body, kind = _follow_up_text(school_request, kind, today)
    targets = [(ledger, contacts[0])]
    if second and len(contacts) > 1:
        targets.append((f"{ledger}:second", contacts[1]))
    queued = 0
    for key, contact in targets:
        message = queue_email(ledger_key=key, kind=kind, to=contact.email, subject=subject, body=body,
                              school_request_id=school_request.id)
        queued += message is not None
    if queued:
        _event(school_request.id, f"{kind} {n} sent", "To " + ", ".join(c.email for _, c in targets))
    return queued


def send_reminders(today: date | None = None) -> int:
    """Reminders 7 and 2 working days before the deadline to schools that have not submitted."""
    today = today or clock.today()
    queued = 0
    for candidate in _open_requests():
        n = reminder_due(candidate, today)
        if not n:
            continue
        school_request = _lock(candidate.id)
        if school_request is None or school_request.status not in OPEN_STATUSES or reminder_due(school_request, today) != n:
            continue
        queued += _follow_up(school_request, "reminder", n, f"request:{school_request.id}:reminder:{n}", False, today)
        school_request.reminders_sent = n
        db.session.flush()
    logger.info("%s reminders queued", queued, extra={"queued": queued, "today": today.isoformat()})
    return queued


def send_chasers(today: date | None = None) -> int:
    """Chasers every 5 working days after the deadline; from the third, the second contact too."""
    today = today or clock.today()
    queued = 0
    for candidate in _open_requests():
        n = chaser_due(candidate, today)
        if not n:
            continue
        school_request = _lock(candidate.id)
        if school_request is None or school_request.status not in OPEN_STATUSES or chaser_due(school_request, today) != n:
            continue
        queued += _follow_up(school_request, "chaser", n, f"request:{school_request.id}:chaser:{n}",
                             n >= SECOND_CONTACT_FROM_CHASER, today)
        school_request.chasers_sent = n
        db.session.flush()
    logger.info("%s chasers queued", queued, extra={"queued": queued, "today": today.isoformat()})
    return queued


def chase_request(request_id: int, user_id: int | None) -> OutboxMessage | None:
    """A manager's one-click chase. None if the school has submitted, has no contact or was
    chased by hand today."""
    school_request = _lock(request_id)
    if school_request is None:
        raise LookupError("There is no such school request")
    if school_request.status not in OPEN_STATUSES:
        return None
    prefix = f"request:{request_id}:manual-chase:"
    manual = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.ledger_key.like(f"{prefix}%"))))
    if any(m.created_at and clock.local_date(m.created_at) == clock.today()
           for m in manual):
        return None
    contacts = active_contacts(school_request.establishment_id)
    if not contacts:
        return None
    n = len(manual) + 1
    subject, body, kind = _follow_up_text(school_request, "chaser")
    message = queue_email(ledger_key=f"{prefix}{n}", kind=kind, to=contacts[0].email, subject=subject,
                          body=body, school_request_id=request_id)
    if message is not None:
        actor = f"staff:{user_id}" if user_id else None
        _event(request_id, "chaser sent by a manager", f"To {contacts[0].email}", actor)
        from tep_app.services.audit import record_audit

        record_audit("chase school", "school_request", request_id, after={"to": contacts[0].email, "n": n})
        db.session.flush()
    return message


def list_requests(collection_id: int, status: str | None = None, today: date | None = None) -> list[SchoolRequest]:
    """The requests of a collection with their school, by school name; status may be "overdue"."""
    today = today or clock.today()
    rows = list(db.session.scalars(
        select(SchoolRequest).join(Establishment, Establishment.id == SchoolRequest.establishment_id)
        .where(SchoolRequest.collection_id == collection_id)
        .options(selectinload(SchoolRequest.establishment), selectinload(SchoolRequest.collection))
        .order_by(Establishment.name)
    ))
    if status:
        rows = [r for r in rows if r.display_status(today) == status]
    return rows


def get_request_history(request_id: int) -> list[dict]:
    """Every event and email of a request, newest first: {"at", "kind", "detail", "actor"}."""
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.school_request_id == request_id))
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.school_request_id == request_id))
    history = [{"at": e.created_at, "kind": e.kind, "detail": e.detail, "actor": e.actor} for e in events]
    history += [{"at": m.created_at, "kind": f"email {m.kind} {m.status}",
                 "detail": f"To {m.to_address}: {m.subject}", "actor": None} for m in messages]
    return sorted(history, key=lambda item: item["at"].replace(tzinfo=None), reverse=True)


def reopen_request(request_id: int, user_id: int | None) -> bool:
    """Let a school change its answers again; True if it had submitted."""
    from tep_app.services.audit import record_audit

    school_request = db.session.get(SchoolRequest, request_id)
    if school_request is None:
        raise LookupError("There is no such school request")
    if school_request.status != "submitted":
        return False
    school_request.status = "in_progress"
    school_request.submitted_at = None
    _event(request_id, "reopened", None, f"staff:{user_id}" if user_id else None)
    record_audit("reopen request", "school_request", request_id)
    db.session.flush()
    return True
