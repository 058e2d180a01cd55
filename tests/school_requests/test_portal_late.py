"""The school's pages say when its list is late and what to do, on a moved clock."""
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.support.portal_support import seed_request, sign_school_in

DUE = date(2027, 1, 14)


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db, due_on=DUE)


def _reply_by(pages, url: str) -> str:
    return " ".join(pages.page(url).select_one("#reply-by").get_text(" ", strip=True).split())


def test_on_its_reply_by_date_the_school_is_asked_to_submit_by_it(pages, client, seeded):
    with time_machine.travel(datetime(2027, 1, 14, 16, tzinfo=UTC), tick=False):
        sign_school_in(client, seeded)
        assert _reply_by(pages, "/school/young-people") == "Please submit by 14 January 2027."
        assert pages.page("/school/check").select_one("#reply-by") is None


def test_after_its_reply_by_date_the_school_is_told_it_is_late_and_what_to_do(pages, client, seeded):
    with time_machine.travel(datetime(2027, 1, 19, 9, tzinfo=UTC), tick=False):
        sign_school_in(client, seeded)
        page = pages.page("/school/young-people")
        text = " ".join(page.get_text(" ", strip=True).split())
        assert "Please submit by" not in text
        assert _reply_by(pages, "/school/young-people") == (
            "! Warning Your reply was due on 14 January 2027. Please submit as soon as you can: answer the young "
            "people you know about, then check your answers and submit.")
        assert "our officers are trying to contact every young person on your list who has no answer" in text
        assert _reply_by(pages, "/school/check").startswith("! Warning Your reply was due on 14 January 2027.")
