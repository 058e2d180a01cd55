"""No text anyone can store breaks an export: control characters sent through sign-in, a school's
notes, the audit search and a staff name, and the same characters already stored, then every
dashboard table and every audit range exported: each opens in openpyxl."""
from datetime import UTC, datetime
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tep_app import clock
from tep_app.models import AuditEvent, SchoolResponse
from tep_app.services.dashboard import EXPORT_TABLES
from tep_app.spreadsheets.tables import write_table
from tests.support.portal_support import seed_request, sign_school_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTROLS = "".join(chr(n) for n in range(32) if chr(n) not in "\t\n\r") + "\x7f\x85"
STORABLE = CONTROLS.replace("\x00", "")  # what PostgreSQL holds: all of them but NUL


def _rows(response) -> list[tuple]:
    assert response.status_code == 200 and response.mimetype == XLSX
    return list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))


def _everything_written(client, make, db, login):
    client.post("/sign-in", data={"email": "x\x0by@evil.example", "password": "wrong"})
    seeded = seed_request(make, db, entries=1)
    sign_school_in(client, seeded)
    entry = seeded.entries[0]
    client.post(f"/school/young-people/{entry.id}", data={
        "outcome": "220", "provider_name": "Mid\x01 Kent College", "start_date": ["4", "9", "2023"],
        "intelligence": "Started\x01 in September", "version": "0", "save": "Save answer"})
    assert db.session.scalar(select(SchoolResponse.intelligence)) == "Started in September"
    login("admin")
    client.post("/admin/accounts/new", data={"name": "Ann\x0b Other", "email": "ann.other@tep.example",
                                             "role": "officer"})
    login("manager")
    client.get("/dashboard/audit?actor=a%00b&object_id=%0B1")
    return seeded


def test_control_characters_sent_in_leave_every_export_readable(client, make, db, login):
    seeded = _everything_written(client, make, db, login)
    # The same characters already stored, as text written before the boundary cleaned it would be.
    make.staff(role="officer", name=f"Old{STORABLE}Name")
    db.session.add(AuditEvent(actor_type="anonymous", action="login-failed", object_type="staff_user",
                              actor_label=f"a{STORABLE}@evil.example", after={"email": f"a{STORABLE}@evil.example"},
                              at=datetime.now(UTC)))
    db.session.commit()
    login("manager")
    for table in EXPORT_TABLES:
        _rows(client.get(f"/dashboard/export?table={table}&collection={seeded.collection.id}"))
    officers = _rows(client.get(f"/dashboard/export?table=officers&collection={seeded.collection.id}"))
    names = [cell for row in officers for cell in row if isinstance(cell, str)]
    assert "Ann Other" in names and "Old\x7f\x85Name" in names
    today = clock.today().isoformat()
    for query in ("", f"date_from={today}&date_to={today}", "action=login-failed", "actor=evil",
                  "object_type=staff_user", "object_type=audit_log"):
        _rows(client.get(f"/dashboard/audit/export?{query}"))
    failed = _rows(client.get("/dashboard/audit/export?action=login-failed"))
    shown = " ".join(str(cell) for row in failed for cell in row)
    assert "xy@evil.example" in shown and "a\x7f\x85@evil.example" in shown


def test_the_table_writer_drops_what_a_workbook_cannot_hold():
    sheet = load_workbook(BytesIO(write_table([f"Notes{CONTROLS}"], [(f"a{CONTROLS}\tb\nc",), ({"k": "v\x0b"},)],
                                              title=f"T{CONTROLS}"))).active
    assert sheet.title == "T\x7f\x85"
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Notes\x7f\x85", "a\x7f\x85\tb\nc",
                                                                     "{'k': 'v\\x0b'}"]


def test_a_hostile_forwarded_address_is_audited_clean_and_the_audit_exports(app, client, db, login, monkeypatch):
    """Behind one trusted proxy the client's address is what X-Forwarded-For says: a header anyone
    can send. NUL and 300 characters in it still leave a clean audit row that fits its column."""
    from tep_app import create_app
    from tep_app.extensions import db as _db

    login("manager")
    proxied = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROXY_COUNT=1)
    browser = proxied.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    hostile = "203.0.113.9\x00\x1b" + "x" * 300
    with proxied.app_context():
        monkeypatch.setattr(_db, "session", db.session)
        response = browser.get("/dashboard/audit?action=hostile", headers={"X-Forwarded-For": f"10.0.0.1, {hostile}"})
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "search")
                              .order_by(AuditEvent.id.desc()).limit(1))
    assert event.after == {"query": {"action": "hostile"}}
    assert event.ip == ("203.0.113.9" + "x" * 300)[:45]
    rows = _rows(client.get("/dashboard/audit/export?action=search"))
    assert event.ip in [row[-1] for row in rows]
