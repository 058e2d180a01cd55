"""Sending with the clock moved: refused the day before the send day and sent on it; what a send
stores, counts and records for each school."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import RequestEvent, SchoolRequest
from tep_app.services.school_requests.sending import SendError, create_requests, send_collection
from tests.support.messaging_support import seed_county


def _at(*args):
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def test_the_lists_are_refused_the_day_before_the_send_day_and_go_on_it(db):
    seed_county(db.session, schools=1, contacts=1)
    with _at(2022, 10, 6, 22, 59), pytest.raises(SendError) as refused:  # 23:59 on 6 October in London
        send_collection("leavers", 2022)
    assert refused.value.message == ("The leavers lists for 2022 are not due to be sent until 7 October 2022: "
                                     "use --force to send them now")
    with _at(2022, 10, 6, 23, 0):  # midnight in London
        assert send_collection("leavers", 2022)["sent"] == 1


def test_a_collection_not_built_is_refused_with_its_own_words(db):
    collection = seed_county(db.session, schools=1, contacts=1)
    with _at(2022, 10, 6, 9), pytest.raises(SendError) as refused:
        send_collection(collection)
    assert refused.value.message.startswith("The leavers lists for 2022 are not due to be sent until 7 October 2022")


def test_the_year_is_needed_for_a_kind(db):
    with pytest.raises(SendError) as refused:
        send_collection("leavers")
    assert refused.value.message == "Give the academic year, e.g. --year 2022"


def test_a_send_counts_and_records_each_school(db):
    collection = seed_county(db.session, schools=3, contacts=2)
    with _at(2022, 10, 7, 6):
        requests = create_requests(collection)
        rows = db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)).all()
        for contact in rows[2].establishment.contacts[1:]:
            contact.active = False
        for contact in rows[1].establishment.contacts:
            contact.active = False
        db.session.flush()
        result = send_collection(collection)
    assert requests == 3
    assert {k: result[k] for k in ("requests", "sent", "emails", "already")} == {
        "requests": 0, "sent": 2, "emails": 3, "already": 0}
    assert result["no_contact"] == [rows[1].establishment.name]
    assert result["collection_id"] == collection.id
    assert [(r.status, r.due_on, r.reminders_sent, r.chasers_sent) for r in rows] == [
        ("sent", date(2022, 10, 31), 0, 0), ("not_sent", date(2022, 10, 31), 0, 0), ("sent", date(2022, 10, 31), 0, 0)]
    assert rows[0].sent_at.replace(tzinfo=None) == datetime(2022, 10, 7, 6)
    events = {(e.school_request_id, e.kind, e.detail) for e in db.session.scalars(select(RequestEvent))
              if e.kind != "link issued"}
    assert events == {(rows[0].id, "invite sent", "To 2 contacts"), (rows[1].id, "not sent",
                                                                      "The school has no active contact"),
                      (rows[2].id, "invite sent", "To 1 contact")}
    with _at(2022, 10, 8, 6):
        again = send_collection(collection)
    assert (again["sent"], again["already"], again["no_contact"]) == (0, 2, [rows[1].establishment.name])


def test_a_built_collections_own_send_day_is_the_one_checked(db):
    collection = seed_county(db.session, schools=1, contacts=1, send_on=date(2022, 10, 10))
    with _at(2022, 10, 8, 9), pytest.raises(SendError) as refused:
        send_collection("leavers", 2022)
    assert "not due to be sent until 10 October 2022" in refused.value.message
    assert collection.id


def test_without_a_collection_the_calendars_send_day_is_checked(db):
    with _at(2023, 10, 5, 9), pytest.raises(SendError) as refused:  # 7 October 2023 is a Saturday
        send_collection("no-offer", 2023)
    assert "no-offer lists for 2023 are not due to be sent until 5 June 2024" in refused.value.message
    with _at(2023, 10, 5, 9), pytest.raises(SendError) as refused:
        send_collection("leavers", 2023)
    assert "not due to be sent until 6 October 2023" in refused.value.message


def test_the_invitation_names_the_collection(db):
    from tep_app.models import OutboxMessage

    collection = seed_county(db.session, schools=1, contacts=1)
    with _at(2022, 10, 7, 6):
        send_collection(collection)
    invite = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invite"))
    assert collection.title in invite.subject + invite.body
