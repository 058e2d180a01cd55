"""Forms work over HTTPS behind one proxy, with Flask-WTF's strict HTTPS check on: a POST over
HTTPS must carry a same-origin Referer, so the pages' referrer policy must let a browser send one to
the site itself, and nothing to any other site (the school link's token is in its URL)."""
import re
from urllib.parse import urlsplit

import pytest

from tep_app import create_app

SITE = "https://tep.example"
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tep.example", "X-Forwarded-For": "203.0.113.7"}
PASSWORD = "https horse battery staple"


def referer_sent(policy: str, page_url: str, target_url: str) -> str | None:
    """The Referer a browser sends from a page served with this Referrer-Policy to the target
    (the W3C Referrer Policy algorithm, for HTTPS pages)."""
    page, target = urlsplit(page_url), urlsplit(target_url)
    same = (page.scheme, page.netloc) == (target.scheme, target.netloc)
    origin = f"{page.scheme}://{page.netloc}/"
    full = page_url.split("#")[0]
    return {
        "no-referrer": None,
        "same-origin": full if same else None,
        "origin": origin,
        "strict-origin": origin,
        "origin-when-cross-origin": full if same else origin,
        "strict-origin-when-cross-origin": full if same else origin,
        "no-referrer-when-downgrade": full,
        "unsafe-url": full,
    }[policy.split(",")[-1].strip()]


@pytest.fixture
def production_like(live):
    """The live database behind an app with production's checks: CSRF on (strict over HTTPS), secure
    cookies, one trusted proxy."""
    from tep_app.extensions import db
    from tep_app.services.staff import create_user
    from tests.support.factories import Factory
    from tests.support.portal_support import seed_request

    app = create_app("test", SQLALCHEMY_DATABASE_URI=live.url, SECRET_KEY="https-test-secret", WTF_CSRF_ENABLED=True,
                     WTF_CSRF_SSL_STRICT=True, SESSION_COOKIE_SECURE=True, PROXY_COUNT=1, BASE_URL=SITE,
                     MAIL_CATCHER_DIR=str(live.tmp / "mail"))
    with app.app_context():
        create_user("https.officer@tep.example", "Https Officer", "officer", PASSWORD)
        seeded = seed_request(Factory(db), db, entries=1)
        token, contact_id = seeded.token, seeded.establishment.contacts[0].id
        db.session.commit()
        db.session.remove()
    yield app, token, contact_id
    with app.app_context():
        db.engine.dispose()


class HttpsBrowser:
    """The test client as a browser over HTTPS through the proxy: it sends the Referer that the
    referrer policy of the page holding the form allows."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, path: str):
        response = self.client.get(path, base_url=SITE, headers=PROXY)
        self.page, self.policy = SITE + path, response.headers.get("Referrer-Policy", "")
        return response

    def submit(self, path: str, fields: dict):
        """Post the form on the page last fetched, with its CSRF token."""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.last_html).group(1)
        headers = dict(PROXY)
        referer = referer_sent(self.policy, self.page, SITE + path)
        if referer:
            headers["Referer"] = referer
        return self.client.post(path, base_url=SITE, headers=headers, data={"csrf_token": token, **fields})

    def open_form(self, path: str):
        response = self.get(path)
        self.last_html = response.get_data(as_text=True)
        return response


def test_staff_sign_in_and_a_second_form_post_over_https_through_the_proxy(production_like):
    app, _token, _contact = production_like
    browser = HttpsBrowser(app)
    assert browser.open_form("/sign-in").status_code == 200
    signed_in = browser.submit("/sign-in", {"email": "https.officer@tep.example", "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    assert signed_in.headers["Location"].endswith("/")
    assert "Secure" in signed_in.headers["Set-Cookie"]
    browser.open_form("/account/password")
    changed = browser.submit("/account/password", {"current_password": "not my password", "new_password": "x",
                                                   "confirm_password": "x"})
    assert changed.status_code == 200
    assert "Your form timed out" not in changed.get_data(as_text=True)
    assert "govuk-error-summary" in changed.get_data(as_text=True)


def test_a_school_opens_its_link_and_asks_for_a_code_over_https_through_the_proxy(production_like):
    app, token, contact_id = production_like
    browser = HttpsBrowser(app)
    assert browser.open_form(f"/school/start/{token}").status_code == 200
    opened = browser.submit(f"/school/start/{token}", {})
    assert opened.status_code == 302, opened.get_data(as_text=True)
    browser.open_form("/school/confirm")
    sent = browser.submit("/school/confirm", {"contact": str(contact_id)})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    assert sent.headers["Location"].endswith("/school/code")


def test_a_post_over_https_without_a_referer_is_still_refused(production_like):
    app, _token, _contact = production_like
    browser = HttpsBrowser(app)
    browser.open_form("/sign-in")
    browser.policy = "no-referrer"
    refused = browser.submit("/sign-in", {"email": "https.officer@tep.example", "password": PASSWORD})
    assert refused.status_code == 400
    assert "Your form timed out" in refused.get_data(as_text=True)


def test_no_page_sends_its_address_to_another_site(production_like):
    app, token, _contact = production_like
    browser = HttpsBrowser(app)
    for path in ("/sign-in", f"/school/start/{token}"):
        browser.get(path)
        assert referer_sent(browser.policy, browser.page, "https://elsewhere.example/") is None, path
