"""School holidays are calendar data: a reply-by date counts school days (no weekend, bank holiday
or school holiday), an admin changes a year's holidays, and the calendar page warns of a send or
due date when schools are closed."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import AuditEvent, OutboxMessage, SchoolRequest
from tep_app.services import calendar
from tep_app.services.school_requests.sending import send_collection
from tests.support.messaging_support import seed_county


def _send_late(db, collection, day: date) -> SchoolRequest:
    with time_machine.travel(datetime(day.year, day.month, day.day, 6, tzinfo=UTC), tick=False):
        send_collection(collection)
    return db.session.scalar(select(SchoolRequest).where(SchoolRequest.collection_id == collection.id))


def _invite_subject(db) -> str:
    return db.session.scalar(select(OutboxMessage.subject).where(OutboxMessage.kind == "invite").limit(1))


def test_kents_holidays_are_the_default_for_a_year(db):
    assert calendar.get_holidays(2026) == [
        ("october", "October half term", date(2026, 10, 26), date(2026, 10, 30)),
        ("christmas", "Christmas holiday", date(2026, 12, 21), date(2027, 1, 1)),
        ("february", "February half term", date(2027, 2, 15), date(2027, 2, 19)),
        ("easter", "Easter holiday", date(2027, 3, 22), date(2027, 4, 2)),
        ("may", "May half term", date(2027, 5, 31), date(2027, 6, 4)),
        ("summer", "Summer holiday", date(2027, 7, 23), date(2027, 8, 31)),
    ]


def test_a_list_sent_late_on_21_december_is_due_15_school_days_after_the_christmas_holiday(db):
    # The holiday runs from Monday 21 December 2026 to Friday 1 January 2027: the 15 school days
    # are 4 to 22 January.
    collection = seed_county(db.session, schools=1, contacts=1, year=2026, send_on=date(2026, 10, 7),
                             due_on=date(2026, 10, 30))
    request = _send_late(db, collection, date(2026, 12, 21))
    assert request.due_on == date(2027, 1, 22)
    assert _invite_subject(db).endswith("reply by 22 January 2027")


@pytest.mark.parametrize("sent_on, due_on", [
    (date(2027, 7, 12), date(2027, 9, 9)),  # 8 school days before the summer holiday, 7 after it
    (date(2027, 8, 9), date(2027, 9, 21)),  # in the holiday: 15 school days from 1 September
])
def test_a_june_list_sent_late_is_due_in_september_not_in_the_summer_holiday(db, sent_on, due_on):
    collection = seed_county(db.session, schools=1, contacts=1, kind="no-offer", year=2026,
                             send_on=date(2027, 6, 4), due_on=date(2027, 6, 30))
    request = _send_late(db, collection, sent_on)
    assert request.due_on == due_on
    assert calendar.SchoolDays().holiday(request.due_on) is None


def test_an_admin_moves_the_christmas_holiday_and_a_late_list_is_due_later(db, pages, login):
    login("admin")
    page = pages.page("/admin/calendar?year=2026")
    assert "Monday 21 December 2026 to Friday 1 January 2027" in page.select_one("#holiday-christmas").get_text()
    response = pages.post("/admin/calendar/2026/holidays/christmas",
                          {"first_day": ["18", "12", "2026"], "last_day": ["8", "1", "2027"]}, status=302)
    assert response.headers["Location"].endswith("/admin/calendar?year=2026")
    page = pages.page("/admin/calendar?year=2026")
    assert "Friday 18 December 2026 to Friday 8 January 2027" in page.select_one("#holiday-christmas").get_text()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "school_holiday"))
    assert (event.object_id, event.after) == ("2026:christmas", {"first_day": "2026-12-18", "last_day": "2027-01-08"})

    collection = seed_county(db.session, schools=1, contacts=1, year=2026, send_on=date(2026, 10, 7),
                             due_on=date(2026, 10, 30))
    assert _send_late(db, collection, date(2026, 12, 21)).due_on == date(2027, 1, 29)


def test_a_holiday_that_ends_before_it_starts_is_refused_with_a_message(db, pages, login):
    login("admin")
    page = pages.post("/admin/calendar/2026/holidays/may",
                      {"first_day": ["4", "6", "2027"], "last_day": ["31", "5", "2027"]}).page
    assert "The last day of the holiday must be the same as or after the first day" in page.get_text()
    assert calendar.get_holidays(2026)[4][2:] == (date(2027, 5, 31), date(2027, 6, 4))


def test_the_calendar_page_warns_of_send_and_due_dates_when_schools_are_closed(db, pages, login):
    login("admin")
    pages.post("/admin/calendar/2026/no_offer_due", {"on": ["31", "5", "2027"]}, status=302)
    page = pages.page("/admin/calendar?year=2026")
    warnings = {tag["id"].removeprefix("warning-"): tag.get_text(strip=True) for tag in page.select("[id^=warning-]")}
    assert warnings == {
        "leavers_due": "Saturday is not a working day",  # 31 October 2026
        "no_offer_send": "This is in the May half term, when schools are closed",  # sent Friday 4 June 2027
        "no_offer_due": "Spring Bank Holiday is a bank holiday",  # 31 May 2027
    }
    assert "3 dates fall when schools may not read their email" in page.select_one("#calendar-warnings").get_text()
