"""Send bench: build and queue the send to 130 schools, then deliver it to a local SMTP server.

For each database (a temporary SQLite file; PostgreSQL at 127.0.0.1:5432 too with --postgres):
migrate a fresh database, write 130 schools with two contacts each and their leavers lists (a
small generated county: a few young people per school, more with --scale), then time
`send_collection` (requests, secure links, one queued invitation per contact, committed) and
`deliver_outbox` to an aiosmtpd server on 127.0.0.1 until the outbox is empty. Reports seconds
and messages per second.

    .venv/bin/python -m bench.send [--postgres]
"""
import argparse
import os
import socket
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHOOLS, CONTACTS, YEAR = 130, 2, 2022
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


class _Counting:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
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
    from tep_app.services.school_requests.outbox import deliver_outbox
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
                db.session.remove()
                db.engine.dispose()
        finally:
            controller.stop()
            drop()
    if handler.count != result["emails"] or sent != result["emails"]:
        raise RuntimeError(f"queued {result['emails']} emails but the server got {handler.count}")
    return {"requests": result["sent"], "emails": result["emails"], "queue_seconds": queue_seconds,
            "deliver_seconds": deliver_seconds}


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


if __name__ == "__main__":
    from bench.report import Report

    parser = argparse.ArgumentParser(description="TEP Follow-up send bench")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    options = parser.parse_args()
    run(Report(scale=options.scale, postgres=options.postgres))
