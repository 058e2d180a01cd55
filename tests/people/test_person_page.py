"""A young person's page: everything held about them, over time, each kind of record in words; the
view is audited; the case page links to it; schools and strangers are refused."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.models import Activity, AuditEvent, ContactAttempt, ContactDetail, MatchResult
from tep_app.models.people import GuaranteeRecord
from tests.support.cases_support import open_case, seed_list


@pytest.fixture
def held(make, db):
    """One young person with something of every kind held about them."""
    seeded = seed_list(make, db, ["810"])
    person = seeded.people[0]
    person.forename, person.surname, person.preferred_forename = "Margaret", "Ellingham", "Peggy"
    person.uln, person.address, person.postcode = "1234567897", "4 Quay Lane, Deal", "CT14 6AA"
    record = person.school_records[0] if person.school_records else None
    db.session.add(Activity(young_person_id=person.id, code="540", ascertained_on=date(2022, 10, 1),
                            due_to_lapse_on=date(2023, 1, 1), source="school, 12 Oct"))
    db.session.add(Activity(young_person_id=person.id, code="230", ascertained_on=clock.today(),
                            due_to_lapse_on=date(2099, 1, 1), provider_name="East Kent College", source="officer"))
    db.session.add(ContactDetail(young_person_id=person.id, kind="phone", value="07700900111", source="leavers import",
                                 recorded_on=date(2022, 7, 20)))
    db.session.add(ContactDetail(young_person_id=person.id, kind="phone", value="07700900222", source="school, 12 Oct",
                                 recorded_on=date(2022, 10, 12)))
    db.session.add(ContactDetail(young_person_id=person.id, kind="email", value="peggy@example.com",
                                 source="school, 12 Oct", recorded_on=date(2022, 10, 12)))
    officer = make.staff("officer", name="Dana Officer")
    case = open_case(make, db, person=person, school=seeded.school, officer=officer)
    db.session.add(ContactAttempt(case_id=case.id, channel="phone", used_value="07700900111", outcome="voicemail",
                                  notes="Left a message", staff_id=officer.id,
                                  at=datetime(2022, 10, 20, 10, tzinfo=UTC)))
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="possible",
                               rule="fn+sn+dob-near", score=0.72))
    db.session.add(GuaranteeRecord(young_person_id=person.id, academic_year=2022, status="110",
                                   provider_name="East Kent College", offer_date=date(2023, 5, 2),
                                   recorded_on=date(2023, 6, 12), source="school, 12 Jun"))
    db.session.flush()
    return {"person": person, "case": case, "school": seeded.school}


def _text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def test_the_page_shows_everything_held(pages, login, held):
    login("officer")
    person = held["person"]
    page = pages.page(f"/people/{person.id}")
    assert _text(page.select_one("h1")) == "Peggy Ellingham"
    identity = _text(page.select_one("#identity"))
    for shown in ("Margaret", "Ellingham", "(known as Peggy)", person.upn, "1234567897", "4 Quay Lane, Deal",
                  "CT14 6AA", "(230)"):
        assert shown in identity
    schools = _text(page.select_one("#school-records"))
    assert held["school"].name in schools and "Leaver" in schools and "2022" in schools
    activities = [_text(row) for row in page.select("#activity-history tbody tr")]
    assert "(230)" in activities[0] and "East Kent College" in activities[0] and "officer" in activities[0]
    assert "(540)" in activities[1] and "school, 12 Oct" in activities[1] and "1 Jan 2023" in activities[1]
    assert "Lapsed" in activities[1]
    contacts = {row.select("td")[0].get_text(" ", strip=True): _text(row) for row in page.select("#contacts tbody tr")}
    assert "Differs" in contacts["07700900111 Differs"] and "leavers import" in contacts["07700900111 Differs"]
    assert "peggy@example.com" in contacts
    warning = _text(page.select_one("#contact-details + .govuk-warning-text"))
    assert "Young person's phone differs between sources" in warning
    assert "Moved to Margate, works weekends" in _text(page.select_one("[data-school-answer]"))
    case = page.select_one(f"[data-case='{held['case'].id}']")
    assert case.select_one("a")["href"] == f"/cases/{held['case'].id}"
    assert "Dana Officer" in _text(case) and "Left a voicemail" in _text(case) and "Left a message" in _text(case)
    matching = _text(page.select_one("#match-evidence"))
    assert "Leaver checked against enrolments" in matching and "A possible match, for review" in matching
    assert "72%" in matching and "Matched on forename and surname" in matching
    guarantee = _text(page.select_one("#guarantee-records"))
    assert "(110)" in guarantee and "East Kent College" in guarantee and "school, 12 Jun" in guarantee
    assert page.select_one("#timeline li") is not None
    assert page.select_one("#person-actions") is not None


def test_a_person_without_a_case_has_a_page_too(pages, login, make):
    login("manager")
    person = make.young_person(forename="Idris", surname="Tanaka")
    page = pages.page(f"/people/{person.id}")
    assert _text(page.select_one("#no-cases")) == "No case has been opened for this young person."
    assert "No activity recorded" in _text(page.select_one("#identity"))


def test_the_view_is_audited(pages, login, db, held):
    user = login("admin")
    pages.get(f"/people/{held['person'].id}")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")
                               .order_by(AuditEvent.id.desc())).first()
    assert (event.object_type, event.object_id, event.actor_id) == ("young_person", str(held["person"].id),
                                                                    str(user.id))


def test_the_case_page_links_to_the_young_persons_page(pages, login, held):
    login("officer")
    page = pages.page(f"/cases/{held['case'].id}")
    assert page.select_one("#person-page-link")["href"] == f"/people/{held['person'].id}"


def test_a_result_links_to_the_page(pages, login, held):
    login("officer")
    page = pages.page("/people/search?q=Peggy+Ellingham")
    assert page.select_one("#people-results a")["href"] == f"/people/{held['person'].id}"


def test_an_unknown_person_is_not_found(pages, login):
    login("officer")
    pages.get("/people/2147483647", status=404)
    pages.get("/people/2147483648", status=404)


def test_a_school_user_and_a_stranger_are_refused(client, make, db, held):
    from tests.support.portal_support import seed_request, sign_school_in

    url = f"/people/{held['person'].id}"
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    seeded = seed_request(make, db)
    db.session.commit()
    sign_school_in(client, seeded)
    assert client.get(url).status_code == 403
