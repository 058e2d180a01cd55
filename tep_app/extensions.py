"""Flask extensions, created unbound and bound in create_app()."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from tep_app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Counts in RATELIMIT_STORAGE_URI (config.py, from TEP_RATELIMIT_STORAGE_URL): Redis in production, so
# every gunicorn worker shares one count.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configure_sqlite(engine) -> None:
    """SQLite: enforce foreign keys, and let SQLAlchemy own transactions so savepoints work.

    WAL lets pages be read while something writes, and the busy timeout makes a writer wait up to
    10 seconds for another to finish instead of failing at once. A web request that changes
    things (anything but GET and HEAD) takes the write lock when its transaction begins (BEGIN
    IMMEDIATE): a transaction that read first and then wants to write cannot wait for the lock, and
    would fail with "database is locked" as soon as another writer had committed.

    A 32 MiB page cache (the default is 2 MiB) keeps the indexes an import or a matching run
    touches in memory: far fewer pages read again while tens of thousands of rows go in.
    """
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA cache_size=-32768")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        from flask import has_request_context, request

        writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
