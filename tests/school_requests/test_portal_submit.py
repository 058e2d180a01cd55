"""Submitting the list: what the school said updates the young people; a receipt is queued."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.models import Activity, ContactDetail, OutboxMessage, RequestEvent
from tep_app.services.school_requests.answers import submit_request
from tep_app.services.school_requests.outcomes import source_label
from tests.support.portal_support import seed_request, sign_school_in


@pytest.fixture
def seeded(make, db, client):
    seeded = seed_request(make, db, entries=4)
    sign_school_in(client, seeded)
    return seeded


def answer(pages, entry, **values):
    data = {"outcome": "", "provider_name": "", "phone": "", "parent_phone": "", "email": "",
            "intelligence": "", "version": "0", "save": "Save answer"}
    data.update(values)
    pages.post(f"/school/young-people/{entry.id}", data, 302)


def test_check_then_submit_updates_the_young_people(pages, seeded, db):
    a, b, c, d = seeded.entries
    today = clock.today()
    # What is held already: b has a college place from an enrolment last month and a phone number.
    db.session.add(Activity(young_person_id=b.young_person_id, code="230", ascertained_on=today - timedelta(days=30),
                            source="enrolment return", provider_name="Mid Kent College"))
    db.session.add(ContactDetail(young_person_id=b.young_person_id, kind="phone", value="07700900001",
                                 source="leavers import", recorded_on=today - timedelta(days=90)))
    db.session.commit()
    answer(pages, a, outcome="310", provider_name="Kent Apprentices", phone="07700 900123",
           parent_phone="01622 694000", email="a@example.com")
    answer(pages, b, outcome="330", phone="07700 900222")  # conflicts with the college place
    answer(pages, c, outcome="810", intelligence="Moved to Scotland", phone="07700 900333")
    # d is not answered.

    page = pages.page("/school/check")
    text = page.get_text(" ", strip=True)
    assert "3 of 4" in text and "Kent Apprentices" in text and "Moved to Scotland" in text
    response = pages.post("/school/submit", {}, 302)
    assert response.headers["Location"].endswith("/school/submitted")
    page = pages.page("/school/submitted")
    assert page.select_one(".govuk-panel__title").get_text(strip=True) == "List submitted"
    reference = page.select_one(".govuk-panel__body strong").get_text(strip=True)
    assert reference == f"LD-{seeded.establishment.laestab}-{seeded.request.id}"

    source = source_label(today)
    new = {act.young_person_id: act for act in db.session.scalars(select(Activity).where(Activity.source == source))}
    assert set(new) == {a.young_person_id, b.young_person_id}  # "Not known to us" and blanks wait for an officer
    assert (new[a.young_person_id].code, new[a.young_person_id].provider_name) == ("310", "Kent Apprentices")
    assert new[a.young_person_id].ascertained_on == today
    assert new[a.young_person_id].due_to_lapse_on.year == today.year + 1
    assert new[a.young_person_id].needs_review is False
    assert new[b.young_person_id].needs_review is True
    assert "Differs from Full-time education: further education (230)" in new[b.young_person_id].notes
    # The college place is still there: nothing overwritten.
    assert db.session.scalar(select(Activity).where(Activity.young_person_id == b.young_person_id,
                                                    Activity.code == "230")) is not None

    phones_b = db.session.scalars(select(ContactDetail).where(
        ContactDetail.young_person_id == b.young_person_id).order_by(ContactDetail.recorded_on.desc())).all()
    assert [(p.value, p.source) for p in phones_b] == [("07700900222", source), ("07700900001", "leavers import")]
    details_a = {(p.kind, p.value) for p in db.session.scalars(select(ContactDetail).where(
        ContactDetail.young_person_id == a.young_person_id))}
    assert details_a == {("phone", "07700900123"), ("parent_phone", "01622694000"), ("email", "a@example.com")}
    assert db.session.scalar(select(ContactDetail).where(ContactDetail.young_person_id == c.young_person_id)).value \
        == "07700900333"

    db.session.refresh(seeded.request)
    assert seeded.request.status == "submitted"
    assert seeded.request.submitted_by == seeded.establishment.contacts[0].email
    receipt = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "receipt"))
    assert receipt.ledger_key == f"request:{seeded.request.id}:receipt:1"
    assert receipt.to_address == seeded.establishment.contacts[0].email
    assert db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "submitted")) is not None


def test_submitting_twice_does_nothing_more(pages, seeded, db):
    answer(pages, seeded.entries[0], outcome="220", phone="07700 900123")
    pages.post("/school/submit", {}, 302)
    pages.post("/school/submit", {}, 302)
    assert submit_request(seeded.request, "x@school.example") is None
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "receipt")).all()) == 1
    assert len(db.session.scalars(select(Activity).where(
        Activity.young_person_id == seeded.entries[0].young_person_id)).all()) == 1
    # The check page now leads to the confirmation.
    assert pages.get("/school/check", 302).headers["Location"].endswith("/school/submitted")


def test_submit_needs_a_school_session(client, make, db):
    seeded = seed_request(make, db)
    assert client.post("/school/submit").status_code == 401
    db.session.refresh(seeded.request)
    assert seeded.request.status == "sent"


def test_another_schools_session_cannot_submit_this_list(app, pages, seeded, make, db):
    other = seed_request(make, db, collection=seeded.collection)
    other_client = app.test_client()
    sign_school_in(other_client, other)
    assert other_client.post("/school/submit").status_code == 302
    db.session.refresh(seeded.request)
    db.session.refresh(other.request)
    assert (seeded.request.status, other.request.status) == ("sent", "submitted")


def test_a_number_already_held_is_not_added_twice(pages, seeded, db):
    person_id = seeded.entries[0].young_person_id
    db.session.add(ContactDetail(young_person_id=person_id, kind="phone", value="07700900123",
                                 source="leavers import", recorded_on=clock.today() - timedelta(days=60)))
    db.session.commit()
    answer(pages, seeded.entries[0], outcome="220", phone="07700 900123")
    pages.post("/school/submit", {}, 302)
    details = db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id == person_id)).all()
    assert [(d.value, d.source) for d in details] == [("07700900123", "leavers import")]
