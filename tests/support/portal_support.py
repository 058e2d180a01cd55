"""Helpers for the school portal tests: a seeded request with its list, and signing a school in."""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import select

from tep_app import clock
from tep_app.models import Collection, ListEntry, OutboxMessage, SchoolRequest
from tep_app.services.school_requests.links import issue_token, link_fingerprint

HEADERS = [
    "Reference", "UPN", "ULN", "Forename", "Surname", "Date of birth", "Year group", "Gender", "Postcode",
    "Destination", "Provider", "Start date", "Young person's phone", "Parent or carer's phone", "Email",
    "What you know",
]


@dataclass
class Seeded:
    request: SchoolRequest
    token: str
    entries: list[ListEntry]
    establishment: object
    collection: Collection
    extra: dict = field(default_factory=dict)


def make_collection(db, kind: str = "leavers", academic_year: int = 2022) -> Collection:
    existing = db.session.scalar(select(Collection).where(Collection.kind == kind,
                                                          Collection.academic_year == academic_year))
    if existing:
        return existing
    collection = Collection(kind=kind, academic_year=academic_year, send_on=clock.today(),
                            due_on=clock.today() + timedelta(days=30))
    db.session.add(collection)
    db.session.flush()
    return collection


def seed_request(make, db, *, entries: int = 3, contacts: int = 2, collection=None,
                 due_on: date | None = None) -> Seeded:
    collection = collection or make_collection(db)
    school = make.establishment(contacts=contacts)
    rows = []
    for _ in range(entries):
        person = make.young_person()
        record = make.school_record(person, school, kind="leaver", academic_year=collection.academic_year,
                                    year_group=11)
        entry = ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=person.id,
                          school_record_id=record.id, reason="no enrolment found")
        db.session.add(entry)
        rows.append(entry)
    request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="sent",
                            due_on=due_on or clock.today() + timedelta(days=20))
    db.session.add(request)
    db.session.flush()
    token = issue_token(request)
    # Committed (to the test's savepoint) so a refused request's rollback keeps the seed.
    db.session.commit()
    return Seeded(request, token, rows, school, collection)


def sign_school_in(client, seeded: Seeded, contact_email: str | None = None) -> None:
    """A confirmed school session, set directly (the code journey has its own tests)."""
    from tep_app import extensions as _extensions
    from tep_app.auth.sessions import SCHOOL_KEY, record_session

    with client.session_transaction() as session:
        session["school_request_id"] = seeded.request.id
        session["school_contact_email"] = contact_email or seeded.establishment.contacts[0].email
        session["school_link"] = link_fingerprint(seeded.request)
        session[SCHOOL_KEY] = record_session("school", school_request_id=seeded.request.id,
                                             contact_email=session["school_contact_email"])
    # Committed (to the test's savepoint) so a refused request's rollback keeps the session.
    _extensions.db.session.commit()


def latest_code(db, to: str) -> str:
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "access_code", OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc()).limit(1)
    )
    assert message is not None, f"no code email to {to}"
    return re.search(r"\b(\d{6})\b", sent_text(message)).group(1)


def sent_text(message: OutboxMessage) -> str:
    """The body of a queued email as the sender puts it on the wire, link and code made then (the
    outbox row itself holds neither)."""
    from tep_app.services.messaging.outbox import render_message

    return render_message(message)[1]


def xlsx(rows: list[list], headers: list[str] | None = None) -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Young people"
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def entry_row(entry: ListEntry, **answers) -> list:
    person = entry.young_person
    values = {
        "Reference": entry.id, "UPN": person.upn, "ULN": person.uln, "Forename": person.forename,
        "Surname": person.surname, "Date of birth": person.date_of_birth, "Year group": 11,
        "Gender": person.gender, "Postcode": person.postcode,
    }
    names = {"destination": "Destination", "provider": "Provider", "start_date": "Start date",
             "phone": "Young person's phone", "parent_phone": "Parent or carer's phone", "email": "Email",
             "what_you_know": "What you know"}
    for key, value in answers.items():
        values[names[key]] = value
    return [values.get(header) for header in HEADERS]

