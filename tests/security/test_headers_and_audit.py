"""Headers and the audit trail: HSTS in production, no-store on every download of personal data,
the proxy's client address trusted only as far as configured, and audit events for sign-out, the
case queue, the import preview and the audit log."""
from io import BytesIO

import pytest
from sqlalchemy import select

from tep_app import create_app
from tep_app.models import AuditEvent
from tests.support.imports_support import establishments_csv
from tests.support.portal_support import seed_request, sign_school_in


def _last_audit(db, action, object_type):
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == action,
                                                      AuditEvent.object_type == object_type)
                             .order_by(AuditEvent.id.desc()).limit(1))


def test_production_sends_strict_transport_security(monkeypatch, tmp_path):
    monkeypatch.setenv("TEP_SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("TEP_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.setenv("TEP_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    production = create_app("production")
    response = production.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_sends_no_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_the_schools_spreadsheet_is_never_stored(client, make, db):
    seeded = seed_request(make, db)
    sign_school_in(client, seeded)
    response = client.get("/school/young-people.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_staff_download_is_never_stored(client, login, db, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))
    login("admin")
    answer = client.post("/admin/imports/new", data={"kind": "leavers", "academic_year": "2022",
                                                     "file": (BytesIO(b"Forename\nAda\n"), "l.csv")})
    report = client.get(answer.headers["Location"] + "/problems.xlsx")
    assert report.status_code == 200 and report.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("proxies, forwarded, seen", [
    (0, "203.0.113.9", "127.0.0.1"),           # no proxy configured: the header is not believed
    (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # one proxy: only the address it added
])
def test_the_client_address_is_trusted_only_through_the_configured_proxies(db, app, make, proxies, forwarded, seen,
                                                                           monkeypatch):
    from tep_app.extensions import db as _db

    proxied = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROXY_COUNT=proxies)
    user = make.staff()
    db.session.commit()
    with proxied.app_context():
        monkeypatch.setattr(_db, "session", db.session)
        proxied.test_client().post("/sign-in", data={"email": user.email, "password": "wrong"},
                                   headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert _last_audit(db, "login-failed", "staff_user").ip == seen


def test_signing_out_is_audited(client, login, db):
    user = login("officer")
    client.post("/sign-out")
    event = _last_audit(db, "sign-out", "staff_user")
    assert (event.object_id, event.actor_label) == (str(user.id), user.email)


def test_the_case_queue_view_is_audited(client, login, db):
    user = login("officer")
    assert client.get("/cases?page=1").status_code == 200
    event = _last_audit(db, "view", "case_queue")
    assert event.actor_id == str(user.id)


def test_the_import_preview_view_is_audited(client, login, db, app, tmp_path, monkeypatch):
    from tep_app.services.imports import import_file

    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))
    import_file("establishments", establishments_csv(), "establishments.csv")
    login("admin")
    answer = client.post("/admin/imports/new", data={"kind": "leavers", "academic_year": "2022",
                                                     "file": (BytesIO(b"Forename\nAda\n"), "l.csv")})
    assert client.get(answer.headers["Location"]).status_code == 200
    event = _last_audit(db, "view", "import_preview")
    assert event.object_id == answer.headers["Location"].rsplit("/", 1)[-1]


def test_the_audit_log_view_is_audited(client, login, db):
    login("manager")
    assert client.get("/dashboard/audit?action=login").status_code == 200
    assert _last_audit(db, "search", "audit_log").after == {"query": {"action": "login"}}
