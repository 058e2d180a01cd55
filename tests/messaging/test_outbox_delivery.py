"""The outbox: exactly-once queueing, delivery to a real SMTP server, back-off while the server is
down, failure after 10 attempts, and messages left "sending" by a stopped sender."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tep_app.models import OutboxMessage
from tep_app.services.messaging.outbox import OutboxError, deliver_outbox, queue_email
from tep_app.services.messaging.outbox_review import count_by_status, retry_message
from tests.support.messaging_support import SmtpServer, body_of, free_port


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        yield server
        app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old


@pytest.fixture
def smtp_down(app):
    old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    port = free_port()  # nothing listens here
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield port
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old


def _queue(n: int = 1, prefix: str = "test:outbox"):
    return [queue_email(ledger_key=f"{prefix}:{i}", kind="invite", to=f"head{i}@school.example",
                        subject=f"Subject {i}", body=f"Body {i}") for i in range(n)]


def _rows(db):
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_queueing_the_same_ledger_key_twice_writes_one_row(db):
    first = queue_email(ledger_key="request:1:invite:1:0", kind="invite", to="a@school.example",
                        subject="S", body="B")
    second = queue_email(ledger_key="request:1:invite:1:0", kind="invite", to="a@school.example",
                         subject="S again", body="B again")
    assert first is not None and first.status == "queued"
    assert second is None
    rows = _rows(db)
    assert [(r.ledger_key, r.subject) for r in rows] == [("request:1:invite:1:0", "S")]


def test_a_bad_address_is_refused_with_a_message(db):
    with pytest.raises(OutboxError, match="not an email address"):
        queue_email(ledger_key="x:1", kind="invite", to="not-an-address", subject="S", body="B")
    assert _rows(db) == []


def test_deliver_sends_queued_messages_to_the_smtp_server(db, app, smtp):
    _queue(3)
    assert deliver_outbox() == {"sent": 3, "failed": 0, "retried": 0}
    assert sorted(m["To"] for m in smtp.messages) == [f"head{i}@school.example" for i in range(3)]
    caught = smtp.to("head1@school.example")[0]
    assert caught["Subject"] == "Subject 1"
    assert body_of(caught).strip() == "Body 1"
    assert caught["Message-ID"] == _rows(db)[1].message_id and caught["Message-ID"].endswith("@tep.example>")
    assert {r.status for r in _rows(db)} == {"sent"}
    assert all(r.sent_at is not None for r in _rows(db))
    # Nothing is sent twice.
    assert deliver_outbox() == {"sent": 0, "failed": 0, "retried": 0}
    assert len(smtp.messages) == 3


def test_deliver_honours_the_limit(db, smtp):
    _queue(5)
    assert deliver_outbox(limit=2)["sent"] == 2
    assert count_by_status()["queued"] == 3


def test_with_the_server_down_nothing_is_lost_and_it_is_sent_when_the_server_is_back(db, app, smtp_down):
    _queue(2)
    now = datetime.now(UTC)
    assert deliver_outbox(now=now) == {"sent": 0, "failed": 0, "retried": 2}
    rows = _rows(db)
    assert [r.status for r in rows] == ["queued", "queued"]
    assert [r.attempts for r in rows] == [1, 1]
    assert "ConnectionRefusedError" in rows[0].last_error
    # Not due again for a minute.
    assert deliver_outbox(now=now + timedelta(seconds=30)) == {"sent": 0, "failed": 0, "retried": 0}
    assert deliver_outbox(now=now + timedelta(minutes=1, seconds=1))["retried"] == 2
    assert [r.attempts for r in _rows(db)] == [2, 2]  # and now 2 minutes to wait
    assert deliver_outbox(now=now + timedelta(minutes=2))["retried"] == 0
    with SmtpServer(port=smtp_down) as server:
        result = deliver_outbox(now=now + timedelta(minutes=4))
    assert result == {"sent": 2, "failed": 0, "retried": 0}
    assert sorted(m["To"] for m in server.messages) == ["head0@school.example", "head1@school.example"]
    assert [r.status for r in _rows(db)] == ["sent", "sent"]


def test_after_ten_attempts_a_message_is_failed_with_its_last_error(db, smtp_down):
    _queue(1)
    now = datetime.now(UTC)
    for _ in range(10):
        deliver_outbox(now=now)
        now += timedelta(hours=1)
    row = _rows(db)[0]
    assert (row.status, row.attempts) == ("failed", 10)
    assert "Connection" in row.last_error
    assert deliver_outbox(now=now + timedelta(days=1)) == {"sent": 0, "failed": 0, "retried": 0}


def test_a_message_left_sending_by_a_killed_sender_is_sent_after_ten_minutes(db, smtp):
    stale, recent = _queue(2)
    now = datetime.now(UTC)
    for row, claimed in ((stale, now - timedelta(minutes=11)), (recent, now - timedelta(minutes=5))):
        row.status, row.next_attempt_at = "sending", claimed
    db.session.flush()
    assert deliver_outbox(now=now)["sent"] == 1
    assert [m["To"] for m in smtp.messages] == [stale.to_address]
    assert [r.status for r in _rows(db)] == ["sent", "sending"]
    assert deliver_outbox(now=now + timedelta(minutes=6))["sent"] == 1
    assert len(smtp.messages) == 2


def test_a_recipient_the_server_refuses_fails_at_once(db, app, smtp):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 No such mailbox"

    smtp.controller.handler.handle_RCPT = refuse
    _queue(1)
    assert deliver_outbox()["failed"] == 1
    row = _rows(db)[0]
    assert (row.status, row.attempts) == ("failed", 1)
    assert "No such mailbox" in row.last_error


def test_a_failed_message_can_be_queued_again(db, smtp):
    row = _queue(1)[0]
    row.status, row.attempts, row.last_error = "failed", 10, "SMTPServerDisconnected"
    db.session.flush()
    retry_message(row.id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert deliver_outbox()["sent"] == 1
    with pytest.raises(OutboxError, match="Only a failed email can be retried; this one is sent"):
        retry_message(row.id)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
