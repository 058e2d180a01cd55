"""Messages a person is waiting for go first: an access code asked for on a send day reaches the
mail server before the invitations queued ahead of it."""
import pytest
from sqlalchemy import select

from tep_app.models import OutboxMessage
from tep_app.services.messaging import outbox
from tep_app.services.messaging.outbox import deliver_outbox, queue_email
from tep_app.services.messaging.outbox_review import count_by_status
from tests.support.messaging_support import SmtpServer, body_of
from tests.support.portal_support import seed_request


@pytest.fixture
def smtp(app, monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        yield server


def _queue_invitations(n: int) -> None:
    for i in range(n):
        queue_email(ledger_key=f"test:send-day:invite:{i}", kind="invite", to=f"head{i}@school.example",
                    subject="Your list of leavers", body="Please tell us what your leavers are doing.")


def _ask_for_a_code(pages, seeded) -> str:
    """Open the school's link, press Continue and ask for a code for the first contact."""
    contact = seeded.establishment.contacts[0]
    pages.get(f"/school/start/{seeded.token}", 200)
    pages.post(f"/school/start/{seeded.token}", {}, 302)
    # buffered: the response is read to its end and closed, as a web server does.
    pages.post("/school/confirm", {"contact": str(contact.id)}, 302, buffered=True)
    return contact.email


def test_each_kind_is_queued_with_its_priority(db):
    for kind in ("invite", "reminder", "chaser", "receipt", "new_link", "access_code", "sign_in_unlock"):
        queue_email(ledger_key=f"test:kind:{kind}", kind=kind, to="office@school.example", subject="S", body="B")
    rows = db.session.execute(select(OutboxMessage.kind, OutboxMessage.priority)).all()
    assert dict(rows) == {"access_code": 0, "new_link": 0, "sign_in_unlock": 0, "receipt": 1, "invite": 2,
                          "reminder": 2, "chaser": 2}


def test_a_code_asked_for_behind_300_invitations_is_the_first_message_of_the_next_run(pages, make, db, smtp):
    seeded = seed_request(make, db)
    _queue_invitations(300)
    contact_email = _ask_for_a_code(pages, seeded)
    assert count_by_status()["queued"] == 301
    deliver_outbox(limit=50)
    first = smtp.messages[0]
    assert first["To"] == contact_email
    assert first["Subject"] == "Your TEP Follow-up security code"
    assert [m["To"] for m in smtp.messages[1:]] == [f"head{i}@school.example" for i in range(49)]


def test_a_code_queued_while_a_batch_is_sending_goes_before_the_rest_of_the_batch(db, smtp, monkeypatch):
    _queue_invitations(5)
    connect = outbox._connect

    def connect_then_a_code_is_asked_for(config, **kwargs):
        # The batch is claimed; a school asks for its code before the first invitation goes.
        queue_email(ledger_key="test:mid-batch:code", kind="new_link", to="office@school.example",
                    subject="A new link", body="Here is your new link.")
        return connect(config, **kwargs)

    monkeypatch.setattr(outbox, "_connect", connect_then_a_code_is_asked_for)
    assert deliver_outbox(limit=5) == {"sent": 6, "failed": 0, "retried": 0}
    assert [m["To"] for m in smtp.messages][:3] == ["head0@school.example", "office@school.example",
                                                     "head1@school.example"]


def test_a_code_is_sent_as_soon_as_the_page_has_answered_without_waiting_for_the_scheduler(
        app, pages, make, db, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_SEND_AT_ONCE", True)
    seeded = seed_request(make, db)
    _queue_invitations(300)
    contact_email = _ask_for_a_code(pages, seeded)
    # No delivery run: the request that asked for the code sent it.
    assert [m["To"] for m in smtp.messages] == [contact_email]
    assert "is your security code for" in body_of(smtp.messages[0])
    assert count_by_status() == {"queued": 300, "sending": 0, "sent": 1, "failed": 0}


def test_a_code_whose_prompt_try_cannot_reach_the_server_is_left_for_the_scheduler(
        app, pages, make, db, monkeypatch):
    from tests.support.messaging_support import free_port

    monkeypatch.setitem(app.config, "OUTBOX_SEND_AT_ONCE", True)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    seeded = seed_request(make, db)
    _ask_for_a_code(pages, seeded)
    code = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "access_code"))
    db.session.refresh(code)
    # Still due now, with no attempt counted: the scheduler's next run sends it.
    assert (code.status, code.attempts) == ("queued", 0)
