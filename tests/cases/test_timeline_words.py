"""The case page and its timeline in words and UK time: names, never an email address, the word
"officer" or a bare code; one time zone on every line, in British Summer Time too."""
from datetime import UTC, datetime

import time_machine

from tests.cases.test_cases_casework import activity_data, seeded_case


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
    assert "recorded" in _flash(page) and "(810)" in _flash(page)
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert "Activity recorded:" in timeline and "(810)" in timeline
    assert "Tom Reid" in timeline
    assert "· officer" not in timeline and "tom.reid@tep.example" not in timeline


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
