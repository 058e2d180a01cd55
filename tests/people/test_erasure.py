"""Erasing a young person's record: admins only, with a reason, refused while an open case needs
the record; the personal data goes, what the figures count stays, and the audit keeps only the id."""
import json
from datetime import date

from sqlalchemy import func, select

from tep_app.models import (
    Activity,
    AuditEvent,
    ContactAttempt,
    ContactDetail,
    Enrolment,
    Offer,
    SchoolRecord,
    SchoolResponse,
    YoungPerson,
)
from tep_app.models.people import GuaranteeRecord
from tep_app.services.people import subject_access
from tests.people.everything import young_person_with_everything

# Everything the record held that names or reaches her.
HER_DETAILS = ("Marisol", "Quennell-Abara", "June", "TN23 4DD", "1234567890", "12 Chalk Lane", "07700 900456",
               "07700 900789", "07700 900123", "2006-03-14", "Rang the college", "Mum says", "catering course")


def _held(person_id: int) -> str:
    """What is held about them, as the export's data, without the audit (a view adds a row)."""
    sections = [section for section in subject_access.gather(person_id) if section.table != "audit_event"]
    return json.dumps(subject_access.as_json(person_id, sections, subject_access.clock.now())["sections"],
                      default=str)


def _erasures(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "erase"))


def test_erasure_is_refused_while_an_open_case_needs_the_record(db, make, login, pages):
    login("admin")
    held = young_person_with_everything(make, db)
    db.session.commit()
    before = _held(held.person.id)
    page = pages.page(f"/people/{held.person.id}/erase")
    assert "has an open case" in page.select_one("#refused").get_text()
    assert page.select_one("main form[method=post]") is None
    refused = pages.post(f"/people/{held.person.id}/erase", {"reason": "She asked, ref ER-7"}).page
    summary = refused.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert f"has an open case (case {held.case.id})" in summary and "Nothing has changed" in summary
    db.session.expire_all()
    assert _held(held.person.id) == before
    assert _erasures(db) == 0


def test_erasure_removes_the_personal_data_and_keeps_the_figures(db, make, login, pages):
    login("admin")
    held = young_person_with_everything(make, db)
    held.case.status = "closed"
    db.session.commit()
    person_id = held.person.id
    pages.page(f"/people/{person_id}/erase")
    response = pages.post(f"/people/{person_id}/erase", {"reason": "Request ER-7: she asked us to erase it"},
                          status=302)
    assert response.headers["Location"] == f"/people/{person_id}"
    shown = pages.page(f"/people/{person_id}")
    assert f"Record {person_id} is erased" in shown.select_one(".govuk-notification-banner").get_text()
    db.session.expire_all()

    person = db.session.get(YoungPerson, person_id)
    assert (person.forename, person.surname, person.middle_names, person.upn, person.uln, person.postcode,
            person.address, person.gender) == ("Anonymised", str(person_id), None, None, None, None, None, None)
    assert person.date_of_birth == date(2005, 9, 1)  # the academic year of birth stays
    assert db.session.scalar(select(func.count()).where(ContactDetail.young_person_id == person_id)) == 0
    attempt = db.session.scalar(select(ContactAttempt).where(ContactAttempt.case_id == held.case.id))
    assert (attempt.notes, attempt.used_value, attempt.outcome) == (None, None, "spoke_parent")
    answer = db.session.scalar(select(SchoolResponse))
    assert (answer.intelligence, answer.phone, answer.activity_code) == (None, None, "230")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course == "Level 2 Professional Cookery"))
    assert (enrolment.forename, enrolment.upn, enrolment.phone) == ("Anonymised", None, None)
    assert db.session.scalar(select(Offer.forename).where(Offer.status == "110")) == "Anonymised"
    # What the figures count: the activity, the September Guarantee status, the school and year group.
    activity = db.session.scalar(select(Activity).where(Activity.young_person_id == person_id))
    assert (activity.code, activity.ascertained_on, activity.notes) == ("230", date(2022, 10, 3), None)
    assert db.session.scalar(select(GuaranteeRecord.status).where(GuaranteeRecord.young_person_id == person_id)) \
        == "110"
    assert sorted(db.session.scalars(select(SchoolRecord.year_group)
                                     .where(SchoolRecord.young_person_id == person_id))) == [11, 12]

    held_now = _held(person_id)
    assert [detail for detail in HER_DETAILS if detail in held_now] == []
    assert person.anonymised_at is not None  # as the retention run marks them: it passes them by
    again = pages.page(f"/people/{person_id}/erase")
    assert "already erased" in again.select_one("#refused").get_text()
    assert again.select_one("main form[method=post]") is None


def test_erasure_is_audited_with_the_reason_and_never_the_erased_data(db, make, login, pages):
    admin = login("admin")
    held = young_person_with_everything(make, db)
    held.case.status = "closed"
    db.session.commit()
    pages.post(f"/people/{held.person.id}/erase", {"reason": "Marisol Quennell-Abara asked, ref ER-7"},
               status=302)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert (event.object_type, event.object_id, event.actor_id) == ("young_person", str(held.person.id),
                                                                     str(admin.id))
    assert event.after["reason"] == "[removed] [removed] asked, ref ER-7"
    assert event.after["rows"]["contact_detail"] == 1 and event.before is None
    written = json.dumps([event.after, event.object_id])
    assert [detail for detail in HER_DETAILS if detail in written] == []


def test_erasure_needs_a_reason(db, make, login, pages):
    login("admin")
    person = make.young_person(forename="Nell", surname="Ashdown")
    db.session.commit()
    page = pages.post(f"/people/{person.id}/erase", {"reason": ""}).page
    assert "Enter the reason" in page.select_one(".govuk-error-summary").get_text()
    assert db.session.get(YoungPerson, person.id).forename == "Nell"
    assert _erasures(db) == 0


def test_an_officer_or_a_manager_cannot_erase(db, make, login, client):
    person = make.young_person(forename="Nell", surname="Ashdown")
    for role in ("officer", "manager"):
        login(role)
        assert client.get(f"/people/{person.id}/erase").status_code == 403
        assert client.post(f"/people/{person.id}/erase", data={"reason": "Asked"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(YoungPerson, person.id).forename == "Nell"
    assert _erasures(db) == 0
