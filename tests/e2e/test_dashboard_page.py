"""The manager's dashboard, the audit search and staff accounts in a real browser, with axe-core."""
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tep_app import clock
from tep_app.extensions import db
from tests.support.browser import expect_title


@pytest.fixture
def chase_up(live_server):
    """A collection with two schools (one overdue) and three leavers, one of them Not Known."""
    from tep_app.models import Activity, Collection, Establishment, SchoolRecord, SchoolRequest, YoungPerson

    today = clock.today()
    year = today.year if today.month >= 9 else today.year - 1
    tag = secrets.token_hex(3)
    with live_server.app.app_context():
        collection = db.session.query(Collection).filter_by(kind="leavers", academic_year=year).one_or_none()
        if collection is None:
            collection = Collection(kind="leavers", academic_year=year, send_on=today - timedelta(days=30),
                                    due_on=today - timedelta(days=5))
            db.session.add(collection)
            db.session.flush()
        schools = []
        for n, status in enumerate(("sent", "submitted")):
            school = Establishment(laestab=f"886{secrets.randbelow(10000):04d}", name=f"Browser School {tag} {n}",
                                   type="school")
            db.session.add(school)
            db.session.flush()
            db.session.add(SchoolRequest(collection_id=collection.id, establishment_id=school.id, status=status,
                                         due_on=today - timedelta(days=5)))
            schools.append(school)
        for n, code in enumerate(("810", "230", None)):
            person = YoungPerson(forename=f"Browser{n}", surname=f"Leaver{tag}", date_of_birth=date(2007, 3, 1 + n))
            db.session.add(person)
            db.session.flush()
            db.session.add(SchoolRecord(young_person_id=person.id, establishment_id=schools[0].id,
                                        academic_year=year, kind="leaver", year_group=11))
            if code:
                db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=today, source="test"))
        db.session.commit()
        return collection.id, [school.name for school in schools]


def test_the_dashboard_and_the_audit_search_are_accessible(page, axe, sign_in, chase_up):
    collection_id, school_names = chase_up
    sign_in(page, "manager")
    page.goto(f"/dashboard/?collection={collection_id}")
    expect_title(page, "Chase-up")
    figure = page.locator('[data-figure="not-known"]').inner_text().strip()
    assert figure.isdigit() and int(figure) >= 2
    first_school = page.locator("#chase-up-table tbody tr th").first.inner_text()
    assert school_names[0] in first_school  # overdue first
    expect(page.locator("svg rect.tep-chart-bar")).to_have_count(16)
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the schools table (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto("/dashboard/audit")
    page.get_by_label("Action").select_option("export")
    page.get_by_role("button", name="Search").click()
    expect_title(page, "Audit")
    assert page.locator("#audit-table tbody tr[data-audit-event]").count() >= 1
    axe(page)
    page.get_by_label("From date").fill("31/02/2026")
    page.get_by_role("button", name="Search").click()
    expect_title(page, "Error: Audit")
    axe(page)


def test_staff_accounts_pages_are_accessible(page, axe, sign_in):
    sign_in(page, "admin")
    page.goto("/admin/")
    expect_title(page, "Admin")
    axe(page)
    page.get_by_role("link", name="Staff accounts").click()
    expect_title(page, "Staff accounts")
    axe(page)
    page.get_by_role("button", name="Create an account").click()
    page.get_by_role("button", name="Create account").click()
    expect_title(page, "Error: Create a staff account")
    axe(page)
    email_address = f"new-{secrets.token_hex(3)}@tep.example"
    page.get_by_label("Full name").fill("New Officer")
    page.get_by_label("Email address").fill(email_address)
    page.get_by_label("Officer: works a caseload of young people").check()
    page.get_by_role("button", name="Create account").click()
    expect_title(page, f"One-time password for {email_address}")
    assert len(page.locator("#one-time-password").inner_text().strip()) == 19
    axe(page)
    page.get_by_role("link", name="Back to New Officer").click()
    expect_title(page, "New Officer")
    axe(page)
    page.get_by_role("button", name="Disable account").click()
    assert "is disabled and signed out everywhere" in page.locator(".govuk-notification-banner").inner_text()
    axe(page)


def test_the_chase_up_table_and_its_chase_buttons_fit_a_1280_pixel_window(new_page, axe, sign_in, chase_up):
    collection_id, school_names = chase_up
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "manager")
    page.goto(f"/dashboard/?collection={collection_id}")
    expect_title(page, "Chase-up")
    wrapper = page.locator("#chase-up-table").locator("xpath=..")
    widths = wrapper.evaluate("w => [w.scrollWidth, w.clientWidth]")
    assert widths[0] <= widths[1], f"the table scrolls sideways: {widths}"
    button = page.get_by_role("button", name=f"Chase {school_names[0]}")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    axe(page)


def test_the_collection_drop_down_fits_a_390_pixel_phone(page, sign_in, chase_up):
    collection_id, _names = chase_up
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "manager")
    page.goto(f"/dashboard/?collection={collection_id}")
    select = page.locator("select[name='collection']")
    box = select.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Nor does anything else push the page sideways: the wide table scrolls within its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
