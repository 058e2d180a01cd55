"""Shared fixtures: the app on SQLite or PostgreSQL, the schema built once from the migrations,
each test in a transaction rolled back at the end, a page helper that checks the page rules.

The database comes from TEP_TEST_DATABASE_URL (default: a temporary SQLite file). For
PostgreSQL, each test process gets its own database, created here and dropped at the end.
"""
import os
import tempfile
import uuid
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.live_server import gunicorn, live_database
from tests.support.pages import PageChecker


def _database_url(tmp_dir: str) -> tuple[str, callable]:
    base = os.environ.get("TEP_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir}/test.sqlite", lambda: None
    url = make_url(base)
    if not url.drivername.startswith("postgresql"):
        return base, lambda: None
    name = f"{url.database or 'tep_test'}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # CI must fail, not skip, when PostgreSQL is missing
        pytest.exit(f"PostgreSQL is not reachable at {url.host}:{url.port}: {error}", returncode=3)

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from tep_app import create_app

    with tempfile.TemporaryDirectory() as tmp_dir:
        url, drop = _database_url(tmp_dir)
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, MAIL_CATCHER_DIR=f"{tmp_dir}/mail")
        app.test_client_class = _OneUserPerRequestClient
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            from tep_app.extensions import db

            db.engine.dispose()
        drop()


class _OneUserPerRequestClient(FlaskClient):
    """While a test holds an app context open, Flask reuses it (and its `g`) for every request, so
    Flask-Login would keep the first request's user for the next client: forget it each time."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks the app's engine over its own `bind`; a test session must
    use the test's connection, or a request's commit would escape the rolled-back transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, started once per run and shared by every browser test:
    Playwright's sync API allows one instance at a time in a thread."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def db(app):
    """The database, with everything the test writes rolled back at the end."""
    from tep_app.extensions import db as _db

    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def pages(client):
    """Fetch pages and check the page rules on every one (see tests/support/pages.py)."""
    return PageChecker(client)


@pytest.fixture
def make(db):
    """Factories for models: make.establishment(...), make.young_person(...), ..."""
    from tests.support import factories

    return factories.Factory(db)


@pytest.fixture
def login(client, make):
    """login("officer") signs a fresh staff user of that role in on the test client."""

    from tep_app import extensions as _extensions
    from tep_app.auth.sessions import STAFF_KEY, record_session

    def _login(role: str = "officer", **kwargs):
        user = make.staff(role=role, **kwargs)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session[STAFF_KEY] = record_session("staff", staff_user_id=user.id)
        # Committed (to the test's savepoint) so a refused request's rollback keeps the session.
        _extensions.db.session.commit()
        return user

    return _login


@pytest.fixture
def live(app):
    """For attacks that need committed data seen by other threads or processes: a database of the
    test's own (a new PostgreSQL database next to the test one, or a SQLite file), migrated, and
    dropped at the end."""
    with live_database(app) as database:
        yield database


@pytest.fixture
def server(live):
    """gunicorn, one worker with four threads, on the live database (development settings)."""
    with gunicorn(live, "--workers", "1", "--threads", "4", "--worker-class", "gthread", "--timeout", "120") as run:
        yield SimpleNamespace(base=run.base, master=run.master, live=live, log=run.log)


# The fixtures that reach the database: every one of them (db, client, pages, make, login, live,
# server) asks for `app`.
DATABASE_FIXTURES = {"app"}


def pytest_configure(config):
    config.addinivalue_line("markers", "database: the test reaches the database (set from its fixtures)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests that reach the database (so `-m "not database"` runs the rest), and on PostgreSQL
    (TEP_TEST_DATABASE_URL set) run only those: the rest ran already on SQLite and would run the same."""
    for item in items:
        if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.database)
    if not os.environ.get("TEP_TEST_DATABASE_URL"):
        return
    kept = [item for item in items if item.get_closest_marker("database")]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not item.get_closest_marker("database")])
        items[:] = kept
