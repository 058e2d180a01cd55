"""Running matching over the database: load plain columns, match, store results in bulk.

Leavers are matched against enrolments, pupils on roll against offers, per academic year.
Remembered reviewer decisions are applied on every run: an accepted pair stays chosen (and counts
as certain), a rejected pair is never chosen again.
"""
import gc
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from operator import attrgetter

from sqlalchemy import delete, func, null, select
from sqlalchemy.orm import joinedload

from tep_app.extensions import db
from tep_app.matching import MatchOutcome, PersonRecord, describe
from tep_app.matching.parallel import Matcher
from tep_app.models import (
    Enrolment,
    Establishment,
    GuaranteeStatus,
    MatchDecision,
    MatchResult,
    Offer,
    SchoolRecord,
    YoungPerson,
)
from tep_app.models.base import utcnow
from tep_app.models.matching import MATCH_KINDS
from tep_app.services import bulk
from tep_app.services.audit import record_audit

logger = logging.getLogger(__name__)

# kind -> (school record kind, candidate model, words for people)
KINDS = {
    "leaver_enrolment": ("leaver", Enrolment, "leavers vs enrolments"),
    "roll_offer": ("roll", Offer, "roll vs offers"),
}
# A job (one kind, one year) with fewer school records than this is matched in this process.
PARALLEL_THRESHOLD = 10_000


class MatchingError(Exception):
    """A request the matching service cannot do, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def list_match_years() -> list[int]:
    """Academic years that have school records, newest first."""
    return list(db.session.scalars(
        select(SchoolRecord.academic_year).distinct().order_by(SchoolRecord.academic_year.desc())))


def _plain_rows(statement) -> list[tuple]:
    """A select's rows as the driver gives them: no result processing for tens of thousands of rows.

    The statement's only parameters are years and kinds, written into the SQL as literals.
    """
    connection = db.session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _people(rows: list[tuple], rank=None) -> list[PersonRecord]:
    """PersonRecords from rows in PersonRecord's field order (date of birth tenth, postcode twelfth),
    then what ranks a row (an offer's status, or nothing), then the establishment and its district
    (the record's school, or the row's provider).

    SQLite gives dates as text: each distinct date of birth is read once.
    """
    births = {value: value if isinstance(value, date) else date.fromisoformat(value)
              for value in {row[9] for row in rows}}
    return [PersonRecord(*row[:9], births[row[9]], row[10], row[11], rank(row[12]) if rank else 0, row[13:15])
            for row in rows]


def _load_records(school_kind: str, year: int) -> list[tuple]:
    """The school records' rows, for `_people`."""
    person = YoungPerson
    return _plain_rows(
        select(SchoolRecord.id, null(), person.upn, person.uln, person.forename, person.middle_names, person.surname,
               person.preferred_forename, person.former_surname, person.date_of_birth, person.gender,
               person.postcode, null(), SchoolRecord.establishment_id, Establishment.district_id)
        .join(person, SchoolRecord.young_person_id == person.id)
        .join(Establishment, SchoolRecord.establishment_id == Establishment.id)
        .where(SchoolRecord.kind == school_kind, SchoolRecord.academic_year == year)
    )


def _load_candidates(model, year: int) -> tuple[list[tuple], Callable[[str], int] | None]:
    """The enrolment or offer rows, and how to rank an offer row by its status, for `_people`."""
    if model is Enrolment:
        return _plain_rows(
            select(Enrolment.id, Enrolment.row_key, Enrolment.upn, Enrolment.uln, Enrolment.forename, null(),
                   Enrolment.surname, null(), null(), Enrolment.date_of_birth, Enrolment.gender, Enrolment.postcode,
                   null(), Enrolment.provider_id, Establishment.district_id)
            .join(Establishment, Enrolment.provider_id == Establishment.id)
            .where(Enrolment.academic_year == year)
        ), None
    offer_codes = set(db.session.scalars(select(GuaranteeStatus.code).where(GuaranteeStatus.is_offer)))
    return _plain_rows(
        select(Offer.id, Offer.row_key, Offer.upn, Offer.uln, Offer.forename, null(), Offer.surname, null(), null(),
               Offer.date_of_birth, null(), Offer.postcode, Offer.status, Offer.provider_id, Establishment.district_id)
        .join(Establishment, Offer.provider_id == Establishment.id)
        .where(Offer.academic_year == year)
    ), lambda status: 1 if status in offer_codes else 0


def _candidate_count(job: tuple[int, str]) -> int:
    year, kind = job
    model = KINDS[kind][1]
    return db.session.scalar(select(func.count()).select_from(model).where(model.academic_year == year))


def _load_decisions(kind: str, school_kind: str, year: int) -> dict[tuple[int, str], str]:
    rows = db.session.execute(
        select(MatchDecision.school_record_id, MatchDecision.candidate_key, MatchDecision.decision)
        .join(SchoolRecord, MatchDecision.school_record_id == SchoolRecord.id)
        .where(MatchDecision.kind == kind, SchoolRecord.kind == school_kind, SchoolRecord.academic_year == year)
    ).all()
    return {(record_id, key): decision for record_id, key, decision in rows}


def _clear(kind: str, year: int) -> None:
    """Delete the stored results of one kind and year, before the new ones go in."""
    db.session.execute(
        delete(MatchResult).where(
            MatchResult.kind == kind,
            MatchResult.school_record_id.in_(
                select(SchoolRecord.id).where(SchoolRecord.kind == KINDS[kind][0], SchoolRecord.academic_year == year)),
        ).execution_options(synchronize_session=False)
    )


def _store(kind: str, outcomes: list[MatchOutcome]) -> None:
    if not outcomes:
        return
    now = bulk.stamp()
    columns = ("kind", "school_record_id", "candidate_id", "outcome", "rule", "score", "decided_outcome",
               "created_at", "updated_at")
    # In school record order: each index then takes its new entries in order, which is far cheaper.
    bulk.insert_rows(MatchResult.__table__, columns, [
        (kind, o.record_id, o.candidate_id, o.outcome, o.rule[:60], o.score,
         "certain" if o.decision == "accepted" else None, now, now)
        for o in sorted(outcomes, key=attrgetter("record_id"))
    ])


def run_matching(academic_year: int | None = None,
                 kinds: Iterable[str] = ("leaver_enrolment", "roll_offer")) -> dict[str, dict[str, int]]:
    """Match the given kinds for one academic year (every year with school records when None).

    Replaces the stored results of those kinds and years; flushes, never commits. Returns counts
    per kind of each outcome ("certain" includes accepted pairs) and of the decisions applied.
    """
    kinds = tuple(kinds)
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise MatchingError(f"Unknown kind of matching: {', '.join(unknown)}")
    # Loading and matching make a great many small objects that live to the end: the cyclic
    # garbage collector would rescan them all repeatedly for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_matching(academic_year, kinds)
    finally:
        if collecting:
            gc.enable()


def _run_matching(academic_year: int | None, kinds: tuple[str, ...]) -> dict[str, dict[str, int]]:
    db.session.flush()  # the loads below read through the driver, past the session's autoflush
    years = [academic_year] if academic_year is not None else sorted(list_match_years())
    started = time.perf_counter()
    counts: dict[str, Counter] = {kind: Counter() for kind in kinds}
    timings = Counter()
    # Each job is matched in a child process while this one loads the next job and stores the
    # results of the last: the database work overlaps the matching.
    matcher = Matcher(workers=min(os.cpu_count() or 1, 2), min_records=PARALLEL_THRESHOLD)

    cleared: set[tuple[str, int]] = set()

    def clear(kind: str, year: int) -> None:
        if (kind, year) not in cleared:
            cleared.add((kind, year))
            _clear(kind, year)

    def store(done) -> None:
        for (kind, year, decisions), outcomes in done:
            begun = time.perf_counter()
            clear(kind, year)
            _store(kind, outcomes)
            timings["store"] += time.perf_counter() - begun
            tally = counts[kind]
            for outcome in outcomes:
                tally["certain" if outcome.decision == "accepted" else outcome.outcome] += 1
                if outcome.decision == "accepted":
                    tally["reviewed-accepted"] += 1
            tally["reviewed-rejected"] += sum(1 for decision in decisions.values() if decision == "rejected")

    # Smaller jobs first: each one's results are stored while the bigger ones are still being matched.
    jobs = sorted(((year, kind) for year in years for kind in kinds), key=_candidate_count)
    for year, kind in jobs:
        begun = time.perf_counter()
        school_kind, model, _words = KINDS[kind]
        records, (candidates, rank) = _load_records(school_kind, year), _load_candidates(model, year)
        decisions = _load_decisions(kind, school_kind, year)
        timings["load"] += time.perf_counter() - begun
        # The rows become PersonRecords where they are matched: in a child, off this process's path.
        store(matcher.add((kind, year, decisions), partial(_people, records), partial(_people, candidates, rank),
                          decisions, size=len(records)))
    for year, kind in jobs:  # while the last jobs are being matched
        clear(kind, year)
    store(matcher.finish())
    db.session.flush()
    total = time.perf_counter() - started
    logger.info("matched %s kinds for years %s in %.2fs: load %.2fs, store %.2fs", len(kinds), years, total,
                timings["load"], timings["store"],
                extra={"years": years, "kinds": kinds, "total_s": round(total, 3),
                       "load_s": round(timings["load"], 3), "store_s": round(timings["store"], 3)})
    return {kind: {name: tally[name] for name in ("certain", "possible", "none", "reviewed-accepted",
                                                   "reviewed-rejected")} for kind, tally in counts.items()}


def get_match_summary(academic_year: int) -> dict[str, dict[str, int]]:
    """Counts per kind of each outcome as it stands after review, and pairs awaiting review."""
    rows = db.session.execute(
        select(MatchResult.kind, func.coalesce(MatchResult.decided_outcome, MatchResult.outcome),
               MatchResult.decided_outcome.is_not(None), func.count())
        .join(SchoolRecord, MatchResult.school_record_id == SchoolRecord.id)
        .where(SchoolRecord.academic_year == academic_year)
        .group_by(MatchResult.kind, func.coalesce(MatchResult.decided_outcome, MatchResult.outcome),
                  MatchResult.decided_outcome.is_not(None))
    ).all()
    summary = {kind: {"certain": 0, "possible": 0, "none": 0, "reviewed": 0} for kind in MATCH_KINDS}
    for kind, outcome, decided, count in rows:
        if kind in summary:
            summary[kind][outcome] = summary[kind].get(outcome, 0) + count
            if decided:
                summary[kind]["reviewed"] += count
    return summary


@dataclass
class Decided:
    result_id: int
    decision: str
    young_person_name: str


def decide_pair(match_result_id: int, decision: str, user_id: int | None) -> Decided:
    """Accept or reject one pair; remembered for later runs. Raises MatchingError with a message."""
    if decision not in ("accepted", "rejected"):
        raise MatchingError("Select accept or reject")
    result = db.session.get(MatchResult, match_result_id)
    if result is None or result.candidate_id is None:
        raise MatchingError("That pair is no longer in the review queue: matching has been run again since. "
                            "Nothing was changed.")
    person = result.school_record.young_person
    name = f"{person.forename} {person.surname}"
    if result.decided_outcome is not None:
        raise MatchingError(f"The pair for {name} has already been decided. Nothing was changed.")
    model = KINDS[result.kind][1]
    candidate_key = db.session.scalar(select(model.row_key).where(model.id == result.candidate_id))
    if candidate_key is None:
        raise MatchingError(f"The {'enrolment' if model is Enrolment else 'offer'} row for {name} no longer "
                            f"exists. Nothing was changed.")
    remembered = db.session.scalar(select(MatchDecision).where(
        MatchDecision.kind == result.kind, MatchDecision.school_record_id == result.school_record_id,
        MatchDecision.candidate_key == candidate_key))
    if remembered is None:
        remembered = MatchDecision(kind=result.kind, school_record_id=result.school_record_id,
                                   candidate_key=candidate_key)
        db.session.add(remembered)
    remembered.decision = decision
    remembered.decided_by_id = user_id
    remembered.decided_at = utcnow()
    before = {"outcome": result.outcome, "decided_outcome": result.decided_outcome}
    result.decided_outcome = "certain" if decision == "accepted" else "none"
    db.session.flush()
    record_audit(f"match-{decision.removesuffix('ed')}", "match_result", result.id, before=before,
                 after={"decided_outcome": result.decided_outcome, "candidate_key": candidate_key,
                        "school_record_id": result.school_record_id, "kind": result.kind})
    logger.info("match %s %s", result.id, decision, extra={"match_result_id": result.id, "decision": decision})
    return Decided(result.id, decision, name)


@dataclass
class FieldRow:
    label: str
    school: str
    candidate: str
    state: str  # "same", "different", or "missing" when one side does not give it

    @property
    def differs(self) -> bool:
        return self.state == "different"


@dataclass
class ReviewPair:
    result: MatchResult
    record: SchoolRecord
    candidate: object  # Enrolment or Offer
    fields: list[FieldRow]

    @property
    def name(self) -> str:
        person = self.record.young_person
        return f"{person.forename} {person.surname}"

    @property
    def evidence(self) -> str:
        """The evidence for the pair in words: "Matched on UPN and date of birth; surname differs by one letter." """
        return describe(self.result.rule)

    @property
    def likelihood(self) -> str:
        """The match probability as a reviewer reads it: "Likely (87%)", "Unlikely (3%)"."""
        percent = self.result.score * 100
        shown = f"{percent:.0f}%" if 1 <= percent <= 99 else ("less than 1%" if percent < 1 else "more than 99%")
        return f"{'Likely' if percent >= 50 else 'Unlikely'} ({shown})"


@dataclass
class ReviewPage:
    pairs: list[ReviewPair]
    total: int
    page: int
    pages: int


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _fields(record: SchoolRecord, candidate) -> list[FieldRow]:
    person = record.young_person
    forename = person.forename + (f" (known as {person.preferred_forename})" if person.preferred_forename else "")
    surname = person.surname + (f" (formerly {person.former_surname})" if person.former_surname else "")
    pairs = [
        ("UPN", person.upn, candidate.upn), ("ULN", person.uln, candidate.uln),
        ("Forename", forename, candidate.forename), ("Surname", surname, candidate.surname),
        ("Date of birth", person.date_of_birth, candidate.date_of_birth),
        ("Gender", person.gender, getattr(candidate, "gender", None)),
        ("Postcode", person.postcode, candidate.postcode),
    ]
    rows = []
    for label, mine, theirs in pairs:
        if label in ("Forename", "Surname"):
            differs = (theirs or "").strip().lower() != getattr(person, label.lower()).strip().lower()
        else:
            differs = _text(mine).replace(" ", "").upper() != _text(theirs).replace(" ", "").upper()
        state = "missing" if not (mine and theirs) else ("different" if differs else "same")
        rows.append(FieldRow(label, _text(mine), _text(theirs), state))
    return rows


def list_review_pairs(kind: str, academic_year: int, page: int = 1, per_page: int = 25) -> ReviewPage:
    """The "possible" pairs awaiting a decision, best score first, with both sides loaded."""
    if kind not in KINDS:
        raise MatchingError(f"Unknown kind of matching: {kind}")
    model = KINDS[kind][1]
    where = (MatchResult.kind == kind, MatchResult.outcome == "possible", MatchResult.decided_outcome.is_(None),
             MatchResult.candidate_id.is_not(None), SchoolRecord.academic_year == academic_year)
    total = db.session.scalar(
        select(func.count()).select_from(MatchResult)
        .join(SchoolRecord, MatchResult.school_record_id == SchoolRecord.id).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    results = db.session.scalars(
        select(MatchResult).join(SchoolRecord, MatchResult.school_record_id == SchoolRecord.id).where(*where)
        .options(joinedload(MatchResult.school_record).joinedload(SchoolRecord.young_person),
                 joinedload(MatchResult.school_record).joinedload(SchoolRecord.establishment))
        .order_by(MatchResult.score.desc(), MatchResult.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    ids = [result.candidate_id for result in results]
    candidates = {row.id: row for row in db.session.scalars(
        select(model).options(joinedload(model.provider)).where(model.id.in_(ids)))} if ids else {}
    pairs = [ReviewPair(result, result.school_record, candidates[result.candidate_id],
                        _fields(result.school_record, candidates[result.candidate_id]))
             for result in results if result.candidate_id in candidates]
    return ReviewPage(pairs, total, page, pages)
