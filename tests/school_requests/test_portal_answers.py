"""The school's list and its form for one young person: checks, drafts, colleagues at once."""
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, SchoolResponse
from tests.support.portal_support import seed_request, sign_school_in


@pytest.fixture
def seeded(make, db, client):
    seeded = seed_request(make, db, entries=3)
    sign_school_in(client, seeded)
    return seeded


def answer_url(entry):
    return f"/school/young-people/{entry.id}"


def form_data(**overrides):
    data = {"outcome": "220", "provider_name": "Mid Kent College", "start_date": ["4", "9", "2023"],
            "phone": "07700 900123", "parent_phone": "", "email": "", "intelligence": "", "version": "0",
            "save": "Save answer"}
    data.update(overrides)
    return data


def responses(db):
    return db.session.scalars(select(SchoolResponse)).all()


def test_the_list_shows_each_young_person_and_the_progress(pages, seeded, db):
    page = pages.page("/school/young-people")
    text = page.get_text(" ", strip=True)
    assert "0 of 3 answered" in text
    for entry in seeded.entries:
        assert entry.young_person.display_name in text
    assert text.count("Not started") == 3
    assert "Please submit by" in text
    assert page.select_one('a[href="/school/young-people.xlsx"]') is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view",
                                                      AuditEvent.object_type == "school_request"))


def test_no_personal_data_in_any_url(pages, seeded):
    urls = []
    for url in ("/school/young-people", answer_url(seeded.entries[0]), "/school/check", "/school/upload"):
        page = pages.page(url)
        urls += [tag.get("href") or tag.get("action") or "" for tag in page.select("[href], form[action]")]
    assert urls
    for entry in seeded.entries:
        person = entry.young_person
        for value in (person.forename, person.surname, person.upn, person.date_of_birth.isoformat()):
            assert not any(value.lower() in unquote(url).lower() for url in urls), value


def test_a_good_answer_is_saved_normalised_and_the_request_is_in_progress(pages, seeded, db):
    entry = seeded.entries[0]
    response = pages.post(answer_url(entry), form_data(parent_phone="01622 694000", email="sam@example.com",
                                                       intelligence="Started in September"), 302)
    assert response.headers["Location"].endswith("/school/young-people")
    saved = responses(db)[0]
    assert (saved.activity_code, saved.phone, saved.parent_phone, saved.answered) == (
        "220", "07700900123", "01622694000", True)
    assert saved.start_date.isoformat() == "2023-09-04"
    assert saved.updated_by == seeded.establishment.contacts[0].email
    db.session.refresh(seeded.request)
    assert seeded.request.status == "in_progress"
    page = pages.page("/school/young-people")
    assert "1 of 3 answered" in page.get_text(" ", strip=True)
    assert f"Answer saved for {entry.young_person.display_name}" in page.get_text(" ", strip=True)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school answer saved"))
    assert audit.actor_type == "school" and audit.object_id == str(entry.young_person_id)


def test_the_form_offers_destinations_in_plain_words_grouped(pages, seeded):
    page = pages.page(answer_url(seeded.entries[0]))
    groups = [group["label"] for group in page.select("#outcome optgroup")]
    assert "Education" in groups and "Not known" in groups
    assert page.select_one('#outcome option[value="810"]').get_text(strip=True) == "Not known to us"
    assert page.select_one('#outcome option[value="110"]') is None  # not offered to schools
    assert "Moved away" in groups
    assert page.select_one('#outcome option[value="moved:abroad"]').get_text(strip=True) == "Moved to another country"
    assert page.select_one("#outcome").find_previous("label").get_text(strip=True) == "Destination"


@pytest.mark.parametrize("field, value, message", [
    ("phone", "12345", "Enter the young person's phone number in the correct format"),
    ("parent_phone", "0800 not a number", "Enter the parent or carer's phone number in the correct format"),
    ("email", "sam at example", "Enter an email address in the correct format"),
    ("start_date", ["31", "2", "2023"], "Start date must be a real date"),
    ("start_date", ["", "9", "2023"], "Start date must include a day"),
    ("start_date", ["4", "9", "1899"], "Start date must be after 1 January 2000"),
    ("outcome", "999", "Not a valid choice"),
])
def test_bad_input_gets_a_message_by_the_field_and_nothing_is_saved(pages, seeded, db, field, value, message):
    response = pages.post(answer_url(seeded.entries[0]), form_data(**{field: value}), 200)
    error = response.page.select_one(".govuk-error-message").get_text(" ", strip=True)
    assert message in error
    summary = response.page.select_one(".govuk-error-summary a")
    assert summary["href"] == f"#{field}"
    assert response.page.title.get_text().startswith("Error: ")
    # What was typed is kept.
    if field in ("phone", "email", "parent_phone"):
        assert response.page.select_one(f"#{field}")["value"] == value
    assert responses(db) == []


def test_an_empty_answer_needs_something_but_a_draft_does_not(pages, seeded, db):
    empty = form_data(outcome="", provider_name="", start_date=["", "", ""], phone="")
    response = pages.post(answer_url(seeded.entries[0]), empty, 200)
    assert "Select a destination, or tell us what you know" in response.page.select_one(
        ".govuk-error-message").get_text()
    assert responses(db) == []
    draft = dict(form_data(phone="07700 900456", outcome=""), save_draft="Save as draft")
    draft.pop("save")
    pages.post(answer_url(seeded.entries[0]), draft, 302)
    assert [(r.phone, r.answered) for r in responses(db)] == [("07700900456", False)]


def test_a_draft_is_kept_and_comes_back_in_the_form(pages, client, seeded, db):
    entry = seeded.entries[1]
    draft = dict(form_data(intelligence="Moved to Scotland", outcome=""), save_draft="Save as draft")
    draft.pop("save")
    pages.post(answer_url(entry), draft, 302)
    # Later, a new session (signed in again) finds it.
    client.post("/school/sign-out")
    sign_school_in(client, seeded, seeded.establishment.contacts[1].email)
    assert "Draft" in pages.page("/school/young-people").get_text()
    page = pages.page(answer_url(entry))
    assert page.select_one("#intelligence").get_text() == "Moved to Scotland"
    assert page.select_one("#phone")["value"] == "07700900123"
    assert page.select_one("#start_date-day")["value"] == "04"
    version = page.select_one("#version")["value"]
    pages.post(answer_url(entry), form_data(intelligence="Moved to Scotland", version=version), 302)
    saved = responses(db)[0]
    assert saved.answered and saved.updated_by == seeded.establishment.contacts[1].email


def test_two_colleagues_at_once_the_stale_save_is_stopped_and_nothing_is_lost(app, pages, client, seeded, db):
    entry = seeded.entries[0]
    colleague = app.test_client()
    sign_school_in(colleague, seeded, seeded.establishment.contacts[1].email)
    # Both open the form with no answer yet.
    mine = pages.page(answer_url(entry)).select_one("#version")["value"]
    theirs = colleague.get(answer_url(entry)).get_data(as_text=True)
    their_version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', theirs).group(1)
    assert mine == their_version == "0"
    # The colleague saves first.
    assert colleague.post(answer_url(entry), data=form_data(outcome="310", provider_name="Kent Apprentices",
                                                            phone="07700 900777")).status_code == 302
    # My save, from the older form, is stopped; my typing is kept and theirs is shown.
    response = pages.post(answer_url(entry), form_data(outcome="230", phone="07700 900888",
                                                       version=mine), 409)
    page = response.page
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Someone else at your school changed this answer since you opened it. Check it below and save again." \
        in summary
    assert "Kent Apprentices" in page.select_one("#their-answer").get_text()
    assert page.select_one("#phone")["value"] == "07700900888"
    assert page.select_one('#outcome option[value="230"]').has_attr("selected")
    db.session.expire_all()
    saved = responses(db)[0]
    assert (saved.activity_code, saved.phone) == ("310", "07700900777")
    # Saving again from the refreshed form works.
    new_version = page.select_one("#version")["value"]
    pages.post(answer_url(entry), form_data(outcome="230", phone="07700 900888", version=new_version), 302)
    db.session.expire_all()
    assert (responses(db)[0].activity_code, responses(db)[0].phone) == ("230", "07700900888")


def test_after_submit_answers_cannot_change(pages, seeded, db):
    entry = seeded.entries[0]
    pages.post(answer_url(entry), form_data(), 302)
    pages.post("/school/submit", {}, 302)
    response = pages.post(answer_url(entry), form_data(outcome="330", version="1"), 302)
    assert response.headers["Location"].endswith("/school/young-people")
    page = pages.page("/school/young-people")
    assert "answers can no longer be changed" in page.get_text()
    assert page.select(f'a[href="{answer_url(entry)}"]') == []
    db.session.expire_all()
    assert responses(db)[0].activity_code == "220"
    assert "can no longer be changed" in pages.page(answer_url(entry)).get_text()
