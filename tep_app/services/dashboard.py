"""The manager's chase-up dashboard: school request statuses, officers' caseloads, exports.

Each table is one aggregated query; a school's status and its chasers come from
services/request_states.py, as on every other page.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Date, DateTime, Integer, and_, bindparam, case, func, or_, select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Case,
    Collection,
    Establishment,
    ListEntry,
    SchoolRequest,
    SchoolResponse,
    StaffUser,
)
from tep_app.pagination import ROWS_PER_PAGE, Page
from tep_app.services.figures import no_offer_figures, not_known_by_week, not_known_counts
from tep_app.services.request_states import (
    NOT_SENT,
    OPEN_STATUSES,
    OPENED,
    OVERDUE,
    SENT,
    STATUS_LABELS,
    STATUS_ORDER,
    SUBMITTED,
    chasers_expression,
    closed_clause,
    overdue_clause,
    reached_clause,
    sent_clause,
    status_expression,
    status_tag,
)
from tep_app.services.school_requests.outcomes import is_answered_clause

CHASEABLE = (OVERDUE, *OPEN_STATUSES)
# The tiles above the table: cumulative, so a list that was sent, opened and answered counts under
# each of the three. (key, label)
LIST_FIGURES = ((SENT, "Lists sent"), (OPENED, "Opened by the school"), (SUBMITTED, "Submitted"),
                (OVERDUE, "Overdue"), (NOT_SENT, "Not sent yet"))
EXPORT_TABLES = ("schools", "districts", "school-figures", "year-groups", "officers", "weekly", "no-offer")


@dataclass
class SchoolRow:
    request_id: int
    school: str
    laestab: str
    status: str
    sent_at: datetime | None
    opened_at: datetime | None
    last_activity_at: datetime | None
    reminders_sent: int
    chasers_sent: int
    answered: int
    listed: int
    due_on: date | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_tag(self) -> str:
        return status_tag(self.status)

    @property
    def chaseable(self) -> bool:
        return self.status in CHASEABLE


@dataclass
class OfficerRow:
    officer_id: int
    name: str
    email: str
    open_cases: int
    resolved_this_week: int
    follow_ups_overdue: int


def list_collections() -> list[Collection]:
    """Newest year first; within a year the later send first (as get_collection's default)."""
    return list(db.session.scalars(
        select(Collection).order_by(Collection.academic_year.desc(), Collection.send_on.desc(), Collection.id)))


def collection_in_progress(collections: list[Collection], today: date | None = None) -> Collection | None:
    """The collection a manager is working on today: the latest one already sent to schools (by
    its send date), else the latest whose send date has come, else the newest."""
    today = today or clock.today()
    if not collections:
        return None
    sent = set(db.session.scalars(select(SchoolRequest.collection_id).where(
        SchoolRequest.collection_id.in_([c.id for c in collections]), sent_clause()).distinct()))
    due = sorted((c for c in collections if c.send_on <= today), key=lambda c: c.send_on, reverse=True)
    return next((c for c in due if c.id in sent), None) or (due[0] if due else collections[0])


def get_collection(collection_id: int | None, collections: list[Collection] | None = None) -> Collection | None:
    """The chosen collection, or the one in progress today when none (or an unknown one) is chosen."""
    if collections is not None:
        chosen = next((c for c in collections if c.id == collection_id), None)
        return chosen or collection_in_progress(collections)
    if collection_id is not None:
        chosen = db.session.get(Collection, collection_id)
        if chosen is not None:
            return chosen
    return db.session.scalar(
        select(Collection).order_by(Collection.academic_year.desc(), Collection.send_on.desc()).limit(1))


def _status_rank(status_expr):
    return case(*[(status_expr == status, rank) for rank, status in enumerate(STATUS_ORDER)], else_=len(STATUS_ORDER))


def _today_param():
    return bindparam("today", type_=Date)


def _collection():
    return bindparam("collection_id", type_=Integer)


@cache
def _summary_query():
    """Built once, like the other statements here: building them costs more than running them."""
    status = status_expression(_today_param())
    return select(status, func.count()).where(SchoolRequest.collection_id == _collection()).group_by(status)


def summarise_request_statuses(collection_id: int, today: date | None = None) -> dict[str, int]:
    """How many schools are in each status (not sent ... submitted, overdue), with zeroes."""
    counts = dict(db.session.execute(_summary_query(),
                                     {"collection_id": collection_id, "today": today or clock.today()}).all())
    return {key: int(counts.get(key, 0)) for key in STATUS_ORDER}


@cache
def _figures_query():
    today = _today_param()
    sent = sent_clause()
    opened = or_(SchoolRequest.first_opened_at.is_not(None), reached_clause(OPENED))

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return select(count(sent), count(opened), count(closed_clause()),
                  count(overdue_clause(today)), count(~sent)).where(SchoolRequest.collection_id == _collection())


def count_lists(collection_id: int, today: date | None = None) -> dict[str, int]:
    """The tiles: how many lists were sent, and of those how many were opened, submitted and are
    overdue (each counted at every step it has reached), and how many are not sent yet."""
    row = db.session.execute(_figures_query(), {"collection_id": collection_id,
                                                 "today": today or clock.today()}).one()
    return {key: int(value) for (key, _label), value in zip(LIST_FIGURES, row, strict=True)}


@cache
def _school_rows_query(paged: bool):
    """The chase-up table's rows for a collection (bound parameters: collection_id, today; with
    limit and offset when paged)."""
    collection_id, today = _collection(), _today_param()
    status = status_expression(today).label("display_status")
    listed = (
        select(ListEntry.establishment_id, func.count().label("listed"))
        .where(ListEntry.collection_id == collection_id)
        .group_by(ListEntry.establishment_id)
        .subquery("listed")
    )
    answered = (
        select(SchoolResponse.school_request_id, func.count().label("answered"))
        .join(SchoolRequest, SchoolRequest.id == SchoolResponse.school_request_id)
        .where(SchoolRequest.collection_id == collection_id, is_answered_clause())
        .group_by(SchoolResponse.school_request_id)
        .subquery("answered")
    )
    query = (
        select(SchoolRequest.id, Establishment.name, Establishment.laestab, status, SchoolRequest.sent_at,
               SchoolRequest.first_opened_at, SchoolRequest.last_activity_at, SchoolRequest.reminders_sent,
               chasers_expression(), func.coalesce(answered.c.answered, 0),
               func.coalesce(listed.c.listed, 0), SchoolRequest.due_on)
        .join(Establishment, Establishment.id == SchoolRequest.establishment_id)
        .outerjoin(listed, listed.c.establishment_id == SchoolRequest.establishment_id)
        .outerjoin(answered, answered.c.school_request_id == SchoolRequest.id)
        .where(SchoolRequest.collection_id == collection_id)
        .order_by(_status_rank(status_expression(today)), Establishment.name, SchoolRequest.id)
    )
    if paged:
        query = query.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    return query


@cache
def _request_count_query():
    return select(func.count()).where(SchoolRequest.collection_id == _collection())


def list_school_requests(collection_id: int, today: date | None = None, page: int | None = 1,
                         per_page: int = ROWS_PER_PAGE, total: int | None = None) -> tuple[list[SchoolRow], int]:
    """The chase-up table, overdue first then by status; (rows of the page, number of pages).
    page=None gives every row (for the export). `total`, when known, saves counting again."""
    params = {"collection_id": collection_id, "today": today or clock.today()}
    if total is None:
        total = db.session.scalar(_request_count_query(), params)
    shown = Page.of(page, total, per_page)
    if page is not None:
        params.update(limit=shown.size, offset=shown.offset)
    rows = [SchoolRow(*row) for row in db.session.execute(_school_rows_query(page is not None), params).all()]
    return rows, shown.pages


def _start_of_week(today: date) -> datetime:
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time.min, tzinfo=UTC)


@cache
def _caseloads_query():
    today = _today_param()
    is_open = Case.status == "open"
    resolved = and_(Case.status == "closed", Case.closed_at >= bindparam("week_start", type_=DateTime(timezone=True)))
    return (
        select(
            StaffUser.id, StaffUser.name, StaffUser.email,
            func.coalesce(func.sum(case((is_open, 1), else_=0)), 0),
            func.coalesce(func.sum(case((resolved, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(is_open, Case.next_follow_up_on < today), 1), else_=0)), 0),
        )
        .outerjoin(Case, Case.officer_id == StaffUser.id)
        .where(StaffUser.role == "officer", StaffUser.active.is_(True))
        .group_by(StaffUser.id, StaffUser.name, StaffUser.email)
        .order_by(StaffUser.name)
    )


def list_officer_caseloads(today: date | None = None) -> list[OfficerRow]:
    """Per active officer: open cases, cases resolved since Monday, follow-ups overdue."""
    today = today or clock.today()
    rows = db.session.execute(_caseloads_query(), {"today": today, "week_start": _start_of_week(today)}).all()
    return [OfficerRow(*(row[:3]), *(int(value) for value in row[3:])) for row in rows]


def export_table(table: str, collection: Collection | None, academic_year: int,
                 today: date | None = None) -> tuple[list[str], list[tuple]]:
    """(headers, rows) of one dashboard table, for writing to .xlsx."""
    today = today or clock.today()
    if table == "schools":
        rows = list_school_requests(collection.id, today, page=None)[0] if collection else []
        return (["School", "LAESTAB", "Status", "Sent", "Opened", "Last activity", "Reminders sent",
                 "Chasers sent", "Answered", "On the list"],
                [(r.school, r.laestab, r.status_label, r.sent_at, r.opened_at, r.last_activity_at,
                  r.reminders_sent, r.chasers_sent, r.answered, r.listed) for r in rows])
    if table in ("districts", "year-groups"):
        by = "district" if table == "districts" else "year_group"
        first = "District" if table == "districts" else "Year group"
        return ([first, "Leavers", "Not Known", "Not Known %", "NEET", "NEET %"],
                [tuple(row) for row in not_known_counts(academic_year, by=by, as_at=today)])
    if table == "officers":
        return (["Officer", "Email", "Open cases", "Resolved this week", "Follow-ups overdue"],
                [(r.name, r.email, r.open_cases, r.resolved_this_week, r.follow_ups_overdue)
                 for r in list_officer_caseloads(today)])
    if table == "weekly":
        return (["Week starting", "Not Known"], list(not_known_by_week(academic_year, today=today)))
    if table == "no-offer":
        by_school = no_offer_figures(academic_year, today)[1]
        names = dict(db.session.execute(select(Establishment.id, Establishment.name)
                                        .where(Establishment.id.in_(list(by_school)))).all()) if by_school else {}
        rows = sorted(((names.get(school_id, ""), figures.listed, figures.no_offer)
                       for school_id, figures in by_school.items()), key=lambda row: (row[0].lower(), row[0]))
        return ["School", "On the no-offer list", "No offer yet"], rows
    if table == "school-figures":
        return (["School", "Leavers", "Not Known", "Not Known %", "NEET", "NEET %"],
                [tuple(row) for row in not_known_counts(academic_year, by="school", as_at=today)])
    raise ValueError(f"unknown table {table!r}")


__all__ = [
    "CHASEABLE", "EXPORT_TABLES", "LIST_FIGURES", "OfficerRow", "chart_bars", "STATUS_LABELS",
    "STATUS_ORDER", "SchoolRow", "count_lists", "export_table", "get_collection", "list_collections",
    "list_officer_caseloads", "list_school_requests", "summarise_request_statuses",
]


def chart_bars(series: list[tuple[date, int]], width: int = 640, height: int = 200) -> dict:
    """Bar geometry for the week-by-week chart, drawn as server-side SVG (no script, no style)."""
    peak = max((count for _start, count in series), default=0) or 1
    slot = width / max(1, len(series))
    plot = height - 30
    bars = []
    for index, (start, count) in enumerate(series):
        bar_height = round((plot - 20) * count / peak, 1)  # 20px above the tallest bar for its label
        bars.append({
            "x": round(index * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1),
            "y": round(plot - bar_height, 1), "height": bar_height, "count": count, "start": start,
            "label_x": round(index * slot + slot / 2, 1),
        })
    return {"width": width, "height": height, "plot": plot, "bars": bars, "peak": peak}
