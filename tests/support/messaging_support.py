"""Helpers for the messaging tests: a real SMTP server (aiosmtpd) on loopback, and a county of
schools with contacts and lists seeded straight into a session."""
import asyncio
import email
import email.policy
import socket
import threading
import time
from datetime import UTC, date, datetime

from aiosmtpd.controller import Controller

from tep_app.identifiers import make_upn
from tep_app.models import (
    Collection,
    Establishment,
    EstablishmentContact,
    ListEntry,
    SchoolRecord,
    YoungPerson,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        number = self.server.received + 1
        self.server.received = number
        if self.server.hold_at is not None and number == self.server.hold_at:
            if self.server.keep_held:  # the server has it, whatever happens to the sender
                self.server.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            self.server.holding.set()
            await asyncio.sleep(self.server.hold_seconds)
            if self.server.keep_held:
                return "250 Message accepted for delivery"
        elif self.server.delay:
            await asyncio.sleep(self.server.delay)
        if smtp.transport is None or smtp.transport.is_closing():
            return "451 Connection lost before the message was accepted"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1. hold_at=N: the Nth message waits hold_seconds before it is accepted
    (and is dropped if the sender has gone by then), with `holding` set while it waits. With
    keep_held, the held message is kept at once, as by a server that took the message but whose
    answer never reached a sender killed meanwhile."""

    def __init__(self, port: int | None = None, delay: float = 0.0, hold_at: int | None = None,
                 hold_seconds: float = 30.0, keep_held: bool = False):
        self.port = port or free_port()
        self.messages: list = []
        self.received = 0
        self.delay = delay
        self.hold_at = hold_at
        self.hold_seconds = hold_seconds
        self.keep_held = keep_held
        self.holding = threading.Event()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def wait_for_count(self, n: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.05)


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def seed_county(session, schools: int, contacts: int = 2, kind: str = "leavers", year: int = 2022,
                send_on: date = date(2022, 10, 7), due_on: date = date(2022, 10, 31),
                per_school: int = 2, laestab_base: int = 5000) -> Collection:
    """`schools` schools, each with `contacts` contacts and `per_school` young people on its list."""
    collection = Collection(kind=kind, academic_year=year, send_on=send_on, due_on=due_on,
                            built_at=datetime.now(UTC))
    session.add(collection)
    session.flush()
    for s in range(schools):
        number = laestab_base + s
        school = Establishment(laestab=f"886{number:04d}", name=f"County School {number}", type="school")
        session.add(school)
        session.flush()
        for position in range(contacts):
            session.add(EstablishmentContact(establishment_id=school.id, name=f"Contact {position + 1}",
                                             email=f"contact{position + 1}.886{number:04d}@school.example",
                                             position=position))
        for p in range(per_school):
            person = YoungPerson(upn=make_upn(886, number, 22, p + 1), forename=f"Sam{number}", surname=f"Lee{p}",
                                 date_of_birth=date(2006, 1 + p % 12, 1 + s % 28), gender="U", postcode="ME14 1XX")
            session.add(person)
            session.flush()
            record = SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=year,
                                  kind="leaver" if kind == "leavers" else "roll", year_group=11)
            session.add(record)
            session.flush()
            session.add(ListEntry(collection_id=collection.id, establishment_id=school.id,
                                  young_person_id=person.id, school_record_id=record.id))
    session.flush()
    return collection
