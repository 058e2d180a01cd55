"""The Not Known and NEET figures managers watch, aggregated in SQL.

Definitions (docs/design.md section 1; DfE's NEET + Not Known measure for academic age 16-17):

- **The cohort for academic year Y** is every young person with a *leaver* school record in Y:
  last summer's Year 11 and Year 12 leavers, who are academic age 16-17 during Y. Each counts
  once, under the school they left, its district and the year group they left from.
- **Current activity as at date D** is the young person's latest activity ascertained on or before
  D (the highest id wins between two ascertained on the same day).
- **A move out of the county** (recorded by a school's answer or an officer) takes a young person
  out of the cohort from the day it was recorded: they are in no figure from then on.
- **Not Known as at D**: the current activity's code is a Not Known code (810, 820, 830: the
  `is_not_known` flag in the reference table), or its due-to-lapse date is before D; or there is
  no activity at all and nothing else found them: a certain (or accepted) leaver-to-enrolment
  match, or a place on a Year 12 roll this year (a school sixth form), counts as known.
- **NEET as at D**: the current activity's code is a NEET code (`is_neet`) and has not lapsed.
- **No offer yet as at D** (the summer collection): a young person on the year's no-offer lists
  who has not moved away and whose September Guarantee status (services/guarantee_status.py: the
  newest record, from their school's answer on the June list, an officer or the offers import) is
  not a settled status (an offer, already in learning, or an offer not appropriate).

Every figure is one aggregated query; nothing loops over rows in Python. Results are kept per
process and reused until a cheap fingerprint of the underlying tables changes.
"""
import threading
import time
from collections import OrderedDict
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    Collection,
    District,
    Establishment,
    GuaranteeStatus,
    ListEntry,
    MatchResult,
    PersonMerge,
    SchoolRecord,
    YoungPerson,
)
from tep_app.models.merges import merged_ids
from tep_app.services.guarantee_status import ranked_guarantees

GROUPINGS = ("district", "school", "year_group")
_CACHE: OrderedDict = OrderedDict()  # per process: (name, args, fingerprint) -> figures
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64
CACHE_SECONDS = 300
# September Guarantee status groups that settle a pupil's question (the reference data's groups).
SETTLED_GUARANTEE_GROUPS = ("offer", "in-learning", "not-appropriate")


class FigureRow(NamedTuple):
    label: str
    cohort: int
    not_known: int
    not_known_pct: float
    neet: int
    neet_pct: float

    @property
    def combined_pct(self) -> float:
        return _pct(self.not_known + self.neet, self.cohort)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _cohort_filter(academic_year: int):
    """A leaver record of the year, of a record not merged into another (the kept one counts)."""
    return and_(SchoolRecord.kind == "leaver", SchoolRecord.academic_year == academic_year,
                SchoolRecord.young_person_id.not_in(merged_ids()))


def on_year_12_roll(person_id, academic_year):
    """EXISTS: the young person is on a school's Year 12 roll in that academic year, so in a sixth
    form (for the columns or values given)."""
    roll = aliased(SchoolRecord)
    return exists().where(roll.young_person_id == person_id, roll.kind == "roll", roll.year_group == 12,
                          roll.academic_year == academic_year)


def _found_elsewhere():
    """For the enclosing query's cohort SchoolRecord: found without an activity of their own, by a
    certain (or accepted) enrolment match or a place on a Year 12 roll this year."""
    certain = exists().where(
        MatchResult.school_record_id == SchoolRecord.id,
        MatchResult.kind == "leaver_enrolment",
        func.coalesce(MatchResult.decided_outcome, MatchResult.outcome) == "certain",
    )
    return or_(certain, on_year_12_roll(SchoolRecord.young_person_id, SchoolRecord.academic_year))


def moved_by(as_at: date):
    """The young person (YoungPerson in the enclosing query) moved out of the county by as_at."""
    return and_(YoungPerson.moved_on.is_not(None), YoungPerson.moved_on <= as_at)


def _latest_activity(academic_year: int, as_at: date):
    """Each cohort member's activities up to as_at, ranked newest first (rank 1 is current)."""
    cohort_ids = select(SchoolRecord.young_person_id).where(_cohort_filter(academic_year))
    rank = func.row_number().over(
        partition_by=Activity.young_person_id,
        order_by=(Activity.ascertained_on.desc(), Activity.id.desc()),
    )
    return (
        select(Activity.young_person_id, Activity.code, Activity.due_to_lapse_on, rank.label("rank"))
        .where(Activity.ascertained_on <= as_at, Activity.young_person_id.in_(cohort_ids))
        .subquery("latest")
    )


def figure_tables(academic_year: int, as_at: date | None = None) -> dict[str, list[FigureRow]]:
    as_at = as_at or clock.today()
    return _memoised("tables", (academic_year, as_at), lambda: _figure_tables(academic_year, as_at))


def _figure_tables(academic_year: int, as_at: date | None = None) -> dict[str, list[FigureRow]]:
    return _figures_and_cohort(academic_year, as_at)[0]


def school_figures(academic_year: int, as_at: date | None = None) -> dict[int, FigureRow]:
    """establishment id -> its leavers' figures (as the dashboard's table by school)."""
    as_at = as_at or clock.today()
    return _memoised("schools", (academic_year, as_at), lambda: _figures_and_cohort(academic_year, as_at)[2])


def _figures_and_cohort(academic_year: int, as_at: date | None = None) -> tuple[dict, tuple[int, int], dict]:
    """Every figure table at once: "all" (one row), "district", "school" and "year_group"; the
    leaver records counted by the weekly series (every cohort record, moved or not, and those
    found without an activity); and the rows by school id.

    One aggregated query counts per (school, year group), a few hundred rows at Kent size;
    the tables are sums of those rows."""
    as_at = as_at or clock.today()
    latest = _latest_activity(academic_year, as_at)
    lapsed = and_(latest.c.due_to_lapse_on.is_not(None), latest.c.due_to_lapse_on < as_at)
    moved = moved_by(as_at)
    found = _found_elsewhere()
    not_known = case(
        (moved, 0),
        (latest.c.code.is_(None), case((found, 0), else_=1)),
        (ActivityCode.is_not_known.is_(True), 1),
        (lapsed, 1),
        else_=0,
    )
    neet = case((and_(~moved, ActivityCode.is_neet.is_(True), ~lapsed), 1), else_=0)
    district = func.coalesce(District.name, "No district")
    query = (
        select(Establishment.id, Establishment.name, district, SchoolRecord.year_group,
               func.coalesce(func.sum(case((moved, 0), else_=1)), 0),
               func.coalesce(func.sum(not_known), 0), func.coalesce(func.sum(neet), 0),
               func.count(), func.coalesce(func.sum(case((found, 1), else_=0)), 0))
        .select_from(SchoolRecord)
        .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
        .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
        .outerjoin(District, District.id == Establishment.district_id)
        .outerjoin(latest, and_(latest.c.young_person_id == SchoolRecord.young_person_id, latest.c.rank == 1))
        .outerjoin(ActivityCode, ActivityCode.code == latest.c.code)
        .where(_cohort_filter(academic_year))
        .group_by(Establishment.id, Establishment.name, district, SchoolRecord.year_group)
    )
    sums: dict[str, dict] = {"all": {}, "district": {}, "school": {}, "year_group": {}}
    records = matched = 0
    for school_id, school_name, district_name, year_group, cohort, nk, ne, total, certain in db.session.execute(
            query):
        records += int(total)
        matched += int(certain)
        for table, key, label in (("all", None, "All"), ("district", district_name, district_name),
                                  ("school", school_id, school_name),
                                  ("year_group", year_group, f"Year {year_group}")):
            entry = sums[table].setdefault(key, [label, 0, 0, 0])
            entry[1] += int(cohort)
            entry[2] += int(nk)
            entry[3] += int(ne)
    tables, by_school_id = {}, {}
    for table, entries in sums.items():
        rows = {key: FigureRow(label, cohort, nk, _pct(nk, cohort), ne, _pct(ne, cohort))
                for key, (label, cohort, nk, ne) in entries.items() if cohort or table == "all"}
        if table == "school":
            by_school_id = rows
        tables[table] = sorted(rows.values(), key=lambda row: (row.label.lower(), row.label))
    if not tables["all"]:
        tables["all"] = [FigureRow("All", 0, 0, 0.0, 0, 0.0)]
    return tables, (records, matched), by_school_id


def not_known_counts(academic_year: int, by: str | None = None, as_at: date | None = None) -> list[FigureRow]:
    """Cohort, Not Known and NEET counts and percentages, for the whole year (one row labelled
    "All") or by "district", "school" or "year_group"."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
    return figure_tables(academic_year, as_at)[by or "all"]


def week_dates(weeks: int, today: date | None = None) -> list[tuple[date, date]]:
    """(week start Monday, the date the week is counted at): the end of each week, or today."""
    today = today or clock.today()
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    return [(start, min(start + timedelta(days=6), today)) for start in starts]


def not_known_by_week(academic_year: int, weeks: int = 16, today: date | None = None) -> list[tuple[date, int]]:
    today = today or clock.today()
    return _memoised("weekly", (academic_year, weeks, today), lambda: _not_known_by_week(academic_year, weeks, today))


def _not_known_by_week(academic_year: int, weeks: int = 16, today: date | None = None,
                       cohort: tuple[int, int] | None = None) -> list[tuple[date, int]]:
    """The Not Known count at the end of each of the last `weeks` weeks (this week: as at today),
    from the activity history, in two aggregated queries whatever the number of weeks (one when
    `cohort`, the cohort size and how many have a certain match, is known).

    Each activity is current from its ascertained date until the next one's (or a move out of the
    county); while current and not lapsed, a non-Not-Known code makes its young person known. A
    certain enrolment match or a Year 12 roll makes a young person known until their first activity
    or move. A move counts as known from its day on (the young person leaves the cohort, so the
    Not Known count is the same). The query turns each known stretch into a +1 where it starts and a
    -1 where it ends, summed per date; the count on a date is the cohort less the running total."""
    dates = week_dates(weeks, today)
    cohort_ids = select(SchoolRecord.young_person_id).where(_cohort_filter(academic_year))
    following = func.lead(Activity.ascertained_on).over(
        partition_by=Activity.young_person_id, order_by=(Activity.ascertained_on, Activity.id))
    moved_on = YoungPerson.moved_on
    until = case((and_(moved_on.is_not(None), or_(following.is_(None), moved_on < following)), moved_on),
                 else_=following)
    spans = (
        select(Activity.young_person_id, Activity.code, Activity.due_to_lapse_on.label("lapse"),
               Activity.ascertained_on.label("valid_from"), until.label("valid_to"))
        .join(YoungPerson, YoungPerson.id == Activity.young_person_id)
        .where(Activity.young_person_id.in_(cohort_ids), or_(moved_on.is_(None), Activity.ascertained_on < moved_on))
        .cte("spans")
    )
    known_span = and_(
        ActivityCode.is_not_known.is_(False),
        or_(spans.c.lapse.is_(None), spans.c.lapse >= spans.c.valid_from),
        or_(spans.c.valid_to.is_(None), spans.c.valid_to > spans.c.valid_from),
    )
    # An end on valid_to counts from that date (kind 0); an end on the lapse date counts from the
    # day after it (kind 1), since a young person is known on their due-to-lapse date itself.
    ends_on_valid_to = and_(spans.c.valid_to.is_not(None),
                            or_(spans.c.lapse.is_(None), spans.c.valid_to <= spans.c.lapse))
    starts = select(spans.c.valid_from.label("on"), literal(0).label("kind"), literal(1).label("delta")) \
        .join(ActivityCode, ActivityCode.code == spans.c.code).where(known_span)
    ends = select(case((ends_on_valid_to, spans.c.valid_to), else_=spans.c.lapse).label("on"),
                  case((ends_on_valid_to, 0), else_=1).label("kind"), literal(-1).label("delta")) \
        .join(ActivityCode, ActivityCode.code == spans.c.code) \
        .where(known_span, or_(spans.c.valid_to.is_not(None), spans.c.lapse.is_not(None)))
    first_seen = (
        select(Activity.young_person_id, func.min(Activity.ascertained_on).label("first_on"))
        .where(Activity.young_person_id.in_(cohort_ids))
        .group_by(Activity.young_person_id)
        .subquery("first_seen")
    )
    first_on = first_seen.c.first_on
    found_until = case((and_(moved_on.is_not(None), or_(first_on.is_(None), moved_on < first_on)), moved_on),
                       else_=first_on)
    matched_ends = (
        select(found_until.label("on"), literal(0).label("kind"), literal(-1).label("delta"))
        .select_from(SchoolRecord)
        .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
        .outerjoin(first_seen, first_seen.c.young_person_id == SchoolRecord.young_person_id)
        .where(_cohort_filter(academic_year), _found_elsewhere(), or_(first_on.is_not(None), moved_on.is_not(None)))
    )
    moves = (
        select(moved_on.label("on"), literal(0).label("kind"), literal(1).label("delta"))
        .select_from(SchoolRecord)
        .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
        .where(_cohort_filter(academic_year), moved_on.is_not(None))
    )
    events = union_all(starts, ends, matched_ends, moves).subquery("events")
    changes = db.session.execute(
        select(events.c.on, events.c.kind, func.sum(events.c.delta)).group_by(events.c.on, events.c.kind)
    ).all()
    cohort_size, matched = cohort or db.session.execute(
        select(func.count(SchoolRecord.id), func.coalesce(func.sum(case((_found_elsewhere(), 1), else_=0)), 0))
        .select_from(SchoolRecord)
        .where(_cohort_filter(academic_year))
    ).one()
    changes = [(_as_date(on), int(kind), int(delta)) for on, kind, delta in changes if on is not None]
    series = []
    for start, at in dates:
        known = matched + sum(delta for on, kind, delta in changes if on < at or (on == at and kind == 0))
        series.append((start, int(cohort_size) - known))
    return series


def data_fingerprint() -> tuple:
    """A cheap stamp of everything the figures read (index lookups only): the newest id and
    change time of activities, matches and school records, and the reference tables' state. A
    removal with nothing else changing is picked up within CACHE_SECONDS."""
    return tuple(str(value) for value in db.session.execute(_fingerprint_query()).one())


@cache
def _fingerprint_query():
    """Built once: it has no parameters, and building it costs more than running it."""
    def newest(model, column):
        return select(func.max(column)).select_from(model).scalar_subquery()

    return select(newest(Activity, Activity.id), newest(Activity, Activity.updated_at),
                  newest(MatchResult, MatchResult.id), newest(MatchResult, MatchResult.updated_at),
                  newest(YoungPerson, YoungPerson.updated_at),
                  newest(SchoolRecord, SchoolRecord.id), newest(SchoolRecord, SchoolRecord.updated_at),
                  newest(ActivityCode, ActivityCode.updated_at), newest(Establishment, Establishment.updated_at),
                  select(func.count()).select_from(Establishment).scalar_subquery(),
                  select(func.count()).select_from(PersonMerge).where(PersonMerge.undone_at.is_(None))
                  .scalar_subquery())


def dashboard_figures(academic_year: int, weeks: int = 16, today: date | None = None):
    """(figure_tables, not_known_by_week) for the dashboard, under one fingerprint check."""
    today = today or clock.today()

    def compute():
        tables, cohort, _schools = _figures_and_cohort(academic_year, today)
        return tables, _not_known_by_week(academic_year, weeks, today, cohort)

    return _memoised("dashboard", (academic_year, weeks, today), compute)


def _memoised(name: str, args: tuple, compute):
    """Figures are recomputed only when the data under them changes (see data_fingerprint):
    a manager's dashboard is read far more often than the activities change."""
    key = (name, args, data_fingerprint())
    now = time.monotonic()
    with _CACHE_LOCK:
        if key in _CACHE and now - _CACHE[key][0] < CACHE_SECONDS:
            _CACHE.move_to_end(key)
            return _CACHE[key][1]
    value = compute()
    with _CACHE_LOCK:
        _CACHE[key] = (now, value)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


class NoOfferFigures(NamedTuple):
    listed: int  # on the year's no-offer lists
    no_offer: int  # of those, still without a settled status and not moved away


def no_offer_figures(academic_year: int, as_at: date | None = None) -> tuple[NoOfferFigures, dict[int, NoOfferFigures]]:
    """The summer collection's figure: (the whole county, {establishment id: its list}), in one
    aggregated query. Cheap enough (one collection's entries) to count on every page view."""
    as_at = as_at or clock.today()
    on_lists = (select(ListEntry.young_person_id).join(Collection, Collection.id == ListEntry.collection_id)
                .where(Collection.kind == "no-offer", Collection.academic_year == academic_year))
    # The one reading of a status on a date, ranked for the listed young people only (the offers
    # import gives most of the year group a record; the lists hold a few thousand).
    latest = ranked_guarantees(academic_year, as_at, on_lists)
    settled = and_(GuaranteeStatus.code.is_not(None), GuaranteeStatus.group.in_(SETTLED_GUARANTEE_GROUPS))
    still = case((or_(moved_by(as_at), settled), 0), else_=1)
    rows = db.session.execute(
        select(ListEntry.establishment_id, func.count(), func.coalesce(func.sum(still), 0))
        .join(Collection, Collection.id == ListEntry.collection_id)
        .join(YoungPerson, YoungPerson.id == ListEntry.young_person_id)
        .outerjoin(latest, and_(latest.c.young_person_id == ListEntry.young_person_id, latest.c.rank == 1))
        .outerjoin(GuaranteeStatus, GuaranteeStatus.code == latest.c.status)
        .where(Collection.kind == "no-offer", Collection.academic_year == academic_year,
               ListEntry.young_person_id.not_in(merged_ids()))
        .group_by(ListEntry.establishment_id)
    ).all()
    by_school = {school_id: NoOfferFigures(int(listed), int(left)) for school_id, listed, left in rows}
    return (NoOfferFigures(sum(row.listed for row in by_school.values()),
                           sum(row.no_offer for row in by_school.values())), by_school)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


__all__ = ["FigureRow", "GROUPINGS", "NoOfferFigures", "SETTLED_GUARANTEE_GROUPS", "dashboard_figures",
           "data_fingerprint", "figure_tables", "moved_by", "no_offer_figures", "not_known_by_week", "not_known_counts",
           "on_year_12_roll", "school_figures", "week_dates"]
