"""The rules the product runs on, each tested just inside and just outside its edge, with the clock moved."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import Activity, ActivityCode
from tep_app.reference_data import ACTIVITY_CODES
from tep_app.services.cases import AttemptInput, open_cases_for_request, record_attempt
from tep_app.services.cases.casework import FAILED_ATTEMPTS_PER_NUMBER, ActivityInput, record_activity
from tep_app.services.school_requests.links import (
    CODE_MINUTES, CODE_TRIES, MSG_CODE_EXPIRED, MSG_CODE_LOCKED, send_access_code, verify_access_code,
)
from tests.integration.cases_support import add_phone, cases_of, seed_list
from tests.integration.portal_support import latest_code, seed_request

NOT_KNOWN_CODES = sorted(code for code, _d, _w, group in ACTIVITY_CODES if group == "not-known")


def _moment(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


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
