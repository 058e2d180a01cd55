"""The rules the product runs on, each tested just inside and just outside its edge, with the clock moved."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import Activity, ActivityCode, OutboxMessage, SchoolRequest
from tep_app.reference_data import ACTIVITY_CODES
from tep_app.services.calendar import DEFAULT_SETTINGS, REPLY_WORKING_DAYS, add_school_days, set_setting
from tep_app.services.cases import AttemptInput, open_cases_for_request, record_attempt
from tep_app.services.cases.casework import FAILED_ATTEMPTS_PER_NUMBER, ActivityInput, record_activity
from tep_app.services.school_requests.followup import (
    CHASER_EVERY,
    MAX_CHASERS,
    REMINDER_DAYS,
    SECOND_CONTACT_FROM_CHASER,
    send_chasers,
    send_reminders,
)
from tep_app.services.school_requests.links import (
    CODE_MINUTES,
    CODE_TRIES,
    DEFAULT_GRACE_DAYS,
    MSG_CODE_EXPIRED,
    MSG_CODE_LOCKED,
    issue_token,
    resolve_token,
    send_access_code,
    verify_access_code,
)
from tep_app.services.school_requests.sending import send_collection
from tests.support.cases_support import add_phone, cases_of, seed_list
from tests.support.messaging_support import seed_county
from tests.support.portal_support import latest_code, seed_request

NOT_KNOWN_CODES = sorted(code for code, _d, _w, group in ACTIVITY_CODES if group == "not-known")


def _moment(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _open_case(make, db, phones=("07700900001",)):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    person = seeded.people[0]
    for value in phones:
        add_phone(db, person, value)
    case = cases_of(db, person)[0]
    db.session.commit()
    return case


# The Not Known codes keep a case open; every other code closes it

def test_the_not_known_codes_are_810_820_and_830(db):
    assert NOT_KNOWN_CODES == ["810", "820", "830"]
    flagged = db.session.scalars(select(ActivityCode.code).where(ActivityCode.is_not_known.is_(True))
                                 .order_by(ActivityCode.code))
    assert list(flagged) == NOT_KNOWN_CODES


@pytest.mark.parametrize("code", ["810", "820", "830"])
def test_recording_a_not_known_code_keeps_the_case_open(make, db, code):
    case = _open_case(make, db)
    with time_machine.travel(_moment(2022, 11, 14, 10), tick=False):
        activity = record_activity(case, ActivityInput(code, None, None, None, None), case.version, None)
    db.session.refresh(case)
    assert (case.status, case.closed_at, case.closing_activity_id, case.closed_reason) == ("open", None, None, None)
    assert db.session.get(Activity, activity.id).code == code


@pytest.mark.parametrize("code", ["710", "680", "330"])
def test_recording_a_code_just_outside_not_known_closes_the_case(make, db, code):
    case = _open_case(make, db)
    case.next_follow_up_on = date(2022, 11, 20)
    db.session.commit()
    with time_machine.travel(_moment(2022, 11, 14, 10), tick=False):
        activity = record_activity(case, ActivityInput(code, "Kent Garden Centre", None, None, date(2022, 9, 1)),
                                   case.version, None)
    db.session.refresh(case)
    assert (case.status, case.closing_activity_id, case.closed_reason) == ("closed", activity.id, "activity_found")
    assert case.closed_at.replace(tzinfo=None) == datetime(2022, 11, 14, 10)
    assert case.next_follow_up_on is None
    stored = db.session.get(Activity, activity.id)
    assert (stored.ascertained_on, stored.source, stored.provider_name) == (date(2022, 11, 14), "officer",
                                                                              "Kent Garden Centre")


def test_an_unknown_code_is_refused(make, db):
    case = _open_case(make, db)
    with pytest.raises(ValueError):
        record_activity(case, ActivityInput("999", None, None, None, None), case.version, None)


# FAILED_ATTEMPTS_PER_NUMBER: a letter or visit once every number has failed 3 times

def _attempt(case, value, outcome="no_answer"):
    return record_attempt(case, AttemptInput("phone", value, outcome, None, None), case.version, None)


def test_the_letter_or_visit_flag_comes_with_the_third_failure_on_the_last_number(make, db):
    assert FAILED_ATTEMPTS_PER_NUMBER == 3
    case = _open_case(make, db, phones=("07700900001", "07700900002"))
    with time_machine.travel(_moment(2022, 11, 14, 10), tick=False):
        for _ in range(FAILED_ATTEMPTS_PER_NUMBER):
            _attempt(case, "07700900001")
        for _ in range(FAILED_ATTEMPTS_PER_NUMBER - 1):
            _attempt(case, "07700 900 002", "voicemail")
        db.session.refresh(case)
        assert case.needs_letter_or_visit is False  # just inside: 3 and 2
        _attempt(case, "+44 7700 900002")
        db.session.refresh(case)
        assert case.needs_letter_or_visit is True  # 3 and 3


def test_a_wrong_number_outcome_marks_the_number_and_counts_it_as_tried(make, db):
    case = _open_case(make, db, phones=("07700900001",))
    with time_machine.travel(_moment(2022, 11, 14, 10), tick=False):
        _attempt(case, "07700900001", "spoke_parent")
        db.session.refresh(case)
        assert case.needs_letter_or_visit is False
        _attempt(case, "07700900001", "wrong_number")
    db.session.refresh(case)
    assert case.young_person.contact_details[0].marked_wrong is True
    assert case.needs_letter_or_visit is True


# CODE_MINUTES: a school's 6-digit code lasts 15 minutes from when it was sent

def _code_sent_at(make, db, moment):
    with time_machine.travel(moment, tick=False):
        seeded = seed_request(make, db, due_on=date(2026, 10, 30))
        email = seeded.establishment.contacts[0].email
        send_access_code(seeded.request, email)
        db.session.commit()
    return seeded, latest_code(db, email)


def test_a_code_works_until_just_before_15_minutes_after_it_was_sent(make, db):
    assert CODE_MINUTES == 15
    sent = _moment(2026, 10, 12, 9, 0)
    seeded, code = _code_sent_at(make, db, sent)
    with time_machine.travel(sent + timedelta(minutes=CODE_MINUTES) - timedelta(seconds=1), tick=False):
        assert verify_access_code(seeded.request, code).ok


def test_a_code_has_expired_15_minutes_after_it_was_sent(make, db):
    sent = _moment(2026, 10, 12, 9, 0)
    seeded, code = _code_sent_at(make, db, sent)
    with time_machine.travel(sent + timedelta(minutes=CODE_MINUTES), tick=False):
        check = verify_access_code(seeded.request, code)
    assert (check.ok, check.message) == (False, MSG_CODE_EXPIRED)


# CODE_TRIES: 5 tries; the fifth wrong code locks it

def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_after_four_wrong_codes_the_right_one_still_works(make, db):
    assert CODE_TRIES == 5
    sent = _moment(2026, 10, 12, 9, 0)
    seeded, code = _code_sent_at(make, db, sent)
    with time_machine.travel(sent + timedelta(minutes=1), tick=False):
        left = [verify_access_code(seeded.request, _wrong(code)).tries_left for _ in range(CODE_TRIES - 1)]
        assert left == [4, 3, 2, 1]
        check = verify_access_code(seeded.request, code)
    assert (check.ok, check.tries_left) == (True, 1)


def test_the_fifth_wrong_code_locks_it_and_the_right_one_no_longer_works(make, db):
    sent = _moment(2026, 10, 12, 9, 0)
    seeded, code = _code_sent_at(make, db, sent)
    with time_machine.travel(sent + timedelta(minutes=1), tick=False):
        checks = [verify_access_code(seeded.request, _wrong(code)) for _ in range(CODE_TRIES)]
        assert (checks[-1].ok, checks[-1].message) == (False, MSG_CODE_LOCKED)
        assert checks[-2].message == "The code is not correct. You have 1 try left."
        check = verify_access_code(seeded.request, code)
    assert (check.ok, check.message) == (False, MSG_CODE_LOCKED)


# Follow-up: reminders 7 and 2 school days before the reply-by date, chasers every 5 school days
# after it. Due Monday 31 October 2022, after the October half term (24 to 28 October, not
# counted): reminders Thursday 13 and Thursday 20 October, chasers Monday 7 and Monday 14 November.

DUE = date(2022, 10, 31)


def _sent_county(db, send_on=date(2022, 10, 7), due_on=DUE, sent_on=None):
    """A one-school county whose calendar sends on `send_on`, sent then (or late, on `sent_on`)."""
    collection = seed_county(db.session, schools=1, contacts=2, send_on=send_on, due_on=due_on)
    sent_on = sent_on or send_on
    with time_machine.travel(_moment(sent_on.year, sent_on.month, sent_on.day, 6), tick=False):
        send_collection(collection)
    return db.session.scalar(select(SchoolRequest))


def _on(day: date, job):
    with time_machine.travel(_moment(day.year, day.month, day.day, 6), tick=False):
        return job()


def _ledger(db, kind):
    return sorted(db.session.scalars(select(OutboxMessage.ledger_key).where(OutboxMessage.kind.in_(kind))))


def test_the_reply_by_rules_are_named_in_one_place():
    assert (REMINDER_DAYS, CHASER_EVERY, MAX_CHASERS, SECOND_CONTACT_FROM_CHASER) == ((7, 2), 5, 6, 3)
    assert DEFAULT_GRACE_DAYS == 14
    assert ((REPLY_WORKING_DAYS, DEFAULT_SETTINGS[0][1], 15),) == DEFAULT_SETTINGS


def test_the_first_reminder_goes_7_school_days_before_the_reply_by_date_not_8(db):
    request = _sent_county(db)
    assert _on(date(2022, 10, 12), send_reminders) == 0  # 8 school days before
    assert _on(date(2022, 10, 13), send_reminders) == 1  # 7 school days before
    assert _ledger(db, ["reminder"]) == [f"request:{request.id}:reminder:1"]
    assert request.reminders_sent == 1


def test_the_second_reminder_goes_2_school_days_before_the_reply_by_date_not_3(db):
    request = _sent_county(db)
    assert _on(date(2022, 10, 13), send_reminders) == 1
    assert _on(date(2022, 10, 19), send_reminders) == 0  # 3 school days before
    assert _on(date(2022, 10, 20), send_reminders) == 1  # 2 school days before
    assert _on(date(2022, 10, 27), send_reminders) == 0  # in the half term: nothing more
    assert _on(date(2022, 10, 31), send_reminders) == 0  # the reply-by day: nothing more
    assert _ledger(db, ["reminder"]) == [f"request:{request.id}:reminder:1", f"request:{request.id}:reminder:2"]


def test_no_reminder_after_the_reply_by_date(db):
    request = _sent_county(db)
    assert _on(date(2022, 11, 1), send_reminders) == 0
    assert request.reminders_sent in (0, None)


def test_a_list_sent_after_a_reminder_day_gets_no_reminder_for_that_day(db):
    # Sent late on the day of the first reminder, with a 5-school-day reply period (so still due on
    # the 31st): the school has just had the invitation.
    set_setting(2022, REPLY_WORKING_DAYS, 5)
    request = _sent_county(db, sent_on=date(2022, 10, 13))
    assert request.due_on == DUE
    assert _on(date(2022, 10, 13), send_reminders) == 0
    assert _on(date(2022, 10, 20), send_reminders) == 1


def test_the_first_chaser_goes_5_working_days_after_the_reply_by_date_not_4(db):
    request = _sent_county(db)
    assert _on(date(2022, 11, 4), send_chasers) == 0  # 4 working days after
    assert _on(date(2022, 11, 7), send_chasers) == 1  # 5 working days after
    assert _ledger(db, ["chaser", "chaser_link"]) == [f"request:{request.id}:chaser:1"]
    assert request.chasers_sent == 1


def test_the_next_chaser_waits_another_5_working_days(db):
    request = _sent_county(db)
    assert _on(date(2022, 11, 7), send_chasers) == 1
    assert _on(date(2022, 11, 11), send_chasers) == 0  # 4 working days after the first
    assert _on(date(2022, 11, 14), send_chasers) == 1  # 5 working days after the first
    assert request.chasers_sent == 2


def test_the_third_chaser_goes_to_the_second_contact_too_and_the_second_does_not(db):
    request = _sent_county(db)
    for day in (date(2022, 11, 7), date(2022, 11, 14)):
        assert _on(day, send_chasers) == 1
    assert _on(date(2022, 11, 21), send_chasers) == 2
    assert _ledger(db, ["chaser", "chaser_link"])[-2:] == [f"request:{request.id}:chaser:3",
                                                           f"request:{request.id}:chaser:3:second"]


def test_chasing_stops_after_the_sixth_chaser(db):
    request = _sent_county(db)
    sixth = add_school_days(DUE, CHASER_EVERY * MAX_CHASERS)
    assert _on(sixth - timedelta(days=1), send_chasers) == 2  # the fifth, caught up (to both contacts)
    assert request.chasers_sent == MAX_CHASERS - 1
    assert _on(sixth, send_chasers) == 2
    assert request.chasers_sent == MAX_CHASERS
    assert _on(add_school_days(DUE, CHASER_EVERY * (MAX_CHASERS + 1)), send_chasers) == 0


def test_a_chaser_carries_a_new_link_only_when_the_link_lapses_before_the_next_chaser(db):
    request = _sent_county(db)
    # The link lasts to the end of 14 November (reply-by date + 14 days).
    assert _on(date(2022, 11, 7), send_chasers) == 1  # next chaser 14 November: the link still works then
    assert _on(date(2022, 11, 14), send_chasers) == 1  # the link lapses tonight: a new one goes
    kinds = list(db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind.in_(["chaser", "chaser_link"]))
                                    .order_by(OutboxMessage.id)))
    assert kinds == ["chaser", "chaser_link"]
    assert request.token_expires_at.replace(tzinfo=None) == datetime(2022, 11, 29, 0, 0)  # 14 days from the 14th


# The reply period: a list sent late gets 15 school days, never less than the calendar's date; a list
# sent on time is due on the calendar's date. (The half term, 24 to 28 October, is not counted.)

def test_a_list_sent_late_15_school_days_before_the_calendar_date_keeps_that_date(db):
    request = _sent_county(db, send_on=date(2022, 9, 26), sent_on=date(2022, 10, 3))  # + 15 = Monday 31 October
    assert request.due_on == DUE


def test_a_list_sent_late_one_day_later_gets_15_school_days_from_its_send(db):
    request = _sent_county(db, send_on=date(2022, 9, 26), sent_on=date(2022, 10, 4))  # + 15 = Tuesday 1 November
    assert request.due_on == date(2022, 11, 1)


def test_a_list_sent_on_time_is_due_on_the_calendar_date_though_it_spans_a_half_term(db):
    request = _sent_county(db, send_on=date(2022, 10, 11))  # 14 school days to the 31st
    assert request.due_on == DUE


# DEFAULT_GRACE_DAYS: a link works to the end of the 14th day after the reply-by date (London time)

def test_a_link_works_to_the_last_minute_of_the_14th_day_after_the_reply_by_date(db):
    request = _sent_county(db)
    raw = _on(date(2022, 10, 7), lambda: issue_token(request))
    with time_machine.travel(_moment(2022, 11, 14, 23, 59, 59), tick=False):  # GMT: London time too
        assert resolve_token(raw) == (request, "ok")
    with time_machine.travel(_moment(2022, 11, 15, 0, 0, 0), tick=False):
        assert resolve_token(raw) == (None, "expired")
