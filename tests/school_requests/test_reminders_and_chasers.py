"""Reminders before the deadline, chasers after it, a manager's chase, the history, reopening."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, EstablishmentContact, OutboxMessage, RequestEvent, SchoolRequest
from tep_app.services.school_requests.followup import chase_request, send_chasers, send_reminders
from tep_app.services.school_requests.sending import send_collection
from tests.support.messaging_support import seed_county
from tests.support.portal_support import sent_text

# Due Monday 31 October 2022, after the October half term (24 to 28 October, not counted). 7 school
# days before: Thursday 13 October; 2 before: Thursday 20 October. Chasers every 5 school days
# after: Monday 7, 14 and 21 November.
DUE = date(2022, 10, 31)


def _send(db, collection, day: date) -> list[SchoolRequest]:
    """Send on `day`, as the scheduler would have on that day."""
    send_collection(collection, today=day)
    requests = list(db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)))
    for request in requests:
        request.sent_at = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    db.session.flush()
    return requests


@pytest.fixture
def sent(db):
    return _send(db, seed_county(db.session, schools=2, contacts=2, due_on=DUE), date(2022, 10, 7))


def _keys(db, kind):
    return sorted(db.session.scalars(select(OutboxMessage.ledger_key).where(OutboxMessage.kind == kind)))


def _outbox(db, kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_reminders_go_seven_and_two_school_days_before_the_deadline(db, sent):
    first, second = sent
    days = {}
    for offset in range(0, 25):
        today = date(2022, 10, 8) + timedelta(days=offset)
        if send_reminders(today):
            days[today] = _keys(db, "reminder")
    assert list(days) == [date(2022, 10, 13), date(2022, 10, 20)]
    assert _keys(db, "reminder") == sorted([
        f"request:{first.id}:reminder:1", f"request:{second.id}:reminder:1",
        f"request:{first.id}:reminder:2", f"request:{second.id}:reminder:2"])
    reminder = _outbox(db, "reminder")[0]
    assert reminder.to_address == f"contact1.{first.establishment.laestab}@school.example"
    assert "31 October 2022" in reminder.subject and "7 October 2022" in reminder.body
    assert "/school/start/" not in sent_text(reminder)  # the link is only in the invitation


def test_a_school_that_submitted_gets_no_reminder_or_chaser(db, sent):
    sent[0].status = "submitted"
    db.session.flush()
    assert send_reminders(date(2022, 10, 20)) == 1
    assert send_chasers(date(2022, 11, 7)) == 1
    assert {m.school_request_id for m in _outbox(db, "reminder") + _outbox(db, "chaser")} == {sent[1].id}


def test_running_the_reminders_twice_a_day_sends_once(db, sent):
    assert send_reminders(date(2022, 10, 20)) == 2
    assert send_reminders(date(2022, 10, 20)) == 0
    assert send_reminders(date(2022, 10, 21)) == 0
    assert len(_outbox(db, "reminder")) == 2


def test_a_missed_reminder_day_is_caught_up_once(db, sent):
    # The scheduler was down on the 20th: the first reminder goes on the 21st, once.
    assert send_reminders(date(2022, 10, 21)) == 2
    assert send_reminders(date(2022, 10, 24)) == 0


def test_chasers_go_every_five_working_days_and_the_third_to_the_second_contact_too(db, sent):
    first = sent[0]
    days = []
    for offset in range(0, 30):
        today = DUE + timedelta(days=offset)
        if send_chasers(today):
            days.append(today)
    assert days == [date(2022, 11, 7), date(2022, 11, 14), date(2022, 11, 21), date(2022, 11, 28)]
    mine = sorted((m for m in _outbox(db, "chaser") + _outbox(db, "chaser_link") if m.school_request_id == first.id),
                  key=lambda m: m.id)
    laestab = first.establishment.laestab
    # The link lasts to the end of 14 November (deadline + 14 days): the chaser of the 14th, and
    # the one after the next new link lapses, carry a new link; the others point to the last one.
    assert [(m.ledger_key, m.to_address, m.kind) for m in mine] == [
        (f"request:{first.id}:chaser:1", f"contact1.{laestab}@school.example", "chaser"),
        (f"request:{first.id}:chaser:2", f"contact1.{laestab}@school.example", "chaser_link"),
        (f"request:{first.id}:chaser:3", f"contact1.{laestab}@school.example", "chaser"),
        (f"request:{first.id}:chaser:3:second", f"contact2.{laestab}@school.example", "chaser"),
        (f"request:{first.id}:chaser:4", f"contact1.{laestab}@school.example", "chaser_link"),
        (f"request:{first.id}:chaser:4:second", f"contact2.{laestab}@school.example", "chaser_link"),
    ]
    assert "7 October 2022" in mine[0].body and "/school/start/" not in sent_text(mine[0])
    assert db.session.get(SchoolRequest, first.id).chasers_sent == 4
    assert "Overdue" in mine[0].subject


def test_chasing_stops_after_six_chasers(db, sent):
    assert send_chasers(date(2023, 3, 1)) == 2 * 2  # one catch-up chaser (the sixth) to both contacts
    assert {r.chasers_sent for r in sent} == {6}
    assert send_chasers(date(2023, 6, 1)) == 0


def test_chasers_skip_the_christmas_holiday(db):
    # Due Monday 19 December 2022, the first day of the Christmas holiday (to 30 December); 2 January
    # is a bank holiday: the first chaser is 5 school days on, Monday 9 January.
    collection = seed_county(db.session, schools=1, contacts=1, send_on=date(2022, 11, 21), due_on=date(2022, 12, 19))
    _send(db, collection, date(2022, 11, 21))
    assert send_chasers(date(2022, 12, 28)) == 0
    assert send_chasers(date(2023, 1, 6)) == 0
    assert send_chasers(date(2023, 1, 9)) == 1


def test_reminders_skip_the_may_half_term(db):
    # Due Friday 2 June 2023, in the May half term (29 May, the spring bank holiday, to 2 June): 7
    # school days before is Thursday 18 May.
    collection = seed_county(db.session, schools=1, contacts=1, kind="no-offer", send_on=date(2023, 5, 2),
                             due_on=date(2023, 6, 2))
    _send(db, collection, date(2023, 5, 2))
    assert send_reminders(date(2023, 5, 17)) == 0
    assert send_reminders(date(2023, 5, 18)) == 1


def test_a_list_sent_late_gets_its_own_reply_by_date_and_reminders_before_it(db):
    # Sent Monday 24 October, in the half term, a week before the calendar's 31 October: the school
    # gets 15 school days from the end of the half term, to Friday 18 November; reminders 7 and 2
    # school days before that.
    collection = seed_county(db.session, schools=1, contacts=1, due_on=DUE)
    send_collection(collection, today=date(2022, 10, 24), force=True)
    request = db.session.scalar(select(SchoolRequest))
    request.sent_at = datetime(2022, 10, 24, 9, tzinfo=UTC)
    db.session.flush()
    assert request.due_on == date(2022, 11, 18)
    invite = _outbox(db, "invite")[0]
    assert "reply by 18 November 2022" in invite.subject and "31 October" not in invite.body
    assert send_reminders(date(2022, 11, 8)) == 0
    assert send_reminders(date(2022, 11, 9)) == 1
    assert send_reminders(date(2022, 11, 16)) == 1
    assert _keys(db, "reminder") == [f"request:{request.id}:reminder:1", f"request:{request.id}:reminder:2"]
    assert "18 November 2022" in _outbox(db, "reminder")[0].subject


def test_a_managers_chase_goes_once_a_day_and_is_audited(db, sent):
    first = sent[0]
    message = chase_request(first.id, user_id=7)
    assert message.ledger_key == f"request:{first.id}:manual-chase:1"
    assert message.to_address == f"contact1.{first.establishment.laestab}@school.example"
    assert chase_request(first.id, user_id=7) is None  # chased today already
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "chase school")).object_id == str(first.id)
    events = [e.kind for e in db.session.scalars(
        select(RequestEvent).where(RequestEvent.school_request_id == first.id))]
    assert "chaser sent by a manager" in events and "invite sent" in events


def test_a_managers_chase_is_refused_for_a_submitted_school_or_one_without_contacts(db, sent):
    sent[0].status = "submitted"
    for contact in db.session.scalars(select(EstablishmentContact).where(
            EstablishmentContact.establishment_id == sent[1].establishment_id)):
        contact.active = False
    db.session.flush()
    assert chase_request(sent[0].id, None) is None
    assert chase_request(sent[1].id, None) is None
    with pytest.raises(LookupError):
        chase_request(999999, None)
    assert _outbox(db, "chaser") == []


