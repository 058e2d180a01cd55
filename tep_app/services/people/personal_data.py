"""Where personal data about a young person is held: the one registry.

Every table that holds something about a young person is listed here, with each of its columns
that is personal (or is kept as a statistic when the rest is dropped), what the column is, what
anonymisation does to it, and how a row reaches the young person it is about. Retention
(services/people/retention.py) works from this registry, and so do subject access and erasure.
Tables and columns that hold nothing about a young person are listed in NOT_ABOUT_YOUNG_PEOPLE
with the reason, so that a new column that may hold personal data fails a test until it is placed
(tests/people/test_personal_data_registry.py).

What a column is (`kind`):
  identity    names, date of birth, gender: who they are
  identifier  UPN, ULN and the hashes made from them and their names
  contact     phone numbers, email addresses, postal addresses and postcodes, where they moved to
  free_text   notes, intelligence, anything typed about them, audit rows' before and after
  statistic   kept when the rest is dropped: activity codes and dates, school, year group,
              academic year, cohort membership; the Not Known and NEET figures count these

What anonymisation does to it (`treatment`):
  clear       emptied (NULL)
  redact      replaced by fixed words (the column cannot be empty)
  year_start  a date of birth becomes 1 September of the academic year of birth, so an academic
              age and year group can still be worked out
  rekey       a hash of identifying fields becomes a hash of the row's id
  keep        kept as it is (a statistic, or a link between rows)
  delete      the whole row is deleted

Which rule of the retention schedule drops it (`rule`, the keys of the retention_rule table):
  young_person  anonymised at the end of the academic year (31 August) in which they reach 20,
                or 26 with an EHCP
  contact       contact attempts and notes: six years after the young person's last contact
  audit         audit rows: seven years after they were written, by a deliberate deletion only
  import_values values an import left out (import warnings): some years after the import
Columns with the `contact` rule are dropped under the young_person rule too, if that comes first.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import JSON, ColumnElement, Select, String, Text, and_, cast, or_, select

from tep_app.models import (
    Activity,
    AuditEvent,
    Case,
    ContactAttempt,
    ContactDetail,
    Enrolment,
    ImportWarning,
    ListEntry,
    MatchDecision,
    MatchResult,
    Offer,
    PersonMerge,
    PersonNote,
    SchoolRecord,
    SchoolResponse,
    SnapshotRow,
    YoungPerson,
)
from tep_app.models.people import GuaranteeRecord

IDENTITY, IDENTIFIER, CONTACT, FREE_TEXT, STATISTIC = "identity", "identifier", "contact", "free_text", "statistic"
KINDS = (IDENTITY, IDENTIFIER, CONTACT, FREE_TEXT, STATISTIC)
CLEAR, REDACT, YEAR_START, REKEY, KEEP, DELETE = "clear", "redact", "year_start", "rekey", "keep", "delete"
TREATMENTS = (CLEAR, REDACT, YEAR_START, REKEY, KEEP, DELETE)
YOUNG_PERSON_RULE, CONTACT_RULE, AUDIT_RULE, IMPORT_VALUES_RULE = "young_person", "contact", "audit", "import_values"
RULES = (YOUNG_PERSON_RULE, CONTACT_RULE, AUDIT_RULE, IMPORT_VALUES_RULE)

# The words a redacted name reads as.
ANONYMISED_FORENAME = "Anonymised"

# The objects of audit rows that are about one young person: young_person rows name the person's id,
# the others the id of a row of theirs (AUDIT_OBJECTS_OF, below the registry).
PERSON_AUDIT_OBJECT = "young_person"


@dataclass(frozen=True)
class Held:
    """One column of a table: what it is, what anonymisation does to it, and under which rule."""

    column: str
    kind: str
    treatment: str
    what: str
    rule: str = YOUNG_PERSON_RULE


@dataclass(frozen=True)
class Holding:
    """One table holding data about young people: how its rows reach one, and its columns.

    `rows_of(ids)` is the condition that picks the table's rows about the young people whose ids
    `ids` holds (a list of ids, or a select of them)."""

    model: type
    reach: str
    rows_of: Callable[[object], ColumnElement]
    columns: tuple[Held, ...]
    # The rule under which whole rows are deleted by their own date (not by the young person's age).
    rows_deleted_by: str | None = None

    @property
    def table(self) -> str:
        return self.model.__tablename__

    def held(self, column: str) -> Held | None:
        return next((held for held in self.columns if held.column == column), None)


def _school_records_of(ids):
    return select(SchoolRecord.id).where(SchoolRecord.young_person_id.in_(ids))


def _matched(kind: str, ids):
    """The candidates (enrolment or offer ids) matched to the young people's school records."""
    return (select(MatchResult.candidate_id)
            .where(MatchResult.kind == kind, MatchResult.candidate_id.is_not(None),
                   MatchResult.school_record_id.in_(_school_records_of(ids))))


def _as_strings(ids):
    """The ids as the text an audit row's object_id holds."""
    if isinstance(ids, Select):
        return ids.with_only_columns(cast(ids.selected_columns[0], String))
    return [str(one) for one in ids]


def _audit_rows_of(ids) -> ColumnElement:
    conditions = [and_(AuditEvent.object_type == PERSON_AUDIT_OBJECT, AuditEvent.object_id.in_(_as_strings(ids)))]
    for object_type, (model, person_column) in AUDIT_OBJECTS_OF.items():
        rows = select(model.id).where(person_column.in_(ids))
        conditions.append(and_(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(_as_strings(rows))))
    return or_(*conditions)


# How most rows reach a young person: their own young_person_id (merging moves these rows).
BY_YOUNG_PERSON = "young_person_id"


def _by_young_person(model, columns: tuple[Held, ...], rows_deleted_by: str | None = None) -> Holding:
    """A table whose rows name their young person directly."""
    return Holding(model, BY_YOUNG_PERSON, lambda ids: model.young_person_id.in_(ids), columns, rows_deleted_by)


REGISTRY: tuple[Holding, ...] = (
    Holding(YoungPerson, "the young person themselves", lambda ids: YoungPerson.id.in_(ids), (
        Held("upn", IDENTIFIER, CLEAR, "unique pupil number"),
        Held("uln", IDENTIFIER, CLEAR, "unique learner number"),
        Held("forename", IDENTITY, REDACT, "forename (becomes 'Anonymised')"),
        Held("middle_names", IDENTITY, CLEAR, "middle names"),
        Held("surname", IDENTITY, REDACT, "surname (becomes the record's number)"),
        Held("preferred_forename", IDENTITY, CLEAR, "preferred forename"),
        Held("former_surname", IDENTITY, CLEAR, "former surname"),
        Held("date_of_birth", IDENTITY, YEAR_START, "date of birth (its academic year is kept)"),
        Held("gender", IDENTITY, CLEAR, "gender"),
        Held("postcode", CONTACT, CLEAR, "home postcode"),
        Held("address", CONTACT, CLEAR, "home address"),
        Held("moved_to", CONTACT, CLEAR, "where they moved to, as typed"),
        Held("ehcp", STATISTIC, KEEP, "has an education, health and care plan (decides the retention age)"),
        Held("moved", STATISTIC, KEEP, "moved out of the county (out of the cohort)"),
        Held("moved_on", STATISTIC, KEEP, "when they moved (the figures count from it)"),
    )),
    _by_young_person(SchoolRecord, (
        Held("establishment_id", STATISTIC, KEEP, "the school (and so its district)"),
        Held("academic_year", STATISTIC, KEEP, "the academic year of the list or roll"),
        Held("kind", STATISTIC, KEEP, "leaver or on roll: cohort membership"),
        Held("year_group", STATISTIC, KEEP, "year group"),
        Held("leaving_date", STATISTIC, KEEP, "when they left the school"),
    )),
    _by_young_person(ContactDetail, (
        Held("value", CONTACT, DELETE, "a phone number or email address (the row is deleted)"),
        Held("source", FREE_TEXT, DELETE, "where the number came from"),
    )),
    _by_young_person(Activity, (
        Held("code", STATISTIC, KEEP, "NCCIS activity code"),
        Held("start_date", STATISTIC, KEEP, "when the activity started"),
        Held("ascertained_on", STATISTIC, KEEP, "when it was found out"),
        Held("due_to_lapse_on", STATISTIC, KEEP, "when it lapses"),
        Held("neet_start_date", STATISTIC, KEEP, "when NEET started"),
        Held("provider_id", STATISTIC, KEEP, "the provider"),
        Held("provider_name", STATISTIC, KEEP, "the provider's name (an organisation)"),
        Held("notes", FREE_TEXT, CLEAR, "an officer's notes", CONTACT_RULE),
    )),
    _by_young_person(GuaranteeRecord, (
        Held("status", STATISTIC, KEEP, "September Guarantee status"),
        Held("provider_name", STATISTIC, KEEP, "the provider's name (an organisation)"),
        Held("offer_date", STATISTIC, KEEP, "the offer's date"),
    )),
    _by_young_person(Case, (
        Held("reason", STATISTIC, KEEP, "why the case opened"),
        Held("not_known_since", STATISTIC, KEEP, "Not Known since"),
        Held("closed_reason", STATISTIC, KEEP, "why it closed"),
    )),
    Holding(ContactAttempt, "case -> young person",
            lambda ids: ContactAttempt.case_id.in_(select(Case.id).where(Case.young_person_id.in_(ids))), (
                Held("used_value", CONTACT, CLEAR, "the number or address used", CONTACT_RULE),
                Held("notes", FREE_TEXT, CLEAR, "an officer's notes of the attempt", CONTACT_RULE),
                Held("channel", STATISTIC, KEEP, "phone, text, email, letter or visit"),
                Held("outcome", STATISTIC, KEEP, "what came of it"),
            ), rows_deleted_by=CONTACT_RULE),
    _by_young_person(PersonNote, (
        Held("body", FREE_TEXT, DELETE, "an officer's note on their page (the row is deleted)", CONTACT_RULE),
    ), rows_deleted_by=CONTACT_RULE),
    Holding(PersonMerge, "kept_id or merged_id: the two records of one young person merged",
            lambda ids: or_(PersonMerge.kept_id.in_(ids), PersonMerge.merged_id.in_(ids)), (
                Held("kept_before", IDENTITY, CLEAR, "the kept record's names, date of birth and numbers before "
                                                     "a merge (an undo restores them)"),
                Held("reason", FREE_TEXT, CLEAR, "why the two records were merged, as typed"),
                Held("undo_reason", FREE_TEXT, CLEAR, "why the merge was undone, as typed"),
            )),
    _by_young_person(ListEntry, (
        Held("reason", STATISTIC, KEEP, "the service's words for why they are on the list"),
    )),
    Holding(SchoolResponse, "list entry -> young person",
            lambda ids: SchoolResponse.list_entry_id.in_(
                select(ListEntry.id).where(ListEntry.young_person_id.in_(ids))), (
                Held("phone", CONTACT, CLEAR, "phone number the school gave"),
                Held("parent_phone", CONTACT, CLEAR, "parent's phone number the school gave"),
                Held("email", CONTACT, CLEAR, "email address the school gave"),
                Held("moved_to", CONTACT, CLEAR, "where they moved to, as the school typed it"),
                Held("intelligence", FREE_TEXT, CLEAR, "what the school knows, as typed", CONTACT_RULE),
                Held("activity_code", STATISTIC, KEEP, "the school's activity answer"),
                Held("guarantee_code", STATISTIC, KEEP, "the school's September Guarantee answer"),
                Held("provider_name", STATISTIC, KEEP, "the provider's name (an organisation)"),
                Held("start_date", STATISTIC, KEEP, "the start date the school gave"),
            )),
    Holding(MatchResult, "school record -> young person",
            lambda ids: MatchResult.school_record_id.in_(_school_records_of(ids)), (
                Held("outcome", STATISTIC, KEEP, "certain, possible or none (the figures count certain)"),
                Held("rule", STATISTIC, KEEP, "the rule that matched"),
            )),
    Holding(MatchDecision, "school record -> young person",
            lambda ids: MatchDecision.school_record_id.in_(_school_records_of(ids)), (
                Held("candidate_key", IDENTIFIER, REKEY, "the candidate's row key, a hash of names and date of birth"),
                Held("decision", STATISTIC, KEEP, "accepted or rejected"),
            )),
    Holding(Enrolment, "match result (leaver_enrolment) -> school record -> young person; unmatched rows "
                       "by their own date of birth",
            lambda ids: Enrolment.id.in_(_matched("leaver_enrolment", ids)), (
                Held("upn", IDENTIFIER, CLEAR, "unique pupil number"),
                Held("uln", IDENTIFIER, CLEAR, "unique learner number"),
                Held("forename", IDENTITY, REDACT, "forename"),
                Held("surname", IDENTITY, REDACT, "surname"),
                Held("date_of_birth", IDENTITY, YEAR_START, "date of birth"),
                Held("gender", IDENTITY, CLEAR, "gender"),
                Held("postcode", CONTACT, CLEAR, "postcode"),
                Held("phone", CONTACT, CLEAR, "phone number"),
                Held("row_key", IDENTIFIER, REKEY, "a hash of the identifying fields"),
                Held("course", STATISTIC, KEEP, "the course"),
                Held("year_group", STATISTIC, KEEP, "year group"),
                Held("start_date", STATISTIC, KEEP, "when it started"),
            )),
    Holding(Offer, "match result (roll_offer) -> school record -> young person; unmatched rows by their own "
                   "date of birth",
            lambda ids: Offer.id.in_(_matched("roll_offer", ids)), (
                Held("upn", IDENTIFIER, CLEAR, "unique pupil number"),
                Held("uln", IDENTIFIER, CLEAR, "unique learner number"),
                Held("forename", IDENTITY, REDACT, "forename"),
                Held("surname", IDENTITY, REDACT, "surname"),
                Held("date_of_birth", IDENTITY, YEAR_START, "date of birth"),
                Held("postcode", CONTACT, CLEAR, "postcode"),
                Held("row_key", IDENTIFIER, REKEY, "a hash of the identifying fields"),
                Held("status", STATISTIC, KEEP, "September Guarantee status"),
                Held("offer_date", STATISTIC, KEEP, "the offer's date"),
            )),
    # Not by BY_YOUNG_PERSON: a month's snapshot never changes, so a merge leaves its rows where they are.
    Holding(SnapshotRow, "its own young_person_id, a plain number (a past month's row is never moved)",
            lambda ids: SnapshotRow.young_person_id.in_(ids), (
                Held("gender", STATISTIC, KEEP, "gender as it was at the month end (the return's breakdown)"),
                Held("sg_source", STATISTIC, KEEP, "where the September Guarantee status came from: the "
                                                   "service's words"),
            )),
    Holding(ImportWarning, "none: a row number of an import file (the value may be a name, a date of birth "
                           "or a number)",
            lambda ids: ImportWarning.id.in_([]), (
                Held("value", FREE_TEXT, CLEAR, "the value the import left out", IMPORT_VALUES_RULE),
                Held("message", STATISTIC, KEEP, "the service's words for why it was left out"),
            )),
    Holding(AuditEvent, "object_type and object_id: young_person -> its id; case, activity, contact_detail, "
                           "guarantee_record, person_note -> that row -> young person",
            _audit_rows_of, (
                Held("before", FREE_TEXT, DELETE, "the values before a change (may be names, notes)", AUDIT_RULE),
                Held("after", FREE_TEXT, DELETE, "the values after a change (may be names, notes)", AUDIT_RULE),
                Held("object_id", IDENTIFIER, DELETE, "whose record it was", AUDIT_RULE),
            ), rows_deleted_by=AUDIT_RULE),
)

# The other audit objects about one young person: object_type -> (its model, the model's column
# naming the young person).
AUDIT_OBJECTS_OF = {
    "case": (Case, Case.young_person_id),
    "activity": (Activity, Activity.young_person_id),
    "contact_detail": (ContactDetail, ContactDetail.young_person_id),
    "guarantee_record": (GuaranteeRecord, GuaranteeRecord.young_person_id),
    "person_note": (PersonNote, PersonNote.young_person_id),
}

# Tables and columns that hold nothing about a young person, and why. "*" is the whole table.
NOT_ABOUT_YOUNG_PEOPLE: dict[str, dict[str, str]] = {
    "activity_code": {"*": "reference data: NCCIS activity codes"},
    "guarantee_status": {"*": "reference data: September Guarantee statuses"},
    "calendar_date": {"*": "the yearly calendar's dates and labels"},
    "calendar_setting": {"*": "numbers of the yearly calendar"},
    "school_holiday": {"*": "school holidays and their labels"},
    "collection": {"*": "a yearly collection"},
    "district": {"*": "districts of the county"},
    "establishment": {"*": "schools, colleges and providers: organisations, their names and phone numbers"},
    "establishment_contact": {"*": "a school's staff contacts, not young people"},
    "staff_user": {"*": "staff accounts, not young people"},
    "sign_in_throttle": {"*": "staff sign-in attempts"},
    "sign_in_unlock": {"*": "staff sign-in unlock links"},
    "user_session": {"*": "signed-in sessions of staff and school contacts"},
    "patch": {"*": "schools and districts given to officers"},
    "school_request": {"*": "a school's request: dates, states, and the school contact who submitted"},
    "replaced_link": {"*": "hashes of replaced links"},
    "access_code": {"*": "codes emailed to a school's contacts"},
    "request_event": {"*": "a school request's history: its detail and actor name school contacts and counts, "
                           "never a pupil"},
    "email_template": {"*": "email texts an admin edits"},
    "letter_template": {"*": "letter texts an admin edits (names are filled in only when printed)"},
    "outbox_message": {"*": "emails to school contacts and staff: their texts name the school, counts and "
                            "dates, never a pupil"},
    "retention_rule": {"*": "the retention schedule"},
    "snapshot": {"*": "a month-end snapshot: its day and its counts"},
    "returns_setting": {"*": "settings of the returns pages (the year's target)"},
    "import_batch": {"*": "an import: its file's name, counts and the headers it did not read"},
    "school_response": {"updated_by": "the school contact who last saved the answer",
                        "source": "form or upload"},
    "contact_attempt": {"staff_id": "the officer"},
    "person_note": {"author_id": "the officer who wrote it"},
    "person_merge": {"took": "the names of the columns a merge took from the merged record"},
    "person_merge_row": {"*": "which rows a merge moved: a table's name and a row's number"},
    "import_warning": {"column_name": "the header of the file's column"},
    "activity": {"source": "where the activity came from: the service's words (a school, an import, an officer)"},
    "guarantee_record": {"source": "where the status came from: the service's words"},
    "offer": {"source": "where the offer came from: the service's words"},
    "audit_event": {"actor_type": "staff, school or system", "actor_id": "the staff member or school",
                    "actor_label": "the staff member's or school contact's name", "ip": "the actor's address"},
}


# Column names that may hold personal data; a column named so, or of free text (Text, JSON), must be
# placed in the registry or in NOT_ABOUT_YOUNG_PEOPLE.
MAY_BE_PERSONAL = re.compile(
    r"name|dob|birth|upn|uln|phone|mobile|email|e_mail|address|postcode|post_code|street|town|gender|sex|"
    r"ethnic|note|text|intelligence|comment|detail|body|value|before|after|moved_to|contact|guardian|parent|"
    r"carer|nhs|ni_number|national_insurance|key|label|source|actor|ip$"
)


def may_be_personal(column) -> bool:
    return bool(MAY_BE_PERSONAL.search(column.name)) or isinstance(column.type, (Text, JSON))


def unplaced_columns(metadata) -> list[str]:
    """"table.column" for every column that may hold personal data but is placed nowhere."""
    return [f"{table.name}.{column.name}" for table in metadata.sorted_tables for column in table.columns
            if may_be_personal(column) and not is_placed(table.name, column.name)]


def holding(table: str) -> Holding | None:
    return next((entry for entry in REGISTRY if entry.table == table), None)


def held_columns(rule: str | None = None) -> list[tuple[Holding, Held]]:
    """Every registered column, optionally only those dropped under one rule."""
    return [(entry, held) for entry in REGISTRY for held in entry.columns if rule is None or held.rule == rule]


def is_placed(table: str, column: str) -> bool:
    """Whether a column is in the registry or listed as holding nothing about a young person."""
    entry = holding(table)
    if entry is not None and entry.held(column) is not None:
        return True
    reasons = NOT_ABOUT_YOUNG_PEOPLE.get(table, {})
    return "*" in reasons or column in reasons


__all__ = ["ANONYMISED_FORENAME", "AUDIT_RULE", "BY_YOUNG_PERSON", "CLEAR", "CONTACT", "CONTACT_RULE", "DELETE",
           "FREE_TEXT", "Held", "Holding", "IDENTIFIER", "IDENTITY", "IMPORT_VALUES_RULE", "KEEP", "KINDS",
           "MAY_BE_PERSONAL", "NOT_ABOUT_YOUNG_PEOPLE", "REDACT", "REGISTRY", "REKEY", "RULES", "STATISTIC",
           "TREATMENTS", "YEAR_START", "YOUNG_PERSON_RULE", "held_columns", "holding", "is_placed",
           "may_be_personal", "unplaced_columns"]
