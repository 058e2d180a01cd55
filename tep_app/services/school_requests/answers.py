"""The school's side of a request: its list, its answers, its status and its submission.

Every function takes the request the school's session is limited to; nothing here trusts an id
from a URL without checking it belongs to that request.
"""
import logging
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import RequestEvent, SchoolRequest, SchoolResponse
from tep_app.models.collections import ListEntry
from tep_app.models.people import YoungPerson
from tep_app.services.answer_fields import ANSWER_FIELDS, OUTCOME_FIELDS
from tep_app.services.audit import record_audit
from tep_app.services.cases import open_cases_for_request
from tep_app.services.destinations import outcome_value
from tep_app.services.messaging.email_texts import render_email
from tep_app.services.messaging.outbox import queue_email
from tep_app.services.request_states import (
    IN_PROGRESS,
    OPENED,
    SUBMITTED,
    add_event,
    closed_clause,
    move_clause,
)
from tep_app.services.school_requests.outcomes import (
    STATE_LABELS,
    answer_state,
    apply_answers,
)

logger = logging.getLogger(__name__)


class StaleAnswer(Exception):
    """Someone else at the school saved this answer after the form was opened."""

    def __init__(self, current: SchoolResponse | None):
        super().__init__("stale answer")
        self.current = current


class RequestClosed(Exception):
    """The request has been submitted: answers can no longer change."""


@dataclass
class ListRow:
    entry: ListEntry
    response: SchoolResponse | None

    @property
    def state(self) -> str:
        return answer_state(self.response)

    @property
    def status(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def outcome(self) -> str | None:
        """The answer's choice value (destination, status or move), for its words."""
        return outcome_value(self.response)


@dataclass
class Progress:
    total: int = 0
    answered: int = 0
    contact_only: int = 0
    drafts: int = 0
    rows: list[ListRow] = field(default_factory=list)

    @property
    def not_started(self) -> int:
        return self.total - self.answered - self.contact_only - self.drafts


def get_request(school_request_id: int | None) -> SchoolRequest | None:
    if not school_request_id:
        return None
    return db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == school_request_id)
        .options(selectinload(SchoolRequest.establishment), selectinload(SchoolRequest.collection))
    )


def _entries_query(school_request: SchoolRequest):
    return select(ListEntry).where(
        ListEntry.collection_id == school_request.collection_id,
        ListEntry.establishment_id == school_request.establishment_id,
    )


def list_progress(school_request: SchoolRequest) -> Progress:
    """The school's young people in surname order, each with its answer (if any)."""
    entries = list(db.session.scalars(
        _entries_query(school_request).join(ListEntry.young_person)
        .options(selectinload(ListEntry.young_person), selectinload(ListEntry.school_record))
        .order_by(YoungPerson.surname, YoungPerson.forename, ListEntry.id)
    ))
    responses = {r.list_entry_id: r for r in db.session.scalars(
        select(SchoolResponse).where(SchoolResponse.school_request_id == school_request.id)
    )}
    progress = Progress(total=len(entries))
    for entry in entries:
        row = ListRow(entry, responses.get(entry.id))
        progress.rows.append(row)
        state = row.state
        if state == "answered":
            progress.answered += 1
        elif state == "contact_only":
            progress.contact_only += 1
        elif state == "draft":
            progress.drafts += 1
    return progress


def get_entry(school_request: SchoolRequest, list_entry_id: int) -> ListEntry | None:
    """One young person on this request's list; None for anyone else's."""
    return db.session.scalar(
        _entries_query(school_request).where(ListEntry.id == list_entry_id)
        .options(selectinload(ListEntry.young_person), selectinload(ListEntry.school_record))
    )


def get_response(school_request: SchoolRequest, list_entry_id: int) -> SchoolResponse | None:
    return db.session.scalar(select(SchoolResponse).where(
        SchoolResponse.school_request_id == school_request.id, SchoolResponse.list_entry_id == list_entry_id,
    ))


def _move_status(school_request: SchoolRequest, new_status: str, **values) -> bool:
    """Move the status forward once, whoever gets there first; True if this call moved it."""
    result = db.session.execute(
        update(SchoolRequest)
        .where(SchoolRequest.id == school_request.id, move_clause(new_status))
        .values(status=new_status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        db.session.expire(school_request)
    return bool(result.rowcount)


def touch(school_request: SchoolRequest) -> None:
    db.session.execute(
        update(SchoolRequest).where(SchoolRequest.id == school_request.id)
        .values(last_activity_at=clock.now()).execution_options(synchronize_session=False)
    )


def _claim_open(school_request: SchoolRequest) -> None:
    """Note the activity and hold the request's row until commit, so that a submit cannot slip
    between this check and the save; raise RequestClosed once it is submitted."""
    result = db.session.execute(
        update(SchoolRequest).where(SchoolRequest.id == school_request.id, ~closed_clause())
        .values(last_activity_at=clock.now()).execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        raise RequestClosed()


def mark_opened(school_request: SchoolRequest) -> None:
    """A valid link was opened: the first time moves the request to "opened"."""
    moved = _move_status(school_request, OPENED, first_opened_at=clock.now())
    add_event(school_request.id, "link opened", "First opened" if moved else None, "school")
    record_audit("open link", "school_request", school_request.id, actor=("school", str(school_request.id), None))
    db.session.flush()


def record_sign_in(school_request: SchoolRequest, contact_email: str) -> None:
    touch(school_request)
    record_audit("school sign in", "school_request", school_request.id,
                 actor=("school", str(school_request.id), contact_email))
    db.session.flush()


def save_answer(school_request: SchoolRequest, entry: ListEntry, values: dict, *, expected_version: int,
                answered: bool, contact_email: str, source: str = "form") -> SchoolResponse:
    """Save one answer. expected_version is the version the form was opened with (0: none yet).

    Raises StaleAnswer when someone else saved it since, and RequestClosed after submit.
    """
    _claim_open(school_request)
    response = get_response(school_request, entry.id)
    current_version = response.version if response else 0
    if current_version != expected_version:
        raise StaleAnswer(response)
    before = _answer_dict(response) if response else None
    try:
        with db.session.begin_nested():
            if response is None:
                response = SchoolResponse(school_request_id=school_request.id, list_entry_id=entry.id)
                db.session.add(response)
            for name in ANSWER_FIELDS:
                setattr(response, name, values.get(name))
            response.answered = answered
            response.source = source
            response.updated_by = contact_email
    except (StaleDataError, IntegrityError):
        db.session.expire_all()
        raise StaleAnswer(get_response(school_request, entry.id)) from None
    _after_save(school_request, contact_email, 1)
    record_audit("school answer saved", "young_person", entry.young_person_id,
                 before=before, after=_answer_dict(response))
    return response


@dataclass
class UploadSaved:
    changed: int = 0    # rows whose answer the file changed (or gave for the first time)
    unchanged: int = 0  # rows whose filled-in cells all match what is held: left as they were
    replaced: int = 0   # of the changed, answers or drafts a colleague had saved (kept in the audit trail)


def _plain(value):
    """A value as compared: text stripped, with one kind of line ending."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def upload_changes(response: SchoolResponse | None, values: dict) -> dict:
    """The fields a file's row changes: each field the row holds whose value differs from what is
    held. A field the row does not hold (a blank cell, a column the file lacks) is never changed,
    except "where they moved to", which goes when the row changes a move to something else."""
    changes = {name: value for name, value in values.items()
               if _plain(getattr(response, name, None)) != _plain(value)}
    if (response is not None and response.moved_to and changes.keys() & set(OUTCOME_FIELDS)
            and not values.get("moved")):
        changes["moved_to"] = None
    return changes


def save_upload(school_request: SchoolRequest, answers: list[tuple[ListEntry, dict]],
                contact_email: str) -> UploadSaved:
    """Save what a checked file changes (all of it or, on any failure, none).

    `answers` holds, for each row with a cell filled in, the fields of its filled-in cells. A row
    whose fields all match what is held is left exactly as it is: an answer keeps its source and
    version, and a draft stays a draft. A row that changes something becomes the uploader's answer:
    the changed fields are written and every other field held (a colleague's draft's too) is kept.
    """
    _claim_open(school_request)
    existing = {r.list_entry_id: r for r in db.session.scalars(
        select(SchoolResponse).where(SchoolResponse.school_request_id == school_request.id)
    )}
    result = UploadSaved()
    for entry, values in answers:
        response = existing.get(entry.id)
        changes = upload_changes(response, values)
        if not changes:
            result.unchanged += 1
            continue
        before = _answer_dict(response) if response else None
        if response is None:
            response = SchoolResponse(school_request_id=school_request.id, list_entry_id=entry.id)
            db.session.add(response)
        elif response.updated_by != contact_email:
            result.replaced += 1
        for name, value in changes.items():
            setattr(response, name, value)
        # Answered with an outcome, or contact details given without one.
        response.answered = True
        response.source = "upload"
        response.updated_by = contact_email
        result.changed += 1
        record_audit("school answer saved", "young_person", entry.young_person_id,
                     before=before, after={"source": "upload", **_answer_dict(response)})
    db.session.flush()
    if result.changed:
        _after_save(school_request, contact_email, result.changed)
    add_event(school_request.id, "file uploaded", f"{result.changed} answers changed, {result.unchanged} rows "
                                                   "unchanged", contact_email)
    return result


def _after_save(school_request: SchoolRequest, contact_email: str, count: int) -> None:
    if _move_status(school_request, IN_PROGRESS):
        add_event(school_request.id, "answers started", None, contact_email)
    db.session.flush()


def _answer_dict(response: SchoolResponse) -> dict:
    data = {name: getattr(response, name) for name in ANSWER_FIELDS}
    if data.get("start_date"):
        data["start_date"] = data["start_date"].isoformat()
    data["answered"] = response.answered
    return data


def submit_request(school_request: SchoolRequest, contact_email: str) -> dict | None:
    """Submit once: apply the answers, open cases, queue the receipt. None if already submitted."""
    stamp = clock.now()
    previous = db.session.scalar(select(func.count(RequestEvent.id)).where(
        RequestEvent.school_request_id == school_request.id, RequestEvent.kind == SUBMITTED))
    moved = db.session.execute(
        update(SchoolRequest)
        .where(SchoolRequest.id == school_request.id, move_clause(SUBMITTED))
        .values(status=SUBMITTED, submitted_at=stamp, submitted_by=contact_email,
                last_activity_at=stamp, version=SchoolRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        return None
    db.session.expire(school_request)
    submitted_on = stamp.astimezone(clock.zone()).date()
    counts = apply_answers(school_request, submitted_on)
    progress = list_progress(school_request)
    counts.update(total=progress.total, answered=progress.answered, drafts=progress.drafts,
                  not_started=progress.not_started)
    counts["cases"] = open_cases_for_request(school_request)
    add_event(school_request.id, SUBMITTED, f"{progress.answered} of {progress.total} answered", contact_email)
    record_audit("school submitted", "school_request", school_request.id, after=counts)
    _queue_receipt(school_request, contact_email, stamp, counts, previous + 1)
    db.session.flush()
    logger.info("request %s submitted", school_request.id, extra={"school_request_id": school_request.id})
    return counts


def _queue_receipt(school_request: SchoolRequest, contact_email: str, stamp, counts: dict, number: int) -> None:
    subject, body = render_email(
        "receipt", school_name=school_request.establishment.name,
        collection_title=school_request.collection.title,
        submitted_at=long_date(stamp), counts=counts,
    )
    queue_email(ledger_key=f"request:{school_request.id}:receipt:{number}", kind="receipt", to=contact_email,
                subject=subject, body=body, school_request_id=school_request.id)
    add_event(school_request.id, "receipt queued", None, contact_email)


def submission_reference(school_request: SchoolRequest) -> str:
    """A reference a school can quote: the school's LAESTAB, the collection and the request id."""
    kind = "LD" if school_request.collection.kind == "leavers" else "NO"
    return f"{kind}-{school_request.establishment.laestab}-{school_request.id}"
