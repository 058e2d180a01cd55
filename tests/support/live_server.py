"""The service on its own committed database, for tests that need data seen by other threads or
processes (the `live` and `server` fixtures in tests/conftest.py): gunicorn started on it, and
waited for until it answers."""
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.messaging_support import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "security-test-secret-key"


@contextmanager
def live_database(app):
    """A new database beside the test one (PostgreSQL) or a SQLite file, migrated; dropped after."""
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db

    base = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    tmp = tempfile.TemporaryDirectory()
    admin = name = None
    if base.drivername.startswith("postgresql"):
        name = f"test_security_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp.name}/live.sqlite"
    live_app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET,
                          MAIL_CATCHER_DIR=f"{tmp.name}/mail", IMPORT_UPLOAD_DIR=f"{tmp.name}/uploads")
    with live_app.app_context():
        upgrade()
    try:
        yield SimpleNamespace(app=live_app, url=url, tmp=Path(tmp.name), postgres=admin is not None)
    finally:
        with live_app.app_context():
            db.session.remove()
            db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        tmp.cleanup()


def wait_until_up(base: str, master, log) -> None:
    """Wait for gunicorn's /healthz to answer; if it dies or takes over 30 s, fail with its log."""
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or master.poll() is not None:
                log.seek(0)
                master.kill()
                raise AssertionError(f"gunicorn did not start:\n{log.read()[-3000:]}") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(live, *options: str, **env: str):
    """gunicorn (with these worker options) on the live database, development settings and the
    extra environment given. Yields (base address, master process, log file); stops it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "TEP_ENV": "development", "TEP_DATABASE_URL": live.url, "TEP_SECRET_KEY": SECRET,
                   "TEP_BASE_URL": base, **env}
    with open(live.tmp / f"gunicorn-{port}.log", "w+") as log:
        master = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), *options, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base, master, log)
            yield SimpleNamespace(base=base, master=master, log=log)
        finally:
            master.terminate()
            try:
                master.wait(timeout=15)
            except subprocess.TimeoutExpired:
                master.kill()
