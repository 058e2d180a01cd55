"""Flask extensions, created unbound and bound in create_app()."""
import logging
import sqlite3
import time

import click
from flask import has_request_context, request
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import ServiceUnavailable

from tep_app.models.base import Base
from tep_app.rate_limits import RateLimits

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
# Counts in RATELIMIT_STORAGE_URI (config.py, from TEP_RATELIMIT_STORAGE_URL): Redis in production, so
# every gunicorn worker shares one count.
limiter = RateLimits()


logger = logging.getLogger(__name__)


def init_migrations(app, database, **settings) -> None:
    """Flask-Migrate (and Alembic, a fifth of a second to import) bound on first use: by a `flask db`
    command, or by code that migrates (flask_migrate.upgrade() reads app.extensions["migrate"])."""
    app.extensions["migrate"] = _UnboundMigrations(app, database, settings)
    app.cli.add_command(_MigrationCommands(app), "db")


def _bind_migrations(app):
    """Bind Flask-Migrate to `app` now, once; its own `db` group replaces the stand-in."""
    stand_in = app.extensions.get("migrate")
    if isinstance(stand_in, _UnboundMigrations):
        from flask_migrate import Migrate  # noqa: PLC0415 -- Alembic only when migrating

        Migrate().init_app(app, stand_in.database, **stand_in.settings)
    return app.extensions["migrate"]


class _UnboundMigrations:
    """Stands in app.extensions["migrate"] until something asks it for anything."""

    def __init__(self, app, database, settings):
        self.app, self.database, self.settings = app, database, settings

    def __getattr__(self, name):
        return getattr(_bind_migrations(self.app), name)


class _MigrationCommands(click.Group):
    """`flask db ...`: Flask-Migrate's command group, loaded when one of its commands is run. Named
    in `flask --help` without loading it."""

    def __init__(self, app):
        super().__init__("db", help="Perform database migrations.")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        _bind_migrations(self.app)
        return self.app.cli.commands["db"].make_context(info_name, args, parent=parent, **extra)

# A page whose transaction read before another writer committed cannot write: it is made again from
# the start, at most this many times in all.
SQLITE_TRIES = 3
BUSY_HEADING = "Sorry, the service is busy"
BUSY_BODY = "Nothing was changed. Wait a few seconds, then try again."


def configure_sqlite(engine, app=None) -> None:
    """SQLite: enforce foreign keys, and let SQLAlchemy own transactions so savepoints work.

    WAL lets pages be read while something writes, and the busy timeout makes a writer wait up to
    10 seconds (SQLITE_BUSY_TIMEOUT_MS) for another to finish instead of failing at once. A web
    request that changes things (anything but GET and HEAD) takes the write lock when its
    transaction begins (BEGIN IMMEDIATE). A page that reads first and then writes (a session's
    last-seen time, an audit row) cannot wait for the lock once another writer has committed since
    its read ("database is locked", SQLITE_BUSY_SNAPSHOT): with `app`, such a page is made again
    from the start (`retry_busy_pages`), and a database still busy after the timeout gets the
    service's own "try again" page (503), never a 500.

    A 32 MiB page cache (the default is 2 MiB) keeps the indexes an import or a matching run
    touches in memory: far fewer pages read again while tens of thousands of rows go in.
    """
    busy_timeout_ms = (app.config.get("SQLITE_BUSY_TIMEOUT_MS") if app is not None else None) or 10000
    if app is not None:
        retry_busy_pages(app)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def sqlite_busy(error: Exception) -> str | None:
    """"snapshot" (this transaction read before another writer committed: start again), "busy"
    (another writer held the lock for the whole busy timeout) or None (not SQLite's lock)."""
    original = getattr(error, "orig", None)
    if not isinstance(original, sqlite3.OperationalError):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if code == getattr(sqlite3, "SQLITE_BUSY_SNAPSHOT", 517):
        return "snapshot"
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "database is locked" in str(original):
        return "busy"
    return None


def retry_busy_pages(app) -> None:
    """Wrap the app's request dispatch (before-request hooks, the view, after-request hooks and
    the commit): a page that lost its snapshot to another writer is rolled back and made again; a
    database still locked gets the 503 "try again" page."""
    dispatch = app.full_dispatch_request

    def full_dispatch_request():
        for attempt in range(1, SQLITE_TRIES + 1):
            try:
                return dispatch()
            except OperationalError as error:
                reason = sqlite_busy(error)
                if reason is None:
                    raise
                db.session.rollback()
                logger.warning("database busy (%s) on %s %s, try %s", reason, request.method, request.path,
                               attempt, extra={"reason": reason, "path": request.path, "try": attempt})
                if reason == "busy" or attempt == SQLITE_TRIES:
                    return _busy_page(app)
                time.sleep(0.02 * attempt)
        return _busy_page(app)  # not reached: the last try returns above

    app.full_dispatch_request = full_dispatch_request


def _busy_page(app):
    """The app's own 503 page (main/errors.py), in the service's layout."""
    try:
        response = app.make_response(app.handle_user_exception(ServiceUnavailable()))
    except Exception:  # the page's own layout could not be made: the same words, plainly
        db.session.rollback()
        response = app.make_response((f"{BUSY_HEADING}. {BUSY_BODY}", 503, {"Content-Type": "text/plain"}))
    response.headers["Retry-After"] = "5"
    return app.finalize_request(response, from_error_handler=True)
