"""The case page and its timeline in words and UK time: names (a member of staff's, a school
contact's), never an email address, the word "officer" or a bare code; one time zone on every line,
in British Summer Time too."""
from datetime import UTC, datetime

import time_machine

from tests.cases.test_cases_casework import activity_data, seeded_case
from tests.support.cases_support import cases_of
from tests.support.portal_support import seed_request, sign_school_in


def _flash(page) -> str:
    banner = page.select_one(".govuk-notification-banner")
    return banner.get_text(" ", strip=True) if banner else ""


def test_a_move_recorded_by_an_officer_reads_as_words_with_the_officers_name(pages, login, make, db):
    with time_machine.travel(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), tick=False):
        officer = login("officer", name="Priya Shah", email="priya.shah@tep.example")
        case, _ = seeded_case(make, db, officer)
        pages.post(f"/cases/{case.id}/moved", {"moved-version": str(case.version), "moved-moved": "other_la",
                                               "moved-moved_to": ""}, 302)
        page = pages.get(f"/cases/{case.id}").page
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert "Moved to another local authority, on 5 December 2026" in timeline
    assert "none to" not in timeline and "to to" not in timeline and "2026-12-05" not in timeline
    assert "Priya Shah" in timeline
    assert "priya.shah@tep.example" not in timeline


def test_an_activity_is_named_in_words_in_the_message_and_the_timeline(pages, login, make, db):
    officer = login("officer", name="Tom Reid", email="tom.reid@tep.example")
    case, _ = seeded_case(make, db, officer)
    pages.post(f"/cases/{case.id}/activity", activity_data(case, "810"), 302)
    page = pages.get(f"/cases/{case.id}").page
    assert "Activity 810 recorded" not in _flash(page)
    assert "Current situation not known (810) recorded" in _flash(page)
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert "Activity recorded: Current situation not known (810)" in timeline
    assert "Tom Reid" in timeline
    assert "· officer" not in timeline and "tom.reid@tep.example" not in timeline


def test_a_school_answer_on_the_timeline_names_the_school_contact_and_never_their_email(app, pages, login, make,
                                                                                          db):
    seeded = seed_request(make, db, entries=1)
    contact = seeded.establishment.contacts[0]
    contact.name = "Hannah Okafor"
    db.session.commit()
    school = app.test_client()
    sign_school_in(school, seeded, contact.email)
    answered = school.post(f"/school/young-people/{seeded.entries[0].id}", data={
        "outcome": "810", "provider_name": "", "phone": "", "parent_phone": "", "email": "",
        "intelligence": "Moved in with her dad", "version": "0", "save": "Save answer"})
    assert answered.status_code == 302, answered.get_data(as_text=True)[:1500]
    assert school.post("/school/submit").status_code == 302
    login("officer")
    case = cases_of(db, seeded.entries[0].young_person)[0]
    response = pages.get(f"/cases/{case.id}")
    item = next(item.get_text(" ", strip=True) for item in response.page.select("#timeline li")
                if "answered" in item.get_text())
    assert f"{seeded.establishment.name} answered: Current situation not known (810)" in item
    assert f"Hannah Okafor, {seeded.establishment.name}" in item and "Moved in with her dad" in item
    assert contact.email.lower() not in response.get_data(as_text=True).lower()


def test_in_british_summer_time_the_case_and_its_timeline_give_the_same_uk_time(pages, login, make, db):
    # 13:21 UTC on 24 June is 14:21 in London.
    with time_machine.travel(datetime(2027, 6, 24, 13, 21, tzinfo=UTC), tick=False):
        officer = login("officer")
        case, _ = seeded_case(make, db, officer)
        pages.post(f"/cases/{case.id}/activity", activity_data(case, "330"), 302)
        page = pages.get(f"/cases/{case.id}").page
    closed = next(inset.get_text(" ", strip=True) for inset in page.select(".govuk-inset-text")
                  if "This case was closed" in inset.get_text())
    assert "closed on 24 June 2027 at 14:21" in closed
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert "24 June 2027 at 14:21" in timeline
    assert "13:21" not in closed + timeline


def _current_items(page) -> list[str]:
    return [link.get_text(" ", strip=True) for link in page.select(".govuk-service-navigation [aria-current]")]


def test_the_menu_marks_one_item_as_the_current_page(pages, login):
    login("admin")
    assert _current_items(pages.get("/admin/imports/").page) == ["Imports"]
    assert _current_items(pages.get("/admin/matches/").page) == ["Match review"]
    assert _current_items(pages.get("/admin/").page) == ["Admin"]
    assert _current_items(pages.get("/dashboard/audit").page) == ["Audit"]
    assert _current_items(pages.get("/dashboard/").page) == ["Chase-up"]
