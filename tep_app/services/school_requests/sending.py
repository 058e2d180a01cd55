"""Sending: one request per school with someone on its list, and its invitation emailed once.

Every email goes through the outbox with a ledger key per request, kind and number, so a send is
exactly once even when two schedulers run at once: each request is claimed with `FOR UPDATE SKIP
LOCKED` on PostgreSQL and its status checked again under the lock, and the unique ledger key is the
last line of defence. A list sent after its calendar date gets a reply-by date of its own.
Services flush; the command or job commits.
"""
import logging
from datetime import date

from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    Collection,
    EstablishmentContact,
    ListEntry,
    OutboxMessage,
    SchoolRequest,
)
from tep_app.models.collections import COLLECTION_KINDS
from tep_app.services import calendar
from tep_app.services.dialect import insert_for
from tep_app.services.lists import ListsError, build_lists, calendar_prefix, find_collection
from tep_app.services.messaging.email_texts import LINK, renderer
from tep_app.services.messaging.outbox import queue_email
from tep_app.services.request_states import NOT_SENT, SENT, add_event, can_move, lock_request
from tep_app.services.school_requests.links import issue_token

logger = logging.getLogger(__name__)


class SendError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_kind(kind: str) -> None:
    if kind not in COLLECTION_KINDS:
        raise SendError(f"Unknown collection {kind!r}: use leavers or no-offer")


def create_requests(collection: Collection) -> int:
    """One request per school with someone on its list; returns how many were new."""
    with_entries = set(db.session.scalars(
        select(ListEntry.establishment_id).where(ListEntry.collection_id == collection.id).distinct()))
    existing = set(db.session.scalars(
        select(SchoolRequest.establishment_id).where(SchoolRequest.collection_id == collection.id)))
    missing = sorted(with_entries - existing)
    if not missing:
        return 0
    insert = insert_for()
    now = clock.now()
    rows = [{"collection_id": collection.id, "establishment_id": establishment_id, "status": NOT_SENT,
             "due_on": collection.due_on, "reminders_sent": 0, "chasers_sent": 0, "version": 1,
             "created_at": now, "updated_at": now} for establishment_id in missing]
    created = len(db.session.execute(
        insert(SchoolRequest).values(rows).on_conflict_do_nothing(index_elements=["collection_id", "establishment_id"])
        .returning(SchoolRequest.id)
    ).all())
    logger.info("%s school requests created for collection %s", created, collection.id,
                extra={"collection_id": collection.id, "requests_created": created})
    return created


def _resolve_collection(kind, academic_year) -> Collection:
    if isinstance(kind, Collection):
        return kind
    check_kind(kind)
    collection = find_collection(kind, academic_year)
    if collection is None or collection.built_at is None:
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
        on = (collection.send_on if collection
              else calendar.get_date(academic_year, f"{calendar_prefix(kind)}_send"))
    on = calendar.working_day_on_or_before(on)
    if today < on:
        raise SendError(f"The {kind if isinstance(kind, str) else kind.kind} lists for {academic_year} "
                        f"are not due to be sent until {long_date(on)}: use --force to send them now")


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
        check_kind(kind)
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
        school_request = lock_request(request_id)
        if school_request is None or not can_move(school_request.status, SENT):
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
        add_event(school_request.id, "not sent", "The school has no active contact")
        return None
    prefix = f"request:{school_request.id}:invite:1:"
    queued = 0
    if not already_queued:  # a new link would break the one already emailed
        school_request.due_on = reply_by(collection, today)
        issue_token(school_request, today=today)
        subject, body = render(school_name=school_request.establishment.name, collection_title=collection.title,
                               link=LINK, deadline=long_date(school_request.due_on))
        for contact in contacts:  # every contact's email carries the same link, made when it is sent
            message = queue_email(ledger_key=f"{prefix}{contact.position}", kind="invite", to=contact.email,
                                  subject=subject, body=body, school_request_id=school_request.id,
                                  link_nonce=school_request.link_nonce)
            queued += message is not None
    school_request.status = SENT
    school_request.sent_at = clock.now()
    add_event(school_request.id, "invite sent", f"To {len(contacts)} contact{'s' if len(contacts) != 1 else ''}")
    db.session.flush()
    return queued


def reply_by(collection: Collection, sent_on: date) -> date:
    """The school's effective reply-by date for a list sent on `sent_on`: the calendar's deadline for
    a list sent on or before its send date, else the later of that deadline and the send date plus
    the year's reply period in school days."""
    if sent_on <= collection.send_on:
        return collection.due_on
    return calendar.effective_due(collection.due_on, sent_on,
                                  calendar.get_setting(collection.academic_year, calendar.REPLY_WORKING_DAYS))


def send_due_collections(today: date | None = None) -> dict:
    """The scheduler's morning: send each collection of the current academic year whose send date has
    come (a send date on a weekend or bank holiday moves to the working day before), once. After the
    due date a built list still goes out, late, with a reply-by date of its own."""
    today = today or clock.today()
    year = calendar.current_academic_year(today)
    results = {}
    for kind in ("leavers", "no-offer"):
        collection = find_collection(kind, year)
        if collection is not None:
            send_on, due_on = collection.send_on, collection.due_on
        else:
            prefix = calendar_prefix(kind)
            send_on, due_on = calendar.get_date(year, f"{prefix}_send"), calendar.get_date(year, f"{prefix}_due")
        send_on = calendar.working_day_on_or_before(send_on)
        if today < send_on:
            continue
        # After the deadline a list still goes out (late, with a reply-by date of its own) once it
        # has been built; an unbuilt one is not built late by the scheduler.
        if today > due_on and (collection is None or collection.built_at is None):
            continue
        try:
            with db.session.begin_nested():
                results[kind] = send_collection(kind, year, today=today)
        except SendError as error:
            logger.warning("collection %s %s not sent: %s", kind, year, error.message,
                           extra={"kind": kind, "academic_year": year})
            results[kind] = {"error": error.message}
    return results
