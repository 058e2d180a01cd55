"""Admins manage staff accounts; users change their own password; sessions end when they should."""
import time

import pytest

from tep_app.models import AuditEvent, StaffUser
from tests.support.factories import TEST_PASSWORD

NEW_PASSWORD = "marble kettle orchard lantern"


def _errors(page):
    return [a.text.strip() for a in page.select(".govuk-error-summary a")]


def _sign_in(client, email, password):
    return client.post("/sign-in", data={"email": email, "password": password})


def test_the_accounts_list_and_the_admin_index(pages, login, make):
    admin = login("admin")
    officer = make.staff(role="officer", name="Olive Officer")
    page = pages.page("/admin/accounts")
    names = [th.text.strip() for th in page.select("#accounts-table tbody th")]
    assert "Olive Officer" in names and admin.name in names
    links = {a.text.strip(): a["href"] for a in pages.page("/admin/").select("#admin-pages a")}
    assert links["Staff accounts"] == "/admin/accounts"
    assert f"/admin/accounts/{officer.id}" in {a["href"] for a in page.select("#accounts-table a")}


@pytest.mark.parametrize("data, errors", [
    ({}, ["Enter the person's full name", "Enter an email address", "Select a role"]),
    ({"name": "Pat", "email": "pat@tep.example", "role": "officer", "password": "short"},
     ["Password must be 12 characters or more"]),
    ({"name": "Pat", "email": "pat@tep.example", "role": "officer", "password": "password1234"},
     ["Password is too easy to guess: use three random words"]),
    ({"name": "Pat", "email": "pat@tep.example", "role": "officer", "password": "pat-is-my-password"},
     ["Password must not contain your email address"]),
    ({"name": "Pat", "email": "not-an-email", "role": "officer", "password": NEW_PASSWORD},
     ["Enter an email address in the correct format, like name@example.com"]),
    ({"name": "Pat", "email": "pat@tep.example", "role": "superuser", "password": NEW_PASSWORD},
     ["Select a role"]),
])
def test_creating_an_account_names_every_problem(pages, login, db, data, errors):
    login("admin")
    page = pages.post("/admin/accounts/new", data=data).page
    assert _errors(page) == errors
    assert db.session.query(StaffUser).filter_by(email="pat@tep.example").count() == 0


def test_a_duplicate_email_is_refused(pages, login, make):
    login("admin")
    existing = make.staff()
    page = pages.post("/admin/accounts/new", data={"name": "Pat", "email": existing.email.upper(),
                                                   "role": "officer", "password": NEW_PASSWORD}).page
    assert _errors(page) == ["A staff account with this email address already exists"]


def test_an_account_created_with_no_password_gets_a_one_time_password_to_change(pages, login, client, db, app):
    login("admin")
    page = pages.post("/admin/accounts/new", data={"name": "Pat Jones", "email": "Pat@TEP.example",
                                                   "role": "manager"}).page
    one_time = page.select_one("#one-time-password").text.strip()
    user = db.session.query(StaffUser).filter_by(email="pat@tep.example").one()
    assert (user.role, user.must_change_password) == ("manager", True)
    assert db.session.query(AuditEvent).filter_by(action="create", object_id=str(user.id)).count() == 1

    fresh = app.test_client()
    response = _sign_in(fresh, "pat@tep.example", one_time)
    assert response.headers["Location"] == "/account/password"
    # Until the password is changed, every staff page leads back to the change page.
    assert fresh.get("/dashboard/").headers["Location"] == "/account/password"
    response = fresh.post("/account/password", data={"current_password": one_time, "new_password": NEW_PASSWORD,
                                                     "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert fresh.get("/dashboard/").status_code == 200
    assert not user.must_change_password
    assert _sign_in(app.test_client(), "pat@tep.example", NEW_PASSWORD).status_code == 302


def test_a_made_one_time_password_the_policy_would_refuse_is_made_again(pages, login, db, monkeypatch):
    """A random one-time password may hold the email's name ("pat"): the admin is never refused it."""
    from tep_app.services import staff

    made = iter(["pat2-kmnp-qrst-uvwx", "abcd-efgh-jkmn-pqrs"])
    monkeypatch.setattr(staff, "make_one_time_password", lambda: next(made))
    login("admin")
    page = pages.post("/admin/accounts/new", data={"name": "Pat Jones", "email": "pat@tep.example",
                                                   "role": "officer"}).page
    assert page.select_one("#one-time-password").text.strip() == "abcd-efgh-jkmn-pqrs"
    assert db.session.query(StaffUser).filter_by(email="pat@tep.example").one().must_change_password


def test_a_reset_never_gives_a_one_time_password_the_policy_would_refuse(pages, login, make, monkeypatch):
    """The same for a reset: a one-time password holding the account's name ("pat") is made again."""
    from tep_app.services import staff

    officer = make.staff(role="officer", email="pat@tep.example")
    made = iter(["pat2-kmnp-qrst-uvwx", "abcd-efgh-jkmn-pqrs"])
    monkeypatch.setattr(staff, "make_one_time_password", lambda: next(made))
    login("admin")
    page = pages.post(f"/admin/accounts/{officer.id}/reset-password").page
    assert page.select_one("#one-time-password").text.strip() == "abcd-efgh-jkmn-pqrs"
    assert staff.password_problem("pat2-kmnp-qrst-uvwx", officer.email) is not None


def test_disabling_an_account_ends_its_sessions_and_stops_sign_in(pages, login, make, app, db):
    officer = make.staff(role="officer")
    officer_client = app.test_client()
    assert _sign_in(officer_client, officer.email, TEST_PASSWORD).status_code == 302
    assert officer_client.get("/account/password").status_code == 200
    login("admin")
    pages.post(f"/admin/accounts/{officer.id}/disable", status=302)
    assert not officer.active
    response = officer_client.get("/account/password")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    page = pages.post("/sign-in", data={"email": officer.email, "password": TEST_PASSWORD}).page
    assert _errors(page) == ["This account has been disabled. Speak to your TEP manager."]
    event = db.session.query(AuditEvent).filter_by(action="disable", object_id=str(officer.id)).one()
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_a_disabled_account_can_be_re_enabled(pages, login, make, app):
    officer = make.staff(role="officer", active=False)
    login("admin")
    page = pages.page(f"/admin/accounts/{officer.id}")
    assert page.select_one(f'form[action="/admin/accounts/{officer.id}/enable"]') is not None
    pages.post(f"/admin/accounts/{officer.id}/enable", status=302)
    assert officer.active
    assert _sign_in(app.test_client(), officer.email, TEST_PASSWORD).status_code == 302


def test_an_admin_cannot_disable_themselves(pages, login):
    admin = login("admin")
    response = pages.post(f"/admin/accounts/{admin.id}/disable", status=302)
    page = pages.page(response.headers["Location"])
    assert "You cannot disable your own account" in page.select_one(".govuk-notification-banner").text
    assert admin.active


def test_resetting_a_password_shows_it_once_ends_sessions_and_forces_a_change(pages, login, make, app):
    officer = make.staff(role="officer")
    officer_client = app.test_client()
    _sign_in(officer_client, officer.email, TEST_PASSWORD)
    login("admin")
    page = pages.post(f"/admin/accounts/{officer.id}/reset-password").page
    one_time = page.select_one("#one-time-password").text.strip()
    assert len(one_time) == 19 and officer.must_change_password
    assert "/sign-in" in officer_client.get("/account/password").headers["Location"]
    assert _sign_in(app.test_client(), officer.email, TEST_PASSWORD).status_code == 200  # old one refused
    fresh = app.test_client()
    assert _sign_in(fresh, officer.email, one_time).headers["Location"] == "/account/password"


def test_changing_a_password_checks_the_current_one_and_the_policy(pages, login):
    user = login("officer")
    page = pages.post("/account/password", data={"current_password": "wrong", "new_password": NEW_PASSWORD,
                                                 "confirm_password": NEW_PASSWORD}).page
    assert _errors(page) == ["Your current password is not correct"]
    page = pages.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": "short",
                                                 "confirm_password": "short"}).page
    assert _errors(page) == ["Password must be 12 characters or more"]
    page = pages.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
                                                 "confirm_password": "something else"}).page
    assert _errors(page) == ["The passwords do not match"]
    old_token = user.session_token
    pages.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
                                          "confirm_password": NEW_PASSWORD}, status=302)
    assert user.session_token != old_token
    pages.get("/account/password")  # this session carries on with the new token


def test_an_idle_session_ends_after_60_minutes(client, make, db):
    user = make.staff(role="manager")
    _sign_in(client, user.email, TEST_PASSWORD)
    assert client.get("/dashboard/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 59 * 60
    assert client.get("/dashboard/").status_code == 200  # 59 minutes idle: still signed in
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 61 * 60
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/dashboard/").status_code == 302  # signed out, not just redirected once
    event = db.session.query(AuditEvent).filter_by(action="session-expired", object_id=str(user.id)).one()
    assert event.after == {"reason": "idle"}


def test_assets_never_rewrite_a_signed_in_session_cookie(client, make):
    # Chromium fetches the last page's assets while the next page loads: a cookie set by an asset
    # response would carry the older session and drop the new page's CSRF token.
    user = make.staff(role="manager")
    _sign_in(client, user.email, TEST_PASSWORD)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 10 * 60
    for path in ("/static/app.css", "/assets/govuk-frontend.min.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
    page = client.get("/dashboard/")
    assert page.status_code == 200 and "Set-Cookie" in page.headers  # the page moves the idle clock on
    assert "Set-Cookie" not in client.get("/dashboard/").headers  # nothing changed: no cookie sent


def test_a_session_ends_after_8_hours_however_busy(client, make):
    user = make.staff(role="manager")
    _sign_in(client, user.email, TEST_PASSWORD)
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 8 * 60 * 60 - 1
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    page_text = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed in for 8 hours" in page_text


def test_every_sign_in_is_audited(client, make, db):
    user = make.staff()
    _sign_in(client, user.email, "wrong password")
    _sign_in(client, user.email, TEST_PASSWORD)
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(object_id=str(user.id)).order_by(AuditEvent.id)]
    assert actions == ["login-failed", "login"]


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_only_admins_manage_accounts(client, login, make, db, role):
    login(role)
    other = make.staff()
    db.session.commit()  # keep the rows past each refused request's rollback
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/admin/").status_code == 403
    assert client.post(f"/admin/accounts/{other.id}/disable").status_code == 403
    assert client.post(f"/admin/accounts/{other.id}/reset-password").status_code == 403
    db.session.refresh(other)
    assert other.active and not other.must_change_password
