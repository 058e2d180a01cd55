"""The migration from the account lock to throttling keeps what the lock knew: a locked account's
five failures, and any account's failures, count in its new window; nothing is refused for want of
an address. Going back, no account comes back locked."""
import os
import tempfile
import uuid
from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tep_app import create_app
from tep_app.extensions import db


def _fresh_database(base_url: str, tmp: str):
    """A new empty database next to the test one: (its URL, a function that drops it)."""
    base = make_url(base_url)
    if not base.drivername.startswith("postgresql"):
        return f"sqlite:///{tmp}/migrate.sqlite", lambda: None
    name = f"test_migrate_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), drop


def test_locked_accounts_keep_their_failures_and_none_comes_back_locked(app):
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = _fresh_database(app.config["SQLALCHEMY_DATABASE_URI"], tmp)
        migrating = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        try:
            with migrating.app_context():
                upgrade(revision="0007")
                later = datetime.now(UTC) + timedelta(minutes=10)
                for email, failed, locked in (("locked@tep.example", 0, later), ("two@tep.example", 2, None),
                                              ("none@tep.example", 0, None)):
                    db.session.execute(text(
                        "INSERT INTO staff_user (email, name, password_hash, role, active, failed_logins, "
                        "locked_until, session_token, must_change_password) VALUES "
                        "(:email, 'Synthetic', 'x', 'officer', true, :failed, :locked, 'token', false)"),
                        {"email": email, "failed": failed, "locked": locked})
                db.session.commit()
                upgrade(revision="0008")
                found = db.session.execute(text("SELECT email, failed_logins, failed_logins_since FROM staff_user"))
                rows = {row.email: (row.failed_logins, row.failed_logins_since is not None) for row in found}
                assert rows == {"locked@tep.example": (5, True), "two@tep.example": (2, True),
                                "none@tep.example": (0, False)}
                assert db.session.execute(text("SELECT count(*) FROM sign_in_throttle")).scalar() == 0
                db.session.commit()
                downgrade(revision="0007")
                rows = set(db.session.execute(text("SELECT failed_logins, locked_until FROM staff_user")))
                assert rows == {(0, None)}
                db.session.commit()
        finally:
            with migrating.app_context():
                db.session.remove()
                db.engine.dispose()
            drop()
