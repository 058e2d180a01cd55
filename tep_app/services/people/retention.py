"""The retention run: the schedule's rules (services/people/retention_rules.py) applied to what the
registry (services/people/personal_data.py) says is held, every night and by `flask tep retention run`.

- young_person: a young person past the end of the academic year (31 August) in which they reached
  the rule's age (its EHCP age with an EHCP) is anonymised: every registered column that is not a
  statistic is cleared, redacted, rekeyed or deleted as the registry says; the activity codes and
  dates, school, year group and cohort membership stay, so the Not Known and NEET figures do not
  change. The date of birth becomes 1 September of its academic year (the academic age stays).
  `anonymised_at` marks them, so a second run finds nothing to do. An erasure anonymises through the
  same anonymise_people. Enrolment and offer rows go
  with the young person they were matched to, and unmatched ones when their own date of birth
  passes the rule's age. An open case of theirs closes ("anonymised"); matching leaves their
  results as they are (services/match_runs.py), and no new case opens for them.
- contact: contact attempts are deleted, and notes cleared, once the young person's last contact
  (their newest contact attempt, activity recorded or school answer) is the rule's years old.
- audit: audit rows older than the rule's years are deleted. The audit trail is append-only and
  refuses every change; this is the one deliberate deletion (models/audit.py delete_expired).
- import_values: values an import left out are cleared the rule's years after the import.

A dry run does the same work inside a savepoint and rolls it back: the same counts, nothing changed.
Every run writes one audit row with its counts.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, exists, func, not_, or_, select, update

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import (
    Activity,
    Case,
    ContactAttempt,
    Enrolment,
    ImportBatch,
    ImportWarning,
    ListEntry,
    Offer,
    PersonNote,
    SchoolResponse,
    YoungPerson,
)
from tep_app.models.audit import AuditEvent, delete_expired
from tep_app.services.audit import record_audit
from tep_app.services.cases.closing import close_case
from tep_app.services.people import retention_rules
from tep_app.services.people.personal_data import (
    ANONYMISED_FORENAME,
    AUDIT_RULE,
    CONTACT_RULE,
    DELETE,
    IMPORT_VALUES_RULE,
    KEEP,
    REDACT,
    REGISTRY,
    REKEY,
    YEAR_START,
    YOUNG_PERSON_RULE,
    Holding,
)

CHUNK = 500
# Import rows: they go with the young person they were matched to, or by their own date of birth.
IMPORT_ROWS = {Enrolment: "leaver_enrolment", Offer: "roll_offer"}
# The rules that anonymisation applies (the others go by their own dates only).
ANONYMISATION_RULES = (YOUNG_PERSON_RULE, CONTACT_RULE)
# The count of open cases closed because their young person was anonymised.
CLOSED_CASES = "open_case"


@dataclass
class RuleRun:
    key: str
    label: str
    description: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return summarise(self.key, self.counts)


@dataclass
class RetentionRun:
    on: date
    dry_run: bool
    rules: list[RuleRun]

    def counts(self) -> dict[str, dict[str, int]]:
        return {rule.key: dict(rule.counts) for rule in self.rules}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _table_words(table: str) -> str:
    return table.replace("_", " ")


def summarise(key: str, counts: dict[str, int]) -> str:
    """A rule's counts in words: "3 young people anonymised (rows changed: activity 4, case 1)"."""
    if key == YOUNG_PERSON_RULE:
        rows = ", ".join(f"{_table_words(table)} {count}" for table, count in counts.items()
                         if table not in ("young_person", CLOSED_CASES) and count)
        people = _plural(counts.get("young_person", 0), "young person", "young people")
        closed = counts.get(CLOSED_CASES, 0)
        return (f"{people} anonymised" + (f", {_plural(closed, 'open case', 'open cases')} closed" if closed else "")
                + (f" (rows changed: {rows})" if rows else ""))
    if key == CONTACT_RULE:
        attempts = _plural(counts.get("contact_attempt", 0), "contact attempt", "contact attempts")
        notes = sum(count for table, count in counts.items() if table != "contact_attempt")
        return f"{attempts} deleted, {_plural(notes, 'note', 'notes')} cleared"
    if key == AUDIT_RULE:
        return f"{_plural(counts.get('audit_event', 0), 'audit row', 'audit rows')} deleted"
    return f"{_plural(counts.get('import_warning', 0), 'value', 'values')} cleared"


# When each rule falls due.

def last_ended_academic_year_end(today: date) -> date:
    """The most recent 31 August that has passed: on 31 August itself, the year before's."""
    return date(today.year if today.month >= 9 else today.year - 1, 8, 31)


def born_by(today: date, age: int) -> date:
    """The latest date of birth of someone who reached `age` in an academic year that has ended."""
    end = last_ended_academic_year_end(today)
    return end.replace(year=end.year - age)


def years_before(today: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _start_of(day: date) -> datetime:
    return clock.end_of_day(day - timedelta(days=1))


def _due_condition(rule, today: date):
    with_ehcp = and_(YoungPerson.ehcp.is_(True), YoungPerson.date_of_birth <= born_by(today, rule.ehcp_age))
    without = and_(or_(YoungPerson.ehcp.is_(None), YoungPerson.ehcp.is_(False)),
                   YoungPerson.date_of_birth <= born_by(today, rule.age))
    return or_(with_ehcp, without)


def due_for_anonymisation(today: date):
    """A select of the ids of young people the young_person rule anonymises today."""
    rule = retention_rules.get_rule(YOUNG_PERSON_RULE)
    return select(YoungPerson.id).where(YoungPerson.anonymised_at.is_(None), _due_condition(rule, today))


# What anonymisation does to one column of one row.

def year_start(born: date) -> date:
    """1 September of the academic year of a date of birth: the academic age stays the same."""
    return date(born.year if born.month >= 9 else born.year - 1, 9, 1)


def _new_value(entry: Holding, column: str, treatment: str, row_id: int, current):
    if treatment == REDACT:
        return str(row_id) if column == "surname" else ANONYMISED_FORENAME
    if treatment == YEAR_START:
        return year_start(current) if current is not None else None
    if treatment == REKEY:
        return hashlib.sha256(f"anonymised:{entry.table}:{row_id}".encode()).hexdigest()
    return None


def _dropped(entry: Holding):
    return [held for held in entry.columns if held.treatment != KEEP and held.rule in ANONYMISATION_RULES]


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0


def _anonymise_rows(entry: Holding, condition, now: datetime) -> int:
    """Drop what the registry says of the rows `condition` picks; how many rows."""
    dropped = _dropped(entry)
    count = _count(entry.model, condition)
    if not count or not dropped:
        return count
    model = entry.model
    if any(held.treatment == DELETE for held in dropped):
        db.session.execute(delete(model).where(condition).execution_options(synchronize_session=False))
        return count
    per_row = [held for held in dropped if held.treatment in (REDACT, YEAR_START, REKEY)]
    if not per_row and model is not YoungPerson:
        values = {held.column: None for held in dropped}
        if model.__mapper__.version_id_col is not None:
            values["version"] = model.version + 1
        db.session.execute(update(model).where(condition).values(values)
                           .execution_options(synchronize_session=False))
        return count
    columns = [getattr(model, held.column) for held in per_row]
    rows = db.session.execute(select(model.id, *columns).where(condition)).all()
    for start in range(0, len(rows), CHUNK):
        params = []
        for row in rows[start:start + CHUNK]:
            values = {"id": row.id}
            for held in dropped:
                values[held.column] = _new_value(entry, held.column, held.treatment, row.id,
                                                 getattr(row, held.column, None))
            if model is YoungPerson:
                values["anonymised_at"] = now
            params.append(values)
        db.session.execute(update(model), params)
    return count


def _rows_to_anonymise(entry: Holding, ids):
    """The entry's rows about the young people `ids` holds; of enrolment and offer rows, those not
    anonymised before and matched to no one who is kept."""
    condition = entry.rows_of(ids)
    if entry.model in IMPORT_ROWS:
        kept = select(YoungPerson.id).where(YoungPerson.anonymised_at.is_(None), YoungPerson.id.not_in(ids))
        condition = and_(condition, entry.model.forename != ANONYMISED_FORENAME, not_(entry.rows_of(kept)))
    return condition


def anonymise_people(ids, now: datetime) -> dict[str, int]:
    """Anonymise the young people whose ids `ids` holds, as the registry says: every registered column
    that anonymisation drops is cleared, redacted, rekeyed or moved to the start of its academic year,
    or its row deleted, and `anonymised_at` marks them. The enrolment and offer rows matched to them go
    too. The nightly run and an erasure both anonymise through here; the caller deals with open cases.
    The count of rows changed in each table."""
    ids = list(ids)
    db.session.flush()
    counts = {entry.table: 0 for entry in REGISTRY if _dropped(entry)}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for entry in REGISTRY:
            if entry.table in counts and entry.model is not YoungPerson:
                counts[entry.table] += _anonymise_rows(entry, _rows_to_anonymise(entry, chunk), now)
        counts["young_person"] += _anonymise_rows(REGISTRY_BY_MODEL[YoungPerson], YoungPerson.id.in_(chunk), now)
    db.session.expire_all()
    return counts


def _anonymise(today: date, now: datetime) -> dict[str, int]:
    ids = list(db.session.scalars(due_for_anonymisation(today).order_by(YoungPerson.id)))
    closed = 0
    for start in range(0, len(ids), CHUNK):
        # Nothing is left to follow up: an open case closes, saying why (audited).
        opened = select(Case).where(Case.young_person_id.in_(ids[start:start + CHUNK]), Case.status == "open")
        for case in db.session.scalars(opened):
            close_case(case, "anonymised", by="retention")
            closed += 1
    counts = anonymise_people(ids, now)
    counts[CLOSED_CASES] = closed
    for model in IMPORT_ROWS:
        entry = REGISTRY_BY_MODEL[model]
        counts[entry.table] += _anonymise_rows(entry, _import_rows_due(entry, today), now)
    return counts


def _import_rows_due(entry: Holding, today: date):
    """Enrolment or offer rows not yet anonymised and matched to no young person who is kept: those
    matched to someone anonymised before, and the unmatched once their own date of birth passes the
    rule's age."""
    rule = retention_rules.get_rule(YOUNG_PERSON_RULE)
    kept = select(YoungPerson.id).where(YoungPerson.anonymised_at.is_(None), not_(_due_condition(rule, today)))
    gone = select(YoungPerson.id).where(not_(YoungPerson.id.in_(kept)))
    model = entry.model
    return and_(model.forename != ANONYMISED_FORENAME, not_(entry.rows_of(kept)),
                or_(model.date_of_birth <= born_by(today, rule.age), entry.rows_of(gone)))


REGISTRY_BY_MODEL = {entry.model: entry for entry in REGISTRY}


# The rules that go by their own dates.

def _contact(today: date) -> dict[str, int]:
    """Contact attempts and notes on their page deleted, and other notes cleared, for young people whose
    last contact (an attempt, an activity, a note or a school's answer) is too old."""
    years = retention_rules.get_rule(CONTACT_RULE).years
    cutoff_day = years_before(today, years)
    cutoff = _start_of(cutoff_day)
    person = YoungPerson.id
    recent = or_(
        exists().where(ContactAttempt.case_id == Case.id, Case.young_person_id == person, ContactAttempt.at >= cutoff),
        exists().where(Activity.young_person_id == person, Activity.ascertained_on >= cutoff_day),
        exists().where(PersonNote.young_person_id == person, PersonNote.created_at >= cutoff),
        exists().where(SchoolResponse.list_entry_id == ListEntry.id, ListEntry.young_person_id == person,
                       SchoolResponse.updated_at >= cutoff),
    )
    something = or_(
        exists().where(ContactAttempt.case_id == Case.id, Case.young_person_id == person),
        exists().where(Activity.young_person_id == person, Activity.notes.is_not(None)),
        exists().where(PersonNote.young_person_id == person),
        exists().where(SchoolResponse.list_entry_id == ListEntry.id, ListEntry.young_person_id == person,
                       SchoolResponse.intelligence.is_not(None)),
    )
    ids = list(db.session.scalars(select(person).where(something, not_(recent)).order_by(person)))
    counts = {}
    for entry in REGISTRY:
        notes = [held for held in entry.columns if held.rule == CONTACT_RULE]
        if entry.rows_deleted_by != CONTACT_RULE and not notes:
            continue
        counts.setdefault(entry.table, 0)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            if entry.rows_deleted_by == CONTACT_RULE:
                condition = entry.rows_of(chunk)
                counts[entry.table] += _count(entry.model, condition)
                db.session.execute(delete(entry.model).where(condition).execution_options(synchronize_session=False))
                continue
            for held in notes:
                column = getattr(entry.model, held.column)
                condition = and_(entry.rows_of(chunk), column.is_not(None))
                counts[entry.table] += _count(entry.model, condition)
                values = {held.column: None}
                if entry.model.__mapper__.version_id_col is not None:
                    values["version"] = entry.model.version + 1
                db.session.execute(update(entry.model).where(condition).values(values)
                                   .execution_options(synchronize_session=False))
    return counts


def _audit(today: date) -> dict[str, int]:
    """Audit rows older than the rule's years: deleted, through the one deliberate path."""
    before = _start_of(years_before(today, retention_rules.get_rule(AUDIT_RULE).years))
    count = _count(AuditEvent, AuditEvent.at < before)
    if count:
        delete_expired(db.session, before)
    return {"audit_event": count}


def _import_values(today: date) -> dict[str, int]:
    before = _start_of(years_before(today, retention_rules.get_rule(IMPORT_VALUES_RULE).years))
    condition = and_(ImportWarning.value.is_not(None),
                     ImportWarning.import_batch_id.in_(select(ImportBatch.id).where(ImportBatch.created_at < before)))
    count = _count(ImportWarning, condition)
    if count:
        db.session.execute(update(ImportWarning).where(condition).values(value=None)
                           .execution_options(synchronize_session=False))
    return {"import_warning": count}


def run_retention(dry_run: bool = False, today: date | None = None) -> RetentionRun:
    """Apply every rule; one audit row says what was done. A dry run does the same work inside a
    savepoint and rolls it back, so it reports exactly what the run would do and changes nothing
    (but its audit row). The caller commits."""
    today = today or clock.today()
    now = clock.now()
    # The rules that go by their own dates first, then anonymisation.
    work = {AUDIT_RULE: lambda: _audit(today), IMPORT_VALUES_RULE: lambda: _import_values(today),
            CONTACT_RULE: lambda: _contact(today), YOUNG_PERSON_RULE: lambda: _anonymise(today, now)}
    savepoint = db.session.begin_nested() if dry_run else None
    try:
        done = {key: run() for key, run in work.items()}
    finally:
        if savepoint is not None:
            savepoint.rollback()
    db.session.expire_all()
    rules = [RuleRun(rule.key, rule.label, rule.description, done[rule.key]) for rule in retention_rules.list_rules()]
    result = RetentionRun(today, dry_run, rules)
    record_audit(RUN_ACTIONS[1] if dry_run else RUN_ACTIONS[0], "retention_rule", None,
                 after={"dry_run": dry_run, "on": today.isoformat(), "counts": result.counts()})
    db.session.flush()
    return result


RUN_ACTIONS = ("retention run", "retention dry run")


@dataclass(frozen=True)
class LoggedRun:
    at: datetime
    dry_run: bool
    counts: dict[str, dict[str, int]]


def latest_runs(limit: int = 5) -> list[LoggedRun]:
    """The latest runs, newest first, as their audit rows recorded them."""
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(RUN_ACTIONS))
                              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return [LoggedRun(row.at, row.action == RUN_ACTIONS[1], dict((row.after or {}).get("counts") or {}))
            for row in rows]


def report_lines(result: RetentionRun) -> list[str]:
    """The run in words, one line for the run and one per rule."""
    what = "Dry run: nothing was changed" if result.dry_run else "Retention run"
    return [f"{what}, {long_date(result.on)}."] + [f"{rule.label}: {rule.summary}." for rule in result.rules]


__all__ = ["LoggedRun", "RUN_ACTIONS", "RetentionRun", "RuleRun", "anonymise_people", "born_by",
           "due_for_anonymisation", "last_ended_academic_year_end", "latest_runs", "report_lines", "run_retention",
           "summarise", "year_start", "years_before"]
