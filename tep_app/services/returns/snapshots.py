"""Month-end snapshots: the cohort as it stood at the end of a day, stored once and never changed.

`take_snapshot(as_of)` writes a `Snapshot` and one `SnapshotRow` per young person in the cohort
on that day (requirement.py: academic age 15 to 17, or 18 to 24 with an EHCP), with:

- cohort status: P (in the cohort), or, in the month they left only, T (moved to another local
  authority, with its code when held), E (moved abroad) or M (a duplicate record merged into
  another); someone who left in an earlier month is not in the snapshot;
- the activity that counted: their newest activity ascertained on or before `as_of` (the higher
  id between two of one day); one past its due-to-lapse date is stored as Not Known (LAPSED_CODE)
  with the code held kept beside it; with no activity, what the dashboard's figures count as found
  (a Year 12 roll this year: 210; a certain match to an enrolment that had started: the code its
  provider implies), else Not Known (in Year 11: on roll, or not known); and the measure category
  this makes (neet, not-known, eet, excluded, compulsory);
- EHCP, gender, the September Guarantee status for Year 11 and 12 (services/guarantee_status.py),
  the school of Year 11 and its district (else the newest school's district).

Taking a snapshot of a day already taken is refused (`SnapshotRefused`), as is a day not yet
come. The rows go in bulk (services/bulk_insert.py).
"""
import calendar
import logging
from datetime import date

from sqlalchemy import and_, func, select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    Enrolment,
    Establishment,
    MatchResult,
    PersonMerge,
    SchoolRecord,
    YoungPerson,
)
from tep_app.models.returns import Snapshot, SnapshotRow
from tep_app.services import bulk_insert
from tep_app.services.audit import record_audit
from tep_app.services.guarantee_status import guarantee_statuses
from tep_app.services.match_evidence import PROVIDER_ACTIVITY, SIXTH_FORM
from tep_app.services.returns import requirement as req
from tep_app.validation import Invalid, check_la_code

logger = logging.getLogger(__name__)

ROW_COLUMNS = (
    "snapshot_id", "young_person_id", "academic_age", "year_group", "cohort_status", "lead_la", "transferred_to_la",
    "activity_code", "held_activity_code", "currency_lapsed", "activity_start_date", "ascertained_on",
    "due_to_lapse_on", "neet_start_date", "category", "ehcp", "sg_status", "sg_source", "sg_recorded_on",
    "district_id", "year_11_school_id", "gender", "created_at", "updated_at",
)


class SnapshotRefused(ValueError):
    """A snapshot that may not be taken; the message says why, in words for the user."""


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: date) -> bool:
    return day == month_end(day.year, day.month)


def snapshot_for(as_of: date) -> Snapshot | None:
    return db.session.scalar(select(Snapshot).where(Snapshot.as_of == as_of))


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _people(as_of: date) -> list:
    earliest, latest = req.birth_dates_for(as_of)
    return db.session.execute(
        select(YoungPerson.id, YoungPerson.date_of_birth, YoungPerson.ehcp, YoungPerson.gender, YoungPerson.moved,
               YoungPerson.moved_to, YoungPerson.moved_on)
        .where(YoungPerson.date_of_birth.between(earliest, latest))
        .order_by(YoungPerson.id)).all()


def _activities(as_of: date) -> dict[int, tuple]:
    """{young person id: their newest activity ascertained on or before as_of} for the age range."""
    earliest, latest = req.birth_dates_for(as_of)
    rank = func.row_number().over(partition_by=Activity.young_person_id,
                                  order_by=(Activity.ascertained_on.desc(), Activity.id.desc()))
    ranked = (
        select(Activity.young_person_id, Activity.code, Activity.start_date, Activity.ascertained_on,
               Activity.due_to_lapse_on, Activity.neet_start_date, rank.label("rank"))
        .join(YoungPerson, YoungPerson.id == Activity.young_person_id)
        .where(Activity.ascertained_on <= as_of, YoungPerson.date_of_birth.between(earliest, latest))
        .subquery("ranked"))
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
    return {row.young_person_id: row for row in rows}


def _found_elsewhere(as_of: date) -> dict[int, tuple[str, date | None]]:
    """{person: (the activity code it implies, its start)} for those found without an activity of
    their own, as the dashboard's figures count them (services/figures.py): a place on a Year 12
    roll in as_of's academic year (a school sixth form, from 1 September), or a certain (or
    accepted) match of their leaver record of that year to a post-16 enrolment that had started."""
    year = req.academic_year_of(as_of)
    found = {}
    for person_id, provider_type, start in db.session.execute(
            select(SchoolRecord.young_person_id, Establishment.type, Enrolment.start_date).select_from(MatchResult)
            .join(SchoolRecord, SchoolRecord.id == MatchResult.school_record_id)
            .join(Enrolment, Enrolment.id == MatchResult.candidate_id)
            .join(Establishment, Establishment.id == Enrolment.provider_id)
            .where(MatchResult.kind == "leaver_enrolment", SchoolRecord.academic_year == year,
                   func.coalesce(MatchResult.decided_outcome, MatchResult.outcome) == "certain")):
        start = _as_date(start)
        if start is None or start <= as_of:
            found[person_id] = (PROVIDER_ACTIVITY.get(provider_type, "230"), start)
    for (person_id,) in db.session.execute(
            select(SchoolRecord.young_person_id).where(SchoolRecord.kind == "roll", SchoolRecord.year_group == 12,
                                                       SchoolRecord.academic_year == year)):
        found[person_id] = (SIXTH_FORM, date(year, req.ACADEMIC_YEAR_START_MONTH, 1))
    return found


def _newest_school(year: int, year_11_only: bool):
    """Each young person's newest school record up to `year` (of Year 11 only, or any): a subquery
    of (young_person_id, establishment_id) with its rank, 1 the newest."""
    rank = func.row_number().over(partition_by=SchoolRecord.young_person_id,
                                  order_by=(SchoolRecord.academic_year.desc(), SchoolRecord.id.desc()))
    query = select(SchoolRecord.young_person_id, SchoolRecord.establishment_id, rank.label("rank")).where(
        SchoolRecord.academic_year <= year)
    if year_11_only:
        query = query.where(SchoolRecord.year_group == 11)
    return query.subquery("newest_school")


def _schools(as_of: date) -> tuple[dict[int, tuple[int, int | None]], dict[int, int | None], set[int]]:
    """({person: (school of Year 11, its district)}, {person: the newest school's district},
    {people on a school roll in as_of's academic year}), from school records up to that year."""
    year = req.academic_year_of(as_of)
    districts = dict(db.session.execute(select(Establishment.id, Establishment.district_id)).all())
    year_11_rows = _newest_school(year, True)
    year_11 = {person_id: (school_id, districts.get(school_id)) for person_id, school_id in db.session.execute(
        select(year_11_rows.c.young_person_id, year_11_rows.c.establishment_id).where(year_11_rows.c.rank == 1))}
    any_rows = _newest_school(year, False)
    newest = {person_id: districts.get(school_id) for person_id, school_id in db.session.execute(
        select(any_rows.c.young_person_id, any_rows.c.establishment_id).where(any_rows.c.rank == 1))
        if person_id not in year_11}
    on_roll = set(db.session.scalars(select(SchoolRecord.young_person_id).where(
        SchoolRecord.kind == "roll", SchoolRecord.academic_year == year)))
    return year_11, newest, on_roll


def _merged() -> dict[int, date]:
    """{record merged into another (not undone): the day of the merge}."""
    return {merged_id: clock.local_date(merged_at) for merged_id, merged_at in db.session.execute(
        select(PersonMerge.merged_id, PersonMerge.merged_at).where(PersonMerge.undone_at.is_(None)))}


def _cohort_status(person, as_of: date, merged_on: date | None = None) -> str | None:
    """P, a leaving status in the month of the move (or of a merge into another record: M), or
    None once they left in an earlier month."""
    if merged_on is not None and merged_on <= as_of:
        this_month = (merged_on.year, merged_on.month) == (as_of.year, as_of.month)
        return req.MERGED if this_month or not req.LEAVERS_REPORTED_ONCE else None
    moved_on = _as_date(person.moved_on)
    if person.moved is None or moved_on is None or moved_on > as_of:
        return req.IN_COHORT
    left_this_month = (moved_on.year, moved_on.month) == (as_of.year, as_of.month)
    if req.LEAVERS_REPORTED_ONCE and not left_this_month:
        return None
    return req.MOVE_STATUS.get(person.moved, req.LEFT)


def _la_code(text: str | None) -> str | None:
    """The transferred-to LA code when what was recorded is one (an officer's move), else None."""
    try:
        return check_la_code(text or "")
    except Invalid:
        return None


def _category(code: str, lapsed: bool, flags: dict[str, tuple[bool, bool]]) -> str:
    if code in req.EXCLUDED_FROM_MEASURE:
        return req.EXCLUDED
    if code in req.COMPULSORY_CODES:
        return req.COMPULSORY
    is_neet, is_not_known = flags.get(code, (False, False))
    if lapsed or is_not_known:
        return req.NOT_KNOWN
    return req.NEET if is_neet else req.EET


# Positions in a built row (ROW_COLUMNS without the snapshot id and the timestamps).
_AGE, _STATUS, _CATEGORY = (ROW_COLUMNS.index(name) - 1 for name in ("academic_age", "cohort_status", "category"))


def build_rows(as_of: date) -> list[tuple]:
    """The snapshot's rows for `as_of`: tuples of SnapshotRow's values in ROW_COLUMNS order, without
    the snapshot id and the timestamps."""
    flags = {code: (bool(neet), bool(nk)) for code, neet, nk in db.session.execute(
        select(ActivityCode.code, ActivityCode.is_neet, ActivityCode.is_not_known))}
    activities = _activities(as_of)
    found = _found_elsewhere(as_of)
    merged = _merged()
    year_11, newest_district, on_roll = _schools(as_of)
    ages: dict = {}
    people = []
    for person in _people(as_of):
        born = person.date_of_birth
        age = ages.get(born)
        if age is None:
            age = ages[born] = req.academic_age(_as_date(born), as_of)
        if not req.in_cohort_age(age, bool(person.ehcp)):
            continue
        status = _cohort_status(person, as_of, merged.get(person.id))
        if status is not None:
            people.append((person, age, status))
    guarantees = guarantee_statuses(as_of)  # the year's, read once; kept for Year 11 and 12 below
    rows = []
    for person, age, status in people:
        activity = activities.get(person.id)
        compulsory = age == req.COMPULSORY_AGE
        due = _as_date(activity.due_to_lapse_on) if activity else None
        lapsed = due is not None and due < as_of
        evidence = found.get(person.id) if activity is None and not compulsory else None
        if evidence is not None:
            code = evidence[0]
        elif activity is None:
            code = (req.ON_ROLL_COMPULSORY_CODE if person.id in on_roll else req.NO_ACTIVITY_COMPULSORY_CODE) \
                if compulsory else req.NO_ACTIVITY_CODE
        elif lapsed:
            code = req.NO_ACTIVITY_COMPULSORY_CODE if compulsory else req.LAPSED_CODE
        else:
            code = activity.code
        school_id, district_id = year_11.get(person.id, (None, newest_district.get(person.id)))
        group = req.year_group(age)
        guarantee = guarantees.get(person.id) if group in req.GUARANTEE_YEAR_GROUPS else None
        rows.append((
            person.id, age, group, status, req.LEAD_LA_CODE,
            _la_code(person.moved_to) if status == req.TRANSFERRED else None,
            code, activity.code if activity else None, lapsed,
            _as_date(activity.start_date) if activity else (evidence[1] if evidence else None),
            _as_date(activity.ascertained_on) if activity else None, due,
            _as_date(activity.neet_start_date) if activity else None,
            _category(code, lapsed, flags), bool(person.ehcp),
            guarantee.status if guarantee else None, guarantee.source[:100] if guarantee else None,
            guarantee.recorded_on if guarantee else None, district_id, school_id, person.gender,
        ))
    return rows


def counts_of(rows: list[tuple]) -> dict:
    """The snapshot's counts: rows by cohort status and by category, and the measure's numbers."""
    by_status: dict[str, int] = {}
    by_category: dict[str, int] = {}
    measure = {"cohort": 0, "neet": 0, "not_known": 0}
    for row in rows:
        status, category = row[_STATUS], row[_CATEGORY]
        by_status[status] = by_status.get(status, 0) + 1
        by_category[category] = by_category.get(category, 0) + 1
        if in_measure(status, row[_AGE], category):
            measure["cohort"] += 1
            measure["neet"] += category == req.NEET
            measure["not_known"] += category == req.NOT_KNOWN
    return {"rows": len(rows), "by_status": by_status, "by_category": by_category, "measure": measure}


def in_measure(cohort_status: str, academic_age: int, category: str) -> bool:
    """Counted in the measure's denominator (notes 6.1): in the cohort, academic age 16-17, not excluded."""
    return (cohort_status in req.CURRENT_STATUSES and academic_age in req.MEASURE_AGES
            and category != req.EXCLUDED)


def take_snapshot(as_of: date) -> Snapshot:
    """Store the cohort as it stood at the end of `as_of`. Refused for a day already taken or not yet
    come. The caller commits."""
    if as_of > clock.today():
        raise SnapshotRefused(f"A snapshot cannot be taken for {long_date(as_of)}: that day has not come yet.")
    taken = snapshot_for(as_of)
    if taken is not None:
        raise SnapshotRefused(
            f"A snapshot for {long_date(as_of)} was already taken on "
            f"{long_date(clock.local_date(taken.taken_at))}; a snapshot never changes once taken.")
    rows = build_rows(as_of)
    snapshot = Snapshot(as_of=as_of, taken_at=clock.now(), counts=counts_of(rows))
    db.session.add(snapshot)
    db.session.flush()
    now = bulk_insert.stamp()
    bulk_insert.insert_rows(SnapshotRow.__table__, ROW_COLUMNS, ((snapshot.id, *row, now, now) for row in rows))
    record_audit("create", "snapshot", snapshot.id, after={"as_of": as_of.isoformat(), **snapshot.counts["measure"],
                                                           "rows": len(rows)})
    logger.info("snapshot taken", extra={"as_of": as_of.isoformat(), "rows": len(rows)})
    return snapshot


def snapshot_rows(snapshot: Snapshot) -> list[SnapshotRow]:
    return list(db.session.scalars(select(SnapshotRow).where(SnapshotRow.snapshot_id == snapshot.id)
                                   .order_by(SnapshotRow.young_person_id)))


def snapshots_between(first: date, last: date) -> list[Snapshot]:
    return list(db.session.scalars(select(Snapshot).where(and_(Snapshot.as_of >= first, Snapshot.as_of <= last))
                                   .order_by(Snapshot.as_of)))


def last_month_end(today: date) -> date:
    """The newest month end on or before `today`."""
    if is_month_end(today):
        return today
    previous = today.replace(day=1).toordinal() - 1
    return date.fromordinal(previous)


def take_month_end_snapshot(today: date | None = None) -> Snapshot | None:
    """The scheduled job's work: the snapshot of the newest month end on or before today (that day
    itself at a month end, or the one missed while the scheduler was down), unless already taken."""
    as_of = last_month_end(today or clock.today())
    if snapshot_for(as_of) is not None:
        return None
    return take_snapshot(as_of)
