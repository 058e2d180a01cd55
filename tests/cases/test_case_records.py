"""What a case stores when an officer logs an attempt or records an activity, and what the audit
trail keeps of it."""
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import Activity, AuditEvent, ContactAttempt, ContactDetail
from tep_app.services.cases import AttemptInput, open_cases_for_request, record_attempt
from tep_app.services.cases.casework import (
    ActivityInput,
    CodeChoice,
    StaleCaseError,
    activity_code_groups,
    activity_codes,
    contact_choices,
    record_activity,
)
from tep_app.services.cases.closing import (
    close_case,
    close_open_case,
    moved_words,
    open_case_of,
    record_moved_away,
    record_officer_move,
)
from tests.support.cases_support import add_phone, cases_of, seed_list

NOW = datetime(2022, 11, 14, 10, 30, tzinfo=UTC)


@pytest.fixture
def case(make, db):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    person = seeded.people[0]
    add_phone(db, person, "07700900001")
    db.session.add(ContactDetail(young_person_id=person.id, kind="email", value="Sam.Lee@example.com",
                                 source="leavers import", recorded_on=date(2022, 7, 20)))
    found = cases_of(db, person)[0]
    db.session.commit()
    return found


def _audit(db, action, object_type):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                       AuditEvent.object_type == object_type)
                              .order_by(AuditEvent.id)).all()


def _naive(moment):
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def _attempt(case, channel="phone", used="07700900001", outcome="no_answer", notes=None, follow_up=None, staff=None):
    with time_machine.travel(NOW, tick=False):
        return record_attempt(case, AttemptInput(channel, used, outcome, notes, follow_up), case.version, staff)


# Logging an attempt

def test_an_attempt_is_stored_with_who_when_and_what(make, db, case):
    officer = make.staff()
    attempt = _attempt(case, notes="Rang twice", follow_up=date(2022, 11, 21), staff=officer.id)
    stored = db.session.get(ContactAttempt, attempt.id)
    assert (stored.case_id, stored.channel, stored.used_value, stored.outcome, stored.notes, stored.staff_id) == \
        (case.id, "phone", "07700900001", "no_answer", "Rang twice", officer.id)
    assert _naive(stored.at) == datetime(2022, 11, 14, 10, 30)
    db.session.refresh(case)
    assert case.next_follow_up_on == date(2022, 11, 21)
    assert _naive(case.updated_at) == datetime(2022, 11, 14, 10, 30)
    [created] = _audit(db, "create", "contact_attempt")
    assert (created.object_id, created.after) == (str(attempt.id), {
        "case_id": case.id, "channel": "phone", "used_value": "07700900001", "outcome": "no_answer",
        "notes": "Rang twice"})
    [updated] = _audit(db, "update", "case")
    assert updated.object_id == str(case.id)
    assert updated.before == {"status": "open", "officer_id": None, "next_follow_up_on": None,
                              "needs_letter_or_visit": False, "closing_activity_id": None}
    assert updated.after == {"status": "open", "officer_id": None, "next_follow_up_on": "2022-11-21",
                             "needs_letter_or_visit": False, "closing_activity_id": None}


def test_a_new_number_is_kept_with_the_officer_as_its_source(db, case):
    _attempt(case, used="07700 900 009")
    detail = db.session.scalar(select(ContactDetail).where(ContactDetail.value == "07700 900 009"))
    assert (detail.kind, detail.source, detail.recorded_on) == ("phone", "officer, 14 Nov", date(2022, 11, 14))
    [created] = _audit(db, "create", "contact_detail")
    assert created.after == {"young_person_id": case.young_person_id, "kind": "phone", "value": "07700 900 009"}


def test_a_new_email_address_is_kept_as_an_email(db, case):
    _attempt(case, channel="email", used="parent@example.com", outcome="no_answer")
    detail = db.session.scalar(select(ContactDetail).where(ContactDetail.value == "parent@example.com"))
    assert detail.kind == "email"


def test_a_text_to_a_new_number_keeps_the_number(db, case):
    _attempt(case, channel="text", used="07700900010")
    assert db.session.scalar(select(ContactDetail.kind).where(ContactDetail.value == "07700900010")) == "phone"


@pytest.mark.parametrize("channel", ["letter", "visit"])
def test_a_letter_or_visit_keeps_no_contact_detail(db, case, channel):
    _attempt(case, channel=channel, used="1 High Street")
    assert db.session.scalar(select(ContactDetail).where(ContactDetail.value == "1 High Street")) is None


@pytest.mark.parametrize("used", ["+44 7700 900001", "07700 900001"])
def test_a_known_number_written_differently_is_not_kept_again(db, case, used):
    _attempt(case, used=used)
    assert db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id == case.young_person_id,
                                                          ContactDetail.kind == "phone")).all()[0].value == \
        "07700900001"
    assert len(db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id == case.young_person_id,
                                                              ContactDetail.kind == "phone")).all()) == 1


def test_a_known_address_in_other_capitals_is_not_kept_again(db, case):
    _attempt(case, channel="email", used="sam.lee@EXAMPLE.com")
    emails = db.session.scalars(select(ContactDetail.value).where(ContactDetail.young_person_id == case.young_person_id,
                                                                  ContactDetail.kind == "email")).all()
    assert emails == ["Sam.Lee@example.com"]


def test_an_email_address_matching_a_phone_number_is_a_new_email(db, case):
    _attempt(case, channel="email", used="07700900001")
    kinds = db.session.scalars(select(ContactDetail.kind).where(ContactDetail.value == "07700900001")
                               .order_by(ContactDetail.id)).all()
    assert kinds == ["phone", "email"]


def test_a_number_that_is_not_a_phone_number_is_matched_as_typed(db, case):
    add_phone(db, case.young_person, "Ask at reception")
    db.session.commit()
    _attempt(case, used="  ask at RECEPTION ")
    values = db.session.scalars(select(ContactDetail.value).where(ContactDetail.young_person_id == case.young_person_id,
                                                                  ContactDetail.kind == "phone")).all()
    assert sorted(values) == ["07700900001", "Ask at reception"]


def test_a_wrong_number_is_marked_and_audited_once(db, case):
    _attempt(case, outcome="wrong_number")
    _attempt(case, outcome="wrong_number")
    detail = db.session.scalar(select(ContactDetail).where(ContactDetail.value == "07700900001"))
    assert detail.marked_wrong is True
    marked = list(_audit(db, "update", "contact_detail"))
    assert [(e.object_id, e.before, e.after) for e in marked] == [
        (str(detail.id), {"marked_wrong": False}, {"marked_wrong": True, "value": "07700900001"})]


def test_a_wrong_number_on_an_unknown_channel_marks_nothing(db, case):
    _attempt(case, channel="letter", used=None, outcome="wrong_number")
    assert db.session.scalar(select(ContactDetail.marked_wrong).where(ContactDetail.value == "07700900001")) is False


@pytest.mark.parametrize("version", [None, "stale"])
def test_an_attempt_on_an_old_version_is_refused(db, case, version):
    seen = None if version is None else case.version - 1
    with pytest.raises(StaleCaseError, match="changed by someone else"):
        record_attempt(case, AttemptInput("phone", "07700900001", "no_answer", None, None), seen, None)
    assert db.session.scalar(select(ContactAttempt)) is None


# Recording an activity

def _activity(case, code, staff=None, **fields):
    data = ActivityInput(code, fields.get("provider"), fields.get("start"), fields.get("lapse"), fields.get("neet"),
                         fields.get("notes"))
    with time_machine.travel(NOW, tick=False):
        return record_activity(case, data, case.version, staff)


def test_an_activity_that_closes_the_case_is_stored_and_audited(make, db, case):
    officer = make.staff()
    activity = _activity(case, "330", staff=officer.id, provider="Kent Garden Centre", start=date(2022, 9, 5),
                         neet=date(2022, 9, 1), notes="Apprentice")
    stored = db.session.get(Activity, activity.id)
    assert (stored.young_person_id, stored.code, stored.provider_name, stored.start_date, stored.ascertained_on,
            stored.due_to_lapse_on, stored.neet_start_date, stored.source, stored.notes, stored.recorded_by_id) == \
        (case.young_person_id, "330", "Kent Garden Centre", date(2022, 9, 5), date(2022, 11, 14),
         date(2023, 11, 14), None, "officer", "Apprentice", officer.id)
    [created] = _audit(db, "create", "activity")
    assert (created.object_id, created.after) == (str(activity.id), {
        "young_person_id": case.young_person_id, "code": "330", "provider_name": "Kent Garden Centre",
        "start_date": "2022-09-05", "due_to_lapse_on": "2023-11-14", "neet_start_date": None, "case_id": case.id})
    [updated] = _audit(db, "update", "case")
    assert (updated.before["status"], updated.after["status"]) == ("open", "closed")
    assert updated.after["closing_activity_id"] == activity.id


def test_a_neet_activity_keeps_its_neet_start_date_and_a_given_lapse_date(db, case):
    activity = _activity(case, "619", neet=date(2022, 9, 1), lapse=date(2023, 1, 31))
    stored = db.session.get(Activity, activity.id)
    assert (stored.neet_start_date, stored.due_to_lapse_on) == (date(2022, 9, 1), date(2023, 1, 31))
    [created] = _audit(db, "create", "activity")
    assert (created.after["neet_start_date"], created.after["start_date"]) == ("2022-09-01", None)


def test_a_not_known_activity_lapses_after_three_months(db, case):
    activity = _activity(case, "820")
    assert db.session.get(Activity, activity.id).due_to_lapse_on == date(2023, 2, 14)


@pytest.mark.parametrize("version", [None, "stale"])
def test_an_activity_on_an_old_version_is_refused(db, case, version):
    seen = None if version is None else case.version - 1
    with pytest.raises(StaleCaseError, match="changed by someone else"):
        record_activity(case, ActivityInput("330", None, None, None, None), seen, None)
    assert db.session.scalar(select(Activity).where(Activity.source == "officer")) is None


# Closing a case

def test_closing_a_case_stores_why_and_audits_it(db, case):
    case.next_follow_up_on = date(2022, 11, 20)
    with time_machine.travel(NOW, tick=False):
        close_case(case, "school_answer", activity_id=None, by="school:5")
    assert (case.status, case.closed_reason, case.closing_activity_id, case.next_follow_up_on) == \
        ("closed", "school_answer", None, None)
    assert _naive(case.closed_at) == _naive(case.updated_at) == datetime(2022, 11, 14, 10, 30)
    [closed] = _audit(db, "close", "case")
    assert (closed.object_id, closed.before, closed.after) == (str(case.id), {"status": "open"}, {
        "status": "closed", "reason": "school_answer", "activity_id": None, "by": "school:5"})


def test_closing_with_the_activity_found_keeps_which_activity(make, db, case):
    other = seed_list(make, db, ["810"])
    open_cases_for_request(other.request)
    activity = Activity(young_person_id=case.young_person_id, code="330", ascertained_on=date(2022, 11, 14),
                        source="officer")
    db.session.add(activity)
    db.session.flush()
    assert open_case_of(case.young_person_id) == case
    assert close_open_case(case.young_person_id, "activity_found", activity.id, by="staff:1") is True
    assert (case.status, case.closing_activity_id) == ("closed", activity.id)
    assert _audit(db, "close", "case")[0].after["activity_id"] == activity.id
    assert cases_of(db, other.people[0])[0].status == "open"


def test_a_closed_case_is_not_closed_again(db, case):
    close_case(case, "school_answer")
    close_case(case, "moved_away")
    assert case.closed_reason == "school_answer"
    assert len(_audit(db, "close", "case")) == 1


def test_closing_the_open_case_of_someone_without_one_does_nothing(make, db):
    assert close_open_case(make.young_person().id, "moved_away") is False
    assert _audit(db, "close", "case") == []


def test_a_young_person_who_moved_away_leaves_with_their_case_closed(db, case):
    person = case.young_person
    assert open_case_of(person.id) == case
    record_moved_away(person, "other_la", "", date(2022, 11, 14), by="staff:3")
    assert (person.moved, person.moved_to, person.moved_on) == ("other_la", None, date(2022, 11, 14))
    [moved] = _audit(db, "moved away", "young_person")
    assert (moved.object_id, moved.before, moved.after) == (str(person.id), {
        "moved": None, "moved_to": None, "moved_on": None}, {
        "moved": "other_la", "moved_to": "", "moved_on": "2022-11-14", "by": "staff:3"})
    assert (case.status, case.closed_reason) == ("closed", "moved_away")
    assert open_case_of(person.id) is None


def test_a_second_move_is_audited_with_the_first_as_before(db, case):
    person = case.young_person
    record_moved_away(person, "other_la", "Lancashire", date(2022, 11, 14))
    record_moved_away(person, "abroad", "France", date(2022, 12, 1))
    assert _audit(db, "moved away", "young_person")[1].before == {
        "moved": "other_la", "moved_to": "Lancashire", "moved_on": "2022-11-14"}


def test_an_unknown_move_is_refused(db, case):
    with pytest.raises(ValueError, match="unknown move 'elsewhere'"):
        record_moved_away(case.young_person, "elsewhere", None, date(2022, 11, 14))
    assert case.young_person.moved is None


def test_an_officer_records_a_move_on_the_version_they_saw(make, db, case):
    officer = make.staff()
    with pytest.raises(StaleCaseError, match="changed by someone else"):
        record_officer_move(case, "abroad", "Spain", None, officer.id)
    with pytest.raises(StaleCaseError, match="changed by someone else"):
        record_officer_move(case, "abroad", "Spain", case.version + 1, officer.id)
    with time_machine.travel(NOW, tick=False):
        record_officer_move(case, "abroad", "Spain", str(case.version), officer.id)
    assert (case.young_person.moved, case.young_person.moved_to, case.young_person.moved_on) == (
        "abroad", "Spain", date(2022, 11, 14))
    assert _audit(db, "close", "case")[0].after["by"] == f"staff:{officer.id}"


@pytest.mark.parametrize("moved, moved_to, words", [
    (None, "Kent", None),
    ("other_la", "Lancashire", "Moved to another local authority (Lancashire)"),
    ("abroad", None, "Moved to another country"),
    ("somewhere", None, "Moved away"),
])
def test_a_move_is_described_in_words(moved, moved_to, words):
    assert moved_words(moved, moved_to) == words


# What the case page offers: the codes, grouped, and the known numbers

def test_the_activity_codes_come_in_their_display_order_with_what_the_form_needs(db):
    from tep_app.reference_data import ACTIVITY_CODES

    codes = activity_codes()
    assert list(codes) == [code for code, _d, _w, _g in ACTIVITY_CODES]
    assert list(codes).index("550") < list(codes).index("410")  # the display order, not the codes' order
    assert codes["820"] == ("820", "Cannot be contacted: no current address", "not-known", True, False)
    assert codes["619"].needs_neet_start is True and codes["619"].group == "neet"


def test_the_codes_are_grouped_under_their_labels(db):
    groups = dict(activity_code_groups())
    assert groups["Not known"] == [("810", "Current situation not known (810)"),
                                   ("820", "Cannot be contacted: no current address (820)"),
                                   ("830", "Refused to disclose activity (830)")]
    own = {"999": CodeChoice("999", "A code of its own", "local", False, False)}
    assert activity_code_groups(own) == [("local", [("999", "A code of its own (999)")])]


def test_the_numbers_to_pick_from_say_whose_they_are_and_which_are_wrong(make, db):
    person = make.young_person()
    for kind, value, current, wrong in [("phone", "07700900009", False, False), ("phone", "07700900001", True, False),
                                        ("parent_phone", "07700900002", True, True), ("landline", "01632960001", True,
                                                                                      False)]:
        db.session.add(ContactDetail(young_person_id=person.id, kind=kind, value=value, source="leavers import",
                                     recorded_on=date(2022, 7, 20), is_current=current, marked_wrong=wrong))
    db.session.flush()
    db.session.refresh(person)
    choices = contact_choices(SimpleNamespace(young_person=person))
    assert sorted(choices) == [("01632960001", "01632960001 (landline)"),
                               ("07700900001", "07700900001 (young person's phone)"),
                               ("07700900002", "07700900002 (parent or carer's phone, marked wrong)")]


def test_audit_rows_name_what_they_are_about(db, case):
    _attempt(case, used="07700900009")
    [created] = _audit(db, "create", "contact_detail")
    detail = db.session.scalar(select(ContactDetail).where(ContactDetail.value == "07700900009"))
    assert created.object_id == str(detail.id)
    activity = _activity(case, "330")
    updates = _audit(db, "update", "case")
    assert [u.object_id for u in updates] == [str(case.id), str(case.id)]
    assert updates[-1].after["closing_activity_id"] == activity.id


def test_an_unknown_activity_code_is_named(db, case):
    with pytest.raises(ValueError, match="unknown activity code '999'"):
        _activity(case, "999")


def test_failed_texts_count_towards_a_letter_or_visit(db, case):
    for _ in range(3):
        _attempt(case, channel="text", used="07700900001")
    db.session.refresh(case)
    assert case.needs_letter_or_visit is True


def test_failed_emails_do_not_count_towards_a_letter_or_visit(db, case):
    for _ in range(3):
        _attempt(case, channel="email", used="Sam.Lee@example.com")
    db.session.refresh(case)
    assert case.needs_letter_or_visit is False
