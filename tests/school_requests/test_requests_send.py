"""Sending the lists: one request per school, one invitation per active contact, exactly once."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tep_app.models import EstablishmentContact, OutboxMessage, RequestEvent, SchoolRequest
from tep_app.services.school_requests.links import hash_token
from tep_app.services.school_requests.sending import SendError, create_requests, send_collection
from tests.support.messaging_support import seed_county
from tests.support.portal_support import sent_text

LINK = re.compile(r"/school/start/([A-Za-z0-9_\-]+)")


def _invites(db):
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invite").order_by(OutboxMessage.ledger_key)))


def test_send_queues_one_invite_per_contact_and_a_second_run_queues_none(db, app):
    collection = seed_county(db.session, schools=4, contacts=2)
    result = send_collection("leavers", 2022, today=date(2022, 10, 7))
    assert (result["requests"], result["sent"], result["emails"], result["already"]) == (4, 4, 8, 0)
    invites = _invites(db)
    assert len(invites) == 8
    assert len({m.to_address for m in invites}) == 8
    requests = list(db.session.scalars(select(SchoolRequest).where(SchoolRequest.collection_id == collection.id)))
    assert {r.status for r in requests} == {"sent"}
    assert all(r.sent_at and r.due_on == date(2022, 10, 31) for r in requests)
    first = requests[0]
    assert {m.ledger_key for m in invites if m.school_request_id == first.id} == {
        f"request:{first.id}:invite:1:0", f"request:{first.id}:invite:1:1"}
    assert db.session.scalar(select(func.count(RequestEvent.id)).where(
        RequestEvent.school_request_id == first.id, RequestEvent.kind == "invite sent")) == 1

    again = send_collection("leavers", 2022, today=date(2022, 10, 8))
    assert (again["requests"], again["sent"], again["emails"], again["already"]) == (0, 0, 0, 4)
    assert len(_invites(db)) == 8


def test_the_invite_carries_a_working_link_whose_token_is_stored_only_as_a_hash(db, app):
    seed_county(db.session, schools=1, contacts=1)
    send_collection("leavers", 2022, today=date(2022, 10, 7))
    invite = _invites(db)[0]
    request = db.session.get(SchoolRequest, invite.school_request_id)
    sent = sent_text(invite)
    found = LINK.search(sent)
    assert sent.count(app.config["BASE_URL"] + "/school/start/") == 1
    assert hash_token(found.group(1)) == request.token_hash
    assert found.group(1) not in (request.token_hash or "")
    assert "31 October 2022" in invite.subject + invite.body
    assert request.establishment.name in invite.body
    assert "Sam" not in invite.body and "Lee" not in invite.body  # nothing about a young person


def test_no_offer_uses_its_own_text(db):
    seed_county(db.session, schools=1, contacts=1, kind="no-offer", send_on=date(2023, 6, 5),
                due_on=date(2023, 6, 30))
    send_collection("no-offer", 2022, today=date(2023, 6, 5))
    assert "no recorded September Guarantee offer" in _invites(db)[0].subject


def test_only_active_contacts_get_it_and_a_school_with_none_is_named(db):
    collection = seed_county(db.session, schools=2, contacts=2)
    requests_before = create_requests(collection)
    assert requests_before == 2
    schools = sorted({r.establishment for r in db.session.scalars(select(SchoolRequest))}, key=lambda e: e.id)
    contacts = list(db.session.scalars(select(EstablishmentContact).where(
        EstablishmentContact.establishment_id.in_([s.id for s in schools]))))
    for contact in contacts:
        if contact.establishment_id == schools[0].id and contact.position == 1:
            contact.active = False
        if contact.establishment_id == schools[1].id:
            contact.active = False
    db.session.flush()
    result = send_collection("leavers", 2022, today=date(2022, 10, 7))
    assert result["sent"] == 1 and result["emails"] == 1
    assert result["no_contact"] == [schools[1].name]
    assert [m.to_address for m in _invites(db)] == [f"contact1.{schools[0].laestab}@school.example"]
    unsent = db.session.scalar(select(SchoolRequest).where(SchoolRequest.establishment_id == schools[1].id))
    assert unsent.status == "not_sent"


def test_create_requests_is_idempotent(db):
    collection = seed_county(db.session, schools=3, contacts=1)
    assert create_requests(collection) == 3
    assert create_requests(collection) == 0
    assert db.session.scalar(select(func.count(SchoolRequest.id))) == 3


def test_it_refuses_before_the_send_date_unless_forced(db):
    seed_county(db.session, schools=2, contacts=1)
    with pytest.raises(SendError, match="not due to be sent until 7 October 2022: use --force"):
        send_collection("leavers", 2022, today=date(2022, 10, 6))
    assert _invites(db) == []
    assert send_collection("leavers", 2022, today=date(2022, 10, 6), force=True)["sent"] == 2


def test_a_send_date_on_a_weekend_moves_to_the_friday_before(db):
    # 7 October 2023 is a Saturday: the lists go on Friday 6 October.
    seed_county(db.session, schools=1, contacts=1, year=2023, send_on=date(2023, 10, 7), due_on=date(2023, 10, 31))
    with pytest.raises(SendError, match="until 6 October 2023"):
        send_collection("leavers", 2023, today=date(2023, 10, 5))
    assert send_collection("leavers", 2023, today=date(2023, 10, 6))["sent"] == 1


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(SendError, match="Unknown collection 'leaver': use leavers or no-offer"):
        send_collection("leaver", 2022)


def test_a_collection_with_nobody_on_any_list_sends_nothing(db):
    seed_county(db.session, schools=0)
    with pytest.raises(SendError, match="No school has anyone on its leavers list for 2022"):
        send_collection("leavers", 2022, today=date(2022, 10, 7))


def test_a_request_already_sent_keeps_its_link(db):
    collection = seed_county(db.session, schools=1, contacts=1)
    send_collection(collection, today=date(2022, 10, 7))
    request = db.session.scalar(select(SchoolRequest))
    token_hash = request.token_hash
    request.status = "not_sent"  # as if a crash lost the status but not the queued email
    db.session.flush()
    result = send_collection(collection, today=date(2022, 10, 8))
    assert (result["sent"], result["emails"]) == (1, 0)
    assert request.token_hash == token_hash
    assert len(_invites(db)) == 1
