"""A manager's chase with the clock moved: once a day (London's day), who is overdue on the
reply-by day and the day after, and which address each chaser goes to."""
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from tep_app.models import AuditEvent, EstablishmentContact, OutboxMessage, RequestEvent, SchoolRequest
from tep_app.services.school_requests.followup import chase_overdue, chase_request, overdue_to_chase
from tep_app.services.school_requests.sending import send_collection
from tests.support.messaging_support import seed_county
from tests.support.portal_support import sent_text

DUE = date(2022, 10, 31)


def _at(*args):
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def _county(db, schools=3):
    collection = seed_county(db.session, schools=schools, contacts=2, due_on=DUE)
    with _at(2022, 10, 7, 6):
        send_collection(collection)
    return collection, list(db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)))


def test_no_school_is_overdue_on_its_reply_by_day_and_every_one_the_day_after(db):
    collection, requests = _county(db)
    with _at(2022, 10, 31, 22):
        assert overdue_to_chase(collection.id) == []
    with _at(2022, 11, 1, 6):
        plan = overdue_to_chase(collection.id)
    assert [(r.id, email) for r, email in plan] == [
        (r.id, f"contact1.{r.establishment.laestab}@school.example") for r in requests]


def test_the_plan_leaves_out_schools_that_answered_have_no_contact_or_were_chased_today(db):
    collection, (answered, silent, chased) = _county(db)
    answered.status = "submitted"
    for contact in db.session.scalars(select(EstablishmentContact).where(
            EstablishmentContact.establishment_id == silent.establishment_id)):
        contact.active = False
    db.session.flush()
    with _at(2022, 11, 1, 9):
        assert chase_request(chased.id, 7) is not None
        assert overdue_to_chase(collection.id) == []
    with _at(2022, 11, 2, 0, 30):  # the next day in London (GMT)
        assert [r.id for r, _email in overdue_to_chase(collection.id)] == [chased.id]


def test_the_plan_is_in_school_name_order_and_uses_the_first_contact_by_position(db):
    collection, requests = _county(db)
    requests[0].establishment.name = "Zeta School"
    first, second = db.session.scalars(select(EstablishmentContact).where(
        EstablishmentContact.establishment_id == requests[1].establishment_id)
        .order_by(EstablishmentContact.position)).all()
    first.position, second.position = 5, 0
    db.session.flush()
    with _at(2022, 11, 1, 9):
        plan = overdue_to_chase(collection.id)
    assert [r.establishment.name for r, _e in plan][-1] == "Zeta School"
    assert {r.id: email for r, email in plan}[requests[1].id] == second.email


def test_chasing_every_overdue_school_sends_one_chaser_each_once_a_day(db):
    collection, requests = _county(db)
    with _at(2022, 11, 1, 9):
        assert chase_overdue(collection.id, 7) == 3
        assert chase_overdue(collection.id, 7) == 0
    with _at(2022, 11, 1, 23, 59):  # still 1 November in London
        assert chase_request(requests[0].id, 7) is None
    with _at(2022, 11, 2, 0, 1):
        message = chase_request(requests[0].id, 7)
    assert message.ledger_key == f"request:{requests[0].id}:manual-chase:2"
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "chase school")
                                .order_by(AuditEvent.id)).all()
    assert len(audits) == 4
    assert (audits[-1].object_type, audits[-1].object_id, audits[-1].after) == (
        "school_request", str(requests[0].id), {"to": message.to_address, "n": 2})
    event = db.session.scalars(select(RequestEvent).where(RequestEvent.kind == "chaser sent by a manager")
                               .order_by(RequestEvent.id)).all()[-1]
    assert (event.school_request_id, event.detail, event.actor) == (requests[0].id, f"To {message.to_address}",
                                                                    "staff:7")


def test_a_chase_by_the_system_names_no_one(db):
    _collection, requests = _county(db, schools=1)
    with _at(2022, 11, 1, 9):
        chase_request(requests[0].id, None)
    event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "chaser sent by a manager"))
    assert event.actor is None


def test_a_managers_chaser_points_to_the_email_with_the_working_link(db):
    _collection, requests = _county(db, schools=1)
    with _at(2022, 11, 1, 9):
        message = chase_request(requests[0].id, 7)
    assert message.kind == "chaser" and "7 October 2022" in sent_text(message)
    with _at(2022, 11, 20, 9):  # the link lapsed on 14 November: the chaser carries a new one
        later = chase_request(requests[0].id, 7)
    assert later.kind == "chaser_link" and "/school/start/" in sent_text(later)
    assert db.session.scalar(select(OutboxMessage.school_request_id).where(OutboxMessage.id == later.id)) == \
        requests[0].id
