"""The headline measure's page and the schools' scorecard in a real browser, with axe-core: the
figures and the chart (inline SVG, no script), setting the target (and a refused one), and the
scorecard sorted by a column."""
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tep_app.extensions import db
from tests.support.browser import expect_title


@pytest.fixture
def measured(live_server):
    """Young people of academic age 16 with a leavers list, and the month ends of this academic
    year so far snapshotted (those not yet taken by another test)."""
    from tep_app import clock
    from tep_app.models import Activity, Collection, Establishment, SchoolRecord, SchoolRequest, YoungPerson
    from tep_app.services.returns.requirement import academic_year_of
    from tep_app.services.returns.snapshots import month_end, snapshot_for, take_snapshot

    tag = secrets.token_hex(3)
    with live_server.app.app_context():
        today = clock.today()
        year = academic_year_of(today)
        school = Establishment(laestab=f"886{secrets.randbelow(10000):04d}", name=f"Measure School {tag}",
                               type="school")
        db.session.add(school)
        collection = db.session.query(Collection).filter_by(kind="leavers", academic_year=year).one_or_none()
        if collection is None:
            collection = Collection(kind="leavers", academic_year=year, send_on=date(year, 9, 10),
                                    due_on=date(year, 10, 4))
            db.session.add(collection)
        db.session.flush()
        db.session.add(SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="sent",
                                     due_on=collection.due_on))
        for n, code in enumerate(("230", "619", None, "810")):
            person = YoungPerson(forename=f"Measure{n}", surname=f"Person{tag}", date_of_birth=date(year - 16, 3, 1))
            db.session.add(person)
            db.session.flush()
            db.session.add(SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=year,
                                        kind="leaver", year_group=11))
            if code:
                db.session.add(Activity(young_person_id=person.id, code=code, source="test",
                                        ascertained_on=date(year, 9, 5), due_to_lapse_on=date(year + 1, 9, 5),
                                        neet_start_date=date(year, 9, 1) if code == "619" else None))
        db.session.commit()
        first = date(year, 9, 1)
        while True:
            day = month_end(first.year, first.month)
            if day >= today:
                break
            if snapshot_for(day) is None:
                take_snapshot(day)
                db.session.commit()
            first = day + timedelta(days=1)
        return year, school.name


def test_the_measure_page_and_its_target_are_accessible(page, axe, sign_in, measured):
    year, _school = measured
    sign_in(page, "manager")
    page.goto("/dashboard/")
    page.get_by_role("link", name="The DfE's NEET and Not Known measure").click()
    expect_title(page, f"NEET and Not Known {year} to {year + 1}")
    assert page.locator('[data-figure="month-combined"]').inner_text().endswith("%")
    points = page.locator("svg circle.tep-trend-this-point").count()
    assert points >= 1
    expect(page.locator("#trend-table tbody tr")).to_have_count(12)
    axe(page)

    page.get_by_label("Target for NEET and Not Known, %").fill("101")
    page.get_by_role("button", name="Set the target").click()
    expect_title(page, f"Error: NEET and Not Known {year} to {year + 1}")
    expect(page.locator(".govuk-error-summary")).to_contain_text("101 is not a percentage")
    axe(page)

    page.get_by_label("Target for NEET and Not Known, %").fill("4.5")
    page.get_by_role("button", name="Set the target").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"The target for {year} to {year + 1} is now 4.5%")
    expect(page.locator("svg line.tep-trend-target")).to_have_count(1)
    axe(page)


def test_the_scorecard_is_accessible_and_sorts(page, axe, sign_in, measured):
    year, school = measured
    sign_in(page, "manager")
    page.goto(f"/returns/schools?year={year}")
    expect_title(page, f"Schools' scorecard {year} to {year + 1}")
    row = page.locator("#scorecard-table tbody tr", has_text=school)
    expect(row.locator('[data-figure="not-known"]')).to_have_text("2")
    axe(page)
    page.locator("#scorecard-table thead a", has_text="School").first.click()
    expect(page.locator("#scorecard-sort")).to_contain_text("sorted by school name")
    axe(page)
