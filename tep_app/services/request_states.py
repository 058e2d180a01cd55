"""A school request's life in one place: its stored states, what "overdue" means on a given day,
the one status every page shows, and how many chasers it has had.

Stored: not sent -> sent -> opened -> in progress -> submitted (a school may submit from any sent
state). Shown: the stored state, except that a list sent and not submitted is "overdue" from the
day after its reply-by date (a list due today is not yet overdue). The dashboard, the Schools
pages, the request page, the chasers and the nightly cases all ask this module, and every event
in a request's history is written here (add_event). Sending and following up claim a request's
row here too (lock_request), so two processes never email the same school at once.
"""
from datetime import date

from sqlalchemy import and_, case, select
from sqlalchemy.orm import joinedload

from tep_app.extensions import db
from tep_app.models import RequestEvent, SchoolRequest

STORED_STATUSES = NOT_SENT, SENT, OPENED, IN_PROGRESS, SUBMITTED = (
    "not_sent", "sent", "opened", "in_progress", "submitted")
OPEN_STATUSES = (SENT, OPENED, IN_PROGRESS)  # sent and not yet submitted
OVERDUE = "overdue"
STATUS_ORDER = (OVERDUE, *STORED_STATUSES)  # the dashboard's order
STATUS_LABELS = {
    OVERDUE: "Overdue", NOT_SENT: "Not sent", SENT: "Sent", OPENED: "Opened",
    IN_PROGRESS: "In progress", SUBMITTED: "Submitted",
}
STATUS_TAGS = {
    OVERDUE: "govuk-tag--red", NOT_SENT: "govuk-tag--grey", SENT: "govuk-tag--blue",
    OPENED: "govuk-tag--light-blue", IN_PROGRESS: "govuk-tag--yellow", SUBMITTED: "govuk-tag--green",
}
# The moves a request makes: each stored state, from the states it may be reached from. The first
# open of a link and the first answer move it forward once; a school may submit from any state.
MOVES = {
    SENT: (NOT_SENT,),
    OPENED: (NOT_SENT, SENT),
    IN_PROGRESS: (NOT_SENT, SENT, OPENED),
    SUBMITTED: (NOT_SENT, SENT, OPENED, IN_PROGRESS),
}


def can_move(status: str, to: str) -> bool:
    return status in MOVES[to]


def move_clause(to: str):
    """SQL: the request may move to `to`, as can_move."""
    return SchoolRequest.status.in_(MOVES[to])


def was_sent(status: str) -> bool:
    return status != NOT_SENT


def sent_clause():
    """SQL: the list has been sent (whatever happened next), as was_sent."""
    return SchoolRequest.status != NOT_SENT


def reached_clause(status: str):
    """SQL: the request has reached `status` or a later stored state."""
    return SchoolRequest.status.in_(STORED_STATUSES[STORED_STATUSES.index(status):])


def is_closed(status: str) -> bool:
    """Submitted: the answers can no longer change and the school needs no link or chaser."""
    return status == SUBMITTED


def closed_clause():
    """SQL: as is_closed."""
    return SchoolRequest.status == SUBMITTED


def is_open(status: str) -> bool:
    """Sent and not yet submitted: the school can still answer, and may be reminded and chased."""
    return status in OPEN_STATUSES


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Past its reply-by date (from the day after it) and not submitted; a list never sent is not."""
    return is_open(status) and due_on is not None and today > due_on


def shown_status(status: str, due_on: date | None, today: date) -> str:
    """The status a page shows: "overdue" or the stored one."""
    return OVERDUE if is_overdue(status, due_on, today) else status


def status_of(school_request: SchoolRequest, today: date) -> str:
    return shown_status(school_request.status, school_request.due_on, today)


def status_label(status: str) -> str:
    return STATUS_LABELS[status]


def status_tag(status: str) -> str:
    """The colour of the tag a page shows the status in."""
    return STATUS_TAGS[status]


def overdue_clause(today):
    """SQL: the request is overdue on `today` (a date or a bound parameter), as is_overdue."""
    return and_(SchoolRequest.status.in_(OPEN_STATUSES), SchoolRequest.due_on < today)


def status_expression(today):
    """SQL: the status a page shows, as shown_status."""
    return case((overdue_clause(today), OVERDUE), else_=SchoolRequest.status)


def chasers_count(school_request: SchoolRequest) -> int:
    """Every chaser the school has had: the automatic ones and those a manager sent by hand."""
    return (school_request.chasers_sent or 0) + (school_request.manual_chasers_sent or 0)


def chasers_expression():
    """SQL: as chasers_count."""
    return SchoolRequest.chasers_sent + SchoolRequest.manual_chasers_sent


def add_event(request_id: int, kind: str, detail: str | None = None, actor: str | None = "system") -> None:
    """One line of the request's history ("system" is the service itself; None, someone unknown)."""
    db.session.add(RequestEvent(school_request_id=request_id, kind=kind, detail=detail, actor=actor))


def lock_request(request_id: int) -> SchoolRequest | None:
    """Claim one request row; None if another process holds it (PostgreSQL) or it is gone."""
    return db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == request_id)
        .options(joinedload(SchoolRequest.establishment, innerjoin=True))
        .with_for_update(skip_locked=True, of=SchoolRequest)
        .execution_options(populate_existing=True)
    )
