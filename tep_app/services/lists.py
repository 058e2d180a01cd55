"""The per-school lists (docs/design.md sections 1 and 5): built from the match results, set-based.

Leavers: last summer's Year 11 and 12 leavers stay on their school's list unless matching found
them on an enrolment list with confidence ("certain", or a reviewer accepted the pair), or they are
on a school's Year 12 roll this year (in a sixth form). A possible match, no match, or matching not
yet run all keep a leaver on the list: a false "found" hides a young person who may be NEET.

No offer: pupils on roll stay on the list unless matched with confidence to an offer row whose
September Guarantee status is an offer (110, 114 or 115 in the reference data).

A rebuild changes only what changed, so list entry ids (the spreadsheet's Reference) stay stable.
Once a collection has been sent, entries a school has answered are never deleted.
"""
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, bindparam, case, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import selectinload

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    Collection,
    District,
    Establishment,
    GuaranteeStatus,
    ListEntry,
    MatchResult,
    Offer,
    SchoolRecord,
    SchoolRequest,
    SchoolResponse,
    YoungPerson,
)
from tep_app.models.collections import COLLECTION_KINDS
from tep_app.pagination import ROWS_PER_PAGE, Page
from tep_app.services import calendar, request_states
from tep_app.services.destinations import (  # noqa: F401 -- re-exported
    destination_choices,
    destination_words,
    outcome_value,
    outcome_words,
    plain_words_to_code,
)
from tep_app.services.figures import on_year_12_roll

logger = logging.getLogger(__name__)

__all__ = [
    "ListsError", "BuildSummary", "Page", "SchoolListSummary", "build_lists", "build_lists_with_summary",
    "destination_choices", "plain_words_to_code", "find_collection", "get_school_lists",
    "get_school", "list_entries", "list_schools_with_counts", "list_years", "default_year",
]

SCHOOL_TYPES = ("school", "special", "independent")
NOT_MATCHED_YET = "matching has not been run yet, so everyone stays on the list"
LEAVER_REASONS = {
    "possible": "possible enrolment found, awaiting review",
    "none": "on no school or college enrolment list",
    "rejected": "possible enrolment rejected on review; on no enrolment list",
}
NO_OFFER_REASONS = {
    "possible": "possible offer found, awaiting review",
    "none": "no September Guarantee offer found",
    "rejected": "possible offer rejected on review; no offer found",
}
KEPT_ANSWERED = "no longer on the list after a rebuild; kept because the school has answered"


class ListsError(Exception):
    """A request the lists service cannot do, with a one-line message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BuildSummary:
    people: int = 0
    schools: int = 0
    added: int = 0
    removed: int = 0
    kept_answered: int = 0
    already_sent: bool = False


@dataclass
class ListPage:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return Page(self.page, self.per_page, self.total).pages


@dataclass
class SchoolListSummary:
    kind: str
    title: str
    collection: Collection | None
    count: int = 0
    send_on: date | None = None  # planned: the working day the calendar's send date falls on
    due_on: date | None = None  # the school's reply-by date once sent
    request_status: str | None = None  # as request_states.shown_status: "overdue" or the stored one
    sent_on: date | None = None  # the day it was really sent
    extra: dict = field(default_factory=dict)
    chasers: int = 0  # automatic and by hand, as request_states.chasers_count


def _check_kind(kind: str) -> None:
    if kind not in COLLECTION_KINDS:
        raise ListsError(f"Unknown list {kind!r}: use leavers or no-offer")


def calendar_prefix(kind: str) -> str:
    return kind.replace("-", "_")


def find_collection(kind: str, academic_year: int) -> Collection | None:
    return db.session.scalar(select(Collection).where(
        Collection.kind == kind, Collection.academic_year == academic_year))


def _wanted_select(kind: str, academic_year: int):
    """SELECT young person id, school record id, establishment id, reason: everyone who belongs on
    the year's lists of this kind, with why, worked out by the database in one statement."""
    outcome = func.coalesce(MatchResult.decided_outcome, MatchResult.outcome)
    record_kind, match_kind, reasons = (("leaver", "leaver_enrolment", LEAVER_REASONS) if kind == "leavers"
                                        else ("roll", "roll_offer", NO_OFFER_REASONS))
    query = (
        select(SchoolRecord.young_person_id, SchoolRecord.id, SchoolRecord.establishment_id)
        .outerjoin(MatchResult, and_(MatchResult.school_record_id == SchoolRecord.id, MatchResult.kind == match_kind))
        .where(SchoolRecord.kind == record_kind, SchoolRecord.academic_year == academic_year)
    )
    whens = [(MatchResult.id.is_(None), NOT_MATCHED_YET), (MatchResult.decided_outcome == "none", reasons["rejected"]),
             (outcome == "possible", reasons["possible"])]
    if kind == "leavers":
        query = query.where(or_(MatchResult.id.is_(None), outcome != "certain"),
                            ~on_year_12_roll(SchoolRecord.young_person_id, SchoolRecord.academic_year))
    else:
        query = (query.outerjoin(Offer, Offer.id == MatchResult.candidate_id)
                 .outerjoin(GuaranteeStatus, GuaranteeStatus.code == Offer.status)
                 .where(or_(MatchResult.id.is_(None), outcome != "certain",
                            func.coalesce(GuaranteeStatus.is_offer, False).is_(False))))
        found = ("offer record found with status " + GuaranteeStatus.code + " (" + GuaranteeStatus.description
                 + "): no recorded offer")
        whens.append((and_(outcome == "certain", GuaranteeStatus.code.is_not(None)), found))
    return query.add_columns(case(*whens, else_=reasons["none"]).label("reason"))


def _collection_for(kind: str, academic_year: int) -> Collection:
    calendar.ensure_calendar(academic_year)
    prefix = calendar_prefix(kind)
    send_on = calendar.working_day_on_or_before(calendar.get_date(academic_year, f"{prefix}_send"))
    due_on = calendar.get_date(academic_year, f"{prefix}_due")
    collection = find_collection(kind, academic_year)
    if collection is None:
        collection = Collection(kind=kind, academic_year=academic_year, send_on=send_on, due_on=due_on)
        db.session.add(collection)
    else:
        collection.send_on, collection.due_on = send_on, due_on
    db.session.flush()
    return collection


def _insert_missing(collection: Collection, wanted_query) -> None:
    """INSERT ... SELECT the young people not yet on the collection's lists: the rows never leave the
    database."""
    table = ListEntry.__table__
    already = select(table.c.id).where(table.c.collection_id == collection.id,
                                       table.c.young_person_id == SchoolRecord.young_person_id)
    source = wanted_query.where(~already.exists()).add_columns(literal(collection.id).label("collection_id"))
    db.session.execute(insert(table).from_select(
        ["young_person_id", "school_record_id", "establishment_id", "reason", "collection_id"], source))


def _update_entries(collection: Collection, wanted_query, summary: "BuildSummary", existing: dict) -> None:
    """A rebuild: add the new, drop the found (unless answered), refresh reasons; ids stay stable."""
    wanted = {person_id: (record_id, school_id, reason)
              for person_id, record_id, school_id, reason in db.session.execute(wanted_query)}
    answered = set(db.session.scalars(
        select(SchoolResponse.list_entry_id).join(ListEntry, ListEntry.id == SchoolResponse.list_entry_id)
        .where(ListEntry.collection_id == collection.id)))
    now = clock.now()
    changed, remove = [], []
    for person_id, (record_id, school_id, reason) in wanted.items():
        current = existing.get(person_id)
        if current is not None and current[1:] != (record_id, school_id, reason):
            changed.append({"entry_id": current[0], "school_record_id": record_id, "establishment_id": school_id,
                            "reason": reason, "updated_at": now})
    for person_id, (entry_id, _record_id, _school_id, reason) in existing.items():
        if person_id in wanted:
            continue
        if entry_id in answered:
            summary.kept_answered += 1
            if reason != KEPT_ANSWERED:
                changed.append({"entry_id": entry_id, "reason": KEPT_ANSWERED, "updated_at": now})
        else:
            remove.append(entry_id)
    table = ListEntry.__table__
    for start in range(0, len(remove), 5000):
        db.session.execute(delete(table).where(table.c.id.in_(remove[start:start + 5000])))
    for keys in {tuple(sorted(row)) for row in changed}:
        db.session.execute(update(table).where(table.c.id == bindparam("entry_id")),
                           [row for row in changed if tuple(sorted(row)) == keys])
    if any(person_id not in existing for person_id in wanted):
        _insert_missing(collection, wanted_query)
    summary.removed = len(remove)


def build_lists_with_summary(kind: str, academic_year: int) -> tuple[Collection, BuildSummary]:
    """Create or update the collection and bring its entries up to date; flushes, never commits."""
    _check_kind(kind)
    collection = _collection_for(kind, academic_year)
    wanted_query = _wanted_select(kind, academic_year)
    existing = {
        person_id: (entry_id, record_id, school_id, reason)
        for entry_id, person_id, record_id, school_id, reason in db.session.execute(
            select(ListEntry.id, ListEntry.young_person_id, ListEntry.school_record_id,
                   ListEntry.establishment_id, ListEntry.reason)
            .where(ListEntry.collection_id == collection.id))
    }
    summary = BuildSummary(already_sent=db.session.scalar(
        select(func.count(SchoolRequest.id)).where(SchoolRequest.collection_id == collection.id,
                                                  request_states.sent_clause())) > 0)
    if existing:
        _update_entries(collection, wanted_query, summary, existing)
    else:
        _insert_missing(collection, wanted_query)
    collection.built_at = clock.now()
    db.session.flush()
    summary.people, summary.schools = db.session.execute(
        select(func.count(ListEntry.id), func.count(func.distinct(ListEntry.establishment_id)))
        .where(ListEntry.collection_id == collection.id)).one()
    summary.added = summary.people - (len(existing) - summary.removed)
    logger.info("built the %s lists for %s: %s entries at %s schools (%s added, %s removed, %s kept as answered)",
                kind, academic_year, summary.people, summary.schools, summary.added, summary.removed,
                summary.kept_answered, extra={"kind": kind, "academic_year": academic_year,
                                              "collection_id": collection.id, "entries": summary.people})
    return collection, summary


def build_lists(kind: str, academic_year: int) -> Collection:
    """Create or update the collection for `kind` and year, with one list entry per young person on it."""
    return build_lists_with_summary(kind, academic_year)[0]


def built_collection(kind: str, academic_year: int) -> Collection:
    _check_kind(kind)
    collection = find_collection(kind, academic_year)
    if collection is None or collection.built_at is None:
        raise ListsError(f"The {kind} lists for {calendar.year_label(academic_year)} have not been built: "
                         f"run flask tep lists build {kind} --year {academic_year}")
    return collection


def get_school_lists(establishment_id: int, academic_year: int) -> dict[str, SchoolListSummary]:
    """Both lists of one school for a year (built or not), with counts, dates and the request status."""
    collections = {c.kind: c for c in db.session.scalars(
        select(Collection).where(Collection.academic_year == academic_year))}
    ids = [c.id for c in collections.values()]
    counts = dict(db.session.execute(
        select(ListEntry.collection_id, func.count(ListEntry.id))
        .where(ListEntry.collection_id.in_(ids), ListEntry.establishment_id == establishment_id)
        .group_by(ListEntry.collection_id)).all()) if ids else {}
    requests = {row.collection_id: row for row in db.session.execute(
        select(SchoolRequest.collection_id, SchoolRequest.status, SchoolRequest.sent_at, SchoolRequest.due_on,
               request_states.chasers_expression().label("chasers"))
        .where(SchoolRequest.collection_id.in_(ids), SchoolRequest.establishment_id == establishment_id)
    )} if ids else {}
    summaries = {}
    for kind in COLLECTION_KINDS:
        collection = collections.get(kind)
        title = Collection(kind=kind, academic_year=academic_year).title
        if collection is None:
            prefix = calendar_prefix(kind)
            summaries[kind] = SchoolListSummary(
                kind, title, None, 0, calendar.send_day(calendar.get_date(academic_year, f"{prefix}_send")),
                calendar.get_date(academic_year, f"{prefix}_due"))
            continue
        sent = requests.get(collection.id)
        summary = SchoolListSummary(kind, title, collection, counts.get(collection.id, 0),
                                    calendar.send_day(collection.send_on), collection.due_on,
                                    request_states.shown_status(sent.status, sent.due_on, clock.today())
                                    if sent else None)
        if sent is not None and sent.sent_at is not None:  # what really happened, not the plan
            summary.sent_on, summary.due_on = clock.local_date(sent.sent_at), sent.due_on
            summary.chasers = sent.chasers
        summaries[kind] = summary
    return summaries


def list_entries(collection_id: int, establishment_id: int, page: int = 1,
                 per_page: int = ROWS_PER_PAGE) -> ListPage:
    """One page of a school's list, in surname order, with young person and school record loaded."""
    where = (ListEntry.collection_id == collection_id, ListEntry.establishment_id == establishment_id)
    total = db.session.scalar(select(func.count(ListEntry.id)).where(*where))
    shown = Page.of(page, total, per_page)
    items = list(db.session.scalars(
        select(ListEntry).join(YoungPerson, YoungPerson.id == ListEntry.young_person_id).where(*where)
        .options(selectinload(ListEntry.young_person), selectinload(ListEntry.school_record))
        .order_by(YoungPerson.surname, YoungPerson.forename, ListEntry.id)
        .limit(shown.size).offset(shown.offset)))
    return ListPage(items, shown.number, per_page, total)


@dataclass
class SchoolCounts:
    establishment: Establishment
    district: str | None
    leavers: int
    no_offer: int


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_schools_with_counts(academic_year: int, search: str | None = None, page: int = 1,
                             per_page: int = ROWS_PER_PAGE) -> ListPage:
    """Schools (by name) with the size of each of their lists for the year: one grouped query."""
    counts = (
        select(ListEntry.establishment_id.label("establishment_id"),
               func.sum(case((Collection.kind == "leavers", 1), else_=0)).label("leavers"),
               func.sum(case((Collection.kind == "no-offer", 1), else_=0)).label("no_offer"))
        .join(Collection, Collection.id == ListEntry.collection_id)
        .where(Collection.academic_year == academic_year)
        .group_by(ListEntry.establishment_id).subquery()
    )
    where = [or_(Establishment.type.in_(SCHOOL_TYPES), counts.c.establishment_id.is_not(None))]
    search = (search or "").strip()
    if search:
        where.append(or_(Establishment.name.ilike(f"%{_like(search)}%", escape="\\"),
                         Establishment.laestab.startswith(search, autoescape=True)))
    base = select(Establishment.id).outerjoin(counts, counts.c.establishment_id == Establishment.id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    shown = Page.of(page, total, per_page)
    rows = db.session.execute(
        select(Establishment, District.name, func.coalesce(counts.c.leavers, 0), func.coalesce(counts.c.no_offer, 0))
        .outerjoin(District, District.id == Establishment.district_id)
        .outerjoin(counts, counts.c.establishment_id == Establishment.id)
        .where(*where).order_by(Establishment.name, Establishment.laestab)
        .limit(shown.size).offset(shown.offset)
    ).all()
    schools = [SchoolCounts(e, d, int(listed), int(n)) for e, d, listed, n in rows]
    return ListPage(schools, shown.number, per_page, total)


def list_years() -> list[int]:
    """Academic years with collections or school records, and the current one, newest first."""
    years = set(db.session.scalars(select(Collection.academic_year).distinct()))
    years |= set(db.session.scalars(select(SchoolRecord.academic_year).distinct()))
    years.add(calendar.current_academic_year())
    return sorted(years, reverse=True)


def default_year() -> int:
    """The newest academic year with built lists, else with school records, else the current one."""
    return (db.session.scalar(select(func.max(Collection.academic_year)))
            or db.session.scalar(select(func.max(SchoolRecord.academic_year)))
            or calendar.current_academic_year())


def get_school(laestab: str) -> Establishment | None:
    return db.session.scalar(select(Establishment).where(Establishment.laestab == laestab)
                             .options(selectinload(Establishment.contacts), selectinload(Establishment.district)))
