"""The stored calendar: defaults written once, an admin's change kept, dates checked, audited."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, CalendarDate
from tep_app.services import calendar


def test_ensure_calendar_writes_the_defaults_once(db):
    assert calendar.ensure_calendar(2031) == 12
    assert calendar.ensure_calendar(2031) == 0

    rows = calendar.get_calendar(2031)
    assert [row.key for row in rows][:3] == ["sixth_form_enrolment", "college_enrolment_1", "leavers_send"]
    assert {row.key: row.on for row in rows}["no_offer_send"] == date(2032, 6, 5)


def test_get_date_falls_back_to_the_default_before_anything_is_stored(db):
    assert calendar.get_date(2032, "leavers_due") == date(2032, 10, 31)
    assert db.session.scalar(select(CalendarDate).where(CalendarDate.academic_year == 2032)) is None


def test_set_date_is_kept_by_ensure_calendar_and_audited(db, make):
    admin = make.staff("admin")
    calendar.set_date(2033, "leavers_send", date(2033, 10, 10), admin.id)
    calendar.ensure_calendar(2033)

    assert calendar.get_date(2033, "leavers_send") == date(2033, 10, 10)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "calendar_date",
                                                       AuditEvent.object_id == "2033:leavers_send"))
    assert event.action == "update"
    assert event.before == {"on": "2033-10-07"} and event.after == {"on": "2033-10-10"}
    assert event.actor_id == str(admin.id)


@pytest.mark.parametrize("bad", [date(2034, 8, 31), date(2035, 9, 1)])
def test_set_date_refuses_a_date_outside_the_academic_year(db, bad):
    with pytest.raises(calendar.CalendarError) as error:
        calendar.set_date(2034, "no_offer_due", bad, None)

    assert error.value.message == ("The date must be in the 2034-35 academic year, between 1 September 2034 "
                                   "and 31 August 2035")
    assert calendar.get_date(2034, "no_offer_due") == date(2035, 6, 30)


def test_set_date_refuses_an_unknown_step(db):
    with pytest.raises(calendar.CalendarError, match="no calendar date called 'lunch'"):
        calendar.set_date(2034, "lunch", date(2034, 10, 1), None)
