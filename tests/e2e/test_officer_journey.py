"""In a real browser: a manager gives a school's patch to an officer;
the officer works the top case (two failed attempts, then a successful one and activity 330); the
case leaves the queue, the dashboard's Not Known count falls by one, and the audit has it all."""
import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tests.support.browser import expect_title, sign_in_with


def _academic_year(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


@pytest.fixture
def school_with_cases(live_server):
    """A school's submitted list of two leavers the school did not know about, each already Not Known
    (810), with their cases open; the first has an EHCP and two phone numbers."""
    from tep_app.models import (
        Activity,
        Collection,
        ContactDetail,
        Establishment,
        ListEntry,
        SchoolRecord,
        SchoolRequest,
        SchoolResponse,
        YoungPerson,
    )
    from tep_app.services.cases import open_cases_for_request

    today = clock.today()
    year = _academic_year(today)
    tag = secrets.token_hex(3)
    with live_server.app.app_context():
        collection = db.session.scalar(select(Collection).where(Collection.kind == "leavers",
                                                                Collection.academic_year == year))
        if collection is None:
            collection = Collection(kind="leavers", academic_year=year, send_on=today - timedelta(days=30),
                                    due_on=today - timedelta(days=5))
            db.session.add(collection)
            db.session.flush()
        school = Establishment(laestab=f"886{secrets.randbelow(10000):04d}", name=f"Journey School {tag}",
                               type="school")
        db.session.add(school)
        db.session.flush()
        request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="submitted",
                                due_on=today - timedelta(days=5))
        db.session.add(request)
        db.session.flush()
        people = []
        for n, ehcp in enumerate((True, False)):
            person = YoungPerson(forename=f"Journey{n}", surname=f"Leaver{tag}", date_of_birth=date(2007, 4, 1 + n),
                                 ehcp=ehcp)
            db.session.add(person)
            db.session.flush()
            record = SchoolRecord(young_person_id=person.id, establishment_id=school.id, academic_year=year,
                                  kind="leaver", year_group=11)
            db.session.add(record)
            db.session.flush()
            entry = ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=person.id,
                              school_record_id=record.id, reason="no enrolment found")
            db.session.add(entry)
            db.session.flush()
            db.session.add(SchoolResponse(school_request_id=request.id, list_entry_id=entry.id, activity_code="810",
                                          answered=True, intelligence="Left for a job in Folkestone, we think"))
            db.session.add(Activity(young_person_id=person.id, code="810", ascertained_on=today - timedelta(days=3),
                                    due_to_lapse_on=today + timedelta(days=60), source="school"))
            people.append(person)
        for kind, value in (("phone", "07700900511"), ("parent_phone", "07700900512")):
            db.session.add(ContactDetail(young_person_id=people[0].id, kind=kind, value=value,
                                         source="leavers import", recorded_on=today - timedelta(days=40)))
        assert open_cases_for_request(request) == 2
        db.session.commit()
        return {"school": school.name, "collection_id": collection.id, "people": [p.id for p in people],
                "top": people[0].display_name, "other": people[1].display_name}


def _not_known(page, collection_id: int) -> int:
    page.goto(f"/dashboard/?collection={collection_id}")
    return int(page.locator('[data-figure="not-known"]').inner_text().strip().replace(",", ""))


def _log_attempt(page, number_label: str, outcome: str) -> None:
    page.get_by_label("Phone call").check()
    page.get_by_label("Number or address used").select_option(label=number_label)
    page.get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name="Save attempt").click()
    page.wait_for_load_state()
    assert "Contact attempt saved" in page.locator(".govuk-notification-banner").inner_text()


def test_an_officer_works_a_case_from_the_patch_to_the_activity(live_server, new_page, axe, sign_in, make_staff,
                                                               school_with_cases):
    from tep_app.models import AuditEvent, Case, ContactAttempt, Patch

    seeded = school_with_cases
    officer_id, officer_email, officer_password = make_staff("officer", name=f"Olu Journey {secrets.token_hex(2)}")

    # The manager reads the Not Known figure, then gives the school's patch to the officer.
    manager = new_page()
    manager_id = sign_in(manager, "manager")
    before = _not_known(manager, seeded["collection_id"])
    axe(manager)
    manager.goto("/cases/patches")
    expect_title(manager, "Patches")
    axe(manager)
    manager.get_by_label("A school").check()
    manager.get_by_label("School", exact=True).select_option(label=seeded["school"])
    with live_server.app.app_context():
        from tep_app.models import StaffUser

        officer_name = db.session.get(StaffUser, officer_id).name
    manager.get_by_label("Officer", exact=True).select_option(label=officer_name)
    manager.get_by_role("button", name="Save patch").click()
    manager.wait_for_load_state()
    assert f"{seeded['school']} is now {officer_name}'s patch; 2 open cases moved" in \
        manager.locator(".govuk-notification-banner").inner_text()
    assert seeded["school"] in manager.locator("#patch-table").inner_text()
    axe(manager)

    # The officer signs in and opens the top case: the one with an EHCP.
    officer = new_page()
    sign_in_with(officer, officer_email, officer_password)
    officer.goto("/cases")
    expect_title(officer, "My cases")
    assert officer.locator("#case-count").inner_text().strip() == "2 open cases"
    axe(officer)
    top = officer.locator("#case-table tbody tr").first
    assert seeded["top"] in top.inner_text() and "EHCP" in top.inner_text()
    top.get_by_role("link").click()
    officer.wait_for_load_state()
    assert officer.locator("h1").inner_text().strip() == seeded["top"]
    assert "Left for a job in Folkestone, we think" in officer.locator("[data-school-answer]").inner_text()
    assert "leavers import" in officer.locator("#contacts").inner_text()
    axe(officer)
    case_url = officer.url

    _log_attempt(officer, "07700900511 (young person's phone)", "No answer")
    axe(officer)
    _log_attempt(officer, "07700900512 (parent or carer's phone)", "Left a voicemail")
    _log_attempt(officer, "07700900511 (young person's phone)", "Spoke to the young person")
    assert "Phone call to 07700900511: spoke to the young person" in officer.locator("#timeline").inner_text()

    officer.locator("#activity-code").select_option("330")
    officer.get_by_label("Provider (optional)").fill("Folkestone Harbour Cafe")
    officer.get_by_role("button", name="Record activity").click()
    officer.wait_for_load_state()
    assert officer.url.endswith("/cases")
    assert "The case is closed and has left the queue" in officer.locator(".govuk-notification-banner").inner_text()
    queue_text = officer.locator("#case-table").inner_text()
    assert seeded["top"] not in queue_text and seeded["other"] in queue_text
    assert officer.locator("#case-count").inner_text().strip() == "1 open case"
    axe(officer)

    assert _not_known(manager, seeded["collection_id"]) == before - 1
    axe(manager)

    # The audit trail has the views and every change.
    with live_server.app.app_context():
        case = db.session.scalar(select(Case).where(Case.young_person_id == seeded["people"][0]))
        assert case.status == "closed" and case.officer_id == officer_id
        assert case_url.endswith(f"/cases/{case.id}")
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        by_officer = [e for e in events if e.actor_id == str(officer_id)]
        views = [e for e in by_officer if e.action == "view" and e.object_id == str(seeded["people"][0])]
        assert len(views) >= 4  # opening the case, and the page after each of the three attempts
        attempts = db.session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id))
        attempt_ids = {str(a.id) for a in attempts}
        assert {e.object_id for e in by_officer if e.object_type == "contact_attempt" and e.action == "create"} == \
            attempt_ids and len(attempt_ids) == 3
        [activity_event] = [e for e in by_officer if e.object_type == "activity" and e.action == "create"]
        assert activity_event.after["code"] == "330"
        closing = [e for e in by_officer if e.object_type == "case" and e.action == "update"
                   and e.after["status"] == "closed"]
        assert len(closing) == 1 and closing[0].before["status"] == "open"
        patch = db.session.scalar(select(Patch).where(Patch.officer_id == officer_id))
        assert any(e.object_type == "patch" and e.object_id == str(patch.id) and e.actor_id == str(manager_id)
                   for e in events)
        moves = [e for e in events if e.action == "reassign" and e.object_id == str(case.id)]
        assert moves and moves[-1].after["officer_id"] == officer_id
