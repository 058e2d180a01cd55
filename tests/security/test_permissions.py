"""Every route, every method, every role: the answer each caller gets, from an explicit table.

EXPECTED names, for every endpoint in the app, the roles that may use it. A route added without
an entry fails `test_every_route_has_an_expectation`, so who may use each page is always a
conscious decision; the table must also agree with the view's own @roles declaration.

The answers: an allowed caller is let through (anything but 401/403, a sign-in redirect or a
server error); an anonymous caller at a staff page is sent to sign in (302 to /sign-in); an
anonymous caller at a school-only page gets 401; anyone else not allowed gets 403. Every
spreadsheet a route hands out must leave an "export" audit event.
"""
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, PUBLIC, SCHOOL, STAFF
from tep_app.models import (
    AuditEvent,
    Case,
    Collection,
    EmailTemplate,
    ImportBatch,
    ListEntry,
    MatchResult,
    OutboxMessage,
    Patch,
    SchoolRequest,
)

ROLES = ("anonymous", SCHOOL, OFFICER, MANAGER, ADMIN)
PUBLIC_ONLY = (PUBLIC,)
SCHOOL_ONLY = (SCHOOL,)
ALL_STAFF = STAFF
OFFICER_MANAGER = (OFFICER, MANAGER)
MANAGER_ADMIN = (MANAGER, ADMIN)
MANAGER_ONLY = (MANAGER,)
ADMIN_ONLY = (ADMIN,)

# endpoint -> the roles that may use it. Keep in step with every @roles declaration.
EXPECTED = {
    "static": PUBLIC_ONLY,
    "main.index": PUBLIC_ONLY,
    "main.health": PUBLIC_ONLY,
    "main.assets": PUBLIC_ONLY,
    "main.privacy": PUBLIC_ONLY,
    "auth.login": PUBLIC_ONLY,
    "auth.logout": PUBLIC_ONLY,
    "auth.unlock": PUBLIC_ONLY,
    "auth.change_password": ALL_STAFF,
    # The school's secure link: open steps, then the confirmed school session.
    "portal.start": PUBLIC_ONLY,
    "portal.choose_contact": PUBLIC_ONLY,
    "portal.enter_code": PUBLIC_ONLY,
    "portal.sign_out": PUBLIC_ONLY,
    "portal.list": SCHOOL_ONLY,
    "portal.answer": SCHOOL_ONLY,
    "portal.download": SCHOOL_ONLY,
    "portal.upload": SCHOOL_ONLY,
    "portal.check": SCHOOL_ONLY,
    "portal.submit": SCHOOL_ONLY,
    "portal.submitted": SCHOOL_ONLY,
    # Each school's lists, for all staff.
    "schools.index": ALL_STAFF,
    "schools.show": ALL_STAFF,
    "schools.download": ALL_STAFF,
    # Officers' casework; managers balance patches and caseloads.
    "cases.queue": OFFICER_MANAGER,
    "cases.show": OFFICER_MANAGER,
    "cases.attempt": OFFICER_MANAGER,
    "cases.activity": OFFICER_MANAGER,
    "cases.moved": OFFICER_MANAGER,
    "cases.guarantee": OFFICER_MANAGER,
    "cases.patches": MANAGER_ONLY,
    "cases.remove": MANAGER_ONLY,
    "cases.manage": MANAGER_ONLY,
    # Finding anyone and a young person's page, for all staff.
    "people.search": ALL_STAFF,
    "people.show": ALL_STAFF,
    # Printed letters and visit lists, for officers and managers.
    "people.letter": OFFICER_MANAGER,
    "people.print_letter": OFFICER_MANAGER,
    "people.letters_and_visits": OFFICER_MANAGER,
    "people.patch": OFFICER_MANAGER,
    "people.patch_letters": OFFICER_MANAGER,
    "people.visit_list": OFFICER_MANAGER,
    # What an officer or manager records on a young person's page.
    "people.record_activity": OFFICER_MANAGER,
    "people.add_person_note": OFFICER_MANAGER,
    "people.add_contact_detail": OFFICER_MANAGER,
    "people.record_person_move": OFFICER_MANAGER,
    "people.open_person_case": OFFICER_MANAGER,
    "people.reopen_person_case": OFFICER_MANAGER,
    "people.assign_person_case": OFFICER_MANAGER,
    # Loading data files: upload, preview, confirm, and the problems report.
    "imports.index": ADMIN_ONLY,
    "imports.upload": ADMIN_ONLY,
    "imports.preview": ADMIN_ONLY,
    "imports.confirm": ADMIN_ONLY,
    "imports.problems_report": ADMIN_ONLY,
    "imports.upload_warnings": ADMIN_ONLY,
    "imports.batch_report": ADMIN_ONLY,
    "imports.batch_warnings": ADMIN_ONLY,
    # Reviewing uncertain matches.
    "matches.index": MANAGER_ADMIN,
    "matches.decide": MANAGER_ADMIN,
    # The manager's dashboard and the audit trail.
    "dashboard.index": MANAGER_ADMIN,
    "dashboard.export": MANAGER_ADMIN,
    "dashboard.chase": MANAGER_ADMIN,
    "dashboard.chase_overdue": MANAGER_ADMIN,
    "dashboard.audit": MANAGER_ADMIN,
    "dashboard.audit_export": MANAGER_ADMIN,
    # One school request: all staff may read it; managers and admins revoke, replace and chase.
    "request_admin.show": ALL_STAFF,
    "request_admin.confirm_revoke": MANAGER_ADMIN,
    "request_admin.revoke": MANAGER_ADMIN,
    "request_admin.reissue": MANAGER_ADMIN,
    "request_admin.chase": MANAGER_ADMIN,
    # Admin.
    "admin.index": ADMIN_ONLY,
    "admin.accounts": ADMIN_ONLY,
    "admin.account_new": ADMIN_ONLY,
    "admin.account": ADMIN_ONLY,
    "admin.account_disable": ADMIN_ONLY,
    "admin.account_enable": ADMIN_ONLY,
    "admin.account_reset": ADMIN_ONLY,
    "admin.account_sign_out": ADMIN_ONLY,
    "admin.account_clear_throttles": ADMIN_ONLY,
    "admin.retention": ADMIN_ONLY,
    "admin.edit_retention_rule": ADMIN_ONLY,
    "admin.email_templates": MANAGER_ADMIN,
    "admin.edit_email_template": ADMIN_ONLY,
    "admin.letter_templates": MANAGER_ADMIN,
    "admin.edit_letter_template": ADMIN_ONLY,
    "admin.outbox": MANAGER_ADMIN,
    "admin.retry_outbox_message": ADMIN_ONLY,
    "admin.caught_mail": ADMIN_ONLY,
    "admin.caught_message": ADMIN_ONLY,
    "admin.calendar": ADMIN_ONLY,
    "admin.edit_calendar_date": ADMIN_ONLY,
    "admin.edit_calendar_setting": ADMIN_ONLY,
    "admin.edit_school_holiday": ADMIN_ONLY,
    # A young person's data protection: the subject access export and erasure.
    "people.subject_access_export": ADMIN_ONLY,
    "people.confirm_erase": ADMIN_ONLY,
    "people.erase": ADMIN_ONLY,
    "people.merge_start": ADMIN_ONLY,
    "people.merge_records": ADMIN_ONLY,
    "people.confirm_unmerge": ADMIN_ONLY,
    "people.unmerge": ADMIN_ONLY,
    # The returns to the DfE.
    "returns.activity_survey": MANAGER_ADMIN,
    "returns.activity_survey_csv": MANAGER_ADMIN,
    "returns.activity_survey_summary": MANAGER_ADMIN,
    "returns.nccis": MANAGER_ADMIN,
    "returns.nccis_month": MANAGER_ADMIN,
    "returns.nccis_download": MANAGER_ADMIN,
    "returns.measure": MANAGER_ADMIN,
    "returns.measure_csv": MANAGER_ADMIN,
    "returns.set_target": MANAGER_ADMIN,
    "returns.scorecard": MANAGER_ADMIN,
    "returns.scorecard_csv": MANAGER_ADMIN,
}

# Where one argument name means different things on different routes.
SAMPLE_OVERRIDES = {
    "admin.edit_calendar_date": {"key": "leavers_send"},
    "admin.edit_calendar_setting": {"key": "reply_working_days"},
    "admin.edit_school_holiday": {"key": "christmas"},
    "admin.edit_retention_rule": {"key": "contact"},
    "admin.caught_message": {"name": "no-such-message.eml"},
    "admin.edit_letter_template": {"key": "not_reached"},
    "returns.nccis_month": {"month": "2025-01"},
    "returns.nccis_download": {"month": "2025-01"},
}


@dataclass
class World:
    ids: dict
    school_session: dict
    staff: dict


def _add(db, row):
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def world(db, make):
    from tep_app.services.school_requests.links import issue_token, link_fingerprint

    district = make.district()
    school = make.establishment(district_id=district.id)
    college = make.establishment(type="college", contacts=0)
    person = make.young_person()
    record = make.school_record(person, school, kind="leaver", academic_year=2022)
    collection = db.session.scalar(select(Collection).where(Collection.kind == "leavers",
                                                            Collection.academic_year == 2022))
    if collection is None:
        collection = _add(db, Collection(kind="leavers", academic_year=2022, send_on=clock.today(),
                                         due_on=clock.today() + timedelta(days=30)))
    entry = _add(db, ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=person.id,
                               school_record_id=record.id, reason="no enrolment found"))
    request = _add(db, SchoolRequest(collection_id=collection.id, establishment_id=school.id, status="sent",
                                     due_on=clock.today() + timedelta(days=20)))
    issue_token(request)
    staff = {role: make.staff(role=role) for role in (OFFICER, MANAGER, ADMIN)}
    target = make.staff(role=OFFICER)
    now = datetime.now(UTC)
    case = _add(db, Case(young_person_id=person.id, reason="no_school_answer", establishment_id=school.id,
                         collection_id=collection.id, officer_id=staff[OFFICER].id, opened_at=now,
                         not_known_since=clock.today()))
    patch = _add(db, Patch(officer_id=staff[OFFICER].id, establishment_id=school.id))
    batch = _add(db, ImportBatch(kind="leavers", filename="leavers.csv", sha256="0" * 64, academic_year=2022))
    match = _add(db, MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="possible",
                                 rule="names", score=0.8))
    message = _add(db, OutboxMessage(ledger_key=f"permissions:{request.id}", kind="invite",
                                     school_request_id=request.id, to_address="a@school.example",
                                     subject="Subject", body="Body"))
    template = db.session.scalar(select(EmailTemplate).limit(1)) or _add(
        db, EmailTemplate(key="invite", subject="Subject", body="Body"))
    event = _add(db, AuditEvent(actor_type="system", action="view", object_type="young_person",
                                object_id=str(person.id)))
    db.session.commit()  # to the test's savepoint: a refused request's rollback keeps the seed
    ids = {
        "request_id": request.id, "school_request_id": request.id, "list_entry_id": entry.id,
        "entry_id": entry.id, "user_id": target.id, "staff_id": target.id, "officer_id": staff[OFFICER].id,
        "case_id": case.id, "young_person_id": person.id, "person_id": person.id, "laestab": school.laestab,
        "establishment_id": school.id, "school_id": school.id, "provider_id": college.id,
        "district_id": district.id, "collection_id": collection.id, "batch_id": batch.id, "import_id": batch.id,
        "match_id": match.id, "result_id": match.id, "message_id": message.id, "outbox_id": message.id,
        "template_id": template.id, "key": template.key, "template_key": template.key, "patch_id": patch.id,
        "event_id": event.id, "year": 2022, "academic_year": 2022, "kind": "leavers",
        "collection_kind": "leavers", "token": "not-a-real-link-token", "filename": "app.css",
        "name": "app.css", "path": "app.css",
        "upload_id": "no-such-upload-0000000000",
    }
    school_session = {
        "school_request_id": request.id, "school_contact_email": school.contacts[0].email,
        "school_link": link_fingerprint(request),
    }
    return World(ids, school_session, staff)


def _url(app, rule, ids) -> str:
    ids = {**ids, **SAMPLE_OVERRIDES.get(rule.endpoint, {})}
    missing = [name for name in rule.arguments if name not in ids and name not in (rule.defaults or {})]
    if missing:
        raise AssertionError(f"{rule.endpoint}: add a sample value for {missing} to the world fixture")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments if name in ids})


def _sign_in_as(client, role: str, world: World) -> None:
    """A fresh recorded session each time, so a route that ends sessions cannot spoil the next one."""
    from tep_app import extensions as _extensions
    from tep_app.auth.sessions import SCHOOL_KEY, STAFF_KEY, record_session

    with client.session_transaction() as session:
        session.clear()
        if role == SCHOOL:
            session.update(world.school_session)
            session[SCHOOL_KEY] = record_session("school", school_request_id=session["school_request_id"],
                                                 contact_email=session["school_contact_email"])
        elif role in STAFF:
            now = int(time.time())
            session.update({"_user_id": world.staff[role].get_id(), "_fresh": True, "signed_in_at": now,
                            "seen_at": now,
                            STAFF_KEY: record_session("staff", staff_user_id=world.staff[role].id)})
    # Committed (to the test's savepoint) so a refused request's rollback keeps the session.
    _extensions.db.session.commit()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _count_exports(db) -> int:
    return db.session.query(AuditEvent).filter_by(action="export").count()


def _problem(role: str, allowed: tuple, response) -> str | None:
    status, location = response.status_code, response.headers.get("Location", "")
    to_sign_in = status == 302 and location.startswith("/sign-in")
    if PUBLIC in allowed:  # 200, a redirect (to sign in, too), 401/404/410 for a bad link: all fine
        return f"public but got {status}" if status >= 500 or status == 403 else None
    if role in allowed:
        if status >= 500 or status in (401, 403) or to_sign_in:
            return f"allowed but got {status} {location}".strip()
        return None
    if role == "anonymous" and set(allowed) & set(STAFF):
        return None if to_sign_in else f"expected a redirect to sign in, got {status} {location}".strip()
    if role == "anonymous":
        return None if status == 401 else f"expected 401, got {status}"
    return None if status == 403 else f"expected 403, got {status} {location}".strip()


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(EXPECTED))
    assert missing == [], f"add these endpoints to EXPECTED in {__file__}: {missing}"
    gone = sorted(set(EXPECTED) - endpoints)
    assert gone == [], f"these endpoints no longer exist; remove them from EXPECTED: {gone}"


def test_the_table_agrees_with_each_views_declaration(app):
    disagree = {
        endpoint: (sorted(EXPECTED[endpoint]), sorted(getattr(view, "allowed_roles", ())))
        for endpoint, view in app.view_functions.items()
        if endpoint in EXPECTED and set(EXPECTED[endpoint]) != set(getattr(view, "allowed_roles", ()))
    }
    assert disagree == {}, "endpoint: (table, declared)"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(app, client, db, world, role):
    from tep_app.models import StaffUser

    problems = []
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))
    checked = 0
    for rule in rules:
        if rule.endpoint not in EXPECTED:
            continue  # reported by test_every_route_has_an_expectation
        url = _url(app, rule, world.ids)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            _sign_in_as(client, role, world)
            exports_before = _count_exports(db)
            try:
                response = client.open(url, method=method, data={})
            except Exception as error:  # a server error: report it with the rest
                db.session.rollback()
                problems.append(f"{method} {url} ({rule.endpoint}) as {role}: raised {error!r}"[:300])
                continue
            problem = _problem(role, EXPECTED[rule.endpoint], response)
            if problem is None and response.status_code == 200 and response.mimetype == XLSX \
                    and _count_exports(db) == exports_before:
                problem = "a spreadsheet download with no \"export\" audit event"
            if problem:
                problems.append(f"{method} {url} ({rule.endpoint}) as {role}: {problem}")
            checked += 1
            # Keep the signed-in user usable for the next route (a page may have signed them out).
            for user in world.staff.values():
                db.session.refresh(user)
                if not user.active or user.must_change_password:
                    user.active, user.must_change_password = True, False
            db.session.commit()
    assert problems == []
    assert checked >= len(EXPECTED)
    assert db.session.get(StaffUser, world.staff[ADMIN].id).active
