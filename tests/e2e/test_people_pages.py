"""Find a young person and their page in a real browser, with axe-core: the box on a staff page,
the results, a query that gets a message, and the young person's page."""
import secrets
import string
from datetime import date

from playwright.sync_api import expect

from tep_app.extensions import db
from tests.support.browser import expect_title


def _seed(live_server) -> str:
    from tep_app.models import Activity, ContactDetail, Establishment, SchoolRecord, YoungPerson

    # Letters only: a name's digits are read as spaces, so "Quillona3ab2d" would be three words.
    tag = "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
    surname = f"Quillon{tag}"
    with live_server.app.app_context():
        school = Establishment(laestab=f"886{secrets.randbelow(10000):04d}", name=f"Browser School {tag}",
                               type="school")
        db.session.add(school)
        db.session.flush()
        person = YoungPerson(forename="Christopher", surname=surname, date_of_birth=date(2006, 3, 14),
                             postcode="CT9 4QQ")
        db.session.add(person)
        db.session.flush()
        db.session.add(SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=2022,
                                    kind="leaver", year_group=11))
        db.session.add(Activity(young_person_id=person.id, code="230", ascertained_on=date(2022, 9, 30),
                                source="officer"))
        for value, source in (("07700900111", "leavers import"), ("07700900222", "school, 12 Oct")):
            db.session.add(ContactDetail(young_person_id=person.id, kind="phone", value=value, source=source,
                                         recorded_on=date(2022, 10, 12)))
        db.session.commit()
    return surname


def test_finding_a_young_person_and_their_page_are_accessible(page, axe, sign_in, live_server):
    surname = _seed(live_server)
    sign_in(page, "officer")
    page.get_by_label("Find a young person").fill(f"Chris {surname} 2006")
    page.get_by_role("button", name="Find").click()
    expect_title(page, "Find a young person")
    expect(page.locator("#people-results tbody tr")).to_have_count(1)
    axe(page)
    page.get_by_role("link", name=f"Christopher {surname}").click()
    expect_title(page, f"Christopher {surname}")
    expect(page.locator("#contacts tbody tr")).to_have_count(2)
    axe(page)
    page.get_by_label("Find a young person").fill("x")
    page.get_by_role("button", name="Find").click()
    expect_title(page, "Error: Find a young person")
    axe(page)
