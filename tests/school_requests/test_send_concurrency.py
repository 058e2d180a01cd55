"""The send to 130 schools is exactly once with two schedulers at once, after
the sender is killed half way, and with the SMTP server down and then back.

These need committed data seen by other processes, so each test makes its own database (a new
PostgreSQL database next to the test one, or a new SQLite file), migrated and dropped at the end.
On PostgreSQL two `flask tep` processes run at once; on SQLite the same test uses two threads.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.support.messaging_support import SmtpServer, free_port, seed_county

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
SCHOOLS = 130
CONTACTS = 2


@pytest.fixture
def county(app):
    """A separate database with 130 schools (2 contacts each) and their leavers lists, committed."""
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db

    base = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    tmp = tempfile.TemporaryDirectory()
    if base.drivername.startswith("postgresql"):
        name = f"test_send_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        admin, name = None, None
        url = f"sqlite:///{tmp.name}/county.sqlite"
    smtp_port = free_port()
    county_app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port,
                            MAIL_CATCHER_DIR=f"{tmp.name}/mail")
    with county_app.app_context():
        upgrade()
        seed_county(db.session, schools=SCHOOLS, contacts=CONTACTS)
        db.session.commit()
    env = {**os.environ, "TEP_DATABASE_URL": url, "TEP_SMTP_HOST": "127.0.0.1", "TEP_SMTP_PORT": str(smtp_port),
           "TEP_ENV": "development", "FLASK_APP": "tep_app:create_app"}
    try:
        yield SimpleNamespace(app=county_app, url=url, smtp_port=smtp_port, env=env,
                              postgres=admin is not None)
    finally:
        with county_app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        tmp.cleanup()


class Command:
    """A `flask tep ...` process writing to files, so that two can run without blocking on a pipe."""

    def __init__(self, county, *args):
        # Kept open while the command runs; read and closed when it ends.
        self.out, self.err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # noqa: SIM115
        self.process = subprocess.Popen([FLASK, "tep", *args], cwd=ROOT, env=county.env, stdout=self.out,
                                        stderr=self.err, text=True)
        self.pid = self.process.pid

    @property
    def returncode(self):
        return self.process.returncode

    def communicate(self, timeout: float = 120) -> tuple[str, str]:
        self.process.wait(timeout=timeout)
        texts = []
        for stream in (self.out, self.err):
            stream.seek(0)
            texts.append(stream.read())
            stream.close()
        return texts[0], texts[1]

    def wait(self, timeout: float = 10):
        return self.process.wait(timeout=timeout)


def flask(county, *args) -> Command:
    return Command(county, *args)


def in_county(county, work):
    from tep_app.extensions import db

    with county.app.app_context():
        result = work()
        db.session.commit()
        return result


def queue_invites(county):
    from tep_app.services.school_requests.sending import send_collection

    return in_county(county, lambda: send_collection("leavers", 2022, force=True))


def outbox_counts(county) -> Counter:
    from tep_app.extensions import db
    from tep_app.models import OutboxMessage

    return in_county(county, lambda: Counter(dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())))


def assert_one_invite_per_contact(server):
    addresses = Counter(m["To"] for m in server.messages)
    expected = {f"contact{c + 1}.886{5000 + s:04d}@school.example" for s in range(SCHOOLS) for c in range(CONTACTS)}
    assert set(addresses) == expected, "a school's contact got no invitation"
    assert [a for a, n in addresses.items() if n != 1] == [], "a contact got two invitations"
    assert len({m["Message-ID"] for m in server.messages}) == SCHOOLS * CONTACTS
    assert all("/school/start/" in m.get_body().get_content() for m in server.messages)


def test_two_schedulers_sending_at_once_send_each_school_one_invitation(county):
    if county.postgres:
        processes = [flask(county, "send", "leavers", "--year", "2022", "--force") for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        sent = [int(re.search(r"Sent (\d+) school requests", out).group(1)) for out, _ in outputs]
    else:
        from tep_app.extensions import db
        from tep_app.services.school_requests.sending import send_collection

        barrier, sent, errors = threading.Barrier(2), [], []

        def scheduler():
            with county.app.app_context():
                barrier.wait()
                try:
                    sent.append(send_collection("leavers", 2022, force=True)["sent"])
                    db.session.commit()
                except OperationalError as error:  # SQLite: the other writer holds the database
                    db.session.rollback()
                    errors.append(error)

        threads = [threading.Thread(target=scheduler) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sent, errors
        assert all("database is locked" in str(error) for error in errors)
        sent.append(queue_invites(county)["sent"])  # the next day's run finds nothing left to send
    assert sum(sent) == SCHOOLS
    assert outbox_counts(county) == Counter(queued=SCHOOLS * CONTACTS)

    with SmtpServer(port=county.smtp_port) as server:
        if county.postgres:  # two senders at once as well
            senders = [flask(county, "deliver", "--limit", "25") for _ in range(2)]
            outputs = [p.communicate(timeout=120) for p in senders]
            assert [p.returncode for p in senders] == [0, 0], outputs
        else:
            in_county(county, lambda: _deliver_all())
    assert_one_invite_per_contact(server)
    assert outbox_counts(county) == Counter(sent=SCHOOLS * CONTACTS)


def _deliver_all(now=None):
    from tep_app.services.messaging.outbox import deliver_outbox

    total = Counter()
    while True:
        counts = deliver_outbox(limit=100, now=now)
        total.update(counts)
        if not any(counts.values()):
            return total


def test_a_sender_killed_half_way_and_started_again_sends_each_school_one_invitation(county):
    queue_invites(county)
    with SmtpServer(port=county.smtp_port, hold_at=60, hold_seconds=30) as server:
        sender = flask(county, "deliver", "--limit", "20")
        assert server.holding.wait(timeout=60), "the sender never reached the 60th email"
        os.kill(sender.pid, signal.SIGKILL)  # while it waits for the server to accept the 60th
        sender.wait(timeout=10)
        assert sender.returncode == -signal.SIGKILL
        counts = outbox_counts(county)
        assert counts["sent"] == 59 and counts["sending"] > 0
        assert len(server.messages) == 59

        restarted = flask(county, "deliver", "--reclaim-after", "0")
        out, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err
        assert f"Sent {SCHOOLS * CONTACTS - 59} emails; 0 failed; 0 still queued." in out
    assert_one_invite_per_contact(server)
    assert outbox_counts(county) == Counter(sent=SCHOOLS * CONTACTS)


def test_with_the_smtp_server_down_nothing_is_lost_and_all_is_sent_when_it_is_back(county):
    queue_invites(county)
    down = flask(county, "deliver")
    out, err = down.communicate(timeout=120)
    assert down.returncode == 1
    assert f"{SCHOOLS * CONTACTS} emails remain queued and will be retried (0 sent)" in err
    counts = outbox_counts(county)
    assert counts == Counter(queued=SCHOOLS * CONTACTS)

    with SmtpServer(port=county.smtp_port) as server:
        later = datetime.now(UTC) + timedelta(minutes=2)  # the back-off has passed
        delivered = in_county(county, lambda: _deliver_all(later))
    assert delivered["sent"] == SCHOOLS * CONTACTS and delivered["failed"] == 0
    assert_one_invite_per_contact(server)
