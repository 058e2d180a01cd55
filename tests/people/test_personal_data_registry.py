"""The registry of personal data covers every table: a column that may hold personal data about a
young person (a name, a date of birth, an identifier, a contact, free text) is either placed in the
registry with its retention treatment or listed as holding nothing about a young person."""
from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, Text

from tep_app.models import Base
from tep_app.services.people import personal_data
from tep_app.services.people.personal_data import (
    KINDS,
    NOT_ABOUT_YOUNG_PEOPLE,
    REGISTRY,
    RULES,
    TREATMENTS,
    unplaced_columns,
)


def test_every_column_that_may_be_personal_is_placed():
    assert unplaced_columns(Base.metadata) == []


def test_every_table_is_in_the_registry_or_said_to_hold_nothing_about_young_people():
    listed = {entry.table for entry in REGISTRY} | set(NOT_ABOUT_YOUNG_PEOPLE)
    assert sorted(set(Base.metadata.tables) - listed) == []


def test_a_new_table_holding_personal_data_not_covered_by_retention_fails():
    metadata = MetaData()
    Table("sibling", metadata, Column("id", Integer, primary_key=True), Column("young_person_id", Integer),
          Column("full_name", String(200)), Column("born_on", Date), Column("parent_mobile", String(20)),
          Column("sibling_upn", String(13)), Column("remarks", Text), Column("extra", JSON),
          Column("year_group", Integer))
    assert unplaced_columns(metadata) == ["sibling.full_name", "sibling.parent_mobile", "sibling.sibling_upn",
                                          "sibling.remarks", "sibling.extra"]


def test_a_new_personal_column_on_a_registered_table_fails():
    metadata = MetaData()
    Table("young_person", metadata, Column("id", Integer, primary_key=True), Column("forename", String(100)),
          Column("social_worker_name", String(200)), Column("mobile", String(20)))
    assert unplaced_columns(metadata) == ["young_person.social_worker_name", "young_person.mobile"]


def test_the_registry_names_real_columns_with_known_kinds_treatments_and_rules():
    tables = Base.metadata.tables
    for entry in REGISTRY:
        assert entry.table in tables, entry.table
        for held in entry.columns:
            assert held.column in tables[entry.table].columns, f"{entry.table}.{held.column}"
            assert held.kind in KINDS and held.treatment in TREATMENTS and held.rule in RULES, held
            assert held.what, held
        assert entry.reach
    for table, reasons in NOT_ABOUT_YOUNG_PEOPLE.items():
        assert table in tables, table
        for column, reason in reasons.items():
            assert column == "*" or column in tables[table].columns, f"{table}.{column}"
            assert reason


def test_a_column_is_placed_once():
    for entry in REGISTRY:
        names = [held.column for held in entry.columns]
        assert len(names) == len(set(names)), entry.table
        assert "*" not in NOT_ABOUT_YOUNG_PEOPLE.get(entry.table, {}), entry.table
        assert not set(names) & set(NOT_ABOUT_YOUNG_PEOPLE.get(entry.table, {})), entry.table


def test_names_dates_of_birth_identifiers_and_contacts_are_never_kept():
    for entry, held in personal_data.held_columns():
        if held.kind in ("identity", "identifier", "contact", "free_text"):
            assert held.treatment != "keep", f"{entry.table}.{held.column}"
