"""The retention run: the figures are the same before and after anonymisation; a dry run changes
nothing and reports the same counts as the real run; contact attempts and notes go six years after
the last contact, audit rows seven years after they were written; the run is audited; enrolment and
offer rows go with the young person they were matched to; `flask tep retention run` and the nightly
job do the same."""
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tep_app.jobs import scheduler, tasks
from tep_app.models import (
    Activity,
    AuditEvent,
    Case,
    ContactAttempt,
    ContactDetail,
    Enrolment,
    ImportBatch,
    ImportWarning,
    MatchResult,
    SchoolResponse,
    YoungPerson,
)
from tep_app.services.cases import open_cases_for_lapsed
from tep_app.services.match_runs import run_matching
from tests.people.everything import young_person_with_everything
from tests.people.retention_support import all_figures, county, leaver, on, person, run_on


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _snapshot(db) -> list:
    db.session.expire_all()
    tables = (YoungPerson, ContactDetail, Activity, ContactAttempt, AuditEvent, Enrolment, SchoolResponse,
              ImportWarning)
    return [sorted(tuple(row) for row in db.session.execute(select(*model.__table__.columns)).all()
                   if model is not AuditEvent or row.action not in ("retention run", "retention dry run"))
            for model in tables]


def test_the_figures_are_the_same_before_and_after(make, db):
    people = county(make, db)
    db.session.commit()
    before = {day: all_figures(day) for day in (date(2022, 11, 30), date(2023, 2, 28), date(2026, 8, 31))}
    assert before[date(2023, 2, 28)][0]["district"]  # there is something to compare
    result = run_on(db, date(2026, 9, 1))
    assert result.counts()["young_person"]["young_person"] == 5
    assert {day: all_figures(day) for day in before} == before
    run_matching(2022)  # matching again finds nothing to match for them, and keeps what it found
    db.session.commit()
    assert {day: all_figures(day) for day in before} == before
    with on(date(2026, 9, 2)):
        assert open_cases_for_lapsed() == 1  # the one kept (with an EHCP); none for the anonymised
    assert [person(db, p.id).anonymised_at is not None for p in people] == [True] * 4 + [False, True]
    moved = person(db, people[5].id)
    assert (moved.moved, moved.moved_on, moved.moved_to) == ("other_la", date(2023, 1, 10), None)


def test_a_dry_run_changes_nothing_and_reports_what_the_run_does(make, db, app):
    county(make, db)
    everything = young_person_with_everything(make, db)
    old = leaver(make, db, make.establishment(), date(2000, 1, 5), ehcp=True, seen=date(2019, 1, 3))
    case = Case(young_person_id=old.id, status="closed", reason="lapsed", opened_at=datetime(2019, 1, 2, tzinfo=UTC),
                not_known_since=date(2019, 1, 1))
    db.session.add(case)
    db.session.flush()
    db.session.add(ContactAttempt(case_id=case.id, channel="phone", outcome="no_answer", notes="No answer",
                                  at=datetime(2019, 1, 3, 10, tzinfo=UTC)))
    db.session.add(AuditEvent(actor_type="system", action="view", at=datetime(2018, 5, 1, tzinfo=UTC)))
    batch = ImportBatch(kind="leavers", filename="leavers.csv", sha256="0" * 64)
    db.session.add(batch)
    db.session.flush()
    batch.created_at = datetime(2022, 7, 1, tzinfo=UTC)
    db.session.add(ImportWarning(import_batch_id=batch.id, row_number=3, column_name="Phone", value="0770",
                                 message="not a phone number"))
    db.session.commit()
    before = _snapshot(db)

    dry = run_on(db, date(2026, 9, 1), dry_run=True)
    assert _snapshot(db) == before
    counts = dry.counts()
    assert counts["young_person"]["young_person"] == 7  # the county's five, everything's one, the old one
    assert counts["young_person"]["contact_detail"] == 7 and counts["young_person"]["enrolment"] == 2
    assert counts["contact"] == {"contact_attempt": 1, "activity": 1, "person_note": 0, "school_response": 0}
    assert counts["audit"] == {"audit_event": 1}
    assert counts["import_values"] == {"import_warning": 1}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention dry run"))
    assert event.after["dry_run"] is True and event.after["counts"] == counts

    real = run_on(db, date(2026, 9, 1))
    assert real.counts() == counts
    assert _snapshot(db) != before
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention run"))
    assert event.after == {"dry_run": False, "on": "2026-09-01", "counts": counts}
    assert counts["young_person"]["open_case"] == 1
    closed = db.session.get(Case, everything.case.id)
    assert (closed.status, closed.closed_reason) == ("closed", "anonymised")
    gone = person(db, everything.person.id)
    assert (gone.forename, gone.surname, gone.upn) == ("Anonymised", str(gone.id), None)
    response = db.session.scalar(select(SchoolResponse).where(SchoolResponse.activity_code == "230"))
    assert (response.phone, response.intelligence, response.activity_code) == (None, None, "230")
    attempt = db.session.scalar(select(ContactAttempt).where(ContactAttempt.case_id == everything.case.id))
    assert (attempt.used_value, attempt.notes, attempt.outcome) == (None, None, "spoke_parent")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course == "Level 2 Professional Cookery"))
    assert (enrolment.forename, enrolment.upn, enrolment.phone, enrolment.date_of_birth) == (
        "Anonymised", None, None, date(2005, 9, 1))
    assert _count(db, ImportWarning, ImportWarning.value.is_not(None)) == 0
    # The audit trail of the young person is kept (append-only) until its own seven years are up.
    assert _count(db, AuditEvent, AuditEvent.object_type == "young_person",
                  AuditEvent.object_id == str(everything.person.id)) == 1


def test_contact_attempts_and_notes_go_six_years_after_the_last_contact(make, db):
    older = leaver(make, db, make.establishment(), date(2000, 1, 5), ehcp=True, seen=date(2019, 2, 1))
    case = Case(young_person_id=older.id, status="closed", reason="lapsed", opened_at=datetime(2019, 1, 2, tzinfo=UTC),
                not_known_since=date(2019, 1, 1))
    db.session.add(case)
    db.session.flush()
    db.session.add(ContactAttempt(case_id=case.id, channel="phone", outcome="no_answer", notes="Rang twice",
                                  at=datetime(2020, 3, 15, 10, tzinfo=UTC)))
    db.session.commit()
    run_on(db, date(2026, 3, 15))
    assert _count(db, ContactAttempt, ContactAttempt.case_id == case.id) == 1
    assert _count(db, Activity, Activity.young_person_id == older.id, Activity.notes.is_not(None)) == 1
    result = run_on(db, date(2026, 3, 16))
    assert result.counts()["contact"]["contact_attempt"] == 1
    assert _count(db, ContactAttempt, ContactAttempt.case_id == case.id) == 0
    activity = db.session.scalar(select(Activity).where(Activity.young_person_id == older.id))
    assert (activity.notes, activity.code) == (None, "230")
    assert person(db, older.id).surname != str(older.id)  # the rest of their record stays


def test_a_contact_within_six_years_keeps_the_older_attempts(make, db):
    young = leaver(make, db, make.establishment(), date(2000, 1, 5), ehcp=True, seen=date(2019, 2, 1))
    case = Case(young_person_id=young.id, status="closed", reason="lapsed",
                opened_at=datetime(2019, 1, 2, tzinfo=UTC), not_known_since=date(2019, 1, 1))
    db.session.add(case)
    db.session.flush()
    for at in (datetime(2019, 3, 15, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)):
        db.session.add(ContactAttempt(case_id=case.id, channel="phone", outcome="no_answer", at=at))
    db.session.commit()
    run_on(db, date(2026, 3, 16))
    assert _count(db, ContactAttempt, ContactAttempt.case_id == case.id) == 2
    run_on(db, date(2027, 6, 2))
    assert _count(db, ContactAttempt, ContactAttempt.case_id == case.id) == 0


def test_audit_rows_go_seven_years_after_they_were_written(make, db):
    db.session.add(AuditEvent(actor_type="system", action="view", object_type="young_person", object_id="1",
                              at=datetime(2019, 5, 1, 10, tzinfo=UTC)))
    db.session.add(AuditEvent(actor_type="system", action="view", object_type="young_person", object_id="2",
                              at=datetime(2019, 5, 2, 10, tzinfo=UTC)))
    db.session.commit()
    assert run_on(db, date(2026, 5, 1)).counts()["audit"] == {"audit_event": 0}
    assert run_on(db, date(2026, 5, 2)).counts()["audit"] == {"audit_event": 1}
    assert [row.object_id for row in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "view"))] == ["2"]
    runs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention run")).all()
    assert len(runs) == 2  # every run is audited, and its own row is kept


def test_an_import_row_goes_with_the_young_person_it_was_matched_to(make, db):
    college = make.establishment(type="college", contacts=0)
    kept = leaver(make, db, make.establishment(), date(2006, 3, 10), ehcp=True)
    matched = make.enrolment(college, kept, 2022)
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=kept.school_records[0].id,
                               candidate_id=matched.id, outcome="certain", rule="upn", score=1.0))
    unmatched = make.enrolment(college, None, 2022, forename="Idris", surname="Vale", date_of_birth=date(2006, 3, 1))
    db.session.commit()
    run_on(db, date(2026, 9, 1))
    db.session.expire_all()
    assert db.session.get(Enrolment, matched.id).forename == kept.forename  # with an EHCP: kept
    assert db.session.get(Enrolment, unmatched.id).forename == "Anonymised"  # past 20 by its own date of birth
    run_on(db, date(2032, 9, 1))
    db.session.expire_all()
    assert db.session.get(Enrolment, matched.id).forename == "Anonymised"


def test_the_command_prints_the_counts_of_each_rule(make, db, app):
    leaver(make, db, make.establishment(), date(2006, 3, 10))
    db.session.commit()
    runner = app.test_cli_runner()
    with on(date(2026, 9, 1)):
        dry = runner.invoke(args=["tep", "retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "Dry run: nothing was changed, 1 September 2026.",
        "A young person's personal data: 1 young person anonymised (rows changed: "
        "contact detail 1, activity 1).",
        "Contact attempts and notes: 0 contact attempts deleted, 0 notes cleared.",
        "The audit trail: 0 audit rows deleted.",
        "Values an import left out: 0 values cleared.",
    ]
    assert _count(db, YoungPerson, YoungPerson.anonymised_at.is_not(None)) == 0
    with on(date(2026, 9, 1)):
        real = runner.invoke(args=["tep", "retention", "run"])
    assert real.exit_code == 0, real.output
    assert real.output.splitlines()[0] == "Retention run, 1 September 2026."
    assert real.output.splitlines()[1:] == dry.output.splitlines()[1:]
    assert _count(db, YoungPerson, YoungPerson.anonymised_at.is_not(None)) == 1


def test_the_nightly_job_runs_the_schedule(make, db, app):
    jobs = {job.id: job for job in scheduler.build_scheduler(app).get_jobs()}
    assert "hour='2', minute='0'" in str(jobs["retention"].trigger)
    young = leaver(make, db, make.establishment(), date(2006, 3, 10))
    db.session.commit()
    with on(date(2026, 9, 1)):
        counts = tasks.run_retention(app)
    assert counts["young_person"]["young_person"] == 1
    assert person(db, young.id).anonymised_at is not None
