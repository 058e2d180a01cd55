"""What any officer may record on a young person's page, with or without a case: an activity (moving
the figures exactly as the case page does, and closing the case it settles), a note, a phone number
or email address, a move out of Kent, and opening, reopening or taking a case. Each is audited,
says what it did in a banner, and a form with errors shows the page again with what was typed."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tep_app import clock
from tep_app.models import Activity, AuditEvent, ContactDetail, Patch, PersonNote
from tep_app.services.destinations import lapse_date
from tep_app.services.figures import not_known_counts
from tests.support.cases_support import cases_of, open_case, seed_list

YEAR = 2022


def _text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def _date(name: str, value: date | None) -> dict:
    return {name: ["", "", ""] if value is None else [str(value.day), str(value.month), str(value.year)]}


def _banner(page) -> str:
    return _text(page.select_one(".govuk-notification-banner"))


def _errors(page) -> list[str]:
    return [_text(li) for li in page.select(".govuk-error-summary__list li")]


def _audits(db, action: str, object_type: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.object_type == object_type)))


def _version(page, form: str) -> str:
    found = page.select_one(f'input[name="{form}-version"]')
    return found["value"] if found else ""


def _not_known() -> int:
    return not_known_counts(YEAR)[0].not_known


@pytest.fixture
def leavers(make, db):
    """Two Kent leavers of YEAR, both Not Known (810 from their school), no case open."""
    seeded = seed_list(make, db, ["810", "810"])
    today = clock.today()
    for person in seeded.people:
        db.session.add(Activity(young_person_id=person.id, code="810", ascertained_on=today - timedelta(days=20),
                                due_to_lapse_on=today + timedelta(days=60), source="school"))
    db.session.commit()
    return seeded


def _activity(person_id, code="340", version="", neet_start=None, **fields) -> dict:
    data = {"activity-version": version, "activity-code": code, "activity-provider_name": "Romney Marsh Farms"}
    data.update({f"activity-{key}": value for key, value in fields.items()})
    data.update(_date("activity-neet_start_date", neet_start))
    data.update(_date("activity-ascertained_on", clock.today()))
    return data


# An activity.

def test_an_activity_without_a_case_moves_the_figures_as_the_case_page_does(pages, login, make, db, leavers):
    officer = login("officer", name="Nell Officer")
    by_page, by_case = leavers.people
    case = open_case(make, db, person=by_case, school=leavers.school, officer=officer)
    db.session.commit()
    before = _not_known()

    response = pages.post(f"/people/{by_page.id}/activity", _activity(by_page.id), 302)
    page = pages.page(response.headers["Location"])
    assert f"Employment with training (other) (340) recorded for {by_page.display_name}" in _banner(page)
    assert "Employment with training (other) (340)" in _text(page.select_one("#activity-history"))
    assert _not_known() == before - 1

    case_page = pages.page(f"/cases/{case.id}")
    pages.post(f"/cases/{case.id}/activity", {"activity-version": _version(case_page, "activity"),
                                              "activity-code": "340",
                                              "activity-provider_name": "Romney Marsh Farms",
                                              **_date("activity-neet_start_date", None)}, 302)
    assert _not_known() == before - 2
    rows = {row.young_person_id: row for row in db.session.scalars(
        select(Activity).where(Activity.code == "340"))}
    same = ("code", "source", "ascertained_on", "due_to_lapse_on", "provider_name", "recorded_by_id")
    assert [getattr(rows[by_page.id], k) for k in same] == [getattr(rows[by_case.id], k) for k in same]
    assert rows[by_page.id].source == "officer" and rows[by_page.id].recorded_by_id == officer.id
    assert rows[by_page.id].ascertained_on == clock.today()
    [audit] = [a for a in _audits(db, "create", "activity") if a.object_id == str(rows[by_page.id].id)]
    assert audit.after["code"] == "340" and audit.after["case_id"] is None


def test_the_activity_settling_an_open_case_closes_it_as_the_case_page_would(pages, login, make, db, leavers):
    officer = login("officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=officer)
    db.session.commit()
    page = pages.page(f"/people/{person.id}")
    assert f"Case {case.id} is open" in _text(page.select_one("#case-actions"))

    response = pages.post(f"/people/{person.id}/activity", _activity(person.id, version=_version(page, "activity")),
                          302)
    assert f"Case {case.id} is closed and has left the queue" in _banner(pages.page(response.headers["Location"]))
    db.session.refresh(case)
    activity = db.session.scalar(select(Activity).where(Activity.young_person_id == person.id, Activity.code == "340"))
    assert (case.status, case.closed_reason, case.closing_activity_id) == ("closed", "activity_found", activity.id)


def test_a_not_known_activity_keeps_the_case_open(pages, login, make, db, leavers):
    officer = login("officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=officer)
    db.session.commit()
    page = pages.page(f"/people/{person.id}")
    response = pages.post(f"/people/{person.id}/activity",
                          _activity(person.id, code="830", version=_version(page, "activity")), 302)
    assert "stays open: they are still Not Known" in _banner(pages.page(response.headers["Location"]))
    db.session.refresh(case)
    assert case.status == "open"


def test_a_neet_activity_needs_its_start_date_and_keeps_what_was_typed(pages, login, db, leavers):
    login("officer")
    person = leavers.people[0]
    page = pages.post(f"/people/{person.id}/activity",
                      _activity(person.id, code="619", provider_name="Job centre in Ashford")).page
    assert _errors(page) == ["Enter the NEET start date: this activity needs one"]
    assert page.select_one("#record-activity").has_attr("open")
    assert page.select_one("#activity-code option[selected]")["value"] == "619"
    assert page.select_one("#activity-provider_name")["value"] == "Job centre in Ashford"
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.code == "619")) == 0

    pages.post(f"/people/{person.id}/activity",
               _activity(person.id, code="619", neet_start=clock.today() - timedelta(days=7)), 302)
    stored = db.session.scalar(select(Activity).where(Activity.code == "619"))
    assert stored.neet_start_date == clock.today() - timedelta(days=7)


def test_the_date_ascertained_is_today_unless_changed_and_never_in_the_future(pages, login, db, leavers):
    login("officer")
    person = leavers.people[0]
    page = pages.page(f"/people/{person.id}")
    today = clock.today()
    assert [page.select_one(f"#activity-ascertained_on-{part}")["value"] for part in ("day", "month", "year")] == \
        [str(today.day), str(today.month), str(today.year)]
    data = _activity(person.id)
    data.update(_date("activity-ascertained_on", today + timedelta(days=1)))
    assert _errors(pages.post(f"/people/{person.id}/activity", data).page) == [
        "Date ascertained must be today or in the past"]
    data.update(_date("activity-ascertained_on", today - timedelta(days=3)))
    pages.post(f"/people/{person.id}/activity", data, 302)
    stored = db.session.scalar(select(Activity).where(Activity.code == "340"))
    assert stored.ascertained_on == today - timedelta(days=3)
    assert stored.due_to_lapse_on == lapse_date(today - timedelta(days=3), "employment")  # a year from then


def test_a_save_against_a_case_changed_since_is_refused_and_keeps_what_was_typed(pages, login, make, db, leavers):
    officer = login("officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=officer)
    db.session.commit()
    page = pages.page(f"/people/{person.id}")
    old = _version(page, "activity")
    case.next_follow_up_on = clock.today() + timedelta(days=2)  # a colleague saves the case
    db.session.commit()

    page = pages.post(f"/people/{person.id}/activity", _activity(person.id, version=old)).page
    assert _errors(page)[0].startswith("This case was changed by someone else")
    assert page.select_one("#activity-provider_name")["value"] == "Romney Marsh Farms"
    assert _version(page, "activity") == str(case.version) != old
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.code == "340")) == 0


# A note.

def test_a_note_is_shown_with_its_author_and_time_and_audited(pages, login, db, leavers):
    officer = login("officer", name="Priya Notetaker")
    person = leavers.people[0]
    response = pages.post(f"/people/{person.id}/notes", {"note-body": "Her aunt in Hythe passes messages on"}, 302)
    page = pages.page(response.headers["Location"])
    assert "Note added" in _banner(page)
    note = _text(page.select_one("[data-note]"))
    assert "Her aunt in Hythe passes messages on" in note and "Priya Notetaker" in note
    assert clock.today().strftime("%-d %B %Y") in note
    [stored] = db.session.scalars(select(PersonNote).where(PersonNote.young_person_id == person.id))
    assert stored.author_id == officer.id
    [audit] = _audits(db, "create", "person_note")
    assert audit.object_id == str(stored.id) and audit.after["young_person_id"] == person.id


def test_a_note_must_have_words_and_be_at_most_2000_characters(pages, login, db, leavers):
    login("officer")
    person = leavers.people[0]
    assert _errors(pages.post(f"/people/{person.id}/notes", {"note-body": "   "}).page) == ["Enter a note"]
    long = "x" * 2001
    page = pages.post(f"/people/{person.id}/notes", {"note-body": long}).page
    assert _errors(page) == ["Note must be 2000 characters or fewer: it has 2001"]
    assert page.select_one("#note-body").get_text() == long
    assert db.session.scalar(select(func.count(PersonNote.id))) == 0


# A phone number or email address.

def test_a_parents_phone_is_added_checked_dated_and_shown_with_the_others(pages, login, db, leavers):
    login("officer")
    person = leavers.people[0]
    response = pages.post(f"/people/{person.id}/contact-details",
                          {"contact-kind": "parent_phone", "contact-value": "07700 900 456"}, 302)
    page = pages.page(response.headers["Location"])
    assert "07700900456 added as the parent or carer's phone number" in _banner(page)
    contacts = _text(page.select_one("#contacts"))
    assert "07700900456" in contacts and "Parent or carer's phone" in contacts and "officer" in contacts
    [detail] = db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id == person.id))
    assert (detail.kind, detail.source, detail.recorded_on) == ("parent_phone", "officer", clock.today())
    assert _audits(db, "create", "contact_detail")[0].after["value"] == "07700900456"

    again = pages.post(f"/people/{person.id}/contact-details",
                       {"contact-kind": "parent_phone", "contact-value": "07700900456"}).page
    assert _errors(again) == ["07700900456 is already held as the parent or carer's phone number"]


@pytest.mark.parametrize("kind, value, message", [
    ("phone", "0123", "Enter the young person's phone number in the correct format, like 07700 900123 or "
                      "01622 694000"),
    ("parent_email", "mum.at.example", "Enter the parent or carer's email address in the correct format, like "
                                       "name@example.com"),
    ("", "07700900456", "Select whose number or email address it is"),
    ("email", "", "Enter the phone number or email address"),
])
def test_a_contact_detail_that_fails_its_check_is_refused_with_what_was_typed(pages, login, db, leavers, kind, value,
                                                                              message):
    login("officer")
    person = leavers.people[0]
    page = pages.post(f"/people/{person.id}/contact-details", {"contact-kind": kind, "contact-value": value}).page
    assert message in _errors(page)
    assert page.select_one("#contact-value")["value"] == value
    assert page.select_one("#add-contact").has_attr("open")
    assert db.session.scalar(select(func.count(ContactDetail.id))) == 0


# A move out of Kent.

def test_a_move_out_of_kent_leaves_the_figures_and_closes_the_case_as_the_case_page_does(pages, login, make, db,
                                                                                          leavers):
    officer = login("officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=officer)
    db.session.commit()
    cohort, before = not_known_counts(YEAR)[0].cohort, _not_known()
    page = pages.page(f"/people/{person.id}")

    response = pages.post(f"/people/{person.id}/moved", {"moved-la_code": "888",
                                                         "moved-version": _version(page, "moved")}, 302)
    page = pages.page(response.headers["Location"])
    assert f"has moved out of Kent, to local authority 888: case {case.id} is closed" in _banner(page)
    assert "Moved to another local authority (888)" in _text(page.select_one("#identity"))
    db.session.refresh(person)
    db.session.refresh(case)
    assert (person.moved, person.moved_to, person.moved_on) == ("other_la", "888", clock.today())
    assert (case.status, case.closed_reason) == ("closed", "moved_away")
    assert (not_known_counts(YEAR)[0].cohort, _not_known()) == (cohort - 1, before - 1)
    assert _audits(db, "moved away", "young_person")[0].after["moved_to"] == "888"


@pytest.mark.parametrize("typed, message", [
    ("88", "88 is not a local authority code: it must be 3 digits, like 888 for Lancashire"),
    ("886", "886 is Kent's own local authority code: enter the code of the one they moved to"),
    ("", "Enter the code of the local authority they moved to"),
])
def test_a_move_needs_another_local_authoritys_code(pages, login, db, leavers, typed, message):
    login("officer")
    person = leavers.people[0]
    page = pages.post(f"/people/{person.id}/moved", {"moved-la_code": typed, "moved-version": ""}).page
    assert _errors(page) == [message]
    db.session.refresh(person)
    assert person.moved is None


# Opening, reopening and taking a case.

def test_an_officer_opens_a_case_assigned_by_patch(pages, login, make, db, leavers):
    login("officer")
    patch_officer = make.staff("officer", name="Pat Patch")
    db.session.add(Patch(officer_id=patch_officer.id, establishment_id=leavers.school.id))
    db.session.commit()
    person = leavers.people[0]
    response = pages.post(f"/people/{person.id}/case", {}, 302)
    [case] = cases_of(db, person)
    assert f"Case {case.id} opened for {person.display_name}, with Pat Patch" in \
        _banner(pages.page(response.headers["Location"]))
    assert (case.status, case.reason, case.officer_id, case.establishment_id) == \
        ("open", "officer_opened", patch_officer.id, leavers.school.id)
    assert case.not_known_since == clock.today() - timedelta(days=20)  # since the 810
    assert _audits(db, "open", "case")[0].object_id == str(case.id)

    page = pages.post(f"/people/{person.id}/case", {}).page
    assert _errors(page) == [f"{person.display_name} already has an open case"]
    assert len(cases_of(db, person)) == 1


def test_a_closed_case_reopens_with_a_reason_shown_in_the_timeline(pages, login, make, db, leavers):
    officer = login("officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=officer, status="closed",
                     closed_reason="activity_found", closed_at=clock.now())
    db.session.commit()
    page = pages.page(f"/people/{person.id}")
    version = _version(page, "reopen")
    url = f"/people/{person.id}/case/{case.id}/reopen"

    page = pages.post(url, {"reopen-reason": "", "reopen-version": version}).page
    assert _errors(page) == ["Enter why the case is being reopened"]
    response = pages.post(url, {"reopen-reason": "She rang: the job ended last week", "reopen-version": version}, 302)
    page = pages.page(response.headers["Location"])
    assert f"Case {case.id} reopened" in _banner(page)
    db.session.refresh(case)
    assert (case.status, case.closed_at, case.closed_reason) == ("open", None, None)
    timeline = _text(page.select_one("#timeline"))
    assert "Case reopened" in timeline and "Because She rang: the job ended last week" in timeline
    assert _audits(db, "reopen", "case")[0].after["reason"] == "She rang: the job ended last week"


def test_an_officer_takes_a_colleagues_case_and_a_manager_is_told_to_give_it(pages, login, make, db, leavers):
    colleague = make.staff("officer", name="Colleague Officer")
    person = leavers.people[0]
    case = open_case(make, db, person=person, school=leavers.school, officer=colleague)
    db.session.commit()
    manager = login("manager")
    page = pages.page(f"/people/{person.id}")
    assert page.select_one("#assign-submit") is None  # a manager gives cases from Cases, Manage
    page = pages.post(f"/people/{person.id}/case/{case.id}/assign", {"assign-version": str(case.version)}).page
    assert _errors(page)[0].startswith("Only an officer can take a case")
    assert manager.id != case.officer_id

    officer = login("officer")
    page = pages.page(f"/people/{person.id}")
    assert _text(page.select_one("#assign-submit")) == f"Assign case {case.id} to me"
    response = pages.post(f"/people/{person.id}/case/{case.id}/assign",
                          {"assign-version": _version(page, "assign")}, 302)
    assert f"Case {case.id} is now yours" in _banner(pages.page(response.headers["Location"]))
    db.session.refresh(case)
    assert case.officer_id == officer.id
    assert _audits(db, "reassign", "case")[0].after["officer_id"] == officer.id


# Who may record.

def test_an_admin_sees_the_notes_but_no_forms_and_may_not_record(pages, login, db, leavers):
    person = leavers.people[0]
    db.session.add(PersonNote(young_person_id=person.id, body="Left a card at the door"))
    db.session.commit()
    login("admin")
    page = pages.page(f"/people/{person.id}")
    assert page.select_one("#record-something") is None and page.select("form[action*='/activity']") == []
    assert "Left a card at the door" in _text(page.select_one("[data-note]"))
    pages.post(f"/people/{person.id}/notes", {"note-body": "An admin's note"}, 403)
    assert db.session.scalar(select(func.count(PersonNote.id))) == 1


def test_an_unknown_young_person_is_404(pages, login):
    login("officer")
    pages.post("/people/999999/notes", {"note-body": "Hello"}, 404)
