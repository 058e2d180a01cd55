"""Sign-out (staff and school) is a POST with the CSRF token: a GET, as another site can make a
browser send, only shows the button; a POST without the token is refused; with it, the session ends."""
import re

import pytest

from tests.support.portal_support import seed_request, sign_school_in

CROSS_SITE = {"Referer": "https://elsewhere.example/page", "Sec-Fetch-Site": "cross-site"}


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_cross_site_get_does_not_sign_staff_out_and_a_post_needs_the_token(client, login, csrf_on):
    login("officer")
    asked = client.get("/sign-out", headers=CROSS_SITE)
    assert asked.status_code == 200
    assert re.search(r'<h1[^>]*>\s*Sign out\s*</h1>', asked.get_data(as_text=True))
    assert client.get("/cases").status_code == 200
    refused = client.post("/sign-out", headers=CROSS_SITE)
    assert refused.status_code == 400 and "Your form timed out" in refused.get_data(as_text=True)
    page = client.get("/cases")
    assert page.status_code == 200
    # The header's Sign out button posts the token.
    header = re.search(r'<form class="tep-sign-out" method="post" action="/sign-out".*?</form>',
                       page.get_data(as_text=True), re.S)
    assert header and "Sign out</button>" in header.group(0)
    signed_out = client.post("/sign-out", data={"csrf_token": _token(header.group(0))})
    assert signed_out.status_code == 302 and signed_out.headers["Location"].endswith("/sign-in")
    assert client.get("/cases").headers["Location"].startswith("/sign-in")


def test_a_cross_site_get_does_not_sign_a_school_out_and_a_post_needs_the_token(client, make, db, csrf_on):
    seeded = seed_request(make, db)
    sign_school_in(client, seeded)
    assert client.get("/school/sign-out", headers=CROSS_SITE).status_code == 200
    assert client.get("/school/young-people").status_code == 200
    assert client.post("/school/sign-out", headers=CROSS_SITE).status_code == 400
    page = client.get("/school/young-people")
    assert page.status_code == 200
    header = re.search(r'<form class="tep-sign-out" method="post" action="/school/sign-out".*?</form>',
                       page.get_data(as_text=True), re.S)
    assert header
    signed_out = client.post("/school/sign-out", data={"csrf_token": _token(header.group(0))})
    assert signed_out.status_code == 302
    assert "You have signed out" in client.get("/school/sign-out").get_data(as_text=True)
    assert client.get("/school/young-people").status_code == 401


def test_a_signed_out_visitor_asking_to_sign_out_goes_to_sign_in(client):
    response = client.get("/sign-out")
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_staff_signing_out_again_from_a_second_tab_lands_on_sign_in(client, login, csrf_on):
    login("officer")
    page = client.get("/cases").get_data(as_text=True)
    token = _token(re.search(r'<form class="tep-sign-out".*?</form>', page, re.S).group(0))
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    again = client.post("/sign-out", data={"csrf_token": token})  # the other tab's button
    assert again.status_code == 302 and again.headers["Location"].endswith("/sign-in")


def test_a_school_signing_out_again_from_a_second_tab_is_told_it_has_signed_out(client, make, db, csrf_on):
    seeded = seed_request(make, db)
    sign_school_in(client, seeded)
    page = client.get("/school/young-people").get_data(as_text=True)
    token = _token(re.search(r'<form class="tep-sign-out".*?</form>', page, re.S).group(0))
    assert client.post("/school/sign-out", data={"csrf_token": token}).status_code == 302
    again = client.post("/school/sign-out", data={"csrf_token": token})
    assert again.status_code == 302
    assert "You have signed out" in client.get("/school/sign-out").get_data(as_text=True)
