"""The review of matching: counts per outcome, the queue of possible pairs side by side with
their evidence in words, and a reviewer's decision on a pair (remembered by every later run).

Accepting a pair finds the young person: a leaver's enrolment becomes their activity (school sixth
form, further education or training, from the provider's type) and an offer with a settled status
becomes their September Guarantee record; either closes their open case, saying so.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tep_app import clock
from tep_app.dates import numeric_date
from tep_app.extensions import db
from tep_app.matching import describe
from tep_app.models import (
    Activity,
    ActivityCode,
    Case,
    Collection,
    Enrolment,
    GuaranteeStatus,
    MatchDecision,
    MatchResult,
    Offer,
    SchoolRecord,
    StaffUser,
)
from tep_app.models.matching import MATCH_KINDS
from tep_app.models.people import GuaranteeRecord
from tep_app.pagination import MATCHES_PER_PAGE, Page
from tep_app.services.audit import record_audit
from tep_app.services.cases.closing import close_case
from tep_app.services.destinations import lapse_date
from tep_app.services.figures import SETTLED_GUARANTEE_GROUPS
from tep_app.services.match_evidence import PROVIDER_ACTIVITY
from tep_app.services.match_runs import KINDS, MatchingError

logger = logging.getLogger(__name__)


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
    remembered.decided_at = clock.now()
    before = {"outcome": result.outcome, "decided_outcome": result.decided_outcome}
    result.decided_outcome = "certain" if decision == "accepted" else "none"
    db.session.flush()
    record_audit(f"match-{decision.removesuffix('ed')}", "match_result", result.id, before=before,
                 after={"decided_outcome": result.decided_outcome, "candidate_key": candidate_key,
                        "school_record_id": result.school_record_id, "kind": result.kind})
    logger.info("match %s %s", result.id, decision, extra={"match_result_id": result.id, "decision": decision})
    if decision == "accepted":
        _found_on_review(result, user_id)
    return Decided(result.id, decision, name)


def _found_on_review(result: MatchResult, user_id: int | None) -> None:
    """What an accepted pair tells us about the young person, recorded, and their case closed."""
    record = result.school_record
    person_id = record.young_person_id
    reviewer = db.session.get(StaffUser, user_id) if user_id else None
    source = f"{'enrolment' if result.kind == 'leaver_enrolment' else 'offer'} return, match accepted after review"
    if reviewer is not None:
        source += f" by {reviewer.name}"
    today = clock.today()
    open_case = db.session.scalar(select(Case).where(Case.young_person_id == person_id, Case.status == "open"))
    if result.kind == "leaver_enrolment":
        enrolment = db.session.get(Enrolment, result.candidate_id)
        code = db.session.get(ActivityCode, PROVIDER_ACTIVITY.get(enrolment.provider.type, "230"))
        activity = Activity(
            young_person_id=person_id, code=code.code, start_date=enrolment.start_date, ascertained_on=today,
            due_to_lapse_on=lapse_date(today, code.group), provider_id=enrolment.provider_id,
            provider_name=enrolment.provider.name, source=source[:100], recorded_by_id=user_id,
            notes=f"Enrolled at {enrolment.provider.name}" + (f" on {enrolment.course}" if enrolment.course else "")
                  + f"; match likelihood {result.score:.0%}")
        db.session.add(activity)
        db.session.flush()
        if open_case is not None:
            close_case(open_case, "match_accepted", activity.id, by=f"staff:{user_id}")
        return
    offer = db.session.get(Offer, result.candidate_id)
    status = db.session.get(GuaranteeStatus, offer.status)
    if status is None or status.group not in SETTLED_GUARANTEE_GROUPS:
        return
    db.session.add(GuaranteeRecord(
        young_person_id=person_id, academic_year=record.academic_year, status=offer.status,
        provider_name=offer.provider.name, offer_date=offer.offer_date, recorded_on=today, source=source[:100],
        recorded_by_id=user_id))
    db.session.flush()
    if open_case is not None and open_case.collection_id is not None and db.session.scalar(
            select(Collection.kind).where(Collection.id == open_case.collection_id)) == "no-offer":
        close_case(open_case, "match_accepted", None, by=f"staff:{user_id}")


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
        return numeric_date(value)
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


def list_review_pairs(kind: str, academic_year: int, page: int = 1, per_page: int = MATCHES_PER_PAGE) -> ReviewPage:
    """The "possible" pairs awaiting a decision, best score first, with both sides loaded."""
    if kind not in KINDS:
        raise MatchingError(f"Unknown kind of matching: {kind}")
    model = KINDS[kind][1]
    where = (MatchResult.kind == kind, MatchResult.outcome == "possible", MatchResult.decided_outcome.is_(None),
             MatchResult.candidate_id.is_not(None), SchoolRecord.academic_year == academic_year)
    total = db.session.scalar(
        select(func.count()).select_from(MatchResult)
        .join(SchoolRecord, MatchResult.school_record_id == SchoolRecord.id).where(*where)) or 0
    shown = Page.of(page, total, per_page)
    page, pages = shown.number, shown.pages
    results = db.session.scalars(
        select(MatchResult).join(SchoolRecord, MatchResult.school_record_id == SchoolRecord.id).where(*where)
        .options(joinedload(MatchResult.school_record).joinedload(SchoolRecord.young_person),
                 joinedload(MatchResult.school_record).joinedload(SchoolRecord.establishment))
        .order_by(MatchResult.score.desc(), MatchResult.id)
        .limit(shown.size).offset(shown.offset)
    ).all()
    ids = [result.candidate_id for result in results]
    candidates = {row.id: row for row in db.session.scalars(
        select(model).options(joinedload(model.provider)).where(model.id.in_(ids)))} if ids else {}
    pairs = [ReviewPair(result, result.school_record, candidates[result.candidate_id],
                        _fields(result.school_record, candidates[result.candidate_id]))
             for result in results if result.candidate_id in candidates]
    return ReviewPage(pairs, total, page, pages)
