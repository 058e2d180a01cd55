"""In a real browser: an officer searches "Chris Murphy 2006", finds Christopher Murphy (not the
Christopher Murphy born in 2004), opens his page with no case, and records employment with training
and a parent's phone number there. He leaves the Not Known figures: the manager's dashboard says
so. axe-core finds no serious or critical problem on the results or the young person's page."""
import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tests.support.browser import expect_title
from tests.support.factories import Factory

EMPLOYMENT_WITH_TRAINING = "Employment with training (other) (340)"


def _academic_year(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


@pytest.fixture
def murphys(live_server):
    """Christopher Murphy, born in 2006, a Kent leaver this academic year, Not Known (810) with no
    case; and a decoy of the same name born in 2004."""
    from tep_app.models import Activity, Collection

    today = clock.today()
    year = _academic_year(today)
    with live_server.app.app_context():
        make = Factory(db)
        collection = db.session.scalar(select(Collection).where(Collection.kind == "leavers",
                                                                Collection.academic_year == year))
        if collection is None:
            collection = Collection(kind="leavers", academic_year=year, send_on=today - timedelta(days=30),
                                    due_on=today - timedelta(days=5))
            db.session.add(collection)
            db.session.flush()
        school = make.establishment(name=f"Romney Marsh Academy {secrets.token_hex(2)}")
        chris = make.young_person(forename="Christopher", surname="Murphy", date_of_birth=date(2006, 5, 17),
                                  postcode="TN28 8AA")
        decoy = make.young_person(forename="Christopher", surname="Murphy", date_of_birth=date(2004, 2, 9),
                                  postcode="CT1 1AA")
        for person in (chris, decoy):
            make.school_record(person, school, "leaver", year, year_group=11)
            db.session.add(Activity(young_person_id=person.id, code="810", ascertained_on=today - timedelta(days=10),
                                    due_to_lapse_on=today + timedelta(days=80), source="school"))
        db.session.commit()
        return {"id": chris.id, "decoy": decoy.id, "collection_id": collection.id}


def _not_known(page, collection_id: int) -> int:
    page.goto(f"/dashboard/?collection={collection_id}")
    return int(page.locator('[data-figure="not-known"]').inner_text().strip().replace(",", ""))


def _banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def test_an_officer_finds_a_young_person_and_records_what_they_found(live_server, new_page, axe, sign_in, murphys):
    from tep_app.models import Activity, ContactDetail

    manager = new_page()
    sign_in(manager, "manager")
    before = _not_known(manager, murphys["collection_id"])

    officer = new_page()
    officer_id = sign_in(officer, "officer")
    officer.locator("#people-search-header-q").fill("Chris Murphy 2006")
    officer.locator("#people-search-header-q").press("Enter")
    expect_title(officer, "Find a young person")
    results = officer.locator("#people-results tbody tr")
    assert officer.locator(f'[data-person="{murphys["id"]}"]').count() == 1
    assert officer.locator(f'[data-person="{murphys["decoy"]}"]').count() == 0
    assert "Christopher Murphy" in results.first.inner_text() and "17 May 2006" in results.first.inner_text()
    axe(officer)

    officer.locator(f'[data-person="{murphys["id"]}"]').get_by_role("link", name="Christopher Murphy").click()
    expect_title(officer, "Christopher Murphy")
    assert "Current situation not known (810)" in officer.locator("#identity").inner_text()
    assert "has no open case" in officer.locator("#case-actions").inner_text()
    axe(officer)

    # An activity, found out today.
    officer.get_by_text("Record an activity", exact=True).click()
    officer.locator("#activity-code").select_option(label=EMPLOYMENT_WITH_TRAINING)
    officer.get_by_label("Provider (optional)").fill("Romney Marsh Farms")
    axe(officer)
    officer.get_by_role("button", name="Record activity").click()
    officer.wait_for_load_state()
    assert f"{EMPLOYMENT_WITH_TRAINING} recorded for Christopher Murphy" in _banner(officer)
    assert EMPLOYMENT_WITH_TRAINING in officer.locator("#identity").inner_text()

    # A parent's phone number, typed with spaces.
    officer.get_by_text("Add a phone number or email address", exact=True).click()
    officer.get_by_label("A parent or carer's phone number").check()
    officer.get_by_label("Phone number or email address").fill("07700 900 456")
    officer.get_by_role("button", name="Add contact details").click()
    officer.wait_for_load_state()
    assert "07700900456 added as the parent or carer's phone number" in _banner(officer)
    contacts = officer.locator("#contacts").inner_text()
    assert "07700900456" in contacts and "Parent or carer's phone" in contacts
    axe(officer)

    # He has left the Not Known figures, and the dashboard says so.
    assert _not_known(manager, murphys["collection_id"]) == before - 1
    axe(manager)

    with live_server.app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.young_person_id == murphys["id"],
                                                            Activity.code == "340"))
        assert (activity.source, activity.recorded_by_id, activity.ascertained_on) == \
            ("officer", officer_id, clock.today())
        detail = db.session.scalar(select(ContactDetail).where(ContactDetail.young_person_id == murphys["id"]))
        assert (detail.kind, detail.value, detail.source) == ("parent_phone", "07700900456", "officer")
