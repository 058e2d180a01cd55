"""Opening cases: young people still without a known destination once the school has had its say
(or its deadline has passed), and young people whose activity has lapsed unconfirmed.

Every function is set-based (one query to find the young people, one statement to insert) and safe
to run twice: a young person gets no second case while one is open, none again from a collection
that already gave them one, and the partial unique index on open cases is the last defence.
"""
import logging
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    ActivityCode,
    Case,
    Collection,
    Establishment,
    GuaranteeStatus,
    ListEntry,
    SchoolRecord,
    SchoolRequest,
    SchoolResponse,
    YoungPerson,
)
from tep_app.services.audit import record_audit
from tep_app.services.cases.assignment import Assigner, assign_by_patch
from tep_app.services.dialect import insert_for
from tep_app.services.request_states import overdue_clause

logger = logging.getLogger(__name__)
CHUNK = 5000


def open_cases_for_request(school_request: SchoolRequest) -> int:
    """Open a case for every young person on this request's list whose school answer is Not Known
    (810, 820, 830, or no destination) or who has no answer. Returns how many cases were opened."""
    return _open_for_requests([school_request.id], clock.today())


def open_cases_for_overdue(today: date | None = None) -> int:
    """Open cases for the lists of every request past its deadline and not submitted (a request
    never sent is not overdue). Returns how many cases were opened."""
    today = today or clock.today()
    request_ids = list(db.session.scalars(
        select(SchoolRequest.id).where(overdue_clause(today))
    ))
    return _open_for_requests(request_ids, today) if request_ids else 0


def open_cases_for_lapsed(today: date | None = None) -> int:
    """Open a case ("lapsed") for every young person whose latest activity's due-to-lapse date has
    passed, with no newer activity and no open case. Returns how many cases were opened."""
    today = today or clock.today()
    newer = aliased(Activity)
    has_newer = exists().where(
        newer.young_person_id == Activity.young_person_id,
        or_(newer.ascertained_on > Activity.ascertained_on,
            and_(newer.ascertained_on == Activity.ascertained_on, newer.id > Activity.id)),
    )
    lapsed = db.session.execute(
        select(Activity.young_person_id, Activity.due_to_lapse_on)
        .join(YoungPerson, YoungPerson.id == Activity.young_person_id)
        .where(Activity.due_to_lapse_on < today, ~has_newer, ~_has_open_case(Activity.young_person_id),
               YoungPerson.moved.is_(None), YoungPerson.anonymised_at.is_(None))
    ).all()
    person_ids = [row.young_person_id for row in lapsed]
    schools = _latest_school(person_ids)
    rows = []
    for person_id, lapsed_on in lapsed:
        school = schools.get(person_id, (None, None, None))
        rows.append({"young_person_id": person_id, "reason": "lapsed", "establishment_id": school[0],
                     "district_id": school[1], "year_group": school[2], "collection_id": None,
                     "not_known_since": lapsed_on})
    return _insert_cases(rows)


open_lapsed_cases = open_cases_for_lapsed


def open_case_for(person: YoungPerson, today: date | None = None) -> Case | None:
    """An officer opens a case for one young person from their page ("officer_opened"), under
    their latest school and assigned by patch or balance as every case is. Not Known since their
    current activity became Not Known (or lapsed), else today. None if a case is already open."""
    today = today or clock.today()
    school = _latest_school([person.id]).get(person.id, (None, None, None))
    latest = db.session.execute(
        select(Activity.ascertained_on, Activity.due_to_lapse_on, ActivityCode.is_not_known)
        .join(ActivityCode, ActivityCode.code == Activity.code)
        .where(Activity.young_person_id == person.id, Activity.ascertained_on <= today)
        .order_by(Activity.ascertained_on.desc(), Activity.id.desc()).limit(1)).first()
    since = today
    if latest is not None and latest.is_not_known:
        since = latest.ascertained_on
    elif latest is not None and latest.due_to_lapse_on is not None and latest.due_to_lapse_on < today:
        since = latest.due_to_lapse_on
    opened = _insert_cases([{"young_person_id": person.id, "reason": "officer_opened", "establishment_id": school[0],
                             "district_id": school[1], "year_group": school[2], "collection_id": None,
                             "not_known_since": since}])
    return db.session.scalar(select(Case).where(Case.young_person_id == person.id, Case.status == "open")) \
        if opened else None


def reopen_case(case: Case, reason: str) -> None:
    """Open a closed case again, saying why (audited with when and why it had closed); it keeps its
    officer while they are active, else goes by patch or balance. The caller checks that no other
    case of the young person is open."""
    before = {"status": case.status, "closed_at": case.closed_at.isoformat() if case.closed_at else None,
              "closed_reason": case.closed_reason, "closing_activity_id": case.closing_activity_id}
    case.status = "open"
    case.closed_at = None
    case.closed_reason = None
    case.closing_activity_id = None
    case.next_follow_up_on = None
    case.needs_letter_or_visit = False
    case.updated_at = clock.now()
    db.session.flush()
    record_audit("reopen", "case", case.id, before=before, after={"status": "open", "reason": reason})
    if case.officer is None or not case.officer.active or case.officer.role != "officer":
        assign_by_patch(case)
    logger.info("case %s reopened", case.id, extra={"case_id": case.id})


# Internals.

def _has_open_case(person_column):
    return exists().where(Case.young_person_id == person_column, Case.status == "open")


def _open_for_requests(request_ids: list[int], today: date) -> int:
    known_since_send = aliased(Activity)
    known_code = aliased(ActivityCode)
    has_known_activity = exists().where(
        known_since_send.young_person_id == ListEntry.young_person_id,
        known_since_send.code == known_code.code, known_code.is_not_known.is_(False),
        known_since_send.needs_review.is_(False),
        known_since_send.ascertained_on >= Collection.send_on,
        or_(known_since_send.due_to_lapse_on.is_(None), known_since_send.due_to_lapse_on >= today),
    )
    # The school's destination differs from what is held: an officer decides which is right.
    in_conflict = exists().where(
        known_since_send.young_person_id == ListEntry.young_person_id, known_since_send.needs_review.is_(True),
        known_since_send.ascertained_on >= Collection.send_on)
    had_case_from_collection = exists().where(
        Case.young_person_id == ListEntry.young_person_id, Case.collection_id == ListEntry.collection_id)
    settled = select(GuaranteeStatus.code).where(GuaranteeStatus.group.in_(("offer", "in-learning", "not-appropriate")))
    answer_is_known = and_(
        SchoolResponse.answered.is_(True), ~in_conflict,
        or_(and_(ActivityCode.code.is_not(None), ActivityCode.is_not_known.is_(False)),
            # (each branch false, never NULL, so that NOT of the whole is never NULL)
            and_(SchoolResponse.guarantee_code.is_not(None), SchoolResponse.guarantee_code.in_(settled)),
            SchoolResponse.moved.is_not(None)))
    query = (
        select(ListEntry.young_person_id, ListEntry.establishment_id, ListEntry.collection_id,
               SchoolRecord.year_group, SchoolRecord.leaving_date, Collection.send_on,
               Establishment.district_id, SchoolResponse.answered, in_conflict.label("in_conflict"))
        .join(SchoolRequest, and_(SchoolRequest.collection_id == ListEntry.collection_id,
                                  SchoolRequest.establishment_id == ListEntry.establishment_id))
        .join(Collection, Collection.id == ListEntry.collection_id)
        .join(SchoolRecord, SchoolRecord.id == ListEntry.school_record_id)
        .join(Establishment, Establishment.id == ListEntry.establishment_id)
        .join(YoungPerson, YoungPerson.id == ListEntry.young_person_id)
        .outerjoin(SchoolResponse, SchoolResponse.list_entry_id == ListEntry.id)
        .outerjoin(ActivityCode, ActivityCode.code == SchoolResponse.activity_code)
        .where(SchoolRequest.id.in_(request_ids), ~answer_is_known, ~_has_open_case(ListEntry.young_person_id),
               ~had_case_from_collection, or_(in_conflict, ~has_known_activity), YoungPerson.moved.is_(None))
        .order_by(ListEntry.id)
    )
    rows = []
    for row in db.session.execute(query):
        rows.append({
            "young_person_id": row.young_person_id, "establishment_id": row.establishment_id,
            "district_id": row.district_id, "collection_id": row.collection_id, "year_group": row.year_group,
            "reason": "conflict" if row.in_conflict else "school_not_known" if row.answered else "no_school_answer",
            "not_known_since": row.leaving_date or row.send_on,
        })
    return _insert_cases(rows)


def _latest_school(person_ids: list[int]) -> dict[int, tuple]:
    """young person id -> (establishment id, district id, year group) of their latest school record."""
    found: dict[int, tuple] = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start:start + CHUNK]
        rows = db.session.execute(
            select(SchoolRecord.young_person_id, SchoolRecord.establishment_id, Establishment.district_id,
                   SchoolRecord.year_group)
            .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
            .where(SchoolRecord.young_person_id.in_(chunk))
            .order_by(SchoolRecord.academic_year, SchoolRecord.id)
        )
        for person_id, establishment_id, district_id, year_group in rows:
            found[person_id] = (establishment_id, district_id, year_group)
    return found


def _insert_statement():
    return insert_for()(Case).on_conflict_do_nothing(
        index_elements=["young_person_id"], index_where=text("status = 'open'"))


def _insert_cases(rows: list[dict]) -> int:
    """Insert the cases (one per young person), assigned by patch or by balance; audit each."""
    unique: dict[int, dict] = {}
    for row in rows:
        unique.setdefault(row["young_person_id"], row)
    if not unique:
        return 0
    assigner = Assigner()
    opened_at = clock.now()
    values = []
    for row in unique.values():
        district_id = row.pop("district_id")
        values.append({**row, "status": "open", "opened_at": opened_at, "needs_letter_or_visit": False,
                       "version": 1, "officer_id": assigner.officer_for(row["establishment_id"], district_id)})
    created = []
    statement = _insert_statement().returning(Case.id, Case.young_person_id, Case.officer_id, Case.reason)
    for start in range(0, len(values), CHUNK):
        created.extend(db.session.execute(statement, values[start:start + CHUNK]).all())
    for case_id, person_id, officer_id, reason in created:
        record_audit("open", "case", case_id,
                     after={"young_person_id": person_id, "officer_id": officer_id, "reason": reason})
    db.session.flush()
    logger.info("opened %s cases", len(created), extra={"opened": len(created)})
    return len(created)


def count_open_cases() -> int:
    return db.session.scalar(select(func.count(Case.id)).where(Case.status == "open")) or 0


def open_nightly_cases(today: date | None = None) -> dict:
    """Young people still Not Known become cases: on lists past their reply-by date and not
    submitted, and with an activity past its due-to-lapse date."""
    return {"overdue": open_cases_for_overdue(today), "lapsed": open_cases_for_lapsed(today)}
