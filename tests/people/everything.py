"""A young person with a record of every kind the service holds, each carrying words of its own, so
a test can find each of them in an export or see each of them go on erasure."""
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tep_app.models import (
    Activity,
    AuditEvent,
    Case,
    ContactAttempt,
    ContactDetail,
    ListEntry,
    MatchDecision,
    MatchResult,
    OutboxMessage,
    PersonMerge,
    PersonNote,
    SchoolRequest,
    SchoolResponse,
    Snapshot,
    SnapshotRow,
)
from tep_app.models.people import GuaranteeRecord
from tests.support.portal_support import make_collection

# Words written into each kind of record: table -> words found in its row.
MARKS = {
    "young_person": "Quennell-Abara",
    "school_record": "Chalk Hill Academy",
    "contact_detail": "07700 900456",
    "activity": "Rang the college, confirmed the course",
    "guarantee_record": "Stour Valley College",
    "case": "the school gave no answer",
    "contact_attempt": "Mum says she is at college in Ashford",
    "person_note": "Her aunt in Hythe passes messages on",
    "person_merge": "Her school's list held her twice",
    "list_entry": "no enrolment found for this leaver",
    "school_response": "Moved to a catering course, her tutor says",
    "match_result": "0.97",
    "match_decision": "accepted",
    "enrolment": "Level 2 Professional Cookery",
    "offer": "Medway Apprenticeships",
    "outbox_message": "About Marisol Quennell-Abara",
    "snapshot_row": "school answer at the October month end",
    "audit_event": "viewed by an officer",
}


@dataclass
class Everything:
    person: object
    case: Case
    school: object
    college: object


def young_person_with_everything(make, db, officer=None) -> Everything:
    officer = officer or make.staff(role="officer")
    school = make.establishment(name="Chalk Hill Academy")
    college = make.establishment(type="college", contacts=0, name="Stour Valley College")
    person = make.young_person(forename="Marisol", surname="Quennell-Abara", middle_names="June",
                               date_of_birth=date(2006, 3, 14), postcode="TN23 4DD", uln="1234567890",
                               address="12 Chalk Lane, Ashford", gender="F")
    leaver = make.school_record(person, school, "leaver", 2022, year_group=11, leaving_date=date(2022, 7, 20))
    roll = make.school_record(person, school, "roll", 2022, year_group=12)
    add = db.session.add
    add(ContactDetail(young_person_id=person.id, kind="phone", value="07700 900456", source="leavers import",
                      recorded_on=date(2022, 7, 20)))
    add(Activity(young_person_id=person.id, code="230", start_date=date(2022, 9, 5), ascertained_on=date(2022, 10, 3),
                 provider_id=college.id, provider_name="Stour Valley College", source="officer",
                 notes="Rang the college, confirmed the course", recorded_by_id=officer.id))
    add(GuaranteeRecord(young_person_id=person.id, academic_year=2022, status="110",
                        provider_name="Stour Valley College", offer_date=date(2023, 3, 1),
                        recorded_on=date(2023, 6, 12), source="school, 12 Jun"))
    collection = make_collection(db)
    entry = ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=person.id,
                      school_record_id=leaver.id, reason="no enrolment found for this leaver")
    request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="submitted",
                            due_on=date(2022, 10, 31))
    add(entry)
    add(request)
    db.session.flush()
    add(SchoolResponse(school_request_id=request.id, list_entry_id=entry.id, activity_code="230",
                       phone="07700 900789", intelligence="Moved to a catering course, her tutor says",
                       answered=True, updated_by="contact1@school.example"))
    case = Case(young_person_id=person.id, status="open", reason="no_school_answer", establishment_id=school.id,
                collection_id=collection.id, officer_id=officer.id, year_group=11,
                opened_at=datetime(2022, 11, 1, 9, 30, tzinfo=UTC), not_known_since=date(2022, 9, 1))
    add(case)
    db.session.flush()
    add(ContactAttempt(case_id=case.id, channel="phone", used_value="07700 900456", outcome="spoke_parent",
                       notes="Mum says she is at college in Ashford", staff_id=officer.id,
                       at=datetime(2022, 11, 2, 14, 5, tzinfo=UTC)))
    add(PersonNote(young_person_id=person.id, body="Her aunt in Hythe passes messages on", author_id=officer.id,
                   created_at=datetime(2022, 11, 3, 10, 0, tzinfo=UTC)))
    enrolment = make.enrolment(college, person, 2022, course="Level 2 Professional Cookery", phone="07700 900123")
    offer = make.offer(make.establishment(type="college", contacts=0, name="Medway Apprenticeships"), person, 2022)
    add(MatchResult(kind="leaver_enrolment", school_record_id=leaver.id, candidate_id=enrolment.id,
                    outcome="certain", rule="names_dob_postcode", score=0.97))
    add(MatchResult(kind="roll_offer", school_record_id=roll.id, candidate_id=offer.id, outcome="possible",
                    rule="names_dob", score=0.7, decided_outcome="certain"))
    add(MatchDecision(kind="roll_offer", school_record_id=roll.id, candidate_key=offer.row_key, decision="accepted",
                      decided_at=datetime(2023, 4, 2, 10, 0, tzinfo=UTC)))
    twice = make.young_person(forename="Marisol", surname="Quennell", date_of_birth=date(2012, 3, 14))
    add(PersonMerge(kept_id=person.id, merged_id=twice.id, reason="Her school's list held her twice",
                    kept_before={"forename": "Marisol", "surname": "Quennell-Abara", "upn": person.upn},
                    took=["surname"], merged_at=datetime(2023, 1, 5, 9, 0, tzinfo=UTC),
                    undone_at=datetime(2023, 1, 6, 9, 0, tzinfo=UTC), undo_reason="Two pupils after all"))
    add(OutboxMessage(ledger_key=f"test:{person.id}:named", kind="note", to_address="officer@tep.example",
                      subject="About Marisol Quennell-Abara", body="A note that names her."))
    month_end = Snapshot(as_of=date(2022, 10, 31), taken_at=datetime(2022, 10, 31, 23, 45, tzinfo=UTC), counts={})
    add(month_end)
    db.session.flush()
    add(SnapshotRow(snapshot_id=month_end.id, young_person_id=person.id, academic_age=16, year_group=11,
                    cohort_status="P", lead_la="886", activity_code="530", category="neet", gender="F",
                    sg_source="school answer at the October month end"))
    add(AuditEvent(actor_type="staff", actor_id=str(officer.id), actor_label=officer.email, action="view",
                   object_type="young_person", object_id=str(person.id), after={"note": "viewed by an officer"}))
    db.session.flush()
    return Everything(person, case, school, college)
