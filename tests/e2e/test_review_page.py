"""The match review page in a real browser: a reviewer accepts a possible pair; axe-core passes."""
import secrets
from datetime import date

from playwright.sync_api import expect

from tests.support.browser import expect_title

YEAR = 2031  # a year of its own, so other tests' data does not reach this queue


def _seed_possible_pair(app) -> str:
    from tep_app.extensions import db
    from tep_app.models import Enrolment, Establishment, SchoolRecord, YoungPerson
    from tep_app.services.match_runs import run_matching

    tag = secrets.token_hex(3)
    with app.app_context():
        school = Establishment(laestab=f"886{secrets.randbelow(9000) + 1000}", name=f"Priory Fields School {tag}",
                               type="school")
        college = Establishment(laestab=f"886{secrets.randbelow(9000) + 1000}", name=f"Weald Coast College {tag}",
                                type="college")
        db.session.add_all([school, college])
        db.session.flush()
        person = YoungPerson(forename="Priya", surname=f"Raman{tag}", date_of_birth=date(2014, 3, 14),
                             gender="F", postcode="TN23 4DD")
        db.session.add(person)
        db.session.flush()
        db.session.add(SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=YEAR,
                                    kind="leaver", year_group=11))
        db.session.add(Enrolment(provider_id=college.id, academic_year=YEAR, forename="Priya",
                                 surname=f"Raman{tag}x", date_of_birth=date(2014, 3, 19), postcode="DA1 1ZZ",
                                 row_key=f"e2e-{tag}"))
        db.session.flush()
        run_matching(YEAR, kinds=["leaver_enrolment"])
        db.session.commit()
    return f"Priya Raman{tag}"


def test_a_reviewer_accepts_a_possible_pair(page, axe, sign_in, live_server):
    name = _seed_possible_pair(live_server.app)
    sign_in(page, "admin")
    page.goto(f"/admin/matches/?year={YEAR}")

    expect_title(page, "Match review")
    pair = page.locator(".app-review-pair", has_text=name)
    assert "Different" in pair.locator("tr", has_text="Date of birth").inner_text()
    axe(page)

    pair.get_by_role("button", name=f"Accept match for {name}").click()
    page.wait_for_load_state()
    assert f"Match for {name} accepted" in page.locator(".govuk-notification-banner").inner_text()
    expect(page.locator(".app-review-pair", has_text=name)).to_have_count(0)
    axe(page)
