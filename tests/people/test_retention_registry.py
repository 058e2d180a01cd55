"""The retention run does to every registered column what the registry says: a young person with a
record of every kind is anonymised, and each column of each of their rows is found cleared,
redacted, rekeyed, moved to the start of its academic year, deleted or kept, as registered."""
from datetime import date

from sqlalchemy import select

from tep_app.services.people.personal_data import (
    ANONYMISED_FORENAME,
    CLEAR,
    DELETE,
    KEEP,
    REDACT,
    REGISTRY,
    REKEY,
    YEAR_START,
    YOUNG_PERSON_RULE,
)
from tests.people.everything import young_person_with_everything
from tests.people.retention_support import run_on

ANONYMISATION_RULES = (YOUNG_PERSON_RULE, "contact")


def _rows(db, entry, person_id: int) -> dict[int, dict]:
    columns = [entry.model.id, *(getattr(entry.model, held.column) for held in entry.columns)]
    return {row.id: row._asdict() for row in db.session.execute(select(*columns).where(entry.rows_of([person_id])))}


def test_every_registered_column_is_treated_as_registered(make, db):
    everything = young_person_with_everything(make, db)
    db.session.commit()
    person_id = everything.person.id
    before = {entry.table: _rows(db, entry, person_id) for entry in REGISTRY}
    found = {table for table, rows in before.items() if rows}
    assert found >= {entry.table for entry in REGISTRY} - {"import_warning"}, "every kind of record is there"

    run_on(db, date(2026, 9, 1))
    db.session.expire_all()
    for entry in REGISTRY:
        after = _rows(db, entry, person_id)
        deleted = any(held.treatment == DELETE and held.rule in ANONYMISATION_RULES for held in entry.columns)
        if deleted:
            assert after == {}, entry.table
            continue
        assert set(after) >= set(before[entry.table]), entry.table  # (new audit rows: the case closing)
        for row_id, old in before[entry.table].items():
            new = after[row_id]
            for held in entry.columns:
                was, now = old[held.column], new[held.column]
                where = f"{entry.table}.{held.column}"
                if where == "case.closed_reason":  # the open case closes, saying why
                    assert now == (was or "anonymised"), where
                elif held.treatment == KEEP or held.rule not in ANONYMISATION_RULES:
                    assert now == was, where
                elif held.treatment == CLEAR:
                    assert now is None, where
                elif held.treatment == REDACT:
                    assert now == (str(row_id) if held.column == "surname" else ANONYMISED_FORENAME), where
                elif held.treatment == YEAR_START:
                    assert (now.month, now.day) == (9, 1) and now <= was, where
                elif held.treatment == REKEY:
                    assert now != was and len(now) == 64, where
