"""The school request page in a real browser: a manager replaces and revokes the link, with axe-core."""
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tep_app import clock
from tep_app.extensions import db
from tests.support.browser import expect_title

YEAR = 2037


@pytest.fixture
def school_request(live_server):
    """A sent request for a school with two contacts and two young people on its list."""
    from tep_app.models import (
        Collection,
        Establishment,
        EstablishmentContact,
        ListEntry,
        SchoolRecord,
        SchoolRequest,
        YoungPerson,
    )
    from tep_app.services.school_requests.links import issue_token

    laestab = f"888{secrets.randbelow(10000):04d}"
    with live_server.app.app_context():
        collection = db.session.query(Collection).filter_by(kind="leavers", academic_year=YEAR).one_or_none()
        if collection is None:
            collection = Collection(kind="leavers", academic_year=YEAR, send_on=clock.today() - timedelta(days=10),
                                    due_on=clock.today() + timedelta(days=10))
            db.session.add(collection)
            db.session.flush()
        school = Establishment(laestab=laestab, name=f"Browser Academy {laestab}", type="school")
        db.session.add(school)
        db.session.flush()
        for position, name in enumerate(("Data Manager", "Head of Sixth Form")):
            db.session.add(EstablishmentContact(establishment_id=school.id, name=name, position=position,
                                                email=f"contact{position}.{laestab}@school.example"))
        for n in range(2):
            person = YoungPerson(forename=f"Request{n}", surname=f"Browser{laestab}",
                                 date_of_birth=date(2020, 1, 1 + n))
            db.session.add(person)
            db.session.flush()
            record = SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=YEAR,
                                  kind="leaver", year_group=11)
            db.session.add(record)
            db.session.flush()
            db.session.add(ListEntry(collection_id=collection.id, establishment_id=school.id,
                                     young_person_id=person.id, school_record_id=record.id))
        request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="sent",
                                due_on=collection.due_on)
        db.session.add(request)
        db.session.flush()
        issue_token(request)
        db.session.commit()
        return request.id, school.name, laestab


def test_a_manager_replaces_and_revokes_a_link(page, axe, sign_in, school_request):
    request_id, school_name, laestab = school_request
    sign_in(page, "manager")
    page.goto(f"/requests/{request_id}")
    expect_title(page, f"{school_name}: Year 11 and 12 leaver destinations")
    assert page.locator("#request-status").inner_text().strip() == "Sent"
    expect(page.locator("#contacts-table tbody tr")).to_have_count(2)
    assert "Link issued" in page.locator("#history-table").inner_text()
    axe(page)

    page.get_by_role("button", name="Issue a new link and email it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"is being emailed to contact0.{laestab}@school.example")
    expect(page.locator("#history-table")).to_contain_text("Email: New link")
    axe(page)

    page.get_by_role("button", name="Revoke link").click()
    expect_title(page, f"Revoke the link for {school_name}")
    axe(page)
    page.get_by_role("button", name="Revoke link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is revoked")
    expect(page.locator("#revoke-link")).to_have_count(0)
    axe(page)


def test_an_officer_sees_the_page_without_buttons(page, axe, sign_in, school_request):
    _request_id, school_name, laestab = school_request
    sign_in(page, "officer")
    page.goto(f"/schools/{laestab}?year={YEAR}")
    page.locator("#request-leavers").click()
    expect_title(page, f"{school_name}: ")
    expect(page.locator("#request-actions")).to_have_count(0)
    axe(page)
