"""Building the lists from match results: who stays on a school's list, and why."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.models import ListEntry, MatchResult, SchoolRequest, SchoolResponse
from tep_app.services import calendar
from tep_app.services.lists import (
    ListsError,
    build_lists,
    build_lists_with_summary,
    get_school_lists,
    list_entries,
    list_schools_with_counts,
)


def _result(db, record, kind, outcome, decided=None, candidate_id=None):
    row = MatchResult(kind=kind, school_record_id=record.id, candidate_id=candidate_id, outcome=outcome,
                      decided_outcome=decided, rule="test", score=1.0)
    db.session.add(row)
    db.session.flush()
    return row


def _entries(db, collection) -> dict[int, str]:
    """young person id -> reason."""
    return dict(db.session.execute(select(ListEntry.young_person_id, ListEntry.reason)
                                   .where(ListEntry.collection_id == collection.id)).all())


@pytest.fixture
def leavers(db, make):
    school = make.establishment(name="Alpha School")
    people = {}
    for key, outcome, decided in [("certain", "certain", None), ("possible", "possible", None),
                                  ("none", "none", None), ("accepted", "possible", "certain"),
                                  ("rejected", "possible", "none"), ("unmatched", None, None)]:
        person = make.young_person(surname=key.title())
        record = make.school_record(person, school, kind="leaver", academic_year=2022)
        if outcome:
            _result(db, record, "leaver_enrolment", outcome, decided)
        people[key] = person
    return school, people


def test_a_leaver_leaves_the_list_only_on_a_confident_match(db, leavers):
    school, people = leavers

    collection = build_lists("leavers", 2022)
    reasons = _entries(db, collection)

    assert people["certain"].id not in reasons
    assert people["accepted"].id not in reasons
    assert reasons[people["possible"].id] == "possible enrolment found, awaiting review"
    assert reasons[people["none"].id] == "on no school or college enrolment list"
    assert reasons[people["rejected"].id] == "possible enrolment rejected on review; on no enrolment list"
    assert "matching has not been run yet" in reasons[people["unmatched"].id]
    assert len(reasons) == 4


def test_the_collection_takes_its_dates_from_the_calendar(db, leavers):
    calendar.set_date(2022, "leavers_send", date(2022, 10, 8), None)  # a Saturday
    calendar.set_date(2022, "leavers_due", date(2022, 11, 4), None)

    collection = build_lists("leavers", 2022)

    assert (collection.kind, collection.academic_year) == ("leavers", 2022)
    assert collection.send_on == date(2022, 10, 7)
    assert collection.due_on == date(2022, 11, 4)
    assert collection.built_at is not None


def test_rebuilding_is_idempotent_and_keeps_entry_ids(db, leavers):
    first = build_lists("leavers", 2022)
    ids = set(db.session.scalars(select(ListEntry.id).where(ListEntry.collection_id == first.id)))

    again, summary = build_lists_with_summary("leavers", 2022)

    assert again.id == first.id
    assert set(db.session.scalars(select(ListEntry.id).where(ListEntry.collection_id == first.id))) == ids
    assert (summary.people, summary.schools, summary.added, summary.removed) == (4, 1, 0, 0)


def test_a_new_confident_match_takes_the_leaver_off_on_rebuild(db, leavers):
    _school, people = leavers
    collection = build_lists("leavers", 2022)
    result = db.session.scalar(select(MatchResult).where(
        MatchResult.school_record_id == people["possible"].school_records[0].id))
    result.decided_outcome = "certain"

    build_lists("leavers", 2022)

    assert people["possible"].id not in _entries(db, collection)


def test_after_sending_answered_entries_are_kept_and_new_ones_added(db, make, leavers):
    school, people = leavers
    collection = build_lists("leavers", 2022)
    request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="sent",
                            due_on=collection.due_on)
    db.session.add(request)
    db.session.flush()
    entry = {e.young_person_id: e for e in collection.entries}
    db.session.add(SchoolResponse(school_request_id=request.id, list_entry_id=entry[people["none"].id].id,
                                  activity_code="230", answered=True))
    for key in ("none", "possible"):
        result = db.session.scalar(select(MatchResult).where(
            MatchResult.school_record_id == people[key].school_records[0].id))
        result.outcome = "certain"
    newcomer = make.young_person(surname="Newcomer")
    make.school_record(newcomer, school, kind="leaver", academic_year=2022)

    _collection, summary = build_lists_with_summary("leavers", 2022)
    reasons = _entries(db, collection)

    assert summary.already_sent and summary.kept_answered == 1 and summary.removed == 1 and summary.added == 1
    assert reasons[people["none"].id].startswith("no longer on the list after a rebuild; kept because")
    assert people["possible"].id not in reasons
    assert newcomer.id in reasons


@pytest.fixture
def roll(db, make):
    school = make.establishment(name="Beta School")
    college = make.establishment(type="college", contacts=0)
    people = {}
    for key, status, outcome, decided in [
        ("offer_110", "110", "certain", None), ("offer_114", "114", "certain", None),
        ("status_151", "151", "certain", None), ("possible_110", "110", "possible", None),
        ("accepted_115", "115", "possible", "certain"), ("rejected_110", "110", "possible", "none"),
        ("none", None, "none", None), ("unmatched", None, None, None),
    ]:
        person = make.young_person(surname=key.title())
        record = make.school_record(person, school, kind="roll", academic_year=2022, year_group=11)
        offer = make.offer(college, person, academic_year=2022, status=status) if status else None
        if outcome:
            _result(db, record, "roll_offer", outcome, decided, offer.id if offer else None)
        people[key] = person
    return school, people


def test_a_pupil_leaves_the_no_offer_list_only_on_a_confident_match_to_an_offer(db, roll):
    _school, people = roll

    reasons = _entries(db, build_lists("no-offer", 2022))

    assert {key for key, person in people.items() if person.id in reasons} == {
        "status_151", "possible_110", "rejected_110", "none", "unmatched"}
    assert reasons[people["status_151"].id] == (
        "offer record found with status 151 (No offer: has not applied): no recorded offer")
    assert reasons[people["possible_110"].id] == "possible offer found, awaiting review"
    assert reasons[people["none"].id] == "no September Guarantee offer found"


def test_leavers_and_roll_of_other_years_stay_off(db, make, leavers):
    make.school_record(make.young_person(), leavers[0], kind="leaver", academic_year=2021)

    assert len(_entries(db, build_lists("leavers", 2022))) == 4
    assert _entries(db, build_lists("no-offer", 2022)) == {}


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ListsError, match="Unknown list 'everyone': use leavers or no-offer"):
        build_lists("everyone", 2022)


def test_school_summaries_counts_and_pages(db, make, leavers, roll):
    alpha, _ = leavers
    beta, _ = roll
    other = make.establishment(name="Gamma Academy")
    build_lists("leavers", 2022)
    build_lists("no-offer", 2022)

    summary = get_school_lists(alpha.id, 2022)
    assert (summary["leavers"].count, summary["no-offer"].count) == (4, 0)
    assert summary["leavers"].due_on == date(2022, 10, 31)

    page = list_schools_with_counts(2022, search=None, page=1)
    counts = {row.establishment.name: (row.leavers, row.no_offer) for row in page.items}
    assert counts["Alpha School"] == (4, 0)
    assert counts["Beta School"] == (0, 5)
    assert counts[other.name] == (0, 0)

    found = list_schools_with_counts(2022, search=beta.laestab, page=1)
    assert [row.establishment.name for row in found.items] == ["Beta School"]
    assert list_schools_with_counts(2022, search="100%", page=1).total == 0

    entries = list_entries(summary["leavers"].collection.id, alpha.id, page=2, per_page=3)
    assert (entries.total, entries.pages, len(entries.items)) == (4, 2, 1)
    assert entries.items[0].young_person.surname == "Unmatched"
