"""The case page: what an officer sees, logging attempts, recording activities, two officers at once."""
from datetime import date, timedelta

from sqlalchemy import select, update

from tep_app import clock
from tep_app.models import Activity, AuditEvent, Case, ContactAttempt, ContactDetail
from tep_app.services.cases import (
    STALE_MESSAGE,
    AttemptInput,
    StaleCaseError,
    get_case,
    open_cases_for_request,
    record_attempt,
)
from tests.support.cases_support import add_phone, cases_of, seed_list


def _date(prefix: str, value: date | None) -> dict:
    if value is None:
        return {f"{prefix}": ["", "", ""]}
    return {prefix: [str(value.day), str(value.month), str(value.year)]}


def attempt_data(case, **kwargs) -> dict:
    data = {"attempt-version": str(case.version), "attempt-channel": "phone", "attempt-used": "07700900001",
            "attempt-outcome": "no_answer", "attempt-notes": ""}
    follow_up = kwargs.pop("follow_up", None)
    data.update({f"attempt-{k}": v for k, v in kwargs.items()})
    data.update(_date("attempt-next_follow_up_on", follow_up))
    return data


def activity_data(case, code="330", neet_start=None, **kwargs) -> dict:
    data = {"activity-version": str(case.version), "activity-code": code,
            "activity-provider_name": "Kent Garden Centre"}
    data.update({f"activity-{k}": v for k, v in kwargs.items()})
    data.update(_date("activity-neet_start_date", neet_start))
    return data


def errors_of(page) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page.select(".govuk-error-summary__list li")]


def seeded_case(make, db, officer=None, phones=("07700900001",)):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    person = seeded.people[0]
    for value in phones:
        add_phone(db, person, value)
    case = cases_of(db, person)[0]
    if officer is not None:
        case.officer_id = officer.id
    db.session.commit()
    return case, seeded


def test_the_case_page_shows_the_young_person_contacts_and_the_school_answer(pages, login, make, db):
    officer = login("officer")
    case, seeded = seeded_case(make, db, officer)
    person = seeded.people[0]
    person.ehcp = True
    add_phone(db, person, "07700900002", kind="parent_phone", source="school, 12 Oct", recorded_on=date(2022, 10, 12))
    db.session.commit()

    page = pages.get(f"/cases/{case.id}").page

    assert page.h1.get_text(strip=True) == person.display_name
    summary = page.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert person.upn in summary and seeded.school.name in summary and "EHCP Yes" in summary
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in page.select("#contacts tbody tr")]
    assert ["07700900002", "Parent or carer's phone", "school, 12 Oct", "12 Oct 2022"] in rows
    assert ["07700900001", "Young person's phone", "leavers import", "20 Jul 2022"] in rows
    answer = page.select_one("[data-school-answer]").get_text(" ", strip=True)
    assert "Destination: Current situation not known (810)" in answer and "Moved to Margate, works weekends" in answer
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert "Case opened" in timeline and f"{seeded.school.name} answered: Current situation not known (810)" in timeline
    view = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view",
                                                      AuditEvent.object_type == "young_person"))
    assert view.object_id == str(person.id) and view.actor_id == str(officer.id)


def test_attempt_validation_names_each_field(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    url = f"/cases/{case.id}/attempts"

    page = pages.post(url, {"attempt-version": str(case.version)}).page
    assert errors_of(page) == ["Select how you tried to contact them", "Select what happened"]

    page = pages.post(url, attempt_data(case, used="another", other_value="12345")).page
    assert errors_of(page) == ["Enter a phone number in the correct format, like 07700 900123 or 01622 694000"]
    assert page.select_one("#attempt-other_value")["value"] == "12345"

    page = pages.post(url, attempt_data(case, follow_up=clock.today() - timedelta(days=1))).page
    assert errors_of(page) == ["Next follow-up date must be today or in the future"]

    page = pages.post(url, attempt_data(case, used="")).page
    assert errors_of(page) == ["Select the number or address you used"]
    assert db.session.scalar(select(ContactAttempt.id)) is None


def test_an_attempt_is_saved_with_a_follow_up_and_audited(pages, login, make, db):
    tomorrow = clock.today() + timedelta(days=1)
    officer = login("officer")
    case, _ = seeded_case(make, db, officer)
    response = pages.post(f"/cases/{case.id}/attempts",
                          attempt_data(case, outcome="voicemail", notes="Left a message", follow_up=tomorrow), 302)
    assert response.location.endswith(f"/cases/{case.id}")
    attempt = db.session.scalar(select(ContactAttempt))
    assert (attempt.channel, attempt.used_value, attempt.outcome, attempt.staff_id) == \
        ("phone", "07700900001", "voicemail", officer.id)
    db.session.refresh(case)
    assert case.next_follow_up_on == tomorrow and case.version == 2
    update_event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "case",
                                                              AuditEvent.action == "update"))
    assert update_event.before["next_follow_up_on"] is None
    assert update_event.after["next_follow_up_on"] == tomorrow.isoformat()
    page = pages.get(f"/cases/{case.id}").page
    assert "Phone call to 07700900001: left a voicemail" in page.select_one("#timeline").get_text(" ", strip=True)


def test_another_number_is_kept_and_a_wrong_number_is_marked(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    pages.post(f"/cases/{case.id}/attempts",
               attempt_data(case, used="another", other_value="07700 900 123", outcome="wrong_number"), 302)
    detail = db.session.scalar(select(ContactDetail).where(ContactDetail.value == "07700900123"))
    assert detail.source.startswith("officer") and detail.marked_wrong is True
    page = pages.get(f"/cases/{case.id}").page
    row = page.select_one(f"[data-contact='{detail.id}']").get_text(" ", strip=True)
    assert "Wrong number" in row


def test_three_failed_attempts_on_every_number_flag_a_letter_or_visit(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db, phones=("07700900001", "07700900002"))
    for outcome in ("no_answer", "voicemail", "no_answer"):
        db.session.refresh(case)
        pages.post(f"/cases/{case.id}/attempts", attempt_data(case, outcome=outcome), 302)
    db.session.refresh(case)
    assert case.needs_letter_or_visit is False  # the second number has not been tried
    for outcome in ("no_answer", "no_answer"):
        db.session.refresh(case)
        pages.post(f"/cases/{case.id}/attempts", attempt_data(case, used="07700900002", outcome=outcome), 302)
    db.session.refresh(case)
    assert case.needs_letter_or_visit is False
    pages.post(f"/cases/{case.id}/attempts", attempt_data(case, used="07700900002", outcome="voicemail"), 302)
    db.session.refresh(case)
    assert case.needs_letter_or_visit is True
    page = pages.get(f"/cases/{case.id}").page
    assert "Letter or visit" in page.select_one("#case-flags").get_text(" ", strip=True)


def test_recording_330_closes_the_case_and_it_leaves_the_queue(pages, login, make, db):
    officer = login("officer")
    case, seeded = seeded_case(make, db, officer)
    assert seeded.people[0].display_name in pages.get("/cases").page.select_one("#case-table").get_text()

    response = pages.post(f"/cases/{case.id}/activity", activity_data(case, "330"), 302)

    assert response.location.endswith("/cases")
    db.session.refresh(case)
    activity = db.session.get(Activity, case.closing_activity_id)
    assert case.status == "closed" and activity.code == "330" and activity.source == "officer"
    assert activity.due_to_lapse_on == activity.ascertained_on.replace(year=activity.ascertained_on.year + 1)
    page = pages.get("/cases").page
    assert seeded.people[0].display_name not in page.select_one("#case-table").get_text()
    assert page.select_one("#case-count").get_text(strip=True) == "0 open cases"


def test_recording_810_keeps_the_case_open(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    pages.post(f"/cases/{case.id}/activity", activity_data(case, "810"), 302)
    db.session.refresh(case)
    assert case.status == "open"
    assert db.session.scalar(select(Activity.code).where(Activity.young_person_id == case.young_person_id)) == "810"


def test_a_neet_code_needs_a_neet_start_date_not_in_the_future(pages, login, make, db):
    tomorrow = clock.today() + timedelta(days=1)
    login("officer")
    case, _ = seeded_case(make, db)
    page = pages.post(f"/cases/{case.id}/activity", activity_data(case, "619")).page
    assert errors_of(page) == ["Enter the NEET start date: this activity needs one"]
    page = pages.post(f"/cases/{case.id}/activity", activity_data(case, "619", neet_start=tomorrow)).page
    assert errors_of(page) == ["NEET start date must be today or in the past"]
    page = pages.post(f"/cases/{case.id}/activity", activity_data(case, "")).page
    assert errors_of(page) == ["Select an activity"]
    pages.post(f"/cases/{case.id}/activity", activity_data(case, "619", neet_start=date(2022, 9, 1)), 302)
    db.session.refresh(case)
    activity = db.session.get(Activity, case.closing_activity_id)
    assert activity.neet_start_date == date(2022, 9, 1)
    assert activity.due_to_lapse_on > activity.ascertained_on + timedelta(days=85)
    assert activity.due_to_lapse_on < activity.ascertained_on + timedelta(days=95)


def test_a_stale_save_is_refused_and_keeps_what_was_typed(pages, login, make, db):
    tomorrow = clock.today() + timedelta(days=1)
    login("officer")
    case, _ = seeded_case(make, db)
    opened_version = case.version
    # Another officer saves first.
    other = make.staff("officer")
    record_attempt(get_case(case.id), AttemptInput("phone", "07700900001", "voicemail", "Rang at 9", None),
                   opened_version, other.id)
    db.session.commit()

    typed = attempt_data(case, outcome="spoke_parent", notes="Mum says she works at the garden centre",
                         follow_up=tomorrow)
    typed["attempt-version"] = str(opened_version)
    page = pages.post(f"/cases/{case.id}/attempts", typed).page

    assert errors_of(page) == [STALE_MESSAGE]
    assert page.select_one("#attempt-notes").get_text() == "Mum says she works at the garden centre"
    assert page.select_one("input[name=attempt-outcome][value=spoke_parent]").has_attr("checked")
    assert page.select_one("#attempt-next_follow_up_on-day")["value"] == str(tomorrow.day)
    assert "Rang at 9" in page.select_one("#timeline").get_text()
    assert db.session.scalar(select(ContactAttempt.id).where(ContactAttempt.outcome == "spoke_parent")) is None
    # Saving again (the page now carries the latest version) works.
    typed["attempt-version"] = page.select_one("input[name=attempt-version]")["value"]
    pages.post(f"/cases/{case.id}/attempts", typed, 302)
    assert db.session.scalar(select(ContactAttempt.notes).where(ContactAttempt.outcome == "spoke_parent")) == \
        "Mum says she works at the garden centre"


def test_a_save_racing_past_the_version_check_is_refused_by_the_version_column(make, db):
    case, _ = seeded_case(make, db)
    loaded = get_case(case.id)
    db.session.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1)
                       .execution_options(synchronize_session=False))
    try:
        record_attempt(loaded, AttemptInput("phone", "07700900001", "no_answer", None, None), loaded.version, None)
    except StaleCaseError as error:
        assert str(error) == STALE_MESSAGE
    else:
        raise AssertionError("the stale save was accepted")


def test_a_stale_activity_is_refused(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    data = activity_data(case, "330")
    record_attempt(get_case(case.id), AttemptInput("phone", "07700900001", "no_answer", None, None), case.version, None)
    db.session.commit()
    page = pages.post(f"/cases/{case.id}/activity", data).page
    assert errors_of(page) == [STALE_MESSAGE]
    assert page.select_one("#activity-code option[selected]")["value"] == "330"
    assert page.select_one("#activity-provider_name")["value"] == "Kent Garden Centre"
    db.session.refresh(case)
    assert case.status == "open"


def test_another_officer_may_open_a_case_and_it_is_audited(pages, login, make, db):
    owner = make.staff("officer")
    case, _ = seeded_case(make, db, owner)
    colleague = login("officer")
    pages.get(f"/cases/{case.id}")
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "view")) == str(colleague.id)


def test_unknown_case_is_404(pages, login):
    login("officer")
    pages.get("/cases/999999", 404)


def test_the_timeline_shows_imports_matches_and_reassignments_newest_first(pages, login, make, db):
    from tep_app.models import ImportBatch, MatchResult, SchoolRecord
    from tep_app.services.cases import reassign_cases

    manager = login("manager")
    case, seeded = seeded_case(make, db, make.staff("officer"))
    batch = ImportBatch(kind="leavers", filename="leavers-2022.xlsx", sha256="0" * 64, academic_year=2022)
    db.session.add(batch)
    db.session.flush()
    record = db.session.scalar(select(SchoolRecord).where(SchoolRecord.young_person_id == seeded.people[0].id))
    record.import_batch_id = batch.id
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="none",
                               rule="no candidate", score=0.0))
    reassign_cases([case.id], make.staff("officer").id, manager.id)
    db.session.commit()

    items = [li.get_text(" ", strip=True) for li in pages.get(f"/cases/{case.id}").page.select("#timeline li")]

    text = " | ".join(items)
    assert "Imported from leavers-2022.xlsx" in text
    assert "Leaver checked against enrolments: no match" in text and "Likelihood 0%." in text
    assert "Case reassigned" in text and "Case opened" in text
    new_officer = db.session.get(Case, case.id).officer.name
    assert items[0].startswith("Case reassigned") and f"to {new_officer}" in items[0]
    assert "leaver_enrolment" not in text and "officer id" not in text


def test_a_case_closed_by_a_colleague_keeps_the_typed_attempt(pages, login, make, db):
    from tep_app.services.cases import ActivityInput, record_activity

    login("officer")
    case, _ = seeded_case(make, db)
    typed = attempt_data(case, outcome="spoke_young_person", notes="Says she started at the cafe")
    record_activity(get_case(case.id), ActivityInput("330", "Cafe", None, None, None), case.version, None)
    db.session.commit()

    page = pages.post(f"/cases/{case.id}/attempts", typed).page

    assert errors_of(page) == [STALE_MESSAGE]
    assert "This case was closed on" in page.get_text(" ", strip=True)
    assert page.select_one("#attempt-notes").get_text() == "Says she started at the cafe"
    assert page.select_one("#activity-form") is not None
    closed_page = pages.get(f"/cases/{case.id}").page
    assert closed_page.select_one("#attempt-form") is None
    assert "This case was closed on" in closed_page.get_text(" ", strip=True)
