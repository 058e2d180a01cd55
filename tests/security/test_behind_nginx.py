"""The service as deployed: Chromium over HTTPS through nginx, configured by docs/deploy/nginx.conf
(rendered here with a certificate made for the test), in front of gunicorn with production settings
(two workers, one trusted proxy, rate limits counted in Redis). Staff sign in and post a form; a
school opens its link, continues, confirms with the code a real SMTP server received, and answers.
"""
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.e2e.conftest import AXE_JS, run_axe
from tests.support.browser import expect_title, sign_in_with
from tests.support.live_server import ROOT, gunicorn
from tests.support.messaging_support import SmtpServer, body_of, free_port

NGINX = "/usr/sbin/nginx"
SITE_CONFIG = ROOT / "docs" / "deploy" / "nginx.conf"
REDIS_URL = os.environ.get("TEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "deployed horse battery staple"


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid for two days."""
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def render_site(https_port: int, app_port: int, cert: Path, key: Path) -> str:
    """docs/deploy/nginx.conf with its placeholders filled in, as an operator would."""
    text = SITE_CONFIG.read_text()
    for name, value in {"SERVER_NAME": "127.0.0.1", "HTTPS_PORT": https_port, "APP_PORT": app_port,
                        "CERTIFICATE": cert, "CERTIFICATE_KEY": key}.items():
        text = text.replace(f"@{name}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    assert not left, f"placeholders the README does not explain: {left}"
    return text


def _https(url: str, data: bytes | None = None) -> tuple[int, dict, str]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30, context=context) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


@contextmanager
def nginx(https_port: int, app_port: int):
    """nginx in the foreground on 127.0.0.1:https_port, its prefix, pid file and logs in a new
    directory, the site from docs/deploy/nginx.conf. Stops it after."""
    directory = Path(tempfile.mkdtemp(prefix="tep-nginx-"))
    directory.chmod(0o755)  # nginx's workers (another user when run as root) write their temp files here
    try:
        cert, key = _certificate(directory)
        (directory / "tep.conf").write_text(render_site(https_port, app_port, cert, key))
        (directory / "nginx.conf").write_text(f"""
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/tep.conf;
}}
""")
        process = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf"),
                                    "-e", str(directory / "error.log"), "-g", "daemon off;"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        base = f"https://127.0.0.1:{https_port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if _https(f"{base}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (directory / "error.log").read_text() if (directory / "error.log").exists() else ""
                    raise AssertionError(f"nginx did not answer on {base}:\n{log[-3000:]}")
                time.sleep(0.2)
            yield SimpleNamespace(base=base, directory=directory)
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful stop
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def deployed(live):
    """nginx in front of gunicorn (production settings) on the live database, with a real SMTP
    server that the outbox is delivered to."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx-light (apt-get install nginx-light)")
    https_port = free_port()
    base = f"https://127.0.0.1:{https_port}"
    with SmtpServer() as smtp:
        live.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        settings = {"TEP_ENV": "production", "TEP_PROXY_COUNT": "1", "TEP_BASE_URL": base,
                    "TEP_RATELIMIT_STORAGE_URL": REDIS_URL, "TEP_RATELIMIT_KEY_PREFIX": f"tep-nginx-{uuid.uuid4().hex}",
                    "TEP_SMTP_HOST": "127.0.0.1", "TEP_SMTP_PORT": str(smtp.port)}
        with gunicorn(live, "--workers", "2", "--timeout", "180", **settings) as app_server:
            app_port = int(app_server.base.rsplit(":", 1)[1])
            with nginx(https_port, app_port) as proxy:
                yield SimpleNamespace(base=proxy.base, live=live, smtp=smtp, proxy=proxy)


def _new_page(chromium, deployed):
    context = chromium.new_context(base_url=deployed.base, ignore_https_errors=True)
    context.add_init_script(path=str(AXE_JS))
    context.set_default_timeout(20000)
    return context.new_page()


def _no_axe_violations(page):
    violations = run_axe(page)
    assert violations == [], f"axe on {page.url}: {violations}"


def test_staff_sign_in_and_post_a_form_over_https_through_nginx(deployed, chromium):
    from tep_app.extensions import db
    from tep_app.services.staff import create_user

    with deployed.live.app.app_context():
        create_user("deployed.officer@tep.example", "Deployed Officer", "officer", PASSWORD)
        db.session.commit()
    page = _new_page(chromium, deployed)
    answer = page.goto("/sign-in")
    assert answer.url.startswith("https://")
    headers = answer.all_headers()
    assert headers["referrer-policy"] == "same-origin"
    assert "max-age=" in headers["strict-transport-security"]

    sign_in_with(page, "deployed.officer@tep.example", PASSWORD)
    expect_title(page, "My cases")
    session_cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    assert session_cookie["secure"] and session_cookie["httpOnly"]
    _no_axe_violations(page)

    # A second form: the password change, with the wrong current password, answers with its own error.
    page.goto("/account/password")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("a new horse battery staple")
    page.get_by_label("Confirm new password").fill("a new horse battery staple")
    page.get_by_role("button", name="Change password").click()
    expect_title(page, "Error: Change your password")
    assert "Your form timed out" not in page.content()

    # The header's Sign out button (a form, styled as the links beside it) posts too.
    sign_out = page.get_by_role("button", name="Sign out")
    link = page.get_by_role("link", name="My cases")
    assert sign_out.evaluate("b => getComputedStyle(b).fontSize") == link.evaluate("a => getComputedStyle(a).fontSize")
    sign_out.click()
    expect_title(page, "Sign in")
    page.goto("/cases")
    expect_title(page, "Sign in")

    # nginx lets a body just over the app's 50 MB limit through (its own default is 1 MB), so the
    # person sees the service's page about it, not nginx's.
    status, _headers, text = _https(f"{deployed.base}/sign-in", b"email=" + b"a" * (50 * 1024 * 1024 + 100))
    assert status == 413 and "The file is too large – TEP Follow-up" in text


def test_a_school_opens_its_link_confirms_the_code_and_answers_over_https_through_nginx(deployed, chromium):
    from tep_app.extensions import db
    from tep_app.models import SchoolRequest, SchoolResponse
    from tep_app.services.messaging.outbox import deliver_outbox
    from tests.support.factories import Factory
    from tests.support.portal_support import seed_request

    app = deployed.live.app
    with app.app_context():
        seeded = seed_request(Factory(db), db, entries=1)
        token, request_id = seeded.token, seeded.request.id
        contact = seeded.establishment.contacts[0]
        contact_name, contact_email = contact.name, contact.email
        person = seeded.entries[0].young_person
        name = f"{person.forename} {person.surname}"

    def status() -> str:
        with app.app_context():
            return db.session.scalar(select(SchoolRequest.status).where(SchoolRequest.id == request_id))

    page = _new_page(chromium, deployed)
    page.goto(f"/school/start/{token}")
    expect_title(page, "Your list of young people")
    _no_axe_violations(page)
    assert status() == "sent"
    page.get_by_role("button", name="Continue").click()
    expect_title(page, "Confirm it is your school")
    assert status() == "opened"
    assert "/start/" not in page.url
    page.get_by_role("radio", name=re.compile(re.escape(contact_name))).check()
    page.get_by_role("button", name="Send the code").click()
    expect_title(page, "Enter the code from the email")

    with app.app_context():
        deliver_outbox(limit=100)
        db.session.commit()
    deployed.smtp.wait_for_count(1)
    [code_email] = deployed.smtp.to(contact_email)
    page.get_by_label("Code").fill(re.search(r"\b(\d{6})\b", body_of(code_email)).group(1))
    page.get_by_role("button", name="Continue").click()
    expect_title(page, "Your young people")
    _no_axe_violations(page)

    page.get_by_role("link", name=name).click()
    expect_title(page, name)
    page.get_by_label("Destination").select_option(label="Apprenticeship")
    page.get_by_role("button", name="Save answer").click()
    expect_title(page, "Your young people")
    assert "1 of 1 answered" in page.locator("#progress").inner_text()
    with app.app_context():
        saved = db.session.scalars(select(SchoolResponse).where(SchoolResponse.school_request_id == request_id)).all()
        assert [response.answered for response in saved] == [True]
