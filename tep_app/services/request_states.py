"""A school request's life in one place: its stored states, what "overdue" means on a given day,
the one status every page shows, and how many chasers it has had.

Stored: not sent -> sent -> opened -> in progress -> submitted (a school may submit from any sent
state). Shown: the stored state, except that a list sent and not submitted is "overdue" from the
day after its reply-by date (a list due today is not yet overdue). The dashboard, the Schools
pages, the request page, the chasers and the nightly cases all ask this module.
"""
from datetime import date

from sqlalchemy import and_, case

from tep_app.models import SchoolRequest

STORED_STATUSES = ("not_sent", "sent", "opened", "in_progress", "submitted")
OPEN_STATUSES = ("sent", "opened", "in_progress")  # sent and not yet submitted
OVERDUE = "overdue"
STATUS_ORDER = (OVERDUE, "not_sent", "sent", "opened", "in_progress", "submitted")  # the dashboard's order
STATUS_LABELS = {
    OVERDUE: "Overdue", "not_sent": "Not sent", "sent": "Sent", "opened": "Opened",
    "in_progress": "In progress", "submitted": "Submitted",
}


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
