"""The officer's queue: open cases in priority order, filtered, searched and paginated in one query.

Priority: follow-ups due today or overdue first; then the vulnerable (an EHCP, or a NEET activity
in their history); then cases flagged for a letter or visit; then the longest Not Known.

A page of the queue is read as plain columns (no ORM objects), with the number of matching cases
counted in the same query.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy import (
    case as when,
)

from tep_app.extensions import db
from tep_app.models import Activity, ActivityCode, Case, District, Establishment, StaffUser, YoungPerson
from tep_app.pagination import CASES_PER_PAGE, Page

UNASSIGNED = -1


@dataclass
class QueueFilters:
    officer_id: int | None = None  # None: everyone's; UNASSIGNED: nobody's
    establishment_id: int | None = None
    district_id: int | None = None
    year_group: int | None = None
    status: str = "open"
    follow_up_due: bool = False
    search: str = ""
    page: int = 1


@dataclass
class QueueRow:
    """One case in the queue, with what the queue and reassignment pages show of it."""

    case_id: int
    display_name: str
    upn: str | None
    ehcp: bool
    school: str | None
    year_group: int | None
    not_known_since: date
    next_follow_up_on: date | None
    needs_letter_or_visit: bool
    officer: str | None
    follow_up_due: bool
    neet_history: bool

    @property
    def vulnerable(self) -> bool:
        return self.ehcp or self.neet_history


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int = CASES_PER_PAGE
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = Page(self.page, self.per_page, self.total).pages


def _neet_history():
    return exists().where(Activity.young_person_id == Case.young_person_id, Activity.code == ActivityCode.code,
                          ActivityCode.is_neet.is_(True)).correlate(Case)


def _search(text: str) -> tuple[str | int, dict]:
    """("upn", params) for a UPN, else (number of words, params): up to four words, each matched
    anywhere in a forename, surname or preferred forename."""
    text = (text or "").strip()
    compact = text.replace(" ", "").upper()
    if len(compact) == 13 and compact[1:12].isdigit():
        return "upn", {"upn": compact}
    terms = text.lower().split()[:4]
    return len(terms), {f"term_{n}": f"%{term}%" for n, term in enumerate(terms)}


def _shape(filters: QueueFilters, today: date) -> tuple[tuple, dict]:
    """Which filters are in use (the statements' cache key) and their values (bound parameters)."""
    params = {"status": filters.status if filters.status in ("open", "closed") else "open", "today": today}
    officer = None
    if filters.officer_id == UNASSIGNED:
        officer = "nobody"
    elif filters.officer_id:
        officer, params["officer_id"] = "one", filters.officer_id
    for name, value in (("establishment_id", filters.establishment_id), ("district_id", filters.district_id),
                        ("year_group", filters.year_group)):
        if value:
            params[name] = value
    search, search_params = _search(filters.search)
    params.update(search_params)
    shape = (officer, "establishment_id" in params, "district_id" in params, "year_group" in params,
             bool(filters.follow_up_due), search)
    return shape, params


@cache
def _statements(shape: tuple):
    """(page, count) for one combination of filters, built once with bound parameters: building
    these statements costs more than running them."""
    officer, by_school, by_district, by_year, follow_up_due, search = shape
    today = bindparam("today", type_=Date)
    conditions = [Case.status == bindparam("status")]
    if officer == "nobody":
        conditions.append(Case.officer_id.is_(None))
    elif officer == "one":
        conditions.append(Case.officer_id == bindparam("officer_id"))
    if by_school:
        conditions.append(Case.establishment_id == bindparam("establishment_id"))
    if by_district:
        conditions.append(Establishment.district_id == bindparam("district_id"))
    if by_year:
        conditions.append(Case.year_group == bindparam("year_group"))
    if follow_up_due:
        conditions.append(Case.next_follow_up_on <= today)
    if search == "upn":
        conditions.append(YoungPerson.upn == bindparam("upn"))
    else:
        for n in range(search):
            pattern = bindparam(f"term_{n}", type_=String)
            conditions.append(or_(func.lower(YoungPerson.forename).like(pattern),
                                  func.lower(YoungPerson.surname).like(pattern),
                                  func.lower(YoungPerson.preferred_forename).like(pattern)))
    base = (select(Case.id).select_from(Case).join(YoungPerson, YoungPerson.id == Case.young_person_id)
            .outerjoin(Establishment, Establishment.id == Case.establishment_id).where(*conditions))
    due = and_(Case.next_follow_up_on.is_not(None), Case.next_follow_up_on <= today)
    neet = _neet_history()
    page = (
        base.with_only_columns(
            Case.id, YoungPerson.preferred_forename, YoungPerson.forename, YoungPerson.surname, YoungPerson.upn,
            YoungPerson.ehcp, Establishment.name, Case.year_group, Case.not_known_since, Case.next_follow_up_on,
            Case.needs_letter_or_visit, StaffUser.name, when((due, True), else_=False), neet, func.count().over(),
        )
        .outerjoin(StaffUser, StaffUser.id == Case.officer_id)
        .order_by(when((due, 0), else_=1), when((or_(YoungPerson.ehcp.is_(True), neet), 0), else_=1),
                  when((Case.needs_letter_or_visit.is_(True), 0), else_=1), Case.not_known_since, Case.id)
        .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
    )
    return page, select(func.count()).select_from(base.subquery())


def list_queue(filters: QueueFilters, today: date) -> QueuePage:
    """One page of cases, and how many match, in one query (two when the page asked for is past
    the last one: then the last page is shown)."""
    shape, params = _shape(filters, today)
    page_query, count_query = _statements(shape)
    page = Page(max(1, filters.page), CASES_PER_PAGE, 0)
    rows = db.session.execute(page_query, {**params, "limit": page.size, "offset": page.offset}).all()
    if rows:
        total = rows[0][-1]
    else:
        total = db.session.scalar(count_query, params) or 0
        last = Page.of(page.number, total, CASES_PER_PAGE)
        if last.number != page.number:
            rows = db.session.execute(page_query, {**params, "limit": last.size,
                                                   "offset": last.offset}).all() if total else []
        page = last
    return QueuePage(rows=[_queue_row(row) for row in rows], total=total, page=page.number)


def _queue_row(row) -> QueueRow:
    (case_id, preferred, forename, surname, upn, ehcp, school, year_group, not_known_since, next_follow_up_on,
     letter, officer, due, neet, _total) = row
    return QueueRow(case_id, f"{preferred or forename} {surname}", upn, bool(ehcp), school, year_group,
                    not_known_since, next_follow_up_on, bool(letter), officer, bool(due), bool(neet))


@cache
def _filter_options_query():
    """Built once: the statement has no parameters, and building it costs more than running it."""
    no_name = null().cast(Establishment.name.type)
    schools = select(literal(0).label("list"), Establishment.id, Establishment.name).where(
        Establishment.id.in_(select(Case.establishment_id)))
    districts = select(literal(1), District.id, District.name)
    years = select(literal(2), Case.year_group, no_name).where(Case.year_group.is_not(None)).distinct()
    options = union_all(schools, districts, years).subquery()
    return select(options).order_by(options.c.list, options.c.name, options.c.id)


def filter_options() -> dict:
    """Schools that have cases, every district and the year groups cases have, for the filter
    drop-downs: one query."""
    lists: dict[int, list] = {0: [], 1: [], 2: []}
    for which, value, name in db.session.execute(_filter_options_query()):
        lists[which].append(value if which == 2 else (value, name))
    return {"schools": lists[0], "districts": lists[1], "year_groups": [y for y in lists[2] if y]}
