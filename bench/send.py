"""Send bench: build and queue the send to 130 schools, then deliver it to a local SMTP server.

For each database (a temporary SQLite file; PostgreSQL at 127.0.0.1:5432 too with --postgres):
migrate a fresh database, write 130 schools with two contacts each and their leavers lists (a
small generated county: a few young people per school, more with --scale), then time
`send_collection` (requests, secure links, one queued invitation per contact, committed) and
`deliver_outbox` to an aiosmtpd server on 127.0.0.1 until the outbox is empty. Reports seconds
and messages per second.

Then a send day with a backlog: the send queued again (a second county's worth of invitations)
while a sender drains it, with a server that takes 20 ms per message, and a school asks for its
access code once the first 20 invitations have gone. Reports the seconds from the code being
queued to the server receiving it, sent at once by the request (as the web app does), and left
to the sender's own runs (as when that first try cannot reach the server).

    .venv/bin/python -m bench.send [--postgres]
"""
import argparse
import os
import socket
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS, CONTACTS, YEAR = 130, 2, 2022
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


CODE_SUBJECT = b"Subject: Your TEP Follow-up security code"
SERVER_SECONDS = 0.02  # the backlog's server: 20 ms to accept each message


class _Counting:
    def __init__(self):
        self.count = 0
        self.delay = 0.0
        self.codes: list[float] = []  # when each access code arrived (perf_counter)

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        if CODE_SUBJECT in envelope.content:
            self.codes.append(time.perf_counter())
        return "250 Message accepted for delivery"


def _seed(session, per_school: int) -> None:
    from tep_app.identifiers import make_upn
    from tep_app.models import (
        Collection,
        Establishment,
        EstablishmentContact,
        ListEntry,
        SchoolRecord,
        YoungPerson,
    )

    collection = Collection(kind="leavers", academic_year=YEAR, send_on=date(YEAR, 10, 7), due_on=date(YEAR, 10, 31),
                            built_at=datetime.now(UTC))
    session.add(collection)
    session.flush()
    for s in range(SCHOOLS):
        school = Establishment(laestab=f"886{4000 + s:04d}", name=f"Bench School {s + 1}", type="school")
        session.add(school)
        session.flush()
        session.add_all(EstablishmentContact(establishment_id=school.id, name=f"Contact {c + 1}", position=c,
                                             email=f"contact{c + 1}.{school.laestab}@school.example")
                        for c in range(CONTACTS))
        people = [YoungPerson(upn=make_upn(886, 4000 + s, 22, p + 1), forename=f"Sam{p}", surname=f"Bench{s}",
                              date_of_birth=date(2006, 1 + p % 12, 1 + s % 28), gender="U") for p in range(per_school)]
        session.add_all(people)
        session.flush()
        records = [SchoolRecord(young_person_id=p.id, establishment_id=school.id, academic_year=YEAR, kind="leaver",
                                year_group=11) for p in people]
        session.add_all(records)
        session.flush()
        session.add_all(ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=p.id,
                                  school_record_id=r.id) for p, r in zip(people, records, strict=False))
    session.commit()


def _database(postgres: bool, tmp: str):
    if not postgres:
        return f"sqlite:///{tmp}/send.sqlite", lambda: None
    from sqlalchemy import create_engine, text

    name = f"bench_send_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_URL.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_URL.format(name=name), drop


def measure(postgres: bool, per_school: int) -> dict:
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db
    from tep_app.services.messaging.outbox import deliver_outbox
    from tep_app.services.school_requests.sending import send_collection

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = _Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = _database(postgres, tmp)
        try:
            app = create_app("development", SQLALCHEMY_DATABASE_URI=url, SMTP_HOST="127.0.0.1", SMTP_PORT=port,
                             MAIL_CATCHER_DIR=f"{tmp}/mail")
            with app.app_context():
                upgrade()
                _seed(db.session, per_school)
                started = time.perf_counter()
                result = send_collection("leavers", YEAR, force=True)
                db.session.commit()
                queue_seconds = time.perf_counter() - started
                started = time.perf_counter()
                sent = 0
                while True:
                    counts = deliver_outbox(limit=100)
                    sent += counts["sent"]
                    if not any(counts.values()):
                        break
                deliver_seconds = time.perf_counter() - started
                received = handler.count
                code_seconds = _code_on_a_send_day(app, handler)
                db.session.remove()
                db.engine.dispose()
        finally:
            controller.stop()
            drop()
    if received != result["emails"] or sent != result["emails"]:
        raise RuntimeError(f"queued {result['emails']} emails but the server got {received}")
    return {"requests": result["sent"], "emails": result["emails"], "queue_seconds": queue_seconds,
            "deliver_seconds": deliver_seconds, **code_seconds}


def _code_on_a_send_day(app, handler) -> dict:
    """Queue the send's invitations again and drain them in a sender thread (the scheduler's job,
    one run after another) against a server taking SERVER_SECONDS a message; meanwhile a school
    asks for two codes: the first sent at once (`deliver_one`, as the web request does once it has
    answered), the second left to the sender's runs. Seconds from each code's commit to its arrival."""
    from sqlalchemy import select, update

    from tep_app.extensions import db
    from tep_app.models import OutboxMessage, SchoolRequest
    from tep_app.services.messaging.outbox import deliver_one, deliver_outbox
    from tep_app.services.school_requests.links import active_contacts, send_access_code

    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.kind == "invite")
                           .values(status="queued", sent_at=None))
        db.session.commit()
    handler.count, handler.delay = 0, SERVER_SECONDS
    draining = threading.Event()

    def drain():
        with app.app_context():
            while not draining.is_set():
                if not any(deliver_outbox(limit=100).values()):
                    draining.set()

    def ask_for_code(prompt: bool) -> float | None:
        arrived = len(handler.codes)
        with app.test_request_context(method="POST"):  # a school's POST: BEGIN IMMEDIATE on SQLite
            school_request = db.session.scalars(select(SchoolRequest).order_by(SchoolRequest.id)).first()
            access_code = send_access_code(school_request, active_contacts(school_request)[0].email)
            message_pk = db.session.scalar(select(OutboxMessage.id)
                                           .where(OutboxMessage.access_code_id == access_code.id))
            db.session.commit()
            queued = time.perf_counter()
            if prompt:
                deliver_one(message_pk)
        while len(handler.codes) == arrived and not draining.is_set():
            time.sleep(0.005)
        return handler.codes[arrived] - queued if len(handler.codes) > arrived else None

    sender = threading.Thread(target=drain)
    sender.start()
    try:
        while handler.count < 20:
            time.sleep(0.01)
        at_once = ask_for_code(prompt=True)
        by_sender = ask_for_code(prompt=False)
    finally:
        draining.wait(timeout=120)
        draining.set()
        sender.join()
        handler.delay = 0.0
    return {"code_at_once_seconds": at_once, "code_by_sender_seconds": by_sender}


def run(report) -> None:
    per_school = max(1, round(5 * report.scale))
    databases = [("SQLite", False)] + ([("PostgreSQL", True)] if report.postgres else [])
    report.info("send: county", f"{SCHOOLS} schools x {CONTACTS} contacts, {per_school} young people per list")
    for label, postgres in databases:
        figures = measure(postgres, per_school)
        emails = figures["emails"]
        report.row("send", f"{label}: build and queue the send ({figures['requests']} schools, {emails} emails)",
                   figures["queue_seconds"], "s", note=f"{emails / figures['queue_seconds']:.0f} emails/s queued")
        report.row("send", f"{label}: deliver to local SMTP ({emails} emails)", figures["deliver_seconds"], "s")
        report.row("send", f"{label}: delivery rate", emails / figures["deliver_seconds"], "messages/s",
                   note="one SMTP connection per 100; each message committed as sent before the next")
        for key, how in (("code_at_once_seconds", "sent at once by the request"),
                         ("code_by_sender_seconds", "left to the sender's runs")):
            report.row("send", f"{label}: an access code on a send day, {how}", figures[key], "s",
                       note=f"{emails} invitations draining, server {SERVER_SECONDS * 1000:.0f} ms a message")


if __name__ == "__main__":
    from bench.report import Report

    parser = argparse.ArgumentParser(description="TEP Follow-up send bench")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    options = parser.parse_args()
    run(Report(scale=options.scale, postgres=options.postgres))
