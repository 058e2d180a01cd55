"""SQLite under a second writer: a school's page is never a 500 while the outbox is sending.

Each test makes its own SQLite file database (the behaviour is SQLite's own locking), with the
school's list committed, and a second writer in another thread: the outbox sending an email, or
something holding the write lock."""
import re
import tempfile
import threading
from datetime import date

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.auth import sessions
from tep_app.models import OutboxMessage, SchoolRequest
from tep_app.services.messaging.outbox import deliver_outbox, queue_email, render_message
from tep_app.services.school_requests.links import issue_token
from tests.support.messaging_support import SmtpServer, seed_county


@pytest.fixture
def county(app):
    """One school with its list, on its own SQLite file, and an SMTP server for the outbox."""
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db

    with tempfile.TemporaryDirectory() as tmp, SmtpServer() as smtp:
        county_app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/busy.sqlite",
                                SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, MAIL_CATCHER_DIR=f"{tmp}/mail",
                                SQLITE_BUSY_TIMEOUT_MS=300)
        with county_app.app_context():
            upgrade()
            collection = seed_county(db.session, schools=1, contacts=1)
            school_request = SchoolRequest(collection_id=collection.id, establishment_id=1, status="sent",
                                           due_on=date(2099, 1, 31))
            db.session.add(school_request)
            db.session.flush()
            token = issue_token(school_request)
            db.session.commit()
        try:
            yield county_app, token, smtp
        finally:
            with county_app.app_context():
                db.session.remove()
                db.engine.dispose()


def _sign_in(client, app, token: str) -> None:
    """The school's path: the link, Continue, a code to its contact, the code."""
    from tep_app.extensions import db

    client.get(f"/school/start/{token}")
    client.post(f"/school/start/{token}")
    page = client.get("/school/confirm").get_data(as_text=True)
    contact_id = re.search(r'name="contact"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="contact"', page)
    client.post("/school/confirm", data={"contact": next(g for g in contact_id.groups() if g)})
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "access_code"))
        code = re.search(r"\b(\d{6})\b", render_message(message)[1]).group(1)
    response = client.post("/school/code", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/school/young-people")


def _outbox_sends_in_another_thread(app) -> None:
    """The scheduler's delivery run, in its own thread and connection, sending one invitation."""
    def deliver():
        with app.app_context():
            queue_email(ledger_key="test:busy:invite", kind="invite", to="head@school.example",
                        subject="Your list", body="Please tell us.")
            from tep_app.extensions import db

            db.session.commit()
            deliver_outbox()

    thread = threading.Thread(target=deliver)
    thread.start()
    thread.join()


def test_a_school_page_made_while_the_outbox_commits_is_shown_not_a_500(county, monkeypatch):
    app, token, smtp = county
    client = app.test_client()
    _sign_in(client, app, token)
    seen = sessions._seen
    interleaved = []

    def seen_then_the_outbox_sends(record):
        # The page has read its session; the outbox commits before the page writes its last-seen time.
        if not interleaved:
            interleaved.append(True)
            _outbox_sends_in_another_thread(app)
        record.last_seen_at = clock.now()
        return seen(record)

    monkeypatch.setattr(sessions, "_seen", seen_then_the_outbox_sends)
    response = client.get("/school/young-people")
    assert interleaved and [m["To"] for m in smtp.messages if m["To"] == "head@school.example"]
    assert response.status_code == 200
    assert "Sam5000" in response.get_data(as_text=True)


def test_a_database_still_locked_gets_the_services_try_again_page(county):
    app, token, _smtp = county
    client = app.test_client()
    holding, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        from tep_app.extensions import db

        with app.app_context(), db.engine.connect() as connection:
            connection.exec_driver_sql("UPDATE outbox_message SET attempts = attempts")  # BEGIN: the lock
            holding.set()
            release.wait(10)
            connection.rollback()

    thread = threading.Thread(target=hold_the_write_lock)
    thread.start()
    try:
        holding.wait(10)
        response = client.post(f"/school/start/{token}")
    finally:
        release.set()
        thread.join()
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, the service is busy" in page and "Wait a few seconds, then try again." in page
    assert 'class="govuk-footer"' in page  # the service's own layout
    assert response.headers["Retry-After"] == "5"
    # Once the other writer has finished, the same press of Continue works.
    assert client.post(f"/school/start/{token}").status_code == 302
