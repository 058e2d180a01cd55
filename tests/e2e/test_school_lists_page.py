"""The schools pages in a real browser: find a school, page through its list, download it, with axe-core."""
import secrets
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tep_app.extensions import db
from tests.support.browser import expect_title

YEAR = 2035


@pytest.fixture
def school(live_server):
    """A school with 55 leavers of YEAR on no enrolment list and one found at college."""
    from tep_app.models import Establishment, EstablishmentContact, MatchResult, SchoolRecord, YoungPerson
    from tep_app.services.lists import build_lists

    laestab = f"887{secrets.randbelow(10000):04d}"
    with live_server.app.app_context():
        establishment = Establishment(laestab=laestab, name=f"Browser Grammar {laestab}", type="school")
        db.session.add(establishment)
        db.session.flush()
        db.session.add(EstablishmentContact(establishment_id=establishment.id, name="Data Manager",
                                            email=f"data.{laestab}@school.example", position=0))
        for n in range(56):
            person = YoungPerson(forename=f"Pupil{n:02d}", surname=f"Browser{n:02d}",
                                 date_of_birth=date(YEAR - 16, 1 + n % 12, 1 + n % 28))
            db.session.add(person)
            db.session.flush()
            record = SchoolRecord(young_person_id=person.id, establishment_id=establishment.id,
                                  academic_year=YEAR, kind="leaver", year_group=11 + n % 2)
            db.session.add(record)
            db.session.flush()
            db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id,
                                       outcome="certain" if n == 55 else "none", rule="test", score=1.0))
        build_lists("leavers", YEAR)
        db.session.commit()
    return laestab


def test_a_school_and_its_list_in_the_browser(page, axe, sign_in, school):
    sign_in(page, "officer")
    page.goto(f"/schools/?year={YEAR}")
    expect_title(page, "Schools")
    page.get_by_label("School name or LAESTAB").fill(school)
    page.get_by_role("button", name="Search").click()
    row = page.locator(f'#schools-table tr[data-laestab="{school}"]')
    assert row.locator('[data-count="leavers"]').inner_text() == "55"
    assert row.locator('[data-count="no-offer"]').inner_text() == "0"
    axe(page)

    row.get_by_role("link", name=f"Browser Grammar {school}").click()
    expect_title(page, f"Browser Grammar {school}")
    assert f"data.{school}@school.example" in page.locator("#contacts").inner_text()
    expect(page.locator("#entries-table tbody tr")).to_have_count(50)
    assert "31 October 2035" in page.locator('#lists-table tr[data-list="leavers"]').inner_text()
    axe(page)

    page.locator(".govuk-pagination__next a").click()
    expect(page.locator("#entries-table tbody tr")).to_have_count(5)
    assert "on no school or college enrolment list" in page.locator("#entries-table").inner_text()
    axe(page)

    with page.expect_download() as download:
        page.locator("#download-leavers").click()
    assert download.value.suggested_filename == f"{school}-leavers-{YEAR}.xlsx"
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(BytesIO(handle.read())).worksheets[0]
    assert sheet.max_row == 56 and sheet["A1"].value == "Reference"


def test_an_unknown_school_in_the_browser(page, axe, sign_in):
    sign_in(page, "manager")
    page.goto("/schools/0000000")

    expect_title(page, "School not found")
    assert "There is no school with LAESTAB 0000000" in page.locator("main").inner_text()
    axe(page)
