"""The subject access export: everything held about one young person, in words and as JSON, for
admins only, with a reason, and audited."""
import io
import json
import zipfile

from bs4 import BeautifulSoup
from sqlalchemy import select

from tep_app.models import AuditEvent, Base
from tep_app.services.people import subject_access
from tep_app.services.people.personal_data import NOT_ABOUT_YOUNG_PEOPLE, REGISTRY
from tests.people.everything import MARKS, young_person_with_everything


def _export(pages, person_id: int, reason: str = "Request SAR-2023-014 from her, by email"):
    response = pages.post(f"/people/{person_id}/subject-access", {"reason": reason}, status=200)
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["data.json", "report.html"]
    return (BeautifulSoup(archive.read("report.html").decode(), "html.parser"),
            json.loads(archive.read("data.json")), response)


def test_the_export_holds_every_kind_of_record(db, make, login, pages):
    login("admin")
    held = young_person_with_everything(make, db)
    db.session.commit()
    report, data, response = _export(pages, held.person.id)
    assert f"subject-access-{held.person.id}-" in response.headers["Content-Disposition"]

    sections = {section["table"]: section for section in data["sections"]}
    empty = sorted(table for table, section in sections.items() if not section["rows"])
    assert empty == ["import_warning"]  # a row of an import file reaches no one
    for table, words in MARKS.items():
        shown = report.find("section", id=table)
        assert shown is not None, table
        assert words in shown.get_text(" ", strip=True), table

    person = sections["young_person"]["rows"][0]
    assert (person["surname"], person["date_of_birth"], person["uln"]) == ("Quennell-Abara", "2006-03-14",
                                                                           "1234567890")
    assert sections["contact_attempt"]["rows"][0]["at"].startswith("2022-11-02T14:05:00")
    assert sections["school_response"]["rows"][0]["intelligence"] == MARKS["school_response"]
    assert sections["enrolment"]["rows"][0]["course"] == MARKS["enrolment"]

    who = " ".join(report.find("section", id="young_person").get_text(" ", strip=True).split())
    assert "14 March 2006" in who and "2006-03-14" not in who
    attempts = " ".join(report.find("section", id="contact_attempt").get_text(" ", strip=True).split())
    assert "2 November 2022 at 14:05" in attempts
    activity = report.find("section", id="activity").get_text(" ", strip=True)
    assert "(230)" in activity and "Stour Valley College" in activity
    assert report.h1.get_text(strip=True) == "Personal data held about Marisol Quennell-Abara"


def test_the_export_covers_every_table_that_holds_personal_data(app, db, make):
    """A table that may hold personal data is in the export: every table the registry lists, and
    no table outside it that is not said to hold nothing about young people."""
    person = make.young_person()
    exported = {section.table for section in subject_access.gather(person.id)}
    assert {entry.table for entry in REGISTRY} <= exported
    wholly_other = {table for table, reasons in NOT_ABOUT_YOUNG_PEOPLE.items() if "*" in reasons}
    assert sorted(set(Base.metadata.tables) - wholly_other - exported) == []


def test_the_export_is_audited_with_its_reason(db, make, login, pages):
    admin = login("admin")
    held = young_person_with_everything(make, db)
    db.session.commit()
    _export(pages, held.person.id, reason="Request SAR-2023-014")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export",
                                                       AuditEvent.object_id == str(held.person.id)))
    assert (event.object_type, event.actor_id) == ("young_person", str(admin.id))
    assert event.after["reason"] == "Request SAR-2023-014"
    assert event.after["rows"]["contact_attempt"] == 1


def test_the_page_asks_for_a_reason_and_exports_nothing_without_one(db, make, login, pages):
    login("admin")
    person = make.young_person(forename="Nell", surname="Ashdown")
    db.session.commit()
    page = pages.page(f"/people/{person.id}/subject-access")
    assert page.h1.get_text(strip=True) == "Subject access export for Nell Ashdown"
    assert page.select_one("form[method=post] textarea[name=reason]") is not None
    again = pages.post(f"/people/{person.id}/subject-access", {"reason": "  "}).page
    assert "Enter the reason" in again.select_one(".govuk-error-summary").get_text()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


def test_only_admins_may_export(db, make, login, client):
    person = make.young_person()
    for role in ("officer", "manager"):
        login(role)
        assert client.get(f"/people/{person.id}/subject-access").status_code == 403
        assert client.post(f"/people/{person.id}/subject-access", data={"reason": "Asked"}).status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


def test_no_such_young_person_is_not_found(login, pages):
    login("admin")
    pages.get("/people/999999/subject-access", status=404)


def test_the_young_persons_page_offers_an_admin_the_export_and_erasure(db, make, login, pages):
    person = make.young_person(forename="Nell", surname="Ashdown")
    login("officer")
    assert pages.page(f"/people/{person.id}").select_one("#data-protection-actions") is None
    login("admin")
    links = pages.page(f"/people/{person.id}").select("#data-protection-actions a")
    assert [link["href"] for link in links] == [f"/people/{person.id}/subject-access", f"/people/{person.id}/erase"]
