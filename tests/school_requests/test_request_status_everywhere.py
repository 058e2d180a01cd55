"""One status and one chaser count for a school's list on every page: the chase-up dashboard, the
request page and the school's page on the Schools pages, on a moved clock."""
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import SchoolRequest
from tep_app.services.school_requests.sending import send_collection
from tests.support.messaging_support import seed_county

DUE = date(2022, 10, 31)  # a Monday


def _at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


@pytest.fixture
def county(db):
    """Three schools sent their lists on 7 October 2022, due back on the 31st; the first submits."""
    collection = seed_county(db.session, schools=3, contacts=1, due_on=DUE)
    with _at(date(2022, 10, 7), 6):
        send_collection(collection)
    requests = list(db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)))
    requests[0].status = "submitted"
    requests[0].submitted_at = datetime(2022, 10, 20, 9, tzinfo=UTC)
    requests[1].status, requests[1].first_opened_at = "opened", datetime(2022, 10, 10, 9, tzinfo=UTC)
    db.session.commit()
    return collection, requests


def _shown(pages, collection, request) -> dict:
    """What each page says about one school's list: status and chasers."""
    school = request.establishment
    dashboard = pages.page(f"/dashboard/?collection={collection.id}")
    row = dashboard.select_one(f'[data-school-request="{request.id}"]')
    cells = row.select("td")
    request_page = pages.page(f"/requests/{request.id}")
    school_page = pages.page(f"/schools/{school.laestab}?year=2022")
    school_cell = school_page.select_one('[data-status="leavers"]')
    chasers = school_cell.select_one("[data-chasers]")
    return {
        "dashboard": (row.select_one(".govuk-tag").get_text(strip=True), cells[3].get_text(strip=True)),
        "request page": (request_page.select_one("#request-status").get_text(strip=True),
                         request_page.select_one("#request-chasers").get_text(" ", strip=True)),
        "schools page": (school_cell.contents[0].strip(), chasers.get_text(strip=True) if chasers else None),
    }


def test_chasing_every_overdue_school_shows_the_chaser_and_one_status_on_every_page(pages, login, db, county):
    collection, requests = county
    with _at(date(2022, 11, 2)):
        login("manager")
        before = _shown(pages, collection, requests[2])
        assert before == {"dashboard": ("Overdue", "0, 0"), "request page": ("Overdue", "0 reminders, 0 chasers"),
                          "schools page": ("Overdue", None)}
        plan = pages.page(f"/dashboard/collections/{collection.id}/chase-overdue")
        assert plan.select_one("#chase-count").get_text(" ", strip=True).startswith("This will send 2 emails")
        pages.post(f"/dashboard/collections/{collection.id}/chase-overdue", status=302)

        for request in requests[1:]:
            assert _shown(pages, collection, request) == {
                "dashboard": ("Overdue", "0, 1"),
                "request page": ("Overdue", "0 reminders, 1 chaser (1 sent by a manager)"),
                "schools page": ("Overdue", "1 chaser sent"),
            }
        assert _shown(pages, collection, requests[0]) == {
            "dashboard": ("Submitted", "0, 0"), "request page": ("Submitted", "0 reminders, 0 chasers"),
            "schools page": ("Submitted", None)}
        tiles = {dd["data-status-count"]: int(dd.text)
                 for dd in pages.page(f"/dashboard/?collection={collection.id}").select("[data-status-count]")}
        assert tiles == {"sent": 3, "opened": 2, "submitted": 1, "overdue": 2, "not_sent": 0}


def test_a_list_due_today_is_not_overdue_on_any_page_and_is_the_day_after(pages, login, db, county):
    collection, requests = county
    with _at(DUE, 22):  # late in the evening of the reply-by date
        login("manager")
        assert {page: shown[0] for page, shown in _shown(pages, collection, requests[2]).items()} == {
            "dashboard": "Sent", "request page": "Sent", "schools page": "Sent"}
        tiles = pages.page(f"/dashboard/?collection={collection.id}").select_one('[data-status-count="overdue"]')
        assert tiles.get_text(strip=True) == "0"
    with _at(date(2022, 11, 1), 7):
        login("manager")
        assert {page: shown[0] for page, shown in _shown(pages, collection, requests[2]).items()} == {
            "dashboard": "Overdue", "request page": "Overdue", "schools page": "Overdue"}
        dashboard = pages.page(f"/dashboard/?collection={collection.id}")
        assert dashboard.select_one('[data-status-count="overdue"]').get_text(strip=True) == "2"
        assert dashboard.select_one("#chase-overdue") is not None
