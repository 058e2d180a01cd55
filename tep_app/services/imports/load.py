"""Write checked rows: existing keys loaded in one query each, then bulk inserts and bulk updates.

Inserts go straight to the driver (services/bulk_insert.py: COPY on PostgreSQL, one executemany per
chunk on SQLite): the ORM's bulk insert leaves out None values row by row, which splits a chunk
into many statements.

Re-importing a file (or an overlapping one) creates no duplicates: establishments by LAESTAB;
young people by UPN, else forename, surname, date of birth and school; school records by young
person, kind and year; enrolments and offers by `row_key`; contact details by person, kind, value.
"""
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select, text, update

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import (
    ContactDetail,
    District,
    Enrolment,
    Establishment,
    EstablishmentContact,
    GuaranteeStatus,
    ImportWarning,
    Offer,
    SchoolRecord,
    YoungPerson,
)
from tep_app.services import bulk_insert
from tep_app.services.answer_fields import CONTACT_KINDS
from tep_app.services.imports.columns import normalise_header
from tep_app.services.imports.validate import Lookups, Problem

PERSON_FIELDS = ("upn", "uln", "forename", "middle_names", "surname", "preferred_forename", "former_surname",
                 "date_of_birth", "gender", "postcode", "address", "ehcp")
ENROLMENT_FIELDS = ("gender", "postcode", "year_group", "course", "start_date", "phone")
OFFER_FIELDS = ("postcode", "offer_date", "source")
SOURCE_KEYS = ("upn", "uln", "forename", "surname", "date_of_birth")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def load_lookups() -> Lookups:
    lookups = Lookups()
    for est_id, laestab, ukprn in db.session.execute(select(Establishment.id, Establishment.laestab,
                                                            Establishment.ukprn)):
        lookups.laestabs[laestab] = est_id
        if ukprn:
            lookups.ukprns[ukprn] = est_id
            lookups.ukprn_owner[ukprn] = laestab
    for code, description in db.session.execute(select(GuaranteeStatus.code, GuaranteeStatus.description)):
        lookups.statuses[code] = code
        lookups.statuses[normalise_header(description)] = code
    return lookups


def _chunks(items: list, size: int = 5000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _bulk_update(model, rows: list[dict]) -> None:
    """ORM bulk UPDATE by primary key: one executemany per chunk; every row has the same keys."""
    if not rows:
        return
    now = clock.now()
    for row in rows:
        row["updated_at"] = now
    for chunk in _chunks(rows):
        db.session.execute(update(model), chunk)


def load_establishments(records: list[dict], batch_id: int) -> Counts:
    counts = Counts()
    districts = {d.name.lower(): d for d in db.session.scalars(select(District))}
    existing = {e.laestab: e for e in db.session.scalars(select(Establishment))}
    latest = {record["laestab"]: record for record in records}
    for laestab, record in latest.items():
        district = None
        if record.get("district"):
            district = districts.get(record["district"].lower())
            if district is None:
                district = District(name=record["district"])
                db.session.add(district)
                districts[record["district"].lower()] = district
        establishment = existing.get(laestab)
        values = {"name": record["name"], "type": record["type"], "ukprn": record.get("ukprn"),
                  "urn": record.get("urn"), "phone": record.get("phone"), "district": district}
        if establishment is None:
            establishment = Establishment(laestab=laestab, import_batch_id=batch_id, **values)
            db.session.add(establishment)
            counts.created += 1
            _set_contacts(establishment, record)
            continue
        changed = False
        for key, value in values.items():
            if value is not None and getattr(establishment, key) != value:
                setattr(establishment, key, value)
                changed = True
        changed = _set_contacts(establishment, record) or changed
        if changed:
            establishment.import_batch_id = batch_id
            counts.updated += 1
        else:
            counts.unchanged += 1
    db.session.flush()
    return counts


def _set_contacts(establishment: Establishment, record: dict) -> bool:
    """Make the file's contact emails the establishment's active contacts, in order."""
    emails = record.get("contact_email") or []
    if not emails:
        return False
    by_email = {c.email.lower(): c for c in establishment.contacts}
    changed = False
    for position, email in enumerate(emails):
        name = record.get("contact_name") if position == 0 else None
        contact = by_email.pop(email, None)
        if contact is None:
            establishment.contacts.append(EstablishmentContact(email=email, name=name, position=position))
            changed = True
            continue
        wanted = {"position": position, "active": True, "name": name or contact.name}
        for key, value in wanted.items():
            if getattr(contact, key) != value:
                setattr(contact, key, value)
                changed = True
    for contact in by_email.values():
        if contact.active:
            contact.active = False
            changed = True
    return changed


def _rows(statement) -> list[tuple]:
    """A select's rows as plain tuples, through Core (the ORM's row handling costs more)."""
    return [tuple(row) for row in db.session.connection().execute(statement)]


def load_people(kind: str, records: Iterable[dict], academic_year: int, batch_id: int, source: str,
                born: tuple[date, date] | None = None, upns: list[str] | None = None) -> Counts:
    """Leavers or roll: upsert each young person, their school record and their contact details.

    `records` may be a generator (a file still being checked): each new young person is written as
    they come. Then `born` (the earliest and latest dates of birth in the file) and `upns` (its UPN
    cells, as a UPN is read) must be given, so that existing people are looked up and ids for the
    new ones reserved before the first row comes.
    """
    record_kind = "leaver" if kind == "leavers" else "roll"
    counts = Counts()
    if born is None or upns is None:
        records = list(records)
        if not records:
            return counts
        dobs = [r["date_of_birth"] for r in records]
        born, upns = (min(dobs), max(dobs)), [r.get("upn") for r in records]
    low, high = born
    people = {row[0]: row for row in _rows(
        select(YoungPerson.id, *(getattr(YoungPerson, name) for name in PERSON_FIELDS))
        .where(YoungPerson.date_of_birth.between(low, high)))}
    by_upn = {row[1]: person_id for person_id, row in people.items() if row[1]}
    by_identity = {}
    for person_id, school_id in _rows(
            select(SchoolRecord.young_person_id, SchoolRecord.establishment_id)
            .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
            .where(YoungPerson.date_of_birth.between(low, high))):
        row = people[person_id]
        by_identity[(row[3].lower(), row[5].lower(), row[8], school_id)] = person_id
    existing = {row[0]: row for row in _rows(
        select(SchoolRecord.young_person_id, SchoolRecord.id, SchoolRecord.establishment_id,
               SchoolRecord.year_group, SchoolRecord.leaving_date)
        .where(SchoolRecord.kind == record_kind, SchoolRecord.academic_year == academic_year))}
    held = set(_rows(
        select(ContactDetail.young_person_id, ContactDetail.kind, ContactDetail.value)
        .join(YoungPerson, YoungPerson.id == ContactDetail.young_person_id)
        .where(YoungPerson.date_of_birth.between(low, high))))
    # Only a row whose UPN no one already has can be a new young person.
    new_ids = _reserve_ids(YoungPerson, sum(1 for upn in upns if not upn or upn not in by_upn))

    new_count = 0
    person_updates: dict[int, dict] = {}
    targets: list[tuple[object, dict]] = []  # (person id, or ("new", index)), record
    ehcp = PERSON_FIELDS.index("ehcp")
    now = bulk_insert.stamp()

    def new_people():
        nonlocal new_count
        for record in records:
            upn = record.get("upn")
            identity = (record["forename"].lower(), record["surname"].lower(), record["date_of_birth"],
                        record["school_id"])
            person_id = by_upn.get(upn) if upn else None
            if person_id is None:
                candidate = by_identity.get(identity)
                candidate_upn = people[candidate][1] if isinstance(candidate, int) else None
                if candidate is not None and not (upn and candidate_upn and candidate_upn != upn):
                    person_id = candidate
            values = list(map(record.get, PERSON_FIELDS))
            if values[ehcp] is not None:
                values[ehcp] = bool(values[ehcp])
            if person_id is None:
                person_id = ("new", new_count)
                values[ehcp] = bool(values[ehcp])
                yield (new_ids[new_count], *values, now, now)
                new_count += 1
            elif isinstance(person_id, int):
                old = people[person_id]
                change = {name: value for name, value, before in zip(PERSON_FIELDS, values, old[1:], strict=False)
                          if value is not None and value != before}
                if change:
                    person_updates.setdefault(person_id, {"id": person_id}).update(change)
            if upn:
                by_upn[upn] = person_id
            by_identity[identity] = person_id
            targets.append((person_id, record))

    bulk_insert.insert_rows(YoungPerson.__table__, ("id", *PERSON_FIELDS, "created_at", "updated_at"), new_people())
    _bulk_update_grouped(YoungPerson, list(person_updates.values()))

    inserts, updates, contacts = {}, {}, []
    today = clock.today()
    outcome: dict[int, str] = {}
    contact_keys: list[tuple[str, str]] = []  # (the record's key, the contact's kind)
    for person_id, record in targets:
        if not contact_keys:
            # A kind's further columns ("parent_phone:2") are in every record of the file.
            contact_keys = [(kind, kind) for kind in CONTACT_KINDS] + [
                (key, key.partition(":")[0]) for key in record if key.partition(":")[0] in CONTACT_KINDS and ":" in key]
        if not isinstance(person_id, int):
            person_id = new_ids[person_id[1]]
        wanted = (record["school_id"], record["year_group"], record.get("leaving_date"))
        old = existing.get(person_id)
        state = "unchanged"
        if old is None:
            inserts[person_id] = (person_id, *wanted, academic_year, record_kind, batch_id, now, now)
            state = "created"
        elif (old[2], old[3], old[4]) != wanted:
            updates[person_id] = {"id": old[1], "establishment_id": wanted[0], "year_group": wanted[1],
                                  "leaving_date": wanted[2], "import_batch_id": batch_id}
            state = "updated"
        if person_id in person_updates and state == "unchanged":
            state = "updated"
        for key, contact_kind in contact_keys:
            value = record.get(key)
            if value and (person_id, contact_kind, value) not in held:
                held.add((person_id, contact_kind, value))
                contacts.append((person_id, contact_kind, value, source, today, True, False, now, now))
                if state == "unchanged":
                    state = "updated"
        if outcome.get(person_id) != "created":
            outcome[person_id] = state
    bulk_insert.insert_rows(SchoolRecord.__table__, ("young_person_id", "establishment_id", "year_group",
                                                     "leaving_date", "academic_year", "kind", "import_batch_id",
                                                     "created_at", "updated_at"), list(inserts.values()))
    _bulk_update(SchoolRecord, list(updates.values()))
    bulk_insert.insert_rows(ContactDetail.__table__, ("young_person_id", "kind", "value", "source", "recorded_on",
                                               "is_current", "marked_wrong", "created_at", "updated_at"), contacts)
    for state in outcome.values():
        setattr(counts, state, getattr(counts, state) + 1)
    return counts


def _reserve_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows, so related rows can point at them before they exist.

    PostgreSQL hands them out from the table's sequence (in one array); SQLite has one writer at a
    time, and this transaction already holds the write lock (the import batch row is flushed first).
    """
    if not count:
        return []
    table = model.__table__.name
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table})
        return list(db.session.scalar(
            text("SELECT array_agg(nextval(CAST(:sequence AS regclass))) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": count}))
    start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    return list(range(start, start + count))


def _bulk_update_grouped(model, rows: list[dict]) -> None:
    """Bulk updates grouped by the set of columns changed, so each executemany has one shape."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        _bulk_update(model, group)


def _key_part(value) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "").lower()


def row_key(kind: str, academic_year: int, record: dict) -> str:
    parts = [str(record["provider_id"]), str(academic_year), *map(_key_part, map(record.get, SOURCE_KEYS))]
    if kind == "offers":
        parts.append(record["status"])
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def load_sources(kind: str, records: Iterable[dict], academic_year: int, batch_id: int) -> Counts:
    """Enrolments or offers: insert new rows and update changed ones, keyed by row_key.

    `records` may be a generator (a file still being checked): each new row is written as it comes.
    A row key seen again later in the file takes the later row's values, as if only it were there.
    """
    model, mutable = (Enrolment, ENROLMENT_FIELDS) if kind == "enrolments" else (Offer, OFFER_FIELDS)
    table = model.__table__
    counts = Counts()
    existing = {row[1]: (row[0], tuple(row[2:])) for row in db.session.execute(
        select(model.id, model.row_key, *(getattr(model, name) for name in mutable))
        .where(model.academic_year == academic_year))}
    fixed = ("provider_id", *SOURCE_KEYS, *(("status",) if kind == "offers" else ()))
    columns = (*fixed, *mutable)
    written: dict[str, tuple] = {}  # row key -> the values written for a new row
    latest: dict[str, dict] = {}  # row key -> the last record, for keys already stored or seen again
    now = bulk_insert.stamp()

    def new_rows():
        for record in records:
            key = row_key(kind, academic_year, record)
            if key in existing or key in written:
                latest[key] = record
                continue
            values = written[key] = tuple(map(record.get, columns))
            yield (*values, academic_year, key, batch_id, now, now)

    bulk_insert.insert_rows(table, (*columns, "academic_year", "row_key", "import_batch_id", "created_at",
                                    "updated_at"), new_rows())
    counts.created = len(written)
    updates, rewritten = [], []
    for key, record in latest.items():
        if key in written:
            values = tuple(map(record.get, columns))
            if values != written[key]:
                rewritten.append({"key": key, **dict(zip(columns, values, strict=False))})
            continue
        values = tuple(map(record.get, mutable))
        old_id, old_values = existing[key]
        if values != old_values:
            updates.append({"id": old_id, **dict(zip(mutable, values, strict=False)), "import_batch_id": batch_id})
            counts.updated += 1
        else:
            counts.unchanged += 1
    if rewritten:
        db.session.execute(update(table).where(table.c.row_key == bindparam("key")).values(
            {name: bindparam(name) for name in columns}), rewritten)
    _bulk_update(model, updates)
    return counts


def load_warnings(batch_id: int, warnings: list[Problem]) -> None:
    """Keep an import's warnings with its batch, for the import report."""
    now = bulk_insert.stamp()
    bulk_insert.insert_rows(ImportWarning.__table__, ("import_batch_id", "row_number", "column_name", "value",
                                                      "message", "created_at", "updated_at"),
                            [(batch_id, w.row, w.column, w.value, w.message, now, now) for w in warnings])
