"""Running matching over the database: load plain columns, match, store results in bulk.

Leavers are matched against enrolments, pupils on roll against offers, per academic year.
Remembered reviewer decisions are applied on every run: an accepted pair stays chosen (and counts
as certain), a rejected pair is never chosen again.

After each run, what the results show is written as activities (services/match_evidence.py: the
Year 12 roll as a sixth form, a certain enrolment as the activity it implies, each closing the open
case), and a pupil matched to an offer with confidence holds its September Guarantee status from
the offers import (services/offer_guarantees.py).
"""
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from operator import attrgetter

from sqlalchemy import delete, func, null, select

from tep_app.collector import paused
from tep_app.extensions import db
from tep_app.matching import MatchOutcome, PersonRecord
from tep_app.matching.parallel import Matcher
from tep_app.models import (
    Activity,
    Enrolment,
    Establishment,
    GuaranteeStatus,
    MatchDecision,
    MatchResult,
    Offer,
    SchoolRecord,
    YoungPerson,
)
from tep_app.services import bulk_insert
from tep_app.services.match_evidence import close_cases_matched, record_roll_evidence
from tep_app.services.offer_guarantees import record_offer_guarantees

logger = logging.getLogger(__name__)

# kind -> (school record kind, candidate model, words for people)
KINDS = {
    "leaver_enrolment": ("leaver", Enrolment, "leavers vs enrolments"),
    "roll_offer": ("roll", Offer, "roll vs offers"),
}
# Looks at how many processes are running, to judge whether a core is idle for a child.
RUNNING_LOOKS = 3
# A job (one kind, one year) with fewer school records than this is matched in this process.
PARALLEL_THRESHOLD = 10_000
class MatchingError(Exception):
    """A request the matching service cannot do, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _running_now() -> int | None:
    """How many processes on the machine are running or ready to run at this moment, this one
    included (the kernel's count in /proc/loadavg); None where there is no such count."""
    try:
        with open("/proc/loadavg", encoding="ascii") as counts:
            return int(counts.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _others_busy() -> float | None:
    """How many cores other work is using now: the middle of three looks a few milliseconds apart,
    less this process; else the last minute's load average; None when neither can be read."""
    looks = []
    for _ in range(RUNNING_LOOKS):
        running = _running_now()
        if running is None:
            break
        looks.append(running - 1)
        time.sleep(0.005)
    if looks:
        return sorted(looks)[len(looks) // 2]
    try:
        return max(0.0, os.getloadavg()[0] - 1)
    except (AttributeError, OSError):
        return None


def _workers() -> int:
    """Two jobs at once, in children, only when other work leaves a core idle now. On a busy machine
    the children wait for the same cores as this process, and forking and sending the outcomes back
    cost more than they save: on two cores at a load average of 5 to 7, a Kent-sized county matched
    both ways in 8.3 s (median) in two children and 6.1 s in this process alone. The machine is
    looked at now, not over the last minute: a minute's average still counts work that has ended
    (a bench's Splink run just before a refresh kept the refresh to one core)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    busy = _others_busy()
    if busy is None:
        return min(cores, 2)
    return max(1, min(2, int(cores - busy)))


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
    """The school records' rows in the order they were imported, for `_people`: the same order on every
    database, so that the matching breaks its ties the same way on each."""
    person = YoungPerson
    return _plain_rows(
        select(SchoolRecord.id, null(), person.upn, person.uln, person.forename, person.middle_names, person.surname,
               person.preferred_forename, person.former_surname, person.date_of_birth, person.gender,
               person.postcode, null(), SchoolRecord.establishment_id, Establishment.district_id)
        .join(person, SchoolRecord.young_person_id == person.id)
        .join(Establishment, SchoolRecord.establishment_id == Establishment.id)
        .where(SchoolRecord.kind == school_kind, SchoolRecord.academic_year == year,
               person.anonymised_at.is_(None))  # anonymised: nothing left to match, the old result stays
        .order_by(SchoolRecord.id)
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
            .order_by(Enrolment.id)
        ), None
    offer_codes = set(db.session.scalars(select(GuaranteeStatus.code).where(GuaranteeStatus.is_offer)))
    return _plain_rows(
        select(Offer.id, Offer.row_key, Offer.upn, Offer.uln, Offer.forename, null(), Offer.surname, null(), null(),
               Offer.date_of_birth, null(), Offer.postcode, Offer.status, Offer.provider_id, Establishment.district_id)
        .join(Establishment, Offer.provider_id == Establishment.id)
        .where(Offer.academic_year == year)
        .order_by(Offer.id)
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
    """Delete the stored results of one kind and year, before the new ones go in. The results of
    young people the retention run anonymised stay: the figures of their year count them."""
    anonymised = select(YoungPerson.id).where(YoungPerson.anonymised_at.is_not(None))
    db.session.execute(
        delete(MatchResult).where(
            MatchResult.kind == kind,
            MatchResult.school_record_id.in_(
                select(SchoolRecord.id).where(SchoolRecord.kind == KINDS[kind][0], SchoolRecord.academic_year == year,
                                              SchoolRecord.young_person_id.not_in(anonymised))),
        ).execution_options(synchronize_session=False)
    )


def _store(kind: str, outcomes: list[MatchOutcome]) -> None:
    if not outcomes:
        return
    now = bulk_insert.stamp()
    columns = ("kind", "school_record_id", "candidate_id", "outcome", "rule", "score", "decided_outcome",
               "created_at", "updated_at")
    # In school record order: each index then takes its new entries in order, which is far cheaper.
    bulk_insert.insert_rows(MatchResult.__table__, columns, [
        (kind, o.record_id, o.candidate_id, o.outcome, o.rule[:60], o.score,
         "certain" if o.decision == "accepted" else None, now, now)
        for o in sorted(outcomes, key=attrgetter("record_id"))
    ])


class MatchRun:
    """One run of the matching, begun job by job (a kind and a year) and finished once.

    `begin` loads a job and hands it to a child process when a core is idle (else matches it
    here), so the caller can go on (a refresh imports the offers while the leavers are matched);
    `finish` waits for every job, stores the results in place of the old ones and records what they
    show: the roll's evidence, the cases they close, the pupils' September Guarantee statuses.
    Flushes, never commits.
    """

    def __init__(self, kinds: Iterable[str] = ("leaver_enrolment", "roll_offer")):
        self.kinds = tuple(kinds)
        unknown = [kind for kind in self.kinds if kind not in KINDS]
        if unknown:
            raise MatchingError(f"Unknown kind of matching: {', '.join(unknown)}")
        self.counts: dict[str, Counter] = {kind: Counter() for kind in self.kinds}
        self.timings = Counter()
        self.workers = _workers()
        self.matcher = Matcher(workers=self.workers, min_records=PARALLEL_THRESHOLD)
        self.jobs: list[tuple[int, str]] = []
        self.cleared: set[tuple[str, int]] = set()
        self.analysed: set[str] = set()
        self.seconds = 0.0
        self.stored: list[tuple[str, int]] = []  # (kind, year) of the jobs matched and stored when begun

    def begin(self, year: int, kind: str) -> None:
        """Load one job and start matching it."""
        if kind not in self.kinds:
            raise MatchingError(f"Unknown kind of matching: {kind}")
        started = time.perf_counter()
        with paused():
            db.session.flush()  # the loads below read through the driver, past the session's autoflush
            school_kind, model, _words = KINDS[kind]
            # Imports just before (a refresh) may have written most of these rows in this transaction.
            self._analyse(YoungPerson, SchoolRecord, Establishment, model)
            records, (candidates, rank) = _load_records(school_kind, year), _load_candidates(model, year)
            decisions = _load_decisions(kind, school_kind, year)
            self.timings["load"] += time.perf_counter() - started
            self.jobs.append((year, kind))
            # The rows become PersonRecords where they are matched: in a child, off this process's path.
            self.stored += self._store(self.matcher.add((kind, year, decisions), partial(_people, records),
                                                        partial(_people, candidates, rank), decisions,
                                                        size=len(records)))
        self.seconds += time.perf_counter() - started

    def finish(self) -> dict[str, dict[str, int]]:
        """Wait for every job, store the results, record what they show; the counts per kind.

        What does not wait for a job is done while the jobs are matched: clearing the old results,
        and the Year 12 roll's evidence (it reads the school records alone). Each job is stored as
        soon as it is matched, whichever ends first, and what its results show recorded then: the
        cases its certain enrolments close, or its pupils' September Guarantee statuses.
        """
        started = time.perf_counter()
        with paused():
            for year, kind in self.jobs:
                self._clear(kind, year)
            years = sorted({year for year, _kind in self.jobs})
            if "leaver_enrolment" in self.kinds:
                for year in years:
                    record_roll_evidence(year)
            for kind, year in self.stored:  # matched here, when they were begun
                self._record_shown(kind, year)
            for done in self.matcher.finish():
                for kind, year in self._store([done]):
                    self._record_shown(kind, year)
            bulk_insert.analyse(Activity.__table__)  # the roll evidence's, for the lists built next
        self.seconds += time.perf_counter() - started
        logger.info("matched %s kinds for years %s in %.2fs: load %.2fs, store %.2fs, %s at once", len(self.kinds),
                    years, self.seconds, self.timings["load"], self.timings["store"], self.workers,
                    extra={"years": years, "kinds": self.kinds, "total_s": round(self.seconds, 3),
                           "workers": self.workers, "load_s": round(self.timings["load"], 3),
                           "store_s": round(self.timings["store"], 3)})
        return {kind: {name: tally[name] for name in ("certain", "possible", "none", "reviewed-accepted",
                                                       "reviewed-rejected")} for kind, tally in self.counts.items()}

    def cancel(self) -> None:
        """Stop the jobs still being matched, when the caller gives up (a refresh whose next file
        fails): nothing of theirs is stored."""
        self.matcher.cancel()

    def _analyse(self, *models) -> None:
        fresh = [model.__table__ for model in models if model.__table__.name not in self.analysed]
        self.analysed.update(table.name for table in fresh)
        bulk_insert.analyse(*fresh)

    def _clear(self, kind: str, year: int) -> None:
        if (kind, year) not in self.cleared:
            self.cleared.add((kind, year))
            _clear(kind, year)

    def _record_shown(self, kind: str, year: int) -> None:
        """What one job's stored results show."""
        db.session.flush()
        bulk_insert.analyse(MatchResult.__table__)
        if kind == "leaver_enrolment":
            close_cases_matched(year)
        else:
            record_offer_guarantees(year)

    def _store(self, done) -> list[tuple[str, int]]:
        """Store each job's results in place of the old; the (kind, year) of each job stored."""
        stored = []
        for (kind, year, decisions), outcomes in done:
            begun = time.perf_counter()
            self._clear(kind, year)
            _store(kind, outcomes)
            stored.append((kind, year))
            self.timings["store"] += time.perf_counter() - begun
            tally = self.counts[kind]
            for outcome in outcomes:
                tally["certain" if outcome.decision == "accepted" else outcome.outcome] += 1
                if outcome.decision == "accepted":
                    tally["reviewed-accepted"] += 1
            tally["reviewed-rejected"] += sum(1 for decision in decisions.values() if decision == "rejected")
        return stored


def run_matching(academic_year: int | None = None,
                 kinds: Iterable[str] = ("leaver_enrolment", "roll_offer")) -> dict[str, dict[str, int]]:
    """Match the given kinds for one academic year (every year with school records when None).

    Replaces the stored results of those kinds and years; flushes, never commits. Returns counts
    per kind of each outcome ("certain" includes accepted pairs) and of the decisions applied.
    """
    run = MatchRun(kinds)
    years = [academic_year] if academic_year is not None else sorted(list_match_years())
    # Smaller jobs first: each one's results are stored while the bigger ones are still being matched.
    for year, kind in sorted(((year, kind) for year in years for kind in run.kinds), key=_candidate_count):
        run.begin(year, kind)
    return run.finish()
