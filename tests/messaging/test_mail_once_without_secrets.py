"""Mail sent once, or at least once with one Message-ID, and an outbox that holds no working link
or code: the links and codes are read from what a real SMTP server (aiosmtpd) received, then looked
for in the database; a sender is killed in the middle of a batch and run again; emails left
"sending" are named by `flask tep deliver` and on the outbox page."""
import os
import re
import signal
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tep_app.models import OutboxMessage, SchoolRequest
from tep_app.services.messaging.outbox import deliver_outbox, queue_email
from tep_app.services.school_requests.followup import chase_request
from tep_app.services.school_requests.links import hash_token, resolve_token, send_access_code, verify_access_code
from tep_app.services.school_requests.request_admin import send_new_link
from tep_app.services.school_requests.sending import send_collection
from tests.support.messaging_support import SmtpServer, body_of, seed_county
from tests.support.portal_support import seed_request

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
LINK = re.compile(r"/school/start/([A-Za-z0-9_-]+)")
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def smtp(app, monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
        yield server


def _by_subject(server, words: str) -> list:
    return [m for m in server.messages if words in str(m["Subject"])]


def _token(message) -> str:
    return LINK.search(body_of(message)).group(1)


def test_no_row_holds_a_link_or_code_the_schools_received(app, db, smtp):
    collection = seed_county(db.session, schools=2, contacts=2)
    send_collection(collection, today=date(2022, 10, 7))
    first, second = db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)).all()
    send_new_link(first.id, None)  # replaces the first school's link
    assert chase_request(second.id, None).kind == "chaser_link"  # its link has lapsed: a new one
    contact = f"contact1.{first.establishment.laestab}@school.example"
    codes = [send_access_code(first, contact) for _ in range(2)]
    db.session.commit()
    assert deliver_outbox() == {"sent": 8, "failed": 0, "retried": 0}

    invites = _by_subject(smtp, "leavers list")
    assert len(invites) == 4
    tokens = {m["To"]: _token(m) for m in invites}
    # Every contact of a school gets the same link.
    assert len(set(tokens.values())) == 2
    [new_link] = _by_subject(smtp, "A new link")
    [chaser] = _by_subject(smtp, "Overdue")
    received_codes = [CODE.search(body_of(m)).group(1) for m in _by_subject(smtp, "security code")]
    assert len(received_codes) == 2
    links = [*tokens.values(), _token(new_link), _token(chaser)]
    # The links work as they should: the replaced ones say so, the new ones open.
    states = {token: resolve_token(token)[1] for token in links}
    assert states[_token(new_link)] == "ok" and states[_token(chaser)] == "ok"
    assert sorted(states[t] for t in set(tokens.values())) == ["replaced", "replaced"]

    # Not one of them is anywhere in the database; not one code is in the outbox.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            text = " ".join(str(value) for value in row)
            assert not any(token in text for token in links), table.name
    for message in db.session.scalars(select(OutboxMessage)):
        stored = " ".join(str(v) for v in (message.subject, message.body, message.ledger_key, message.message_id,
                                           message.link_nonce, message.last_error))
        assert not any(code in stored for code in received_codes), message.ledger_key
        assert "/school/start/" not in stored
    # And the codes received are the codes that work.
    for access_code, code in zip(codes, received_codes, strict=False):
        assert verify_access_code(first, code, access_code.id).ok


def test_staff_see_the_email_with_the_link_and_code_left_out(app, db, make, pages, login, smtp):
    login("admin")
    pages.post("/admin/email-texts/access_code", {
        "subject": "((code)) is your TEP Follow-up security code",
        "body": "Your code is ((code)). Your list: ((school_name)).", "save": "Save"}, 302)
    seeded = seed_request(make, db)
    send_access_code(seeded.request, seeded.establishment.contacts[0].email)
    db.session.commit()
    deliver_outbox()
    [received] = smtp.messages
    code = CODE.search(str(received["Subject"])).group(1)
    assert body_of(received).startswith(f"Your code is {code}.")

    outbox = pages.page("/admin/outbox")
    assert "[code] is your TEP Follow-up security code" in outbox.select_one("#outbox-table").get_text()
    history = pages.page(f"/requests/{seeded.request.id}")
    assert "[code] is your TEP Follow-up security code" in history.select_one("#history-table").get_text()
    for page in (outbox, history):
        assert code not in page.get_text()


def _stale(db, minutes: float, *rows) -> None:
    for row in rows:
        row.status, row.next_attempt_at = "sending", datetime.now(UTC) - timedelta(minutes=minutes)
    db.session.commit()


def _queue(n: int) -> list[OutboxMessage]:
    return [queue_email(ledger_key=f"test:stuck:{i}", kind="receipt", to=f"office{i}@school.example",
                        subject=f"Receipt {i}", body=f"Body {i}") for i in range(n)]


def test_emails_left_sending_are_named_on_the_outbox_page(db, pages, login):
    old, older, recent = _queue(3)
    _stale(db, 25, older)
    _stale(db, 12, old)
    _stale(db, 2, recent)
    login("manager")
    page = pages.page("/admin/outbox")
    banner = page.select_one("#stuck-sending").get_text(" ", strip=True)
    assert "2 emails have been sending for more than 10 minutes" in banner
    assert "sent again the next time email is delivered, with the same Message-ID" in banner
    named = [li.get_text(" ", strip=True) for li in page.select("#stuck-list li")]
    assert [line.split(":")[0] for line in named] == [older.to_address, old.to_address]
    assert recent.to_address not in banner

    for row in (old, older):
        row.status = "sent"
    db.session.commit()
    assert pages.page("/admin/outbox").select_one("#stuck-sending") is None


def test_deliver_names_the_emails_left_sending_and_sends_them_with_the_same_message_id(app, db, smtp):
    stuck, waiting = _queue(2)
    _stale(db, 30, stuck)
    result = app.test_cli_runner().invoke(args=["tep", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1 email was left sending for more than 10 minutes by a sender that stopped" in result.output
    assert f"{stuck.ledger_key} to {stuck.to_address}" in result.output
    assert waiting.ledger_key not in result.output
    assert "Sent 2 emails" in result.output
    assert {m["To"]: m["Message-ID"] for m in smtp.messages} == {
        stuck.to_address: stuck.message_id, waiting.to_address: waiting.message_id}
    quiet = app.test_cli_runner().invoke(args=["tep", "deliver"])
    assert "left sending" not in quiet.output


def _env(live, smtp_port: int) -> dict:
    from tests.support.live_server import SECRET

    return {**os.environ, "TEP_DATABASE_URL": live.url, "TEP_ENV": "development", "TEP_SECRET_KEY": SECRET,
            "FLASK_APP": "tep_app:create_app", "TEP_SMTP_HOST": "127.0.0.1", "TEP_SMTP_PORT": str(smtp_port)}


def _deliver(live, smtp_port: int) -> subprocess.Popen:
    return subprocess.Popen([FLASK, "tep", "deliver"], cwd=ROOT, env=_env(live, smtp_port),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _statuses(live) -> dict[str, str]:
    from tep_app.extensions import db

    with live.app.app_context():
        try:
            return dict(db.session.execute(select(OutboxMessage.ledger_key, OutboxMessage.status)).all())
        finally:
            db.session.remove()


def test_a_killed_sender_sends_every_email_at_least_once_and_a_copy_has_the_same_message_id(live):
    from tep_app.extensions import db

    with live.app.app_context():
        collection = seed_county(db.session, schools=4, contacts=2)
        send_collection(collection, today=date(2022, 10, 7))
        db.session.commit()
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        expected = {row.ledger_key: row.message_id for row in rows}
        db.session.remove()
    assert len(expected) == 8

    # The server takes the third email but holds its answer; the sender is killed meanwhile.
    with SmtpServer(hold_at=3, hold_seconds=60, keep_held=True) as server:
        sender = _deliver(live, server.port)
        try:
            assert server.holding.wait(60), sender.communicate(timeout=5)
            statuses = _statuses(live)
            # The two emails the server answered are committed as sent before the third was sent.
            assert sorted(statuses.values()) == ["sending"] * 6 + ["sent"] * 2
        finally:
            sender.send_signal(signal.SIGKILL)
            sender.wait(timeout=30)
        assert len(server.messages) == 3

        # Ten minutes on, the next run names the emails left sending and sends them again.
        with live.app.app_context():
            db.session.execute(update(OutboxMessage).where(OutboxMessage.status == "sending")
                               .values(next_attempt_at=datetime.now(UTC) - timedelta(minutes=11)))
            db.session.commit()
            db.session.remove()
        server.hold_at = None
        again = _deliver(live, server.port)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        assert "6 emails were left sending for more than 10 minutes by a sender that stopped" in out
        assert "Sent 6 emails; 0 failed; 0 still queued." in out
        received = list(server.messages)

    assert set(_statuses(live).values()) == {"sent"}
    copies = defaultdict(list)
    for message in received:
        copies[message["Message-ID"]].append(message)
    # Every email arrived, each under the Message-ID it was queued with ...
    assert set(copies) == set(expected.values())
    # ... once, except the one the server had when the sender was killed: twice, identical.
    twice = {mid: found for mid, found in copies.items() if len(found) > 1}
    assert len(twice) == 1 and len(received) == 9
    [pair] = twice.values()
    assert len(pair) == 2
    assert [(m["To"], str(m["Subject"]), body_of(m)) for m in pair[:1]] == \
        [(m["To"], str(m["Subject"]), body_of(m)) for m in pair[1:]]
    # The link in it is the school's link (its SHA-256 is the one stored), and no row holds it.
    with live.app.app_context():
        try:
            token = _token(pair[0])
            assert db.session.scalar(select(SchoolRequest.id).where(SchoolRequest.token_hash == hash_token(token)))
            assert not any(token in f"{m.subject} {m.body}" for m in db.session.scalars(select(OutboxMessage)))
        finally:
            db.session.remove()
