"""`flask tep demo` on any day of the year: a collection in progress with live links, schools that
answered, schools overdue and cases in the officers' queues, whatever the date a newcomer runs it.

The clock is moved with time-machine; the emails go through a real SMTP server (aiosmtpd), and the
link in the first invitation caught there is opened as a school would open it.
"""
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from tep_app.models import Case, Collection, OutboxMessage, SchoolRequest
from tep_app.services import request_states
from tests.support.messaging_support import SmtpServer, free_port


@pytest.fixture
def logins(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_LOGINS_PATH", str(tmp_path / "demo-logins.txt"))


@pytest.fixture
def smtp_port(app, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    return port


@pytest.mark.parametrize("day, kind, year", [
    (date(2026, 9, 1), "no-offer", 2025),  # the summer collection, still being chased
    (date(2026, 11, 29), "leavers", 2026),  # a Sunday, late in the autumn collection
    (date(2027, 6, 5), "no-offer", 2026),  # a Saturday in the summer collection
])
def test_the_demo_on_any_day_has_a_collection_in_progress_whose_first_invitation_opens(
        app, db, client, logins, smtp_port, day, kind, year):
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.01"])
        assert result.exit_code == 0, result.output

        collection = db.session.scalar(select(Collection).join(SchoolRequest).where(
            SchoolRequest.status != "not_sent").distinct())
        assert (collection.kind, collection.academic_year) == (kind, year)
        requests = list(db.session.scalars(select(SchoolRequest).where(SchoolRequest.collection_id == collection.id,
                                                                        SchoolRequest.status != "not_sent")))
        statuses = {request_states.status_of(r, day) for r in requests}
        assert {"submitted", "overdue"} <= statuses, statuses
        assert db.session.scalar(select(func.count(Case.id)).where(Case.status == "open")) > 0

        with SmtpServer(port=smtp_port) as server:
            delivered = app.test_cli_runner().invoke(args=["tep", "deliver"])
            assert delivered.exit_code == 0, delivered.output
            server.wait_for_count(1)
        invitations = [m for m in server.messages if "/school/start/" in m.get_payload()]
        first = invitations[0]
        subject = str(first["Subject"]).strip()
        assert subject.startswith(("Your Year 11 and 12 leavers list", "Your pupils with no recorded"))
        link = re.search(r"/school/start/\S+", first.get_payload()).group(0)
        assert client.get(link).status_code == 200
        response = client.post(link)
        assert response.status_code == 302 and response.headers["Location"].endswith("/school/confirm")
        # Every date in the first invitation is the school's own reply-by date.
        invited = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invite")
                                    .order_by(OutboxMessage.id).limit(1))
        due = db.session.get(SchoolRequest, invited.school_request_id).due_on
        assert f"reply by {due:%-d %B %Y}" in str(first["Subject"])
        assert due < day  # overdue by now, yet the link opens: it lasts to the reply-by date + 14 days
