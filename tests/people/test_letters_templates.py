"""The letters' texts, as an admin edits them: a GOV.UK form with a preview, unknown placeholders
refused with a message, each change audited and used by the next letter printed."""
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select

from tep_app.models import AuditEvent, LetterTemplate
from tep_app.services.people.letters import DEFAULTS
from tests.support.cases_support import open_case

URL = "/admin/letter-texts/not_reached"


def _template(db) -> tuple[str, str]:
    row = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == "not_reached"))
    db.session.refresh(row)
    return row.title, row.body


def _audits(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "letter_template"))


def _errors(page) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page.select(".govuk-error-summary__list li")]


def _form(title: str, body: str, button: str) -> dict:
    return {"title": title, "body": body, button: button.capitalize()}


def test_the_default_letter_is_seeded_and_listed(pages, login, db):
    login("admin")
    assert _template(db) == (DEFAULTS["not_reached"].title, DEFAULTS["not_reached"].body)

    page = pages.page("/admin/letter-texts")

    assert page.h1.get_text(strip=True) == "Letter texts"
    assert "What are you doing now?" in page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert page.select_one(f"a[href='{URL}']") is not None
    assert "/admin/letter-texts" in [a["href"] for a in pages.page("/admin/").select("#admin-pages a")]


def test_the_preview_shows_the_text_filled_in_and_changes_nothing(pages, login, db):
    login("admin")
    before = _template(db)

    page = pages.page(URL)
    assert page.select_one("#preview-title").get_text(strip=True) == "What are you doing now?"
    assert page.select_one("#preview-body").get_text().startswith("Dear Jordan,")

    page = pages.post(URL, _form("Hello ((first_name))", "Dear ((full_name)),\r\n\r\nCall ((officer_name)) on "
                                 "((reply_phone)).", "preview")).page

    assert page.select_one("#preview-title").get_text(strip=True) == "Hello Jordan"
    assert page.select_one("#preview-body").get_text() == "Dear Jordan Ellis,\n\nCall Sam Taylor on 01632 960 000."
    assert _template(db) == before and _audits(db) == 0


def test_an_unknown_placeholder_is_refused_with_a_message_and_nothing_changes(pages, login, db):
    login("admin")
    before = _template(db)

    page = pages.post(URL, _form("What now?", "Dear ((nickname)), from ((officer)).", "save")).page

    assert page.title.get_text(strip=True).startswith("Error: ")
    assert _errors(page) == ["The text has unknown placeholders ((nickname)), ((officer)): use only ((first_name)), "
                             "((full_name)), ((school_name)), ((officer_name)), ((reply_phone)), ((reply_email))"]
    assert page.select_one("#preview-body") is None
    page = pages.post(URL, _form("Hi ((first_name)", "Dear ((first_name)),", "preview")).page
    assert _errors(page) == ["The heading has an unfinished placeholder: write it as ((name))"]
    assert _template(db) == before and _audits(db) == 0


def test_a_saved_text_is_audited_and_printed_in_the_next_letter(pages, client, login, make, db):
    login("admin")
    response = pages.post(URL, _form("Tell us how you are getting on", "Hello ((first_name)),\r\n\r\nWe can help "
                                     "you at ((school_name)) and beyond.", "save"), status=302)
    assert response.location == "/admin/letter-texts"
    assert _template(db) == ("Tell us how you are getting on", "Hello ((first_name)),\n\nWe can help you at "
                             "((school_name)) and beyond.")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "letter_template"))
    assert (event.action, event.object_id, event.before["title"]) == ("edit letter text", "not_reached",
                                                                      "What are you doing now?")

    officer = login("officer")
    school = make.establishment(name="Hillview School for Girls")
    person = make.young_person(forename="Maya", address="5 Elm Close, Sittingbourne", postcode="ME10 2AB")
    open_case(make, db, person=person, school=school, officer=officer, needs_letter_or_visit=True)
    db.session.commit()
    page = pages.page(f"/people/{person.id}/letter")
    response = client.post(f"/people/{person.id}/letter",
                           data={"csrf_token": page.select_one("input[name=csrf_token]")["value"]})

    text = " ".join(PdfReader(BytesIO(response.data)).pages[0].extract_text().split())
    assert "Tell us how you are getting on Hello Maya, We can help you at Hillview School for Girls and beyond." in text


def test_only_an_admin_changes_a_letter(pages, login):
    login("manager")
    assert pages.get(URL, status=403)
    assert pages.page("/admin/letter-texts").select_one(f"a[href='{URL}']") is None
