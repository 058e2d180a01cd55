"""Farming a link's 6-digit code: at most 3 codes an hour and 10 a day per link, counted in the
database, with the time the school may ask again; every request for a code is audited."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tep_app.models import AccessCode, AuditEvent, OutboxMessage
from tep_app.services.school_requests.links import CODES_PER_DAY, CODES_PER_HOUR
from tests.support.portal_support import seed_request


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db)


def _ask_status(client, seeded):
    return client.post("/school/confirm", data={"contact": str(seeded.establishment.contacts[0].id)})


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_fourth_code_in_an_hour_is_refused_naming_when_to_ask_again(client, pages, seeded, db):
    pages.post(f"/school/start/{seeded.token}", {}, status=302)
    for _ in range(CODES_PER_HOUR):
        assert _ask_status(client, seeded).status_code == 302
    refused = pages.post("/school/confirm", {"contact": str(seeded.establishment.contacts[0].id)}, status=200)
    message = refused.page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "You have asked for 3 codes in the last hour. You can ask for another code after" in message
    assert "am" in message or "pm" in message
    assert _count(db, AccessCode, AccessCode.school_request_id == seeded.request.id) == CODES_PER_HOUR
    assert _count(db, OutboxMessage, OutboxMessage.kind == "access_code") == CODES_PER_HOUR
    audited = dict(db.session.execute(select(AuditEvent.action, func.count()).where(
        AuditEvent.object_id == str(seeded.request.id), AuditEvent.action.in_(["send code", "code refused"]))
        .group_by(AuditEvent.action)).all())
    assert audited == {"send code": CODES_PER_HOUR, "code refused": 1}


def test_an_eleventh_code_in_a_day_is_refused(client, pages, seeded, db):
    pages.post(f"/school/start/{seeded.token}", {}, status=302)
    for n in range(CODES_PER_DAY):
        assert _ask_status(client, seeded).status_code == 302
        # Each code an hour and a bit older than the next, so the hourly limit never bites.
        db.session.execute(update(AccessCode).where(AccessCode.school_request_id == seeded.request.id,
                                                    AccessCode.created_at > datetime.now(UTC) - timedelta(minutes=5))
                           .values(created_at=datetime.now(UTC) - timedelta(minutes=70 * (CODES_PER_DAY - n))))
        db.session.commit()
    refused = pages.post("/school/confirm", {"contact": str(seeded.establishment.contacts[0].id)}, status=200)
    assert "You have asked for 10 codes in the last 24 hours" in refused.page.get_text()


def test_the_count_is_per_link_not_per_worker(app, client, seeded, db):
    """Two separate clients (as two workers would see them) share the one count in the database."""
    other = app.test_client()
    for visitor in (client, other):
        visitor.post(f"/school/start/{seeded.token}")
    statuses = [_ask_status(visitor, seeded).status_code for visitor in (client, other, client, other)]
    assert statuses == [302, 302, 302, 200]
