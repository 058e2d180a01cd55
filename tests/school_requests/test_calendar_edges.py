"""The calendar at its edges: the first and last day of an academic year, the reply period's limits,
a built collection following its calendar, and working days either side of a weekend."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import AuditEvent, CalendarSetting, Collection
from tep_app.services import calendar


@pytest.mark.parametrize("inside", [date(2034, 9, 1), date(2035, 8, 31)])
def test_the_first_and_last_day_of_the_academic_year_may_be_set(db, inside):
    row = calendar.set_date(2034, "no_offer_due", inside, None)
    assert (row.on, calendar.get_date(2034, "no_offer_due")) == (inside, inside)


def test_a_date_that_is_not_a_date_is_refused(db):
    with pytest.raises(calendar.CalendarError) as error:
        calendar.set_date(2034, "no_offer_due", "2035-06-30", None)
    assert error.value.message == "Enter a real date"


def test_get_date_refuses_an_unknown_key(db):
    with pytest.raises(calendar.CalendarError) as error:
        calendar.get_date(2034, "lunch")
    assert error.value.message == "There is no calendar date called 'lunch'"


def test_a_date_set_outside_a_request_names_the_staff_member(db, make):
    admin = make.staff("admin")
    calendar.set_date(2036, "leavers_due", date(2036, 11, 2), admin.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == "2036:leavers_due"))
    assert (event.actor_type, event.actor_id) == ("staff", str(admin.id))


def test_a_date_set_by_nobody_is_the_systems(db):
    calendar.set_date(2036, "leavers_due", date(2036, 11, 2), None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == "2036:leavers_due"))
    assert event.actor_type == "system"


# The reply period: 15 working days unless an admin sets 5 to 60

def test_the_reply_period_is_15_working_days_until_changed(db):
    assert calendar.get_setting(2022, calendar.REPLY_WORKING_DAYS) == 15
    assert calendar.list_settings(2022) == [
        (calendar.REPLY_WORKING_DAYS, "School days a school has to reply when its list is sent late", 15)]


@pytest.mark.parametrize("inside", [5, 60])
def test_the_reply_period_may_be_set_from_5_to_60(db, inside):
    calendar.set_setting(2022, calendar.REPLY_WORKING_DAYS, inside)
    assert calendar.get_setting(2022, calendar.REPLY_WORKING_DAYS) == inside
    assert calendar.get_setting(2023, calendar.REPLY_WORKING_DAYS) == 15  # one year's setting only


@pytest.mark.parametrize("outside", [4, 61, 7.5, "10"])
def test_a_reply_period_outside_5_to_60_is_refused(db, outside):
    with pytest.raises(calendar.CalendarError) as error:
        calendar.set_setting(2022, calendar.REPLY_WORKING_DAYS, outside)
    assert error.value.message == "Enter a whole number of school days from 5 to 60"
    assert db.session.scalar(select(CalendarSetting)) is None


def test_changing_the_reply_period_twice_keeps_one_row_and_audits_each(db):
    calendar.set_setting(2022, calendar.REPLY_WORKING_DAYS, 10)
    calendar.set_setting(2022, calendar.REPLY_WORKING_DAYS, 20)
    assert db.session.scalars(select(CalendarSetting.value)).all() == [20]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "calendar_setting")
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id, e.before, e.after) for e in events] == [
        ("update", "2022:reply_working_days", {"value": None}, {"value": 10}),
        ("update", "2022:reply_working_days", {"value": 10}, {"value": 20})]


def test_an_unknown_setting_is_refused(db):
    with pytest.raises(calendar.CalendarError) as error:
        calendar.get_setting(2022, "lunch_minutes")
    assert error.value.message == "There is no calendar setting called 'lunch_minutes'"


# A built collection follows its calendar

def _collection(db, kind):
    found = Collection(kind=kind, academic_year=2022, send_on=date(2022, 10, 7), due_on=date(2022, 10, 31))
    db.session.add(found)
    db.session.flush()
    return found


def test_a_built_collection_takes_its_new_send_day_on_a_working_day_and_its_new_due_date(db):
    leavers, no_offer = _collection(db, "leavers"), _collection(db, "no-offer")
    calendar.set_date(2022, "leavers_send", date(2022, 10, 9), None)  # a Sunday
    calendar.set_date(2022, "leavers_due", date(2022, 11, 6), None)  # a Sunday: kept as set
    assert (leavers.send_on, leavers.due_on) == (date(2022, 10, 7), date(2022, 11, 6))
    calendar.set_date(2022, "no_offer_send", date(2023, 6, 6), None)
    calendar.set_date(2022, "no_offer_due", date(2023, 7, 3), None)
    assert (no_offer.send_on, no_offer.due_on) == (date(2023, 6, 6), date(2023, 7, 3))


def test_another_date_leaves_the_collection_alone(db):
    leavers = _collection(db, "leavers")
    calendar.set_date(2022, "college_enrolment_2", date(2022, 10, 21), None)
    assert (leavers.send_on, leavers.due_on) == (date(2022, 10, 7), date(2022, 10, 31))


def test_a_send_date_for_a_collection_not_built_yet_changes_only_the_calendar(db):
    calendar.set_date(2022, "no_offer_send", date(2023, 6, 6), None)
    assert db.session.scalar(select(Collection)) is None
    assert calendar.get_date(2022, "no_offer_send") == date(2023, 6, 6)


# Working days

@pytest.mark.parametrize("on, expected", [
    (date(2022, 10, 7), date(2022, 10, 7)),  # a Friday
    (date(2022, 10, 8), date(2022, 10, 7)),  # a Saturday
])
def test_the_send_day_is_the_working_day_on_or_before(on, expected):
    assert calendar.send_day(on) == expected


# (The October half term, 24 to 28 October 2022, is not counted.)
@pytest.mark.parametrize("sent_on, days, expected", [
    (date(2022, 10, 3), 15, date(2022, 10, 31)),  # exactly the calendar's deadline
    (date(2022, 10, 4), 15, date(2022, 11, 1)),  # a day later: past it
    (date(2022, 10, 4), 14, date(2022, 10, 31)),  # a shorter period: the deadline stands
])
def test_the_reply_by_date_is_the_later_of_the_deadline_and_the_reply_period(db, sent_on, days, expected):
    assert calendar.effective_due(date(2022, 10, 31), sent_on, days) == expected


def test_working_days_skip_the_weekend_both_ways():
    friday, monday = date(2022, 10, 7), date(2022, 10, 10)
    assert calendar.add_working_days(friday, 1) == monday
    assert calendar.add_working_days(monday, -1) == friday
    assert calendar.add_working_days(monday, 0) == monday
    assert calendar.is_working_day(friday) and not calendar.is_working_day(date(2022, 10, 9))


def test_the_academic_year_starts_at_midnight_on_1_september_london_time(db):
    with time_machine.travel(datetime(2023, 8, 31, 22, 59, tzinfo=UTC), tick=False):  # 23:59 BST
        assert calendar.current_academic_year() == 2022
    with time_machine.travel(datetime(2023, 8, 31, 23, 0, tzinfo=UTC), tick=False):  # midnight BST
        assert calendar.current_academic_year() == 2023


# Each year keeps its own dates and settings

def test_each_year_keeps_its_own_dates(db):
    calendar.set_date(2022, "leavers_due", date(2022, 11, 4), None)
    calendar.set_date(2023, "leavers_due", date(2023, 11, 3), None)
    calendar.ensure_calendar(2024)
    assert calendar.get_date(2022, "leavers_due") == date(2022, 11, 4)
    assert calendar.get_date(2023, "leavers_due") == date(2023, 11, 3)
    assert calendar.get_date(2024, "leavers_due") == date(2024, 10, 31)


def test_each_year_keeps_its_own_reply_period(db):
    calendar.set_setting(2022, calendar.REPLY_WORKING_DAYS, 10)
    calendar.set_setting(2023, calendar.REPLY_WORKING_DAYS, 20)
    assert calendar.get_setting(2022, calendar.REPLY_WORKING_DAYS) == 10
    assert calendar.list_settings(2023)[0][2] == 20


def test_only_the_collection_of_that_year_follows_its_calendar(db):
    this_year = _collection(db, "leavers")
    next_year = Collection(kind="leavers", academic_year=2023, send_on=date(2023, 10, 6), due_on=date(2023, 10, 31))
    db.session.add(next_year)
    db.session.flush()
    calendar.set_date(2023, "leavers_due", date(2023, 11, 3), None)
    assert (this_year.due_on, next_year.due_on) == (date(2022, 10, 31), date(2023, 11, 3))


def test_the_calendar_is_listed_in_date_order_after_a_change(db):
    calendar.set_date(2022, "sixth_form_enrolment", date(2023, 8, 31), None)
    rows = calendar.get_calendar(2022)
    assert rows[-1].key == "sixth_form_enrolment"
    assert rows[0].key == "college_enrolment_1"
