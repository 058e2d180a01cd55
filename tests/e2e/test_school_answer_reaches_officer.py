"""From the school's answer to the officer's queue, in a real browser: a school says one leaver is
at a named further education college and another is not known to it; the first leaves every
officer's queue, the second's case shows the school's words. axe-core on every page touched.
"""
from sqlalchemy import select

from tests.e2e.test_school_journey import _confirm, _invite_links, _seed, mail  # noqa: F401 -- a fixture
from tests.support.browser import expect_title


def _open_cases_for(live_server, request_id: int, officer_id: int) -> None:
    """The school's young people are Not Known already: their cases opened before it answered, and
    a manager gave them all to one officer."""
    from tep_app.extensions import db
    from tep_app.models import Case, ListEntry, SchoolRequest
    from tep_app.services.cases import open_cases_for_request, reassign_cases

    with live_server.app.app_context():
        request = db.session.get(SchoolRequest, request_id)
        assert open_cases_for_request(request) == 3
        case_ids = list(db.session.scalars(select(Case.id).join(
            ListEntry, ListEntry.young_person_id == Case.young_person_id).where(
            ListEntry.collection_id == request.collection_id, ListEntry.establishment_id == request.establishment_id)))
        reassign_cases(case_ids, officer_id, None)
        db.session.commit()


def _queue_names(page) -> list[str]:
    page.goto("/cases?status=open")
    expect_title(page, "My cases")
    return page.locator("#main-content table a[href^='/cases/']").all_inner_texts()


def test_a_schools_answer_reaches_the_officers_queue(live_server, smtp_server, new_page, axe, mail, sign_in):  # noqa: F811
    officer_page = new_page()
    officer_id = sign_in(officer_page, "officer", "Olive Officer")
    collection_id, schools = _seed(live_server)
    school = schools[0]
    links = _invite_links(live_server, mail, smtp_server, collection_id, schools)
    _open_cases_for(live_server, school["id"], officer_id)
    college, not_known, _third = school["names"]

    names = _queue_names(officer_page)
    axe(officer_page)
    assert college in names and not_known in names

    # The school answers: further education at a named college, and "not known to us" with its words.
    page = new_page()
    _confirm(page, axe, mail, smtp_server, links[school["id"]], "Data Manager", school["contacts"][0])
    page.get_by_role("link", name=college).click()
    expect_title(page, college)
    page.get_by_label("Destination").select_option(label="Further education college")
    page.get_by_label("Provider (optional)").fill("Canterbury College")
    page.get_by_role("button", name="Save answer").click()
    expect_title(page, "Your young people")
    page.get_by_role("link", name=not_known).click()
    expect_title(page, not_known)
    page.get_by_label("Destination").select_option(label="Not known to us")
    page.get_by_label("What you know (optional)").fill("Left in July; her aunt in Deal may know")
    page.get_by_role("button", name="Save answer").click()
    expect_title(page, "Your young people")
    axe(page)
    page.get_by_role("button", name="Check and submit").click()
    expect_title(page, "Check your answers before you submit")
    axe(page)
    page.get_by_role("button", name="Submit the list").click()
    assert page.locator(".govuk-panel__title").inner_text().strip() == "List submitted"

    # The officer: the first has left the queue; the second's case shows what the school said.
    names = _queue_names(officer_page)
    assert college not in names and not_known in names
    officer_page.get_by_role("link", name=not_known).click()
    expect_title(officer_page, not_known)
    axe(officer_page)
    said = officer_page.locator("[data-school-answer]").first.inner_text()
    assert "Left in July; her aunt in Deal may know" in said and "Current situation not known (810)" in said

    # No officer has the first any more: the manager's view of every queue agrees, and her closed
    # case says why.
    manager_page = new_page()
    sign_in(manager_page, "manager")
    manager_page.goto(f"/cases?status=open&q={college.split()[0]}")
    expect_title(manager_page, "My cases")
    axe(manager_page)
    assert college not in manager_page.locator("#main-content").inner_text()
    from tep_app.extensions import db
    from tep_app.models import Case, YoungPerson

    with live_server.app.app_context():
        forename, surname = college.split()
        person = db.session.scalar(select(YoungPerson).where(YoungPerson.surname == surname))
        case = db.session.scalar(select(Case).where(Case.young_person_id == person.id))
        assert (case.status, case.closed_reason) == ("closed", "school_answer")
    manager_page.goto(f"/cases/{case.id}")
    expect_title(manager_page, college)
    axe(manager_page)
    assert "because their school told us their destination" in manager_page.locator("#main-content").inner_text()
