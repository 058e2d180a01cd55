"""What a matching run's results show, written as activities: a leaver on a school's Year 12 roll is
in its sixth form, and a leaver with an open case whom matching found on an enrolment list with
confidence has the activity that enrolment implies. Either closes the young person's open case.
Run by services/match_runs.py after each run; the returns read the same codes and sources.
"""
import logging
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    Case,
    Enrolment,
    Establishment,
    MatchResult,
    SchoolRecord,
    YoungPerson,
)
from tep_app.services import bulk_insert
from tep_app.services.cases.closing import close_case
from tep_app.services.destinations import lapse_date

logger = logging.getLogger(__name__)

SIXTH_FORM = "210"  # full-time education, school sixth form (NCCIS)
ROLL_SOURCE = "school roll"
ENROLMENT_SOURCE = "enrolment return"
ROLL_ACTIVITY_COLUMNS = ("young_person_id", "code", "ascertained_on", "due_to_lapse_on", "provider_id", "provider_name",
                         "source", "notes", "needs_review", "created_at", "updated_at")
# The activity an enrolment implies, by its provider's type.
PROVIDER_ACTIVITY = {"school": "210", "independent": "210", "special": "210", "college": "230", "training": "430"}


def record_roll_evidence(academic_year: int) -> int:
    """Leavers of the year on a school's Year 12 roll are in its sixth form: for each whose current
    activity is missing, Not Known or lapsed, record 210 (school sixth form) with the roll's school
    as provider and "school roll" as its source, and close their open case. Returns how many."""
    today = clock.today()
    roll = aliased(SchoolRecord)
    on_roll = dict(db.session.execute(
        select(SchoolRecord.young_person_id, roll.establishment_id)
        .join(roll, and_(roll.young_person_id == SchoolRecord.young_person_id, roll.kind == "roll",
                         roll.year_group == 12, roll.academic_year == SchoolRecord.academic_year))
        .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
        .where(SchoolRecord.kind == "leaver", SchoolRecord.academic_year == academic_year,
               YoungPerson.moved.is_(None))
        .order_by(roll.id)
    ).all())
    if not on_roll:
        return 0
    known = _known(academic_year, today)
    schools = dict(db.session.execute(select(Establishment.id, Establishment.name)
                                      .where(Establishment.id.in_(set(on_roll.values())))).all())
    group = db.session.scalar(select(ActivityCode.group).where(ActivityCode.code == SIXTH_FORM))
    found = {person_id: school_id for person_id, school_id in on_roll.items() if person_id not in known}
    # Thousands of leavers at once: written in bulk, not as objects.
    lapses, now = lapse_date(today, group), bulk_insert.stamp()
    bulk_insert.insert_rows(Activity.__table__, ROLL_ACTIVITY_COLUMNS, [
        (person_id, SIXTH_FORM, today, lapses, school_id, schools.get(school_id), ROLL_SOURCE,
         f"On {schools.get(school_id, 'a school')}'s Year 12 roll this year", False, now, now)
        for person_id, school_id in found.items()])
    cases = db.session.scalars(select(Case).where(Case.status == "open", Case.young_person_id.in_(found))).all()
    if cases:
        written = dict(db.session.execute(
            select(Activity.young_person_id, Activity.id)
            .where(Activity.young_person_id.in_([case.young_person_id for case in cases]),
                   Activity.source == ROLL_SOURCE, Activity.ascertained_on == today)
            .order_by(Activity.id)).all())  # the newest, this run's, last
        for case in cases:
            close_case(case, "school_roll", written[case.young_person_id], by=ROLL_SOURCE)
    db.session.flush()
    logger.info("recorded %s leavers on a Year 12 roll in %s", len(found), academic_year,
                extra={"academic_year": academic_year, "found": len(found)})
    return len(found)


def close_cases_matched(academic_year: int) -> int:
    """Leavers of the year with an open case whom matching found on an enrolment list with
    confidence (certain, or accepted on review) and whose current activity is missing, Not Known or
    lapsed: record the activity the enrolment implies (source "enrolment return") and close the
    case. Returns how many closed."""
    today = clock.today()
    outcome = func.coalesce(MatchResult.decided_outcome, MatchResult.outcome)
    rows = db.session.execute(
        select(Case, Enrolment)
        .join(SchoolRecord, and_(SchoolRecord.young_person_id == Case.young_person_id, SchoolRecord.kind == "leaver",
                                 SchoolRecord.academic_year == academic_year))
        .join(MatchResult, and_(MatchResult.school_record_id == SchoolRecord.id,
                                MatchResult.kind == "leaver_enrolment", outcome == "certain"))
        .join(Enrolment, Enrolment.id == MatchResult.candidate_id)
        .where(Case.status == "open")
        .order_by(Case.id, MatchResult.id)
    ).all()
    if not rows:
        return 0
    known = _known(academic_year, today)
    codes = {row.code: row for row in db.session.scalars(select(ActivityCode))}
    closed = set()
    for case, enrolment in rows:
        if case.id in closed or case.young_person_id in known:
            continue
        provider = db.session.get(Establishment, enrolment.provider_id)
        code = codes[PROVIDER_ACTIVITY.get(provider.type, "230")]
        activity = Activity(
            young_person_id=case.young_person_id, code=code.code, start_date=enrolment.start_date,
            ascertained_on=today, due_to_lapse_on=lapse_date(today, code.group), provider_id=provider.id,
            provider_name=provider.name, source=ENROLMENT_SOURCE,
            notes=f"Enrolled at {provider.name}" + (f" on {enrolment.course}" if enrolment.course else ""))
        db.session.add(activity)
        db.session.flush()
        close_case(case, "match_found", activity.id, by="matching")
        closed.add(case.id)
    db.session.flush()
    return len(closed)


def _known(academic_year: int, today: date) -> set[int]:
    """The year's leavers whose current activity (as at today) is neither Not Known nor lapsed."""
    rank = func.row_number().over(partition_by=Activity.young_person_id,
                                  order_by=(Activity.ascertained_on.desc(), Activity.id.desc()))
    latest = select(Activity.young_person_id, Activity.code, Activity.due_to_lapse_on, rank.label("rank")) \
        .where(Activity.young_person_id.in_(select(SchoolRecord.young_person_id).where(
            SchoolRecord.kind == "leaver", SchoolRecord.academic_year == academic_year)),
            Activity.ascertained_on <= today).subquery()
    not_known_codes = set(db.session.scalars(select(ActivityCode.code).where(ActivityCode.is_not_known)))
    return {person_id for person_id, code, lapse in db.session.execute(
        select(latest.c.young_person_id, latest.c.code, latest.c.due_to_lapse_on).where(latest.c.rank == 1))
        if code not in not_known_codes and (lapse is None or _as_date(lapse) >= today)}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
