"""The per-school scorecard: for each school with leavers or a leavers' list in an academic year,

- **Not Known now**: its leavers' Not Known count and percentage as at today, the very figure the
  dashboard and the Schools page show (services/figures.school_figures);
- **answered on time**: whether the school submitted the year's leavers list by its reply-by date
  (the day submitted, in UK time, on or before `due_on`); otherwise late, overdue, not yet due or
  not sent, in the words of services/request_states.py;
- **phone numbers given**: of the young people the school answered for on that list, the share for
  whom it gave a phone number (the young person's or a parent's).

Sortable by name, Not Known %, answered on time or phone numbers (SORTS), and written as CSV."""
import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from tep_app import clock
from tep_app.dates import numeric_date
from tep_app.extensions import db
from tep_app.models import Collection, District, Establishment, SchoolRequest, SchoolResponse
from tep_app.services import request_states
from tep_app.services.figures import school_figures
from tep_app.spreadsheets.tables import FORMULA_STARTS

# How the school answered its list, best first: the order "answered on time" sorts in.
ON_TIME, LATE, OVERDUE, NOT_YET_DUE, NOT_SENT, NO_LIST = "on-time", "late", "overdue", "not-yet-due", "not-sent", \
    "no-list"
ANSWER_ORDER = (ON_TIME, LATE, NOT_YET_DUE, OVERDUE, NOT_SENT, NO_LIST)
ANSWER_WORDS = {ON_TIME: "Yes", LATE: "No, submitted late", OVERDUE: "No, overdue", NOT_YET_DUE: "Not yet due",
                NOT_SENT: "List not sent", NO_LIST: "No list this year"}
# ?sort= key -> (words, row key): every sort keeps the name as its tie-break.
SORTS = {
    "name": ("school name", lambda row: (row.name.lower(), row.laestab)),
    "not-known": ("Not Known %, highest first", lambda row: (-row.not_known_pct, -row.not_known, row.name.lower())),
    "on-time": ("answered on time first, then late, not yet due, overdue, not sent",
                lambda row: (ANSWER_ORDER.index(row.answer), row.name.lower())),
    "phones": ("phone numbers given, lowest share first",
               lambda row: (row.phone_pct is None, row.phone_pct or 0.0, row.name.lower())),
}
DEFAULT_SORT = "not-known"
CSV_HEADER = ["School", "LAESTAB", "District", "Leavers", "Not Known", "Not Known %", "Reply by", "Submitted on",
              "Answered on time", "Young people answered for", "With a phone number", "Phone numbers %"]


@dataclass(frozen=True)
class SchoolScore:
    school_id: int
    name: str
    laestab: str
    district: str | None
    cohort: int
    not_known: int
    not_known_pct: float
    due_on: date | None
    submitted_on: date | None
    answer: str  # one of ANSWER_ORDER
    answered: int
    with_phone: int

    @property
    def answer_words(self) -> str:
        return ANSWER_WORDS[self.answer]

    @property
    def phone_pct(self) -> float | None:
        return round(100.0 * self.with_phone / self.answered, 1) if self.answered else None


def _answer(status: str | None, due_on: date | None, submitted_on: date | None, today: date) -> str:
    if status is None:
        return NO_LIST
    if not request_states.was_sent(status):
        return NOT_SENT
    if request_states.is_closed(status):
        return ON_TIME if submitted_on is not None and due_on is not None and submitted_on <= due_on else LATE
    return OVERDUE if request_states.is_overdue(status, due_on, today) else NOT_YET_DUE


def _requests(academic_year: int) -> dict[int, tuple]:
    """{school id: (status, due on, submitted at, answered, with a phone)} for the year's leavers lists."""
    given = func.coalesce(func.length(func.trim(func.coalesce(SchoolResponse.phone, ""))), 0) \
        + func.coalesce(func.length(func.trim(func.coalesce(SchoolResponse.parent_phone, ""))), 0)
    answered = and_(SchoolResponse.id.is_not(None), SchoolResponse.answered.is_(True))
    rows = db.session.execute(
        select(SchoolRequest.establishment_id, SchoolRequest.status, SchoolRequest.due_on, SchoolRequest.submitted_at,
               func.coalesce(func.sum(case((answered, 1), else_=0)), 0),
               func.coalesce(func.sum(case((and_(answered, given > 0), 1), else_=0)), 0))
        .join(Collection, Collection.id == SchoolRequest.collection_id)
        .outerjoin(SchoolResponse, SchoolResponse.school_request_id == SchoolRequest.id)
        .where(Collection.kind == "leavers", Collection.academic_year == academic_year)
        .group_by(SchoolRequest.establishment_id, SchoolRequest.status, SchoolRequest.due_on,
                  SchoolRequest.submitted_at)).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def school_scores(academic_year: int, sort: str = DEFAULT_SORT, today: date | None = None) -> list[SchoolScore]:
    """Every school with leavers or a leavers list in the year, sorted by `sort` (a SORTS key)."""
    today = today or clock.today()
    figures = school_figures(academic_year, today)
    requests = _requests(academic_year)
    ids = set(figures) | set(requests)
    schools = db.session.execute(
        select(Establishment.id, Establishment.name, Establishment.laestab, District.name)
        .outerjoin(District, District.id == Establishment.district_id).where(Establishment.id.in_(ids))).all() \
        if ids else []
    scores = []
    for school_id, name, laestab, district in schools:
        figure = figures.get(school_id)
        status, due_on, submitted_at, answered, with_phone = requests.get(school_id, (None, None, None, 0, 0))
        submitted_on = clock.local_date(submitted_at) if submitted_at is not None else None
        scores.append(SchoolScore(
            school_id, name, laestab, district, figure.cohort if figure else 0, figure.not_known if figure else 0,
            figure.not_known_pct if figure else 0.0, due_on, submitted_on,
            _answer(status, due_on, submitted_on, today), int(answered), int(with_phone)))
    _words, key = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return sorted(scores, key=key)


def _text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def scores_csv(scores: list[SchoolScore]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in scores:
        writer.writerow([_text(row.name), row.laestab, _text(row.district), row.cohort, row.not_known,
                         f"{row.not_known_pct:.1f}", numeric_date(row.due_on),
                         numeric_date(row.submitted_on), row.answer_words, row.answered,
                         row.with_phone, "" if row.phone_pct is None else f"{row.phone_pct:.1f}"])
    return buffer.getvalue()
