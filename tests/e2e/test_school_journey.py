"""A school's whole journey in a real browser, with the emails caught by a real SMTP server:
open the emailed link, confirm with the emailed code, answer two young people, come back later,
finish, submit and receive the receipt. Another school sees none of it. axe-core on every page.
"""
import re
import secrets
import types
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tep_app import clock
from tests.support.browser import expect_title

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/school/start/[A-Za-z0-9_\-]+)")
CODE = re.compile(r"\b(\d{6})\b")


def _is_code(message) -> bool:
    body = _body(message)
    return bool(CODE.search(body)) and not LINK.search(body)


def _body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else message.get_content()


@pytest.fixture
def mail(live_server):
    """Deliver the outbox to the test's SMTP server, as the sender process does."""
    from tep_app.extensions import db
    from tep_app.services.messaging.outbox import deliver_outbox

    def deliver():
        with live_server.app.app_context():
            deliver_outbox(limit=100)
            db.session.commit()

    return types.SimpleNamespace(deliver=deliver)


def _seed(live_server):
    """A collection and two schools' requests, each with three young people, in the live database."""
    from tep_app.extensions import db
    from tep_app.identifiers import make_upn
    from tep_app.models import (
        Collection,
        Establishment,
        EstablishmentContact,
        ListEntry,
        SchoolRecord,
        SchoolRequest,
        YoungPerson,
    )

    with live_server.app.app_context():
        used = set(db.session.scalars(select(Collection.academic_year).where(Collection.kind == "leavers")))
        year = next(y for y in range(2030 + secrets.randbelow(60), 2200) if y not in used)
        collection = Collection(kind="leavers", academic_year=year, send_on=clock.today(),
                                due_on=clock.today() + timedelta(days=20))
        db.session.add(collection)
        db.session.flush()
        schools = []
        for label in ("Oakfield", "Riverside"):
            estab = 5000 + secrets.randbelow(4999)
            while db.session.scalar(select(Establishment).where(Establishment.laestab == f"886{estab}")):
                estab = 5000 + secrets.randbelow(4999)
            school = Establishment(laestab=f"886{estab}", name=f"{label} Academy", type="school")
            db.session.add(school)
            db.session.flush()
            slug = f"{label.lower()}{estab}"
            for position, name in enumerate(("Data Manager", "Tracking Lead")):
                db.session.add(EstablishmentContact(
                    establishment_id=school.id, name=name, position=position,
                    email=f"{name.split()[0].lower()}@{slug}.school.example"))
            names = []
            for n, (forename, surname) in enumerate((("Amara", "Okafor"), ("Bailey", "Hughes"),
                                                     ("Callum", "Price")), start=1):
                surname = f"{surname}{label[:3]}"
                person = YoungPerson(upn=make_upn(886, estab, 22, n), forename=forename, surname=surname,
                                     date_of_birth=date(2006, n, 10 + n), gender="U", postcode="ME14 1XX")
                db.session.add(person)
                db.session.flush()
                record = SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=year,
                                      kind="leaver", year_group=11)
                db.session.add(record)
                db.session.flush()
                db.session.add(ListEntry(collection_id=collection.id, establishment_id=school.id,
                                         young_person_id=person.id, school_record_id=record.id))
                names.append(f"{forename} {surname}")
            request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="not_sent",
                                    due_on=collection.due_on)
            db.session.add(request)
            db.session.flush()
            schools.append({"id": request.id, "name": school.name, "names": names,
                            "contacts": [f"data@{slug}.school.example", f"tracking@{slug}.school.example"]})
        db.session.commit()
        return collection.id, schools


def _invite_links(live_server, mail, smtp_server, collection_id, schools) -> dict:
    """Send the invitations (the real send service when it exists) and read the links from the emails."""
    from tep_app.extensions import db
    from tep_app.models import Collection, SchoolRequest

    with live_server.app.app_context():
        try:
            from tep_app.services.school_requests.sending import send_collection
        except ImportError:
            send_collection = None
        if send_collection is not None:
            send_collection(db.session.get(Collection, collection_id), force=True)
        else:
            from tep_app.services.messaging.outbox import queue_email
            from tep_app.services.school_requests.links import issue_token

            for school in schools:
                request = db.session.get(SchoolRequest, school["id"])
                token = issue_token(request)
                request.status = "sent"
                queue_email(ledger_key=f"request:{request.id}:invite:1", kind="invite", to=school["contacts"][0],
                            subject=f"Your list of leavers: {school['name']}",
                            body=f"Open your list: {live_server.url}/school/start/{token}",
                            school_request_id=request.id)
        db.session.commit()
    mail.deliver()
    links = {}
    for school in schools:
        found = smtp_server.wait_for(lambda m, s=school: m["To"] == s["contacts"][0] and LINK.search(_body(m)))
        links[school["id"]] = LINK.search(_body(found[-1])).group(1)
    return links


def _confirm(page, axe, mail, smtp_server, link, contact_label, contact_email):
    page.goto(link)
    expect_title(page, "Your list of young people")
    axe(page)
    page.get_by_role("button", name="Continue").click()
    expect_title(page, "Confirm it is your school")
    assert "/start/" not in page.url
    axe(page)
    page.get_by_label(contact_label).check()
    already = len([m for m in smtp_server.messages if m["To"] == contact_email and _is_code(m)])
    page.get_by_role("button", name="Send the code").click()
    expect_title(page, "Enter the code from the email")
    axe(page)
    mail.deliver()
    found = smtp_server.wait_for(lambda m: m["To"] == contact_email and _is_code(m))
    assert len(found) > already
    page.get_by_label("Code").fill(CODE.search(_body(found[-1])).group(1))
    page.get_by_role("button", name="Continue").click()
    expect_title(page, "Your young people")
    axe(page)


def _answer(page, axe, name, destination, phone=None, draft=False):
    page.get_by_role("link", name=name).click()
    expect_title(page, name)
    axe(page)
    page.get_by_label("Destination").select_option(label=destination)
    if phone:
        page.get_by_label("Young person's phone (optional)").fill(phone)
    page.get_by_role("button", name="Save as draft" if draft else "Save answer").click()
    expect_title(page, "Your young people")


def test_a_school_answers_its_list_over_two_visits_and_gets_a_receipt(live_server, smtp_server, new_page, axe, mail):
    collection_id, schools = _seed(live_server)
    oak, river = schools
    links = _invite_links(live_server, mail, smtp_server, collection_id, schools)

    # A wrong link: a plain message and nothing more.
    page = new_page()
    page.goto(links[oak["id"]][:-3] + "abc")
    expect_title(page, "This link does not work")
    assert oak["name"] not in page.content()
    axe(page)

    # First visit: confirm with the code, answer two young people, save.
    _confirm(page, axe, mail, smtp_server, links[oak["id"]], "Data Manager", oak["contacts"][0])
    _answer(page, axe, oak["names"][0], "Apprenticeship", phone="07700 900123")
    _answer(page, axe, oak["names"][1], "Sixth-form college", draft=True)
    assert "1 of 3 answered, 1 draft" in page.locator("#progress").inner_text()
    for href in page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')"):
        assert not any(part in href for name in oak["names"] for part in name.split())
    page.goto("/school/upload")
    expect_title(page, "Upload your filled-in list")
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect_title(page, "You have signed out")
    axe(page)

    # Later, a colleague in another browser: confirm again with a new code, finish and submit.
    later = new_page()
    _confirm(later, axe, mail, smtp_server, links[oak["id"]], "Tracking Lead", oak["contacts"][1])
    assert "1 of 3 answered, 1 draft" in later.locator("#progress").inner_text()
    _answer(later, axe, oak["names"][1], "Sixth-form college")
    _answer(later, axe, oak["names"][2], "Not known to us")
    later.get_by_role("button", name="Check and submit").click()
    expect_title(later, "Check your answers before you submit")
    axe(later)
    assert "3 of 3" in later.locator(".govuk-summary-list").first.inner_text()
    before = len([m for m in smtp_server.messages if m["To"] == oak["contacts"][1]])
    later.get_by_role("button", name="Submit the list").click()
    assert later.locator(".govuk-panel__title").inner_text().strip() == "List submitted"
    axe(later)
    mail.deliver()
    smtp_server.wait_for(lambda m: m["To"] == oak["contacts"][1] and "We received your answers" in _body(m))
    to_lead = [m for m in smtp_server.messages if m["To"] == oak["contacts"][1]]
    assert len(to_lead) == before + 1
    assert oak["name"] in _body(to_lead[-1]) and "3 of the 3 young people" in _body(to_lead[-1])

    # Another school's session sees none of it.
    other = new_page()
    _confirm(other, axe, mail, smtp_server, links[river["id"]], "Data Manager", river["contacts"][0])
    listing = other.content()
    assert all(name in listing for name in river["names"])
    assert not any(name in listing for name in oak["names"])
    with live_server.app.app_context():
        from tep_app.extensions import db
        from tep_app.models import ListEntry, SchoolRequest

        oak_request = db.session.get(SchoolRequest, oak["id"])
        assert oak_request.status == "submitted"
        oak_entry = db.session.scalar(select(ListEntry.id).where(
            ListEntry.collection_id == collection_id, ListEntry.establishment_id == oak_request.establishment_id))
    response = other.goto(f"/school/young-people/{oak_entry}")
    assert response.status == 404
    assert not any(name in other.content() for name in oak["names"])
    axe(other)
