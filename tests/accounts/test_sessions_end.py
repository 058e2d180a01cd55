"""A copied session cookie stops working when the session ends: sign-out (staff and school), an
admin's "sign out everywhere", a password change, being idle, and a school's 2-hour limit."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tep_app.models import AuditEvent, UserSession
from tests.support.factories import TEST_PASSWORD
from tests.support.portal_support import latest_code, seed_request


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(client, cookie: str) -> None:
    client.set_cookie("session", cookie)


def _staff_signed_in(pages, make, role="officer"):
    user = make.staff(role=role)
    pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}, status=302)
    return user


def test_a_staff_cookie_replayed_after_sign_out_is_refused(pages, client, make, db):
    user = _staff_signed_in(pages, make)
    pages.get("/cases", status=200)
    copied = _cookie(client)
    pages.post("/sign-out", {}, status=302)
    _replay(client, copied)
    response = pages.get("/cases", status=302)
    assert response.headers["Location"].startswith("/sign-in")
    session = db.session.scalar(select(UserSession).where(UserSession.staff_user_id == user.id))
    assert session.ended_reason == "signed out"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign-out",
                                                      AuditEvent.object_id == str(user.id))) is not None


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db)


def _school_signed_in(pages, seeded, db):
    pages.post(f"/school/start/{seeded.token}", {}, status=302)
    contact = seeded.establishment.contacts[0]
    pages.post("/school/confirm", {"contact": str(contact.id)}, status=302)
    pages.post("/school/code", {"code": latest_code(db, contact.email)}, status=302)
    assert pages.page("/school/young-people").h1.get_text(strip=True) == "Your young people"


def test_a_school_cookie_replayed_after_sign_out_lists_no_pupils(pages, client, seeded, db):
    _school_signed_in(pages, seeded, db)
    copied = _cookie(client)
    pages.post("/school/sign-out", {}, status=302)
    _replay(client, copied)
    page = pages.page("/school/young-people", status=401)
    assert page.h1.get_text(strip=True) == "Your session has ended"
    assert seeded.entries[0].young_person.surname not in page.get_text()
    pages.get("/school/young-people.xlsx", status=401)


def test_a_school_session_ends_after_two_hours_however_busy(pages, client, seeded, db):
    _school_signed_in(pages, seeded, db)
    db.session.execute(update(UserSession).where(UserSession.school_request_id == seeded.request.id)
                       .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    page = pages.page("/school/young-people", status=401)
    assert "signed in for 2 hours" in page.get_text()


def test_an_idle_staff_session_is_ended_by_the_server_whatever_the_cookie_says(pages, make, db):
    user = _staff_signed_in(pages, make)
    db.session.execute(update(UserSession).where(UserSession.staff_user_id == user.id)
                       .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61)))
    db.session.commit()
    assert pages.get("/cases", status=302).headers["Location"].startswith("/sign-in")


def test_sign_out_everywhere_ends_every_session_of_the_account(app, pages, client, make, db):
    user = _staff_signed_in(pages, make)
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert elsewhere.get("/cases").status_code == 200
    admin = app.test_client()
    admin_user = make.staff(role="admin")
    admin.post("/sign-in", data={"email": admin_user.email, "password": TEST_PASSWORD})
    page = admin.get(f"/admin/accounts/{user.id}").get_data(as_text=True)
    assert "Sign out everywhere" in page and "2 sessions" in page
    assert admin.post(f"/admin/accounts/{user.id}/sign-out").status_code == 302
    for signed_out in (client, elsewhere):
        assert signed_out.get("/cases").headers["Location"].startswith("/sign-in")
    assert admin.get("/admin/accounts").status_code == 200


def test_changing_a_password_ends_the_other_sessions_and_keeps_this_one(app, pages, client, make, db):
    user = _staff_signed_in(pages, make)
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    new = "granite osprey lantern meadow"
    pages.post("/account/password", data={"current_password": TEST_PASSWORD, "new_password": new,
                                          "confirm_password": new}, status=302)
    pages.get("/cases", status=200)
    assert elsewhere.get("/cases").headers["Location"].startswith("/sign-in")
