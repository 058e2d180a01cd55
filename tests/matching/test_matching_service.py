"""run_matching on a small database: the expected outcomes, stored in bulk, decisions remembered."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tep_app.models import AuditEvent, MatchDecision, MatchResult
from tep_app.services.match_review import decide_pair, get_match_summary, list_review_pairs
from tep_app.services.match_runs import MatchingError, run_matching

YEAR = 2022


@pytest.fixture
def county(make):
    """Leavers of one school and the enrolments and offers of one college."""
    school = make.establishment(name="Orchard Academy")
    college = make.establishment(type="college", contacts=0, name="Weald Coast College")
    people = {}

    def leaver(key, **kwargs):
        person = make.young_person(**kwargs)
        people[key] = (person, make.school_record(person, school, "leaver", YEAR))
        return person

    exact = leaver("exact", forename="Amelia", surname="Hart", date_of_birth=date(2006, 10, 3), postcode="ME14 1AA")
    make.enrolment(college, exact, YEAR, upn=None, uln=None)
    nickname = leaver("nickname", forename="William", surname="Okafor", date_of_birth=date(2006, 12, 1),
                      postcode="CT1 2BB", gender="M")
    make.enrolment(college, nickname, YEAR, upn=None, uln=None, forename="Bill")
    # A surname one letter out and a date of birth one digit out: possible, for review.
    doubtful = leaver("doubtful", forename="Priya", surname="Raman", date_of_birth=date(2007, 3, 14),
                      postcode="TN23 4DD")
    make.enrolment(college, doubtful, YEAR, upn=None, uln=None, surname="Ramen", date_of_birth=date(2007, 3, 19),
                   postcode="DA1 1ZZ", row_key="doubtful-row")
    # Twins: only one enrolled.
    twin = leaver("twin_enrolled", forename="Jacob", surname="Mills", date_of_birth=date(2006, 11, 5),
                  postcode="ME15 6EE", gender="M")
    make.enrolment(college, twin, YEAR, upn=None, uln=None)
    leaver("twin_not_enrolled", forename="Oscar", surname="Mills", date_of_birth=date(2006, 11, 5),
           postcode="ME15 6EE", gender="M")
    leaver("not_enrolled", forename="Ruby", surname="Stone", date_of_birth=date(2007, 1, 9))
    # A pupil on roll with two offer rows: one records no offer, the other an offer.
    pupil = make.young_person(forename="Maya", surname="Lloyd", date_of_birth=date(2007, 5, 5))
    people["pupil"] = (pupil, make.school_record(pupil, school, "roll", YEAR))
    make.offer(college, pupil, YEAR, status="159", row_key="no-offer-row")
    offer_row = make.offer(college, pupil, YEAR, status="110", row_key="offer-row", upn=None)
    people["offer_row"] = offer_row
    return people


def _result(db, record, kind="leaver_enrolment"):
    return db.session.scalar(select(MatchResult).where(MatchResult.kind == kind,
                                                       MatchResult.school_record_id == record.id))


def test_run_matching_finds_the_expected_outcomes(db, county):
    counts = run_matching(YEAR)

    assert counts["leaver_enrolment"] == {"certain": 3, "possible": 1, "none": 2,
                                          "reviewed-accepted": 0, "reviewed-rejected": 0}
    assert counts["roll_offer"]["certain"] == 1
    outcomes = {key: _result(db, value[1]) for key, value in county.items() if key not in ("pupil", "offer_row")}
    assert outcomes["exact"].outcome == "certain"
    assert set(outcomes["exact"].rule.split("+")) == {"fn", "sn", "dob", "pc"}
    assert outcomes["nickname"].outcome == "certain" and "fn-alias" in outcomes["nickname"].rule.split("+")
    assert 0.99 <= outcomes["exact"].score <= 1
    assert outcomes["doubtful"].outcome == "possible"
    assert outcomes["twin_enrolled"].outcome == "certain"
    assert (outcomes["twin_not_enrolled"].outcome, outcomes["twin_not_enrolled"].candidate_id) == ("none", None)
    assert outcomes["not_enrolled"].outcome == "none"


def test_a_pupil_with_several_offer_rows_is_matched_to_the_row_with_an_offer(db, county):
    run_matching(YEAR, kinds=["roll_offer"])
    result = _result(db, county["pupil"][1], "roll_offer")
    assert (result.outcome, result.candidate_id) == ("certain", county["offer_row"].id)


def test_a_rerun_replaces_the_results_instead_of_adding_to_them(db, county):
    run_matching(YEAR)
    run_matching(YEAR)
    assert db.session.scalar(select(func.count()).select_from(MatchResult)) == 7


def test_an_accepted_pair_stays_certain_after_a_rerun(db, county, make):
    run_matching(YEAR)
    reviewer = make.staff(role="admin")
    result = _result(db, county["doubtful"][1])
    decided = decide_pair(result.id, "accepted", reviewer.id)

    assert decided.young_person_name == "Priya Raman"
    assert result.effective_outcome == "certain"
    counts = run_matching(YEAR)
    again = _result(db, county["doubtful"][1])
    assert (again.outcome, again.decided_outcome, again.effective_outcome) == ("possible", "certain", "certain")
    assert counts["leaver_enrolment"]["reviewed-accepted"] == 1
    assert counts["leaver_enrolment"]["certain"] == 4


def test_a_rejected_pair_is_not_chosen_again(db, county, make):
    run_matching(YEAR)
    result = _result(db, county["doubtful"][1])
    decide_pair(result.id, "rejected", make.staff(role="manager").id)
    assert result.effective_outcome == "none"

    counts = run_matching(YEAR)
    again = _result(db, county["doubtful"][1])
    assert (again.outcome, again.candidate_id) == ("none", None)
    assert counts["leaver_enrolment"]["reviewed-rejected"] == 1
    decision = db.session.scalar(select(MatchDecision))
    assert (decision.candidate_key, decision.decision) == ("doubtful-row", "rejected")


def test_a_decision_is_audited_and_cannot_be_made_twice(db, county, make):
    run_matching(YEAR)
    result = _result(db, county["doubtful"][1])
    decide_pair(result.id, "accepted", make.staff(role="admin").id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "match-accept"))
    assert event.object_id == str(result.id)
    assert event.after["decided_outcome"] == "certain"

    with pytest.raises(MatchingError, match="already been decided"):
        decide_pair(result.id, "rejected", None)
    with pytest.raises(MatchingError, match="no longer in the review queue"):
        decide_pair(result.id + 10_000, "accepted", None)
    assert db.session.scalar(select(func.count()).select_from(MatchDecision)) == 1


def test_review_pairs_and_summary(db, county):
    run_matching(YEAR)
    page = list_review_pairs("leaver_enrolment", YEAR, 1)
    assert page.total == 1
    pair = page.pairs[0]
    assert pair.name == "Priya Raman"
    differs = {field.label for field in pair.fields if field.differs}
    assert differs == {"Surname", "Date of birth", "Postcode"}
    assert [field.state for field in pair.fields if field.label == "UPN"] == ["missing"]
    summary = get_match_summary(YEAR)
    assert summary["leaver_enrolment"] == {"certain": 3, "possible": 1, "none": 2, "reviewed": 0}


def test_run_matching_without_a_year_runs_every_year(db, county, make):
    person = make.young_person(forename="Zara", surname="Quinn")
    make.school_record(person, kind="leaver", academic_year=2021)
    make.enrolment(young_person=person, academic_year=2021)
    counts = run_matching()
    assert counts["leaver_enrolment"]["certain"] == 4
    assert counts["leaver_enrolment"]["none"] == 2


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(MatchingError, match="Unknown kind"):
        run_matching(YEAR, kinds=["leaver_everything"])


def test_matching_in_two_processes_gives_the_same_results(db, county, monkeypatch):
    from tep_app.services import match_runs

    serial = run_matching(YEAR)
    stored = sorted(db.session.execute(select(MatchResult.school_record_id, MatchResult.candidate_id,
                                              MatchResult.outcome, MatchResult.rule)).all())
    monkeypatch.setattr(match_runs, "PARALLEL_THRESHOLD", 0)
    assert run_matching(YEAR) == serial
    assert sorted(db.session.execute(select(MatchResult.school_record_id, MatchResult.candidate_id,
                                            MatchResult.outcome, MatchResult.rule)).all()) == stored



def test_matched_in_children_the_offers_job_records_the_pupils_status(db, county, monkeypatch):
    """Each job's follow-up is recorded as it is stored, whichever child ends first: here the pupil
    holds the status of the offer row matched to them."""
    from tep_app.models.people import GuaranteeRecord
    from tep_app.services import match_runs

    monkeypatch.setattr(match_runs, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(match_runs, "_workers", lambda: 2)
    run_matching(YEAR)
    pupil = county["pupil"][0]
    assert db.session.execute(select(GuaranteeRecord.status, GuaranteeRecord.provider_name)
                              .where(GuaranteeRecord.young_person_id == pupil.id)).all() == [
        ("110", "Weald Coast College")]
