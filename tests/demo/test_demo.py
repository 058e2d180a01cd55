"""`flask tep demo`: loads the synthetic county through the real services, once."""
import re

import pytest
from sqlalchemy import func, select

from tep_app.models import Enrolment, Establishment, ListEntry, Offer, SchoolRecord, StaffUser, YoungPerson


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def logins(app, tmp_path, monkeypatch):
    path = tmp_path / "demo-logins.txt"
    monkeypatch.setitem(app.config, "DEMO_LOGINS_PATH", str(path))
    return path


def test_demo_loads_schools_young_people_lists_and_staff(app, db, logins):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tep", "demo", "--scale", "0.01", "--year", "2022"])

    assert result.exit_code == 0, result.output
    assert _count(db, Establishment) == 142
    assert _count(db, Establishment, Establishment.type == "college") == 12
    assert _count(db, SchoolRecord, SchoolRecord.kind == "leaver", SchoolRecord.academic_year == 2022) == 350
    # the roll: this year's Year 11, and those of last summer's Year 11 who stayed on in a sixth form
    year_11 = _count(db, SchoolRecord, SchoolRecord.kind == "roll", SchoolRecord.academic_year == 2022,
                     SchoolRecord.year_group == 11)
    year_12 = _count(db, SchoolRecord, SchoolRecord.kind == "roll", SchoolRecord.academic_year == 2022,
                     SchoolRecord.year_group == 12)
    assert year_11 == 175 and 0 < year_12 < 175
    # nobody on a Year 12 roll (in a sixth form) has a case open
    from tep_app.models import Case
    from tep_app.services.figures import on_year_12_roll

    assert _count(db, Case, Case.status == "open") > 0
    assert _count(db, Case, Case.status == "open", on_year_12_roll(Case.young_person_id, 2022)) == 0
    assert 540 <= _count(db, Enrolment, Enrolment.academic_year == 2022) <= 660
    assert _count(db, Offer, Offer.academic_year == 2022) > year_11 + year_12  # an offer row for most, two for some
    assert _count(db, ListEntry) > 0
    assert _count(db, StaffUser, StaffUser.role == "officer") == 20
    assert _count(db, StaffUser, StaffUser.role == "manager") == 5
    assert _count(db, StaffUser, StaffUser.role == "admin") == 1
    assert "Sign in at http" in result.output
    # officers have their patches (a district each for twelve, two schools each for the rest)
    from tep_app.models import Patch, SchoolRequest

    assert _count(db, Patch, Patch.district_id.is_not(None)) == 12
    assert _count(db, Patch, Patch.establishment_id.is_not(None)) == 16
    # the leavers lists went out: each school with someone on its list has a sent request
    schools_on_lists = db.session.scalar(select(func.count(ListEntry.establishment_id.distinct())).join(
        ListEntry.collection).where(ListEntry.collection.has(kind="leavers")))
    assert _count(db, SchoolRequest, SchoolRequest.status != "not_sent") == schools_on_lists > 0

    # every password is printed once and kept in the git-ignored file, and it signs in
    text = logins.read_text()
    line = re.search(r"officer\s+(officer01@tep\.example)\s+(\S+)", text)
    assert line and line.group(2) in result.output
    from tep_app.services.staff import authenticate

    assert authenticate(line.group(1), line.group(2)) is not None

    # a second run without --reset loads nothing twice
    people = _count(db, YoungPerson)
    enrolments = _count(db, Enrolment)

    again = runner.invoke(args=["tep", "demo", "--scale", "0.01", "--year", "2022"])

    assert again.exit_code == 0
    assert "already has establishments" in again.output
    assert _count(db, YoungPerson) == people and _count(db, Enrolment) == enrolments
    assert _count(db, StaffUser) == 26


def test_demo_accounts_are_made_as_the_service_makes_them(app, db, logins):
    """Each password hashed with the production settings, each account's creation in the audit trail."""
    from argon2 import PasswordHasher

    from tep_app.models import AuditEvent

    assert app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022"]).exit_code == 0

    users = list(db.session.scalars(select(StaffUser)))
    assert len(users) == 26
    assert [user.email for user in users if PasswordHasher().check_needs_rehash(user.password_hash)] == []
    assert len({user.password_hash for user in users}) == 26
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "create",
                                                          AuditEvent.object_type == "staff_user"))
    assert sorted((event.object_id, event.after["email"], event.after["role"]) for event in created) == sorted(
        (str(user.id), user.email, user.role) for user in users)


def test_each_demo_password_has_its_own_hash_whether_made_beforehand_or_when_wanted():
    from argon2 import PasswordHasher

    from tep_app.demo.load import demo_accounts, hash_soon

    made = hash_soon(demo_accounts()[:4])
    hashes = made.hashes()  # at once: the thread beside has made none, or one or two

    assert len(hashes) == 4 and 0 <= made.beforehand <= 4
    for password, password_hash in zip(made.passwords, hashes, strict=True):
        assert PasswordHasher().verify(password_hash, password)


def test_schools_that_submit_upload_their_list_and_the_others_answer_on_the_form(app, db, logins):
    from tep_app.models import SchoolRequest, SchoolResponse

    assert app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.02", "--year", "2022"]).exit_code == 0

    sources = {tuple(row) for row in db.session.execute(
        select(SchoolRequest.status, SchoolResponse.source).distinct()
        .join(SchoolResponse, SchoolResponse.school_request_id == SchoolRequest.id))}
    assert sources == {("submitted", "upload"), ("in_progress", "form")}


def test_a_county_of_several_years_is_refreshed_a_year_at_a_time(app, db, logins):
    from tep_app.models import Collection, ImportBatch, MatchResult

    result = app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.01", "--year", "2022", "--years", "2"])

    assert result.exit_code == 0, result.output
    assert "leavers 2021" in result.output and "leavers 2022" in result.output
    batches = db.session.execute(select(ImportBatch.kind, ImportBatch.academic_year).order_by(ImportBatch.id)).all()
    assert [(kind, year) for kind, year in batches if kind != "establishments"] == [
        (kind, year) for year in (2021, 2022) for kind in ("leavers", "roll", "enrolments", "offers")]
    for year in (2021, 2022):
        assert _count(db, SchoolRecord, SchoolRecord.kind == "leaver", SchoolRecord.academic_year == year) == 350
        assert set(db.session.scalars(select(MatchResult.kind).distinct().join(MatchResult.school_record).where(
            SchoolRecord.academic_year == year))) == {"leaver_enrolment", "roll_offer"}
        for kind in ("leavers", "no-offer"):
            assert _count(db, ListEntry, ListEntry.collection.has(
                (Collection.kind == kind) & (Collection.academic_year == year))) > 0


def test_reset_empties_the_data_and_loads_afresh(app, db, logins):
    from tep_app.models import ActivityCode, GuaranteeStatus

    runner = app.test_cli_runner()
    assert runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022"]).exit_code == 0
    codes = _count(db, ActivityCode), _count(db, GuaranteeStatus)

    result = runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022", "--seed", "9", "--reset"])

    assert result.exit_code == 0, result.output
    assert "Emptied the data tables" in result.output
    assert _count(db, Establishment) == 142
    assert _count(db, SchoolRecord, SchoolRecord.kind == "leaver") == 176
    assert _count(db, StaffUser) == 26
    assert (_count(db, ActivityCode), _count(db, GuaranteeStatus)) == codes and codes[0] > 30


def test_reset_keeps_staff_accounts_their_sessions_and_the_audit_trail(app, db, logins):
    from datetime import timedelta

    from tep_app import clock
    from tep_app.models import AuditEvent, UserSession
    from tep_app.services.staff import authenticate, get_user_by_email

    runner = app.test_cli_runner()
    assert runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022"]).exit_code == 0
    first = re.search(r"officer\s+officer01@tep\.example\s+(\S+)", logins.read_text()).group(1)
    officer = get_user_by_email("officer01@tep.example")
    colleague = StaffUser(email="colleague@tep.example", name="Sam Colleague", role="manager",
                          password_hash="x", session_token="t")
    db.session.add(colleague)
    db.session.flush()
    db.session.add(UserSession(id_hash="a" * 64, kind="staff", staff_user_id=officer.id, last_seen_at=clock.now(),
                               expires_at=clock.now() + timedelta(hours=1)))
    db.session.commit()
    ids = {user.email: user.id for user in db.session.scalars(select(StaffUser))}
    audit = set(db.session.scalars(select(AuditEvent.id)))

    result = runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022", "--reset"])

    assert result.exit_code == 0, result.output
    assert {user.email: user.id for user in db.session.scalars(select(StaffUser))} == ids
    assert audit and audit <= set(db.session.scalars(select(AuditEvent.id)))
    kept = db.session.scalar(select(UserSession).where(UserSession.id_hash == "a" * 64))
    assert kept is not None and kept.ended_at is not None  # the officer's password changed: the session ended
    second = re.search(r"officer\s+officer01@tep\.example\s+(\S+)", logins.read_text()).group(1)
    assert second != first and second in result.output
    assert authenticate("officer01@tep.example", second) is not None
    assert authenticate("officer01@tep.example", first) is None
    assert _count(db, StaffUser, StaffUser.email == "colleague@tep.example") == 1


def test_reset_is_refused_in_production_with_a_one_line_reason(app, db, logins, monkeypatch):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022"]).exit_code == 0
    people = _count(db, YoungPerson)
    monkeypatch.setenv("TEP_ENV", "production")

    result = runner.invoke(args=["tep", "demo", "--scale", "0.005", "--year", "2022", "--reset"])

    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "not run in production" in result.output
    assert _count(db, YoungPerson) == people and _count(db, StaffUser) == 26


@pytest.mark.parametrize("args, message", [
    (["--scale", "0"], "--scale"),
    (["--years", "0"], "--years"),
    (["--seed", "abc"], "--seed"),
])
def test_bad_options_are_refused_with_the_option_named(app, db, logins, args, message):
    result = app.test_cli_runner().invoke(args=["tep", "demo", *args])

    assert result.exit_code == 2
    assert message in result.output
    assert _count(db, Establishment) == 0


def test_every_year_of_a_several_year_county_passes_the_import_checks(db, tmp_path):
    """Cohorts born either side of 2010 included: the generator's noise never makes a file the
    import would refuse (a date-of-birth typo that turns a leaver into a seven-year-old)."""
    from tep_app.demo.files import write_files
    from tep_app.demo.generator import generate_county
    from tep_app.services.imports import check_file, import_file

    files = write_files(generate_county(11, 2026, years=3, scale=0.04), tmp_path)
    import_file("establishments", files.pop("establishments"), "establishments.csv")
    problems = {}
    for key, path in sorted(files.items()):
        kind, year = key.rsplit("_", 1)
        result = check_file(kind, path, path.name, int(year))
        problems.update({key: [str(p) for p in result.problems[:3]]} if result.problems else {})
    assert sorted(files) == [f"{kind}_{year}" for kind in ("enrolments", "leavers", "offers", "roll")
                             for year in (2024, 2025, 2026)]
    assert problems == {}
