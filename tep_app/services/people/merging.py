"""Merging two records of one young person, by an admin with a reason, and undoing it.

A merge moves every row that names the merged record directly (the registry's tables reached by
`young_person_id`: school records, contact details, activities, September Guarantee records,
cases, notes and list entries) onto the kept record; the rows reached through them (contact
attempts, school answers, match results and decisions, enrolments and offers) go with them. A row
the kept record already has the like of (a school record of the same kind and year, the same
phone number, a place on the same list) stays where it is. `person_merge_row` records exactly what
moved and `person_merge` the kept record's identity values before, so an undo moves exactly those
rows back and restores the values. A merged record is left out of searches and figures
(`merged_ids`) and its page leads to the kept one.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import Activity, Case, Establishment, PersonMerge, PersonMergeRow, SchoolRecord, YoungPerson
from tep_app.models.merges import merged_ids
from tep_app.services.audit import record_audit
from tep_app.services.labels import activity_words
from tep_app.services.people.personal_data import BY_YOUNG_PERSON, REGISTRY
from tep_app.services.people.subject_access import SubjectAccessError, check_reason

# The identity values an admin chooses between, in the order the page shows them.
IDENTITY_FIELDS = {"forename": "Forename", "middle_names": "Middle names", "surname": "Surname",
                   "preferred_forename": "Preferred forename", "former_surname": "Former surname",
                   "date_of_birth": "Date of birth", "gender": "Gender", "upn": "UPN", "uln": "ULN",
                   "address": "Address", "postcode": "Postcode"}
# What makes two rows of a table the same for one young person (a unique key): such a row stays.
ALIKE = {"school_record": ("kind", "academic_year"), "contact_detail": ("kind", "value"),
         "list_entry": ("collection_id",)}


class MergeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def moving_tables() -> dict[str, type]:
    """table -> model of every registered table whose rows name a young person directly."""
    return {entry.table: entry.model for entry in REGISTRY if entry.reach == BY_YOUNG_PERSON}


def merge_into(person_id: int) -> PersonMerge | None:
    """The merge that took this record into another, if it stands."""
    return db.session.scalar(select(PersonMerge).where(PersonMerge.merged_id == person_id,
                                                       PersonMerge.undone_at.is_(None)))


def merges_into(person_id: int) -> list[PersonMerge]:
    """The merges that took other records into this one and stand."""
    return list(db.session.scalars(select(PersonMerge).where(PersonMerge.kept_id == person_id,
                                                             PersonMerge.undone_at.is_(None))
                                   .order_by(PersonMerge.id)))


def _open_case(person_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.young_person_id == person_id, Case.status == "open"))


@dataclass
class Side:
    """One record as the comparison shows it."""

    person: YoungPerson
    schools: list[tuple[str, SchoolRecord]] = field(default_factory=list)
    activities: list[tuple[str, date]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def side(person: YoungPerson) -> Side:
    schools = db.session.execute(select(Establishment.name, SchoolRecord)
                                 .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
                                 .where(SchoolRecord.young_person_id == person.id)
                                 .order_by(SchoolRecord.academic_year, SchoolRecord.id)).all()
    activities = db.session.scalars(select(Activity).where(Activity.young_person_id == person.id)
                                    .order_by(Activity.ascertained_on.desc(), Activity.id.desc())).all()
    cases = db.session.scalars(select(Case).where(Case.young_person_id == person.id).order_by(Case.id)).all()
    return Side(person, [(name, record) for name, record in schools],
                [(activity_words(activity.code), activity.ascertained_on) for activity in activities], list(cases))


@dataclass
class Plan:
    """What merging `other` into `kept` would do."""

    kept: YoungPerson
    other: YoungPerson
    moving: dict[str, list[int]]
    staying: dict[str, list[int]]
    differences: list[str]

    @property
    def upns_differ(self) -> bool:
        return bool(self.kept.upn and self.other.upn and self.kept.upn != self.other.upn)


def _value(person: YoungPerson, column: str):
    return getattr(person, column)


def _rows(model, person_id: int) -> list:
    return list(db.session.scalars(select(model).where(model.young_person_id == person_id).order_by(model.id)))


def plan(kept_id: int, other_id: int) -> Plan:
    """What the merge would move, or MergeError saying why it cannot be done (nothing changed)."""
    if kept_id == other_id:
        raise MergeError("A record cannot be merged with itself. Choose another record.")
    kept, other = db.session.get(YoungPerson, kept_id), db.session.get(YoungPerson, other_id)
    if kept is None or other is None:
        raise MergeError(f"There is no young person with the number {other_id if kept else kept_id}")
    for person in (kept, other):
        earlier = merge_into(person.id)
        if earlier is not None:
            raise MergeError(f"Record {person.id} is already merged into record {earlier.kept_id}. "
                             "Nothing has changed.")
        if person.anonymised_at is not None:
            raise MergeError(f"Record {person.id} is anonymised, so it cannot be merged. Nothing has changed.")
    if merges_into(other.id):
        raise MergeError(f"Other records are merged into record {other.id}: keep record {other.id} instead, "
                         "or undo those merges first. Nothing has changed.")
    moving, staying = {}, {}
    for table, model in moving_tables().items():
        held = {tuple(getattr(row, column) for column in ALIKE[table]) for row in _rows(model, kept.id)} \
            if table in ALIKE else set()
        for row in _rows(model, other.id):
            alike = table in ALIKE and tuple(getattr(row, column) for column in ALIKE[table]) in held
            (staying if alike else moving).setdefault(table, []).append(row.id)
    differences = [column for column in IDENTITY_FIELDS if _value(kept, column) != _value(other, column)]
    return Plan(kept, other, moving, staying, differences)


def refusal(found: Plan, upns_confirmed: bool) -> str | None:
    """Why this merge must not go ahead as asked, or None."""
    kept_case, other_case = _open_case(found.kept.id), _open_case(found.other.id)
    if kept_case is not None and other_case is not None:
        return (f"Both records have an open case: case {kept_case.id} (record {found.kept.id}) and case "
                f"{other_case.id} (record {found.other.id}). Close case {other_case.id} first, then merge. "
                "Nothing has changed.")
    if found.upns_differ and not upns_confirmed:
        return (f"The two records have different UPNs ({found.kept.upn} and {found.other.upn}). Confirm that "
                "they are one young person all the same. Nothing has changed.")
    return None


def _reason(reason: str) -> str:
    try:
        return check_reason(reason)
    except SubjectAccessError as error:
        raise MergeError(error.message) from None


def _as_json(value):
    return value.isoformat() if isinstance(value, date) else value


def _from_json(column: str, value):
    return date.fromisoformat(value) if column == "date_of_birth" and value else value


def merge(kept_id: int, other_id: int, reason: str, take: set[str] | frozenset[str] = frozenset(),
          upns_confirmed: bool = False, by_id: int | None = None) -> PersonMerge:
    """Merge record `other_id` into `kept_id`, taking the identity values named in `take` from the
    other record; or raise MergeError saying why not (nothing changed). The caller commits."""
    reason = _reason(reason)
    found = plan(kept_id, other_id)
    refused = refusal(found, upns_confirmed)
    if refused:
        raise MergeError(refused)
    kept, other = found.kept, found.other
    took = [column for column in IDENTITY_FIELDS if column in take and column in found.differences]
    record = PersonMerge(kept_id=kept.id, merged_id=other.id, reason=reason, took=took, merged_at=clock.now(),
                         merged_by_id=by_id,
                         kept_before={column: _as_json(_value(kept, column)) for column in IDENTITY_FIELDS})
    db.session.add(record)
    models = moving_tables()
    for table, ids in found.moving.items():
        for row_id in ids:
            db.session.get(models[table], row_id).young_person_id = kept.id
            record.rows.append(PersonMergeRow(held_in=table, row_id=row_id))
    for column in took:
        setattr(kept, column, _value(other, column))
    db.session.flush()
    record_audit("merge", "young_person", kept.id,
                 after={"merge": record.id, "merged": other.id, "took": took,
                        "moved": {table: len(ids) for table, ids in found.moving.items()}})
    db.session.flush()
    return record


def undo(merge_id: int, reason: str, by_id: int | None = None) -> PersonMerge:
    """Move exactly the rows a merge moved back to the merged record and restore the kept record's
    identity values; or raise MergeError saying why not (nothing changed). The caller commits."""
    reason = _reason(reason)
    record = db.session.get(PersonMerge, merge_id)
    if record is None:
        raise MergeError("There is no such merge")
    if record.undone_at is not None:
        raise MergeError("This merge is already undone. Nothing has changed.")
    kept = db.session.get(YoungPerson, record.kept_id)
    if kept.anonymised_at is not None or record.kept_before is None:
        raise MergeError(f"Record {kept.id} is anonymised, so the merge cannot be undone. Nothing has changed.")
    models = moving_tables()
    moved = {}
    for row in record.rows:
        held = db.session.get(models[row.held_in], row.row_id)
        if held is not None and held.young_person_id == kept.id:
            held.young_person_id = record.merged_id
            moved[row.held_in] = moved.get(row.held_in, 0) + 1
    for column in record.took:
        setattr(kept, column, _from_json(column, record.kept_before.get(column)))
    record.undone_at, record.undone_by_id, record.undo_reason = clock.now(), by_id, reason
    db.session.flush()
    record_audit("undo merge", "young_person", kept.id,
                 after={"merge": record.id, "merged": record.merged_id, "moved back": moved})
    db.session.flush()
    return record


__all__ = ["ALIKE", "IDENTITY_FIELDS", "MergeError", "Plan", "Side", "merge", "merge_into", "merged_ids",
           "merges_into", "moving_tables", "plan", "refusal", "side", "undo"]
