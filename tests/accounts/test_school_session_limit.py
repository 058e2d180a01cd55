"""A school's session lasts two hours from confirming the code, however busy: checked on a moved
clock, a minute either side of the limit."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.accounts.test_sessions_end import _school_signed_in
from tests.support.portal_support import seed_request


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db)


def test_a_busy_school_session_works_at_1h59_and_ends_at_2h01(pages, seeded, db):
    confirmed = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(confirmed, tick=False) as traveller:
        _school_signed_in(pages, seeded, db)
        for minutes in (25, 50, 75, 100, 119):  # never idle for 30 minutes
            traveller.move_to(confirmed + timedelta(minutes=minutes))
            page = pages.page("/school/young-people")
            assert page.h1.get_text(strip=True) == "Your young people", minutes
        traveller.move_to(confirmed + timedelta(minutes=121))
        page = pages.page("/school/young-people", status=401)
        assert page.h1.get_text(strip=True) == "Your session has ended"
        assert "You have been signed in for 2 hours" in page.get_text()
        assert seeded.entries[0].young_person.surname not in page.get_text()
