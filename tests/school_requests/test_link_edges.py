"""A school's link and its codes with the clock moved: the hourly and daily code allowance at their
edges, what each step records, and a link's life from issue to replacement."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tep_app.models import AccessCode, AuditEvent, ReplacedLink, RequestEvent
from tep_app.services.school_requests.links import (
    CODE_TRIES,
    CODES_PER_DAY,
    CODES_PER_HOUR,
    MSG_CODE_FORMAT,
    MSG_CODE_NONE,
    MSG_CODE_USED,
    LinkError,
    contact_for_code,
    issue_token,
    link_fingerprint,
    link_is_live,
    reissue_token,
    resolve_token,
    revoke_token,
    send_access_code,
    verify_access_code,
)
from tests.support.portal_support import latest_code, seed_request

NINE = datetime(2026, 10, 12, 8, 0, tzinfo=UTC)  # 9am in London (BST)


@pytest.fixture
def seeded(make, db):
    with time_machine.travel(NINE - timedelta(days=1), tick=False):
        return seed_request(make, db, due_on=date(2026, 10, 30))


def _ask(seeded, at, contact=0):
    with time_machine.travel(at, tick=False):
        return send_access_code(seeded.request, seeded.establishment.contacts[contact].email)


def _events(db, seeded):
    return [(e.kind, e.detail, e.actor) for e in db.session.scalars(
        select(RequestEvent).where(RequestEvent.school_request_id == seeded.request.id).order_by(RequestEvent.id))]


# CODES_PER_HOUR: a fourth code within the hour is refused; an hour after the first, one more is allowed

def test_a_fourth_code_just_inside_the_hour_is_refused_naming_when(seeded):
    assert CODES_PER_HOUR == 3
    for minutes in (0, 20, 40):
        _ask(seeded, NINE + timedelta(minutes=minutes))
    with pytest.raises(LinkError) as refused:
        _ask(seeded, NINE + timedelta(minutes=59, seconds=59))
    assert refused.value.message == ("You have asked for 3 codes in the last hour. You can ask for another code "
                                     "after 10:00am. Use the newest code we emailed you, or contact TEP.")


def test_a_fourth_code_an_hour_after_the_first_is_allowed(db, seeded):
    for minutes in (0, 20, 40):
        _ask(seeded, NINE + timedelta(minutes=minutes))
    _ask(seeded, NINE + timedelta(hours=1))
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 4


# CODES_PER_DAY: an eleventh code within 24 hours is refused

def _ten_in_a_day(seeded):
    for n in range(CODES_PER_DAY):
        _ask(seeded, NINE + timedelta(hours=2 * n))  # never three in an hour


def test_an_eleventh_code_within_24_hours_is_refused_naming_the_day(seeded):
    assert CODES_PER_DAY == 10
    _ten_in_a_day(seeded)
    with pytest.raises(LinkError) as refused:
        _ask(seeded, NINE + timedelta(hours=23, minutes=59))
    assert refused.value.message == ("You have asked for 10 codes in the last 24 hours. You can ask for another "
                                     "code after 9:00am. Use the newest code we emailed you, or contact TEP.")


def test_a_time_to_ask_again_on_another_day_names_the_day(seeded):
    late = NINE + timedelta(hours=14)  # 11pm in London
    for minutes in (0, 10, 20):
        _ask(seeded, late + timedelta(minutes=minutes))
    with pytest.raises(LinkError) as refused:
        _ask(seeded, late + timedelta(minutes=50))
    assert "after 12:00am on 13 October." in refused.value.message


def test_a_time_from_noon_is_pm(seeded):
    before_noon = NINE + timedelta(hours=2, minutes=5)  # 11:05am in London
    for minutes in (0, 10, 20):
        _ask(seeded, before_noon + timedelta(minutes=minutes))
    with pytest.raises(LinkError) as refused:
        _ask(seeded, before_noon + timedelta(minutes=30))
    assert "after 12:05pm." in refused.value.message


def test_today_is_todays_date_in_london(seeded):
    after_midnight = NINE + timedelta(hours=15)  # 12am on 13 October in London, still the 12th in UTC
    for minutes in (0, 10, 20):
        _ask(seeded, after_midnight + timedelta(minutes=minutes))
    with pytest.raises(LinkError) as refused:
        _ask(seeded, after_midnight + timedelta(minutes=30))
    assert "after 1:00am. Use" in refused.value.message


def test_codes_asked_for_on_another_schools_link_do_not_count(make, db, seeded):
    with time_machine.travel(NINE - timedelta(days=1), tick=False):
        other = seed_request(make, db, due_on=date(2026, 10, 30))
    for minutes in (0, 10, 20):
        _ask(other, NINE + timedelta(minutes=minutes))
    _ask(seeded, NINE + timedelta(minutes=30))
    assert db.session.scalar(select(func.count()).select_from(AccessCode).where(
        AccessCode.school_request_id == seeded.request.id)) == 1


def test_an_eleventh_code_24_hours_after_the_first_is_allowed(db, seeded):
    _ten_in_a_day(seeded)
    _ask(seeded, NINE + timedelta(hours=24))
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 11


def test_a_refusal_is_audited_with_its_reason(db, seeded):
    for minutes in (0, 1, 2):
        _ask(seeded, NINE + timedelta(minutes=minutes))
    with pytest.raises(LinkError):
        _ask(seeded, NINE + timedelta(minutes=3), contact=1)
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "code refused"))
    assert (refused.object_id, refused.after, refused.actor_type, refused.actor_label) == (
        str(seeded.request.id), {"reason": "3 in the last hour"}, "school", seeded.establishment.contacts[1].email)


def test_a_code_for_an_address_that_is_not_registered_is_refused_and_audited(db, seeded):
    with pytest.raises(LinkError) as refused, time_machine.travel(NINE, tick=False):
        send_access_code(seeded.request, "someone@elsewhere.example")
    assert refused.value.message == "Choose one of your school's registered email addresses"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "code refused"))
    assert audit.after == {"reason": "unregistered address"}


def test_a_registered_address_in_other_capitals_with_spaces_gets_the_code(db, seeded):
    email = seeded.establishment.contacts[0].email
    with time_machine.travel(NINE, tick=False):
        code = send_access_code(seeded.request, f"  {email.upper()} ")
    assert code.contact_email == email
    assert contact_for_code(code.id) == email
    assert contact_for_code(code.id + 1000) is None


def test_sending_a_code_is_recorded_with_the_address_masked(db, seeded):
    email = seeded.establishment.contacts[0].email
    code = _ask(seeded, NINE)
    assert code.expires_at.replace(tzinfo=None) == datetime(2026, 10, 12, 8, 15)
    assert _events(db, seeded)[-1] == ("code sent", f"To {email[0]}•••@{email.split('@')[1]}", email)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "send code"))
    assert (audit.actor_type, audit.actor_id, audit.actor_label) == ("school", str(seeded.request.id), email)


# Checking a code

def test_a_right_code_is_confirmed_once_and_recorded(db, seeded):
    email = seeded.establishment.contacts[0].email
    _ask(seeded, NINE)
    code = latest_code(db, email)
    with time_machine.travel(NINE + timedelta(minutes=1), tick=False):
        check = verify_access_code(seeded.request, f" {code[:3]} {code[3:]} ")
        assert (check.ok, check.message, check.tries_left) == (True, None, CODE_TRIES)
        again = verify_access_code(seeded.request, code)
    assert (again.ok, again.message) == (False, MSG_CODE_USED)
    assert _events(db, seeded)[-1] == ("code confirmed", None, email)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "confirm code"))
    assert audit.actor_label == email


def test_without_a_code_the_school_is_told_to_ask_for_one(db, seeded):
    check = verify_access_code(seeded.request, "123456")
    assert (check.ok, check.message) == (False, MSG_CODE_NONE)


@pytest.mark.parametrize("typed", [None, "", "12345", "1234567", "12a456"])
def test_a_code_that_is_not_six_digits_costs_no_try(db, seeded, typed):
    email = seeded.establishment.contacts[0].email
    _ask(seeded, NINE)
    wrong = f"{(int(latest_code(db, email)) + 1) % 1_000_000:06d}"
    with time_machine.travel(NINE + timedelta(minutes=1), tick=False):
        assert verify_access_code(seeded.request, wrong).ok is False
        check = verify_access_code(seeded.request, typed)
    assert (check.ok, check.message, check.tries_left) == (False, MSG_CODE_FORMAT, CODE_TRIES - 1)
    assert db.session.scalar(select(AccessCode.attempts)) == 1


def test_the_newest_code_is_the_one_checked(db, seeded):
    email = seeded.establishment.contacts[0].email
    _ask(seeded, NINE)
    first = latest_code(db, email)
    _ask(seeded, NINE + timedelta(minutes=1))
    newest = latest_code(db, email)
    with time_machine.travel(NINE + timedelta(minutes=2), tick=False):
        if first != newest:
            assert verify_access_code(seeded.request, first).ok is False
        assert verify_access_code(seeded.request, newest).ok is True


def test_the_code_email_names_the_school_and_the_minutes(db, seeded):
    from tep_app.models import OutboxMessage

    _ask(seeded, NINE)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "access_code"))
    assert message.school_request_id == seeded.request.id
    assert seeded.establishment.name in message.subject + message.body
    assert "15 minutes" in message.body


def test_every_step_of_the_code_is_audited_against_the_request_and_the_school(db, seeded):
    email = seeded.establishment.contacts[0].email
    with pytest.raises(LinkError), time_machine.travel(NINE, tick=False):
        send_access_code(seeded.request, "someone@elsewhere.example")
    _ask(seeded, NINE)
    code = latest_code(db, email)
    with time_machine.travel(NINE + timedelta(minutes=1), tick=False):
        verify_access_code(seeded.request, f"{(int(code) + 1) % 1_000_000:06d}")
        verify_access_code(seeded.request, code)
    for minutes in (2, 3):
        _ask(seeded, NINE + timedelta(minutes=minutes))
    with pytest.raises(LinkError):
        _ask(seeded, NINE + timedelta(minutes=4))
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type != "case").order_by(AuditEvent.id)).all()
    school = str(seeded.request.id)
    assert [(r.action, r.object_type, r.object_id, r.actor_type, r.actor_id, r.actor_label) for r in rows] == [
        ("code refused", "school_request", school, "school", school, None),
        ("send code", "school_request", school, "school", school, email),
        ("wrong code", "school_request", school, "school", school, email),
        ("confirm code", "school_request", school, "school", school, email),
        ("send code", "school_request", school, "school", school, email),
        ("send code", "school_request", school, "school", school, email),
        ("code refused", "school_request", school, "school", school, email),
    ]


def test_a_link_error_reads_as_its_message():
    assert str(LinkError("Request a code first.")) == "Request a code first."


def test_an_older_code_is_checked_when_asked_for_by_its_id(db, seeded):
    email = seeded.establishment.contacts[0].email
    first = _ask(seeded, NINE)
    first_code = latest_code(db, email)
    _ask(seeded, NINE + timedelta(minutes=1))
    with time_machine.travel(NINE + timedelta(minutes=2), tick=False):
        assert verify_access_code(seeded.request, first_code, first.id).ok


def test_a_wrong_code_is_audited_and_the_lock_recorded(db, seeded):
    email = seeded.establishment.contacts[0].email
    _ask(seeded, NINE)
    wrong = f"{(int(latest_code(db, email)) + 1) % 1_000_000:06d}"
    with time_machine.travel(NINE + timedelta(minutes=1), tick=False):
        for _ in range(CODE_TRIES):
            verify_access_code(seeded.request, wrong)
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "wrong code")).all()
    assert len(audits) == CODE_TRIES and audits[0].actor_label == email
    assert _events(db, seeded)[-1] == ("code locked", "Too many wrong codes", email)


# A link's life

def test_a_new_link_says_until_when_it_works(db, seeded):
    assert _events(db, seeded)[0] == ("link issued", "Valid until the end of 13 November 2026", "system")
    assert len(link_fingerprint(seeded.request)) == 16
    assert link_fingerprint(seeded.request) == seeded.request.token_hash[:16]


def test_a_revoked_link_is_recorded_and_a_reissued_one_replaces_it(db, make, seeded):
    manager = make.staff("manager")
    old_hash = seeded.request.token_hash
    revoke_token(seeded.request, manager.id)
    assert _events(db, seeded)[-1] == ("link revoked", None, f"staff:{manager.id}")
    assert resolve_token(seeded.token) == (None, "revoked")
    with time_machine.travel(NINE, tick=False):
        raw = reissue_token(seeded.request, manager.id)
        assert seeded.request.token_revoked_at is None
        assert resolve_token(raw) == (seeded.request, "ok")
        assert resolve_token(seeded.token) == (None, "replaced")
    assert db.session.scalar(select(ReplacedLink.token_hash)) == old_hash
    assert _events(db, seeded)[-2:] == [
        ("link issued", "Valid until the end of 13 November 2026", f"staff:{manager.id}"),
        ("link reissued", "The previous link no longer works", f"staff:{manager.id}")]
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "school_request")
                                .order_by(AuditEvent.id)).all()
    assert [(a.action, a.object_id) for a in audits] == [("revoke link", str(seeded.request.id)),
                                                         ("reissue link", str(seeded.request.id))]


def test_a_reissued_link_may_be_given_other_grace_days(db, seeded):
    with time_machine.travel(NINE, tick=False):
        reissue_token(seeded.request, None, grace_days=3)
    assert seeded.request.token_expires_at.replace(tzinfo=None) == datetime(2026, 11, 3, 0, 0)  # end of 2 November


def test_a_link_revoked_or_reissued_by_the_system_names_no_one(db, seeded):
    revoke_token(seeded.request, None)
    reissue_token(seeded.request, None)
    assert [actor for _k, _d, actor in _events(db, seeded)[-3:]] == [None, None, None]


@pytest.mark.parametrize("raw", [None, "", "x" * 101])
def test_an_empty_or_absurd_link_is_unknown(db, raw):
    assert resolve_token(raw) == (None, "unknown")


def test_a_session_lives_only_with_the_same_live_link(db, seeded):
    fingerprint = link_fingerprint(seeded.request)
    with time_machine.travel(NINE, tick=False):
        assert link_is_live(seeded.request, fingerprint) is True
        assert link_is_live(seeded.request, None) is False
        assert link_is_live(seeded.request, "0" * 16) is False
        assert link_is_live(None, fingerprint) is False
    with time_machine.travel(datetime(2026, 11, 13, 23, 59, 59, tzinfo=UTC), tick=False):
        assert link_is_live(seeded.request, fingerprint) is True
    with time_machine.travel(datetime(2026, 11, 14, 0, 0, 0, tzinfo=UTC), tick=False):
        assert link_is_live(seeded.request, fingerprint) is False
    revoke_token(seeded.request, None)
    with time_machine.travel(NINE, tick=False):
        assert link_is_live(seeded.request, fingerprint) is False


def test_a_link_issued_after_the_reply_by_date_lasts_from_its_issue(db, seeded):
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=False):
        issue_token(seeded.request)
    assert seeded.request.token_expires_at.replace(tzinfo=None) == datetime(2026, 12, 5, 0, 0)
