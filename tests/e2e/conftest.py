"""End-to-end fixtures: the app served on loopback by a real HTTP server, a real SMTP server
(aiosmtpd), and Debian's Chromium driven by Playwright, with axe-core for accessibility.

Nothing here reaches the internet: Chromium runs with its background networking off, and every
address is 127.0.0.1.
"""
import email
import email.policy
import secrets
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

from tests.support.browser import sign_in_with

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
E2E_PASSWORD = "e2e horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CatchingHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.messages: list = []
        self.port = free_port()
        self.controller = Controller(CatchingHandler(self.messages), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def clear(self):
        self.messages.clear()

    def wait_for(self, predicate, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in list(self.messages) if predicate(m)]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no email matched within {timeout}s; got {[m['Subject'] for m in self.messages]}")


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


class LiveServer:
    def __init__(self, app, port):
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()


@pytest.fixture(scope="session")
def live_server(smtp_server):
    from flask_migrate import upgrade

    from tep_app import create_app

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp_dir:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_dir}/e2e.sqlite",
            WTF_CSRF_ENABLED=True,
            BASE_URL=f"http://127.0.0.1:{port}",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=smtp_server.port,
            MAIL_CATCHER_DIR=f"{tmp_dir}/mail",
        )
        with app.app_context():
            upgrade()
        server = LiveServer(app, port)
        server.start()
        yield server
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium):
    """The run's one Chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def new_page(browser, live_server):
    """new_page() opens a page in a fresh browser context (a different person, no cookies)."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server.url)
        context.add_init_script(path=str(AXE_JS))
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def run_axe(page) -> list[dict]:
    """Run axe-core on the page; return the serious and critical violations."""
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def axe():
    def _axe(page):
        violations = run_axe(page)
        assert violations == [], f"axe on {page.url}: {violations}"
        return violations

    return _axe


@pytest.fixture
def make_staff(live_server):
    """make_staff(role) creates a staff account in the live database; returns (email, password)."""

    def _make(role: str = "officer", name: str | None = None):
        from tep_app.extensions import db
        from tep_app.services.staff import create_user

        email_address = f"{role}-{secrets.token_hex(4)}@tep.example"
        with live_server.app.app_context():
            user = create_user(email_address, name or f"Test {role.title()}", role, E2E_PASSWORD)
            db.session.commit()
            user_id = user.id
        return user_id, email_address, E2E_PASSWORD

    return _make


@pytest.fixture
def sign_in(make_staff):
    """sign_in(page, role) creates a staff user and signs in through the form; returns its id."""

    def _sign_in(page, role: str = "officer", name: str | None = None):
        user_id, email_address, password = make_staff(role, name)
        sign_in_with(page, email_address, password)
        return user_id

    return _sign_in
