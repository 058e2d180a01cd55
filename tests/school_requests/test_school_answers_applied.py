"""A school's submitted answers turned into what officers see: activities, cases closed or left
open, conflicts flagged within three months, moves and contact details."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tep_app.models import Activity, AuditEvent, ContactDetail, SchoolResponse
from tep_app.services.cases import open_cases_for_request
from tep_app.services.school_requests.outcomes import CONFLICT_WINDOW, NOT_KNOWN_TO_US, apply_answers
from tests.support.cases_support import cases_of, seed_list

SUBMITTED = date(2022, 10, 20)


def _response(db, seeded, index=0) -> SchoolResponse:
    person = seeded.people[index]
    return db.session.scalar(select(SchoolResponse).join(SchoolResponse.list_entry)
                             .where(SchoolResponse.list_entry.property.mapper.class_.young_person_id == person.id))


def _apply(db, seeded, on=SUBMITTED):
    with time_machine.travel(datetime(on.year, on.month, on.day, 15, tzinfo=UTC), tick=False):
        counts = apply_answers(seeded.request, on)
    db.session.flush()
    return counts


def _activities(db, person):
    return db.session.scalars(select(Activity).where(Activity.young_person_id == person.id)
                              .order_by(Activity.id)).all()


def _held(db, person, code, on, source="enrolment import"):
    db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=on, source=source,
                            due_to_lapse_on=on + timedelta(days=365)))
    db.session.flush()


@pytest.mark.parametrize("code", ["810", "820", "830"])
def test_a_not_known_answer_leaves_the_case_to_an_officer(make, db, code):
    assert NOT_KNOWN_TO_US == "810"
    seeded = seed_list(make, db, [code])
    open_cases_for_request(seeded.request)
    counts = _apply(db, seeded)
    assert counts == {"activities": 0, "flagged": 0, "contacts": 0, "left_for_officer": 1, "closed": 0, "moved": 0}
    assert [c.status for c in cases_of(db, seeded.people[0])] == ["open"]
    assert _activities(db, seeded.people[0]) == []


def test_a_destination_becomes_an_activity_and_closes_the_case(make, db):
    seeded = seed_list(make, db, ["330"])
    open_cases_for_request(seeded.request)
    response = _response(db, seeded)
    response.provider_name, response.start_date = "Kent Garden Centre", date(2022, 9, 5)
    counts = _apply(db, seeded)
    assert counts == {"activities": 1, "flagged": 0, "contacts": 0, "left_for_officer": 0, "closed": 0, "moved": 0}
    [activity] = _activities(db, seeded.people[0])
    assert (activity.code, activity.provider_name, activity.start_date, activity.ascertained_on,
            activity.due_to_lapse_on, activity.neet_start_date, activity.needs_review, activity.notes) == \
        ("330", "Kent Garden Centre", date(2022, 9, 5), SUBMITTED, date(2023, 10, 20), None, False,
         "Moved to Margate, works weekends")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school answer applied"))
    assert (audit.object_id, audit.after) == (str(seeded.people[0].id), {"activity": "330"})


def test_a_destination_closes_an_open_case(make, db):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    _response(db, seeded).activity_code = "330"
    counts = _apply(db, seeded)
    assert counts["closed"] == 1
    [case] = cases_of(db, seeded.people[0])
    activity = _activities(db, seeded.people[0])[0]
    assert (case.status, case.closed_reason, case.closing_activity_id) == ("closed", "school_answer", activity.id)


def test_a_neet_answer_keeps_its_start_date_as_the_neet_start_and_lapses_in_three_months(make, db):
    seeded = seed_list(make, db, ["619"])
    _response(db, seeded).start_date = date(2022, 9, 1)
    _apply(db, seeded)
    [activity] = _activities(db, seeded.people[0])
    assert (activity.neet_start_date, activity.due_to_lapse_on) == (date(2022, 9, 1), date(2023, 1, 20))


def test_the_answer_carries_the_date_the_school_saved_it(make, db):
    seeded = seed_list(make, db, ["330"])
    _response(db, seeded).updated_at = datetime(2022, 10, 12, 23, 30, tzinfo=UTC)  # 13 Oct in London
    _apply(db, seeded)
    assert _activities(db, seeded.people[0])[0].source == "school, 13 Oct"


# CONFLICT_WINDOW: an answer that differs from an activity held from the last 92 days is flagged

def test_an_answer_differing_from_an_activity_held_92_days_ago_is_flagged_and_keeps_the_case(make, db):
    assert timedelta(days=92) == CONFLICT_WINDOW
    seeded = seed_list(make, db, ["330"])
    person = seeded.people[0]
    _held(db, person, "220", SUBMITTED - CONFLICT_WINDOW)
    open_cases_for_request(seeded.request)
    counts = _apply(db, seeded)
    assert (counts["activities"], counts["flagged"], counts["closed"]) == (1, 1, 0)
    flagged = _activities(db, person)[-1]
    assert flagged.needs_review is True
    assert flagged.notes == ("Moved to Margate, works weekends\nDiffers from Full-time education: sixth-form college "
                             "(220), recorded by enrolment import on 20 July 2022: an officer should check which "
                             "is right.")


def test_an_activity_held_93_days_ago_is_not_a_conflict(make, db):
    seeded = seed_list(make, db, ["330"])
    person = seeded.people[0]
    _held(db, person, "220", SUBMITTED - CONFLICT_WINDOW - timedelta(days=1))
    counts = _apply(db, seeded)
    assert counts["flagged"] == 0
    assert _activities(db, person)[-1].needs_review is False


def test_the_same_code_as_held_is_not_a_conflict(make, db):
    seeded = seed_list(make, db, ["330"])
    _held(db, seeded.people[0], "330", SUBMITTED - timedelta(days=10))
    assert _apply(db, seeded)["flagged"] == 0


def test_the_newest_held_activity_is_the_one_compared(make, db):
    seeded = seed_list(make, db, ["330"])
    _held(db, seeded.people[0], "220", SUBMITTED - timedelta(days=30))
    _held(db, seeded.people[0], "330", SUBMITTED - timedelta(days=10))
    assert _apply(db, seeded)["flagged"] == 0


def test_an_earlier_school_answer_is_not_a_conflict(make, db):
    seeded = seed_list(make, db, ["330"])
    _held(db, seeded.people[0], "220", SUBMITTED - timedelta(days=10), source="school, 10 Oct")
    assert _apply(db, seeded)["flagged"] == 0


def test_applying_the_same_answers_again_adds_nothing(make, db):
    seeded = seed_list(make, db, ["330"])
    _apply(db, seeded)
    again = _apply(db, seeded)
    assert again["activities"] == 0
    assert len(_activities(db, seeded.people[0])) == 1


# Moves, September Guarantee statuses and contact details

def test_a_move_takes_the_young_person_out_and_closes_their_case(make, db):
    seeded = seed_list(make, db, ["810"])
    open_cases_for_request(seeded.request)
    response = _response(db, seeded)
    response.moved, response.moved_to = "other_la", "Lancashire"
    counts = _apply(db, seeded)
    assert (counts["moved"], counts["left_for_officer"]) == (1, 0)
    person = seeded.people[0]
    assert (person.moved, person.moved_to, person.moved_on) == ("other_la", "Lancashire", SUBMITTED)
    assert cases_of(db, person)[0].status == "closed"


def test_a_settled_guarantee_status_closes_the_case_and_no_offer_yet_does_not(make, db):
    from tep_app.models import GuaranteeStatus

    settled = db.session.scalar(select(GuaranteeStatus.code).where(GuaranteeStatus.group == "offer"))
    unsettled = db.session.scalar(select(GuaranteeStatus.code).where(
        GuaranteeStatus.group.not_in(("offer", "in-learning", "not-appropriate"))))
    seeded = seed_list(make, db, ["", ""])
    open_cases_for_request(seeded.request)
    _response(db, seeded, 0).guarantee_code = settled
    _response(db, seeded, 1).guarantee_code = unsettled
    counts = _apply(db, seeded)
    assert (counts["closed"], counts["left_for_officer"]) == (1, 1)
    assert [cases_of(db, p)[0].status for p in seeded.people] == ["closed", "open"]


def test_new_contact_details_are_added_once_with_the_school_as_source(make, db):
    seeded = seed_list(make, db, ["810"])
    person = seeded.people[0]
    db.session.add(ContactDetail(young_person_id=person.id, kind="email", value="Sam@Example.com",
                                 source="leavers import", recorded_on=date(2022, 7, 20)))
    response = _response(db, seeded)
    response.phone, response.parent_phone, response.email = "07700900001", "07700900002", "sam@example.com"
    counts = _apply(db, seeded)
    assert counts["contacts"] == 2
    added = db.session.scalars(select(ContactDetail).where(ContactDetail.young_person_id == person.id,
                                                           ContactDetail.source != "leavers import")
                               .order_by(ContactDetail.id)).all()
    assert [(d.kind, d.value, d.source, d.recorded_on, d.is_current) for d in added] == [
        ("phone", "07700900001", "school, 20 Oct", SUBMITTED, True),
        ("parent_phone", "07700900002", "school, 20 Oct", SUBMITTED, True)]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school answer applied"))
    assert audit.after == {"contacts": ["phone", "parent_phone"]}
    assert _apply(db, seeded)["contacts"] == 0


def test_a_draft_is_not_applied(make, db):
    seeded = seed_list(make, db, ["draft:330"])
    counts = _apply(db, seeded)
    assert counts == {"activities": 0, "flagged": 0, "contacts": 0, "left_for_officer": 0, "closed": 0, "moved": 0}


# Counting, auditing and naming the school, with several young people at once

def _close_audits(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "close", AuditEvent.object_type == "case")
                              .order_by(AuditEvent.id)).all()


def test_every_kind_of_answer_is_counted_and_the_school_named(make, db):
    from tep_app.models import GuaranteeStatus

    offer = db.session.scalar(select(GuaranteeStatus.code).where(GuaranteeStatus.group == "offer"))
    seeded = seed_list(make, db, ["810"] * 8 + ["830"])
    _held(db, seeded.people[4], "220", SUBMITTED - timedelta(days=5))
    open_cases_for_request(seeded.request)
    for index, code in ((2, "330"), (3, "330"), (4, "619"), (7, "820")):
        _response(db, seeded, index).activity_code = code
    for index in (0, 1):
        _response(db, seeded, index).moved = "abroad"
    for index in (5, 6):
        response = _response(db, seeded, index)
        response.activity_code, response.guarantee_code = None, offer
    counts = _apply(db, seeded)
    assert counts == {"activities": 3, "flagged": 1, "contacts": 0, "left_for_officer": 2, "closed": 4, "moved": 2}
    school = seeded.school.name
    closes = _close_audits(db)
    assert sorted((c.after["reason"], c.after["by"]) for c in closes) == sorted(
        [("moved_away", f"school: {school}")] * 2 + [("school_answer", f"school: {school}")] * 2
        + [("school_guarantee", f"school: {school}")] * 2)
    moved = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "moved away")).all()
    assert {m.after["by"] for m in moved} == {f"school: {school}"}
    applied = {a.object_id: a for a in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "school answer applied"))}
    assert {a.object_type for a in applied.values()} == {"young_person"}
    people = seeded.people
    assert applied[str(people[0].id)].after == {"moved": "abroad"}
    assert applied[str(people[5].id)].after == {"guarantee_status": offer}
    assert str(people[7].id) not in applied  # nothing changed for a Not Known answer
    statuses = [cases_of(db, p)[0].status for p in people]
    assert statuses == ["closed", "closed", "closed", "closed", "open", "closed", "closed", "open", "open"]
    assert {cases_of(db, p)[0].closed_reason for p in people[5:7]} == {"school_guarantee"}


@pytest.mark.parametrize("group", ["in-learning", "not-appropriate"])
def test_other_settled_statuses_close_the_case(make, db, group):
    from tep_app.models import GuaranteeStatus

    code = db.session.scalar(select(GuaranteeStatus.code).where(GuaranteeStatus.group == group))
    seeded = seed_list(make, db, [""])
    open_cases_for_request(seeded.request)
    _response(db, seeded).guarantee_code = code
    assert _apply(db, seeded)["closed"] == 1


def test_only_this_schools_answers_are_applied(make, db):
    mine, theirs = seed_list(make, db, ["330"]), seed_list(make, db, ["330"])
    _apply(db, mine)
    assert len(_activities(db, mine.people[0])) == 1
    assert _activities(db, theirs.people[0]) == []


def test_an_activity_held_from_the_same_day_or_the_same_code_does_not_stop_a_new_answer(make, db):
    seeded = seed_list(make, db, ["330", "330"])
    _held(db, seeded.people[0], "220", SUBMITTED)  # the same day, another code
    _held(db, seeded.people[1], "330", SUBMITTED - timedelta(days=10))  # the same code, another day and source
    counts = _apply(db, seeded)
    assert counts["activities"] == 2
    assert [a.code for a in _activities(db, seeded.people[1])] == ["330", "330"]
