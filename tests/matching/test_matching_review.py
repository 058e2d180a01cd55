"""The match review page: counts, the queue side by side, accept and reject, who may see it."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, MatchDecision, MatchResult
from tep_app.services.match_runs import run_matching

YEAR = 2022


@pytest.fixture
def doubtful_pair(db, make):
    """One leaver whose enrolment row is only a possible match."""
    school = make.establishment(name="Chalk Hill School")
    college = make.establishment(type="college", contacts=0, name="Stour Valley College")
    person = make.young_person(forename="Priya", surname="Raman", date_of_birth=date(2007, 3, 14),
                               postcode="TN23 4DD")
    record = make.school_record(person, school, "leaver", YEAR)
    make.enrolment(college, person, YEAR, upn=None, uln=None, surname="Ramen", date_of_birth=date(2007, 3, 19),
                   postcode="DA1 1ZZ", row_key="priya-row")
    run_matching(YEAR)
    return db.session.scalar(select(MatchResult).where(MatchResult.school_record_id == record.id))


def test_the_queue_shows_both_sides_with_differences_in_words(pages, login, doubtful_pair, db):
    login("admin")
    page = pages.page(f"/admin/matches/?year={YEAR}")

    assert page.h1.text.strip() == "Match review"
    pair = page.select_one(".app-review-pair")
    assert "Priya Raman, Chalk Hill School" in pair.h3.text
    rows = {tr.th.text.strip(): [td.text.strip() for td in tr.find_all("td")] for tr in pair.select("tbody tr")}
    assert rows["Surname"] == ["Raman", "Ramen", "Different"]
    assert rows["Forename"] == ["Priya", "Priya", "Same"]
    assert rows["Date of birth"] == ["14/03/2007", "19/03/2007", "Different"]
    evidence = pair.select_one(".app-review-pair__evidence").text.strip()
    assert evidence == ("Matched on forename; surname differs by one letter; postcode differs; date of birth differs "
                        "by one digit or one day.")
    assert doubtful_pair.rule not in pair.text  # the stored key is never shown
    assert 0.01 <= doubtful_pair.score < 0.5  # the stored probability, shown as the reviewer reads it
    assert f"Same young person: unlikely ({doubtful_pair.score * 100:.0f}%)" in " ".join(pair.text.split())
    summary = [td.text.strip() for td in page.select("table")[0].select("tbody tr")[0].find_all("td")]
    assert summary == ["0", "1", "0", "0"]
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view",
                                                        AuditEvent.object_type == "match_review"))
    assert viewed.after["school_record_ids"] == [doubtful_pair.school_record_id]


def test_accepting_a_pair_names_the_young_person_and_empties_the_queue(pages, login, doubtful_pair, db):
    login("manager")
    response = pages.post("/admin/matches/decide", data={
        "result_id": doubtful_pair.id, "decision": "accepted", "year": YEAR, "kind": "leaver_enrolment"},
        status=302)
    page = pages.page(response.headers["Location"])

    assert "Match for Priya Raman accepted" in page.select_one(".govuk-notification-banner").text
    assert "There are no possible pairs waiting" in page.text
    assert doubtful_pair.decided_outcome == "certain"
    decision = db.session.scalar(select(MatchDecision))
    assert (decision.candidate_key, decision.decision) == ("priya-row", "accepted")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match-accept")) is not None


def test_rejecting_a_pair_keeps_the_young_person_on_the_list(pages, login, doubtful_pair):
    login("admin")
    response = pages.post("/admin/matches/decide", data={
        "result_id": doubtful_pair.id, "decision": "rejected", "year": YEAR, "kind": "leaver_enrolment"},
        status=302)
    page = pages.page(response.headers["Location"])
    assert "Match for Priya Raman rejected" in page.select_one(".govuk-notification-banner").text
    assert doubtful_pair.decided_outcome == "none"


def test_a_pair_already_decided_gets_a_clear_message_and_nothing_changes(pages, login, doubtful_pair, db):
    login("admin")
    data = {"result_id": doubtful_pair.id, "decision": "accepted", "year": YEAR, "kind": "leaver_enrolment"}
    pages.get(pages.post("/admin/matches/decide", data=data, status=302).headers["Location"])
    response = pages.post("/admin/matches/decide", data={**data, "decision": "rejected"}, status=302)
    page = pages.page(response.headers["Location"])

    assert "already been decided. Nothing was changed." in page.select_one(".govuk-notification-banner").text
    assert doubtful_pair.decided_outcome == "certain"
    assert db.session.scalar(select(MatchDecision)).decision == "accepted"


def test_a_pair_that_no_longer_exists_gets_a_clear_message(pages, login, doubtful_pair):
    login("admin")
    response = pages.post("/admin/matches/decide", data={
        "result_id": doubtful_pair.id + 999, "decision": "accepted", "year": YEAR}, status=302)
    page = pages.page(response.headers["Location"])
    assert "no longer in the review queue" in page.select_one(".govuk-notification-banner").text


def test_a_decision_without_accept_or_reject_changes_nothing(pages, login, doubtful_pair):
    login("admin")
    response = pages.post("/admin/matches/decide", data={
        "result_id": doubtful_pair.id, "decision": "maybe", "year": YEAR}, status=302)
    page = pages.page(response.headers["Location"])
    assert "Select accept or reject" in page.select_one(".govuk-notification-banner").text
    assert doubtful_pair.decided_outcome is None


def test_officers_may_not_see_the_review_page(pages, login, doubtful_pair):
    login("officer")
    pages.get("/admin/matches/", status=403)


def test_officers_may_not_decide_a_pair(pages, login, doubtful_pair):
    login("officer")
    pages.post("/admin/matches/decide", data={"result_id": doubtful_pair.id, "decision": "accepted"}, status=403)


def test_a_school_session_may_not_review(client, pages, doubtful_pair):
    with client.session_transaction() as session:
        session["school_request_id"] = 1
    pages.get("/admin/matches/", status=403)


def test_anonymous_visitors_are_sent_to_sign_in(pages, doubtful_pair):
    response = pages.get("/admin/matches/", status=302)
    assert "/sign-in" in response.headers["Location"]


def test_the_page_says_when_there_is_nothing_to_review(pages, login):
    login("admin")
    page = pages.page("/admin/matches/")
    assert "There is nothing to review yet" in page.text


def test_decisions_need_a_csrf_token(app, client, login, doubtful_pair):
    login("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/admin/matches/decide", data={"result_id": doubtful_pair.id, "decision": "accepted"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
