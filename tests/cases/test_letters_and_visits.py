"""After the calls have failed, an officer writes or visits: each has its own outcomes, the
address held is offered, and the case stops asking for a letter or a visit once one is logged."""
from sqlalchemy import select

from tep_app.models import ContactAttempt
from tests.cases.test_cases_casework import activity_data, attempt_data, seeded_case

ADDRESS = "12 Orchard Way, Maidstone"
POSTCODE = "ME14 1XX"


def _flash(page) -> str:
    banner = page.select_one(".govuk-notification-banner")
    return banner.get_text(" ", strip=True) if banner else ""


def _errors(page) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page.select(".govuk-error-summary__list li")]


def _case_after_three_failed_calls(pages, login, make, db):
    officer = login("officer")
    case, seeded = seeded_case(make, db, officer)
    person = seeded.people[0]
    person.address, person.postcode = ADDRESS, POSTCODE
    db.session.commit()
    for outcome in ("no_answer", "voicemail", "no_answer"):
        db.session.refresh(case)
        response = pages.post(f"/cases/{case.id}/attempts", attempt_data(case, outcome=outcome), 302)
        page = pages.get(response.location).page  # the officer sees the case after each call
    assert "This case now needs a letter or a visit" in _flash(page)
    assert "Letter or visit" in page.select_one("#case-flags").get_text(" ", strip=True)
    return case


def test_the_address_held_is_offered_and_a_letter_goes_there_with_its_own_outcome(pages, login, make, db):
    case = _case_after_three_failed_calls(pages, login, make, db)
    page = pages.get(f"/cases/{case.id}").page
    options = [o.get_text(strip=True) for o in page.select("#attempt-used option")]
    assert f"{ADDRESS}, {POSTCODE} (address held)" in options
    assert f"{ADDRESS}, {POSTCODE}" in page.select_one("#attempt-used-hint").get_text()
    outcomes = page.select_one("#attempt-form").find_next("form").get_text(" ", strip=True)
    assert "A letter Letter sent Returned undelivered" in outcomes
    assert "A visit No one at home Left a calling card They have moved away" in outcomes

    db.session.refresh(case)
    response = pages.post(f"/cases/{case.id}/attempts",
                          attempt_data(case, channel="letter", used="", outcome="letter_sent"), 302)
    page = pages.get(response.location).page
    assert _flash(page) == "Success Contact attempt saved"
    assert "needs a letter or a visit" not in _flash(page)
    assert "Letter or visit" not in page.select_one("#case-flags").get_text(" ", strip=True)
    letter = db.session.scalars(select(ContactAttempt).where(ContactAttempt.case_id == case.id)
                                .order_by(ContactAttempt.id.desc())).first()
    assert (letter.channel, letter.used_value, letter.outcome) == ("letter", f"{ADDRESS}, {POSTCODE}", "letter_sent")
    assert f"Letter to {ADDRESS}, {POSTCODE}: letter sent" in page.select_one("#timeline").get_text(" ", strip=True)


def test_a_letter_or_a_visit_cannot_have_a_phone_calls_outcome(pages, login, make, db):
    case = _case_after_three_failed_calls(pages, login, make, db)
    db.session.refresh(case)
    page = pages.post(f"/cases/{case.id}/attempts",
                      attempt_data(case, channel="letter", used="", outcome="voicemail")).page
    assert _errors(page) == ["Select what happened to the letter"]
    page = pages.post(f"/cases/{case.id}/attempts",
                      attempt_data(case, channel="visit", used="", outcome="wrong_number")).page
    assert _errors(page) == ["Select what happened on the visit"]
    page = pages.post(f"/cases/{case.id}/attempts",
                      attempt_data(case, channel="phone", outcome="card_left")).page
    assert _errors(page) == ["Select what happened on the call"]


def test_a_visit_is_logged_with_its_outcome_and_a_closed_case_has_no_letter_or_visit_tag(pages, login, make, db):
    case = _case_after_three_failed_calls(pages, login, make, db)
    db.session.refresh(case)
    response = pages.post(f"/cases/{case.id}/attempts",
                          attempt_data(case, channel="visit", used="", outcome="card_left"), 302)
    page = pages.get(response.location).page
    assert "needs a letter or a visit" not in _flash(page)
    timeline = page.select_one("#timeline").get_text(" ", strip=True)
    assert f"Visit to {ADDRESS}, {POSTCODE}: left a calling card" in timeline

    # Three more failed calls after the visit: a letter or a visit is needed again.
    for outcome in ("no_answer", "no_answer", "no_answer"):
        db.session.refresh(case)
        response = pages.post(f"/cases/{case.id}/attempts", attempt_data(case, outcome=outcome), 302)
        page = pages.get(response.location).page
    assert "This case now needs a letter or a visit" in _flash(page)
    assert "Letter or visit" in page.select_one("#case-flags").get_text()
    # The young person is found: the case closes and the tag goes with it.
    db.session.refresh(case)
    pages.post(f"/cases/{case.id}/activity", activity_data(case, "330"), 302)
    db.session.refresh(case)
    assert case.status == "closed" and case.needs_letter_or_visit is False
    flags = pages.get(f"/cases/{case.id}").page.select_one("#case-flags")
    assert flags is None or "Letter or visit" not in flags.get_text()
