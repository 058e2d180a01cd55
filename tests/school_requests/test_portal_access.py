"""Secure links, emailed codes and the school's session."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tep_app.auth.roles import STAFF
from tep_app.models import AccessCode, AuditEvent, OutboxMessage, RequestEvent
from tep_app.services.school_requests.links import (
    LinkError,
    reissue_token,
    resolve_token,
    revoke_token,
    send_access_code,
    verify_access_code,
)
from tests.support.portal_support import latest_code, seed_request, sign_school_in


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db)


def open_link(pages, seeded):
    """Open the emailed link and press Continue, as a person does."""
    pages.get(f"/school/start/{seeded.token}", 200)
    response = pages.post(f"/school/start/{seeded.token}", {}, 302)
    assert response.headers["Location"].endswith("/school/confirm")
    return response


def ask_for_code(pages, seeded, contact_index=0):
    contact = seeded.establishment.contacts[contact_index]
    pages.post("/school/confirm", {"contact": str(contact.id)}, 302)
    return contact.email


# Links

def test_the_token_is_stored_only_as_a_hash(seeded):
    assert seeded.token not in (seeded.request.token_hash or "")
    assert len(seeded.request.token_hash) == 64
    assert seeded.request.events[0].kind == "link issued"


def test_a_good_link_moves_into_the_session_and_marks_the_request_opened(pages, seeded, client):
    response = open_link(pages, seeded)
    assert seeded.token not in response.headers["Location"]
    page = pages.page("/school/confirm")
    assert page.h1.get_text(strip=True) == "Confirm it is your school"
    assert seeded.establishment.name in page.get_text()
    assert seeded.token not in page.decode()
    with client.session_transaction() as session:
        assert seeded.token not in str(dict(session))
    assert seeded.request.status == "opened"
    assert seeded.request.first_opened_at is not None


def test_fetching_a_link_opens_nothing_until_the_person_presses_continue(pages, client, seeded, db):
    """Mail scanners fetch every link in an email (GET or HEAD): the list stays "sent"."""
    assert client.head(f"/school/start/{seeded.token}").status_code == 200
    page = pages.page(f"/school/start/{seeded.token}")
    assert page.h1.get_text(strip=True) == "Your list of young people"
    assert seeded.establishment.name in page.get_text()
    assert page.select_one("form[method=post] button").get_text(strip=True) == "Continue"
    db.session.refresh(seeded.request)
    assert seeded.request.status == "sent"
    assert seeded.request.first_opened_at is None
    assert "link opened" not in [event.kind for event in seeded.request.events]
    with client.session_transaction() as session:
        assert "school_pending_request_id" not in session
    pages.get("/school/confirm", 401)
    response = pages.post(f"/school/start/{seeded.token}", {}, 302)
    assert response.headers["Location"].endswith("/school/confirm")
    db.session.refresh(seeded.request)
    assert seeded.request.status == "opened"
    assert seeded.request.first_opened_at is not None


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # tampered
    lambda token: token[:20],  # cut short
    lambda token: "x" * 400,  # absurd
])
def test_a_tampered_link_gets_a_plain_message_and_nothing_more(pages, seeded, mangle):
    page = pages.page(f"/school/start/{mangle(seeded.token)}", 404)
    assert page.h1.get_text(strip=True) == "This link does not work"
    assert seeded.establishment.name not in page.get_text()
    assert seeded.entries[0].young_person.surname not in page.get_text()
    assert pages.get("/school/young-people", 401).page.h1.get_text(strip=True) == "You need to sign in to see this page"
    assert seeded.request.status == "sent"


def test_an_expired_link_is_refused(pages, seeded, db):
    seeded.request.token_expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = pages.page(f"/school/start/{seeded.token}", 410)
    assert page.h1.get_text(strip=True) == "This link has expired"
    assert seeded.establishment.name not in page.get_text()
    assert pages.post(f"/school/start/{seeded.token}", {}, 410).page.h1.get_text(strip=True) == "This link has expired"
    assert seeded.request.status == "sent"
    assert resolve_token(seeded.token) == (None, "expired")


def test_a_revoked_link_is_refused_and_a_reissued_one_replaces_it(pages, seeded, db):
    revoke_token(seeded.request, user_id=None)
    db.session.commit()
    page = pages.page(f"/school/start/{seeded.token}", 410)
    assert page.h1.get_text(strip=True) == "This link no longer works"
    new_token = reissue_token(seeded.request, user_id=None)
    assert resolve_token(seeded.token) == (None, "replaced")
    assert resolve_token(new_token) == (seeded.request, "ok")
    pages.post(f"/school/start/{new_token}", {}, 302)
    kinds = [event.kind for event in seeded.request.events]
    assert {"link revoked", "link reissued"} <= set(kinds)


def test_a_revoked_link_ends_a_session_already_open(pages, client, seeded, db):
    sign_school_in(client, seeded)
    pages.get("/school/young-people", 200)
    revoke_token(seeded.request, user_id=None)
    db.session.commit()
    page = pages.page("/school/young-people", 410)
    assert page.h1.get_text(strip=True) == "This link no longer works"
    pages.get("/school/young-people", 401)


def test_another_schools_link_opens_only_that_school(pages, client, make, db, seeded):
    other = seed_request(make, db, collection=seeded.collection)
    pages.post(f"/school/start/{other.token}", {}, 302)
    page = pages.page("/school/confirm")
    assert other.establishment.name in page.get_text()
    assert seeded.establishment.name not in page.get_text()


# Codes

def test_the_code_goes_only_to_a_registered_contact(pages, seeded, db):
    open_link(pages, seeded)
    page = pages.page("/school/confirm")
    labels = [label.get_text(strip=True) for label in page.select(".govuk-radios__label")]
    assert labels == ["Contact 1 (c•••@school.example)", "Contact 2 (c•••@school.example)"]
    assert seeded.establishment.contacts[0].email not in page.decode()
    # An address that is not one of the school's is refused, here and in the service.
    response = pages.post("/school/confirm", {"contact": "999999"}, 200)
    assert "Not a valid choice" in response.page.select_one(".govuk-error-message").get_text() \
        or response.page.select_one(".govuk-error-summary")
    with pytest.raises(LinkError):
        send_access_code(seeded.request, "someone@elsewhere.example")
    email = ask_for_code(pages, seeded, 1)
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "access_code")).all()
    assert [m.to_address for m in messages] == [email]
    code_row = db.session.scalar(select(AccessCode))
    assert messages[0].ledger_key == f"request:{seeded.request.id}:code:{code_row.id}"
    assert latest_code(db, email) not in code_row.code_hash


def test_the_right_code_opens_the_list(pages, seeded, db, client):
    open_link(pages, seeded)
    email = ask_for_code(pages, seeded)
    page = pages.page("/school/code")
    assert "c•••@school.example" in page.get_text()
    pages.post("/school/code", {"code": latest_code(db, email)}, 302)
    page = pages.page("/school/young-people")
    assert page.h1.get_text(strip=True) == "Your young people"
    with client.session_transaction() as session:
        assert session["school_request_id"] == seeded.request.id
        assert session["school_contact_email"] == email
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school sign in"))
    assert (audit.actor_type, audit.actor_label) == ("school", email)
    # A used code cannot be used again.
    assert not verify_access_code(seeded.request, latest_code(db, email)).ok


def test_wrong_codes_count_down_then_lock(pages, seeded, db):
    open_link(pages, seeded)
    email = ask_for_code(pages, seeded)
    right = latest_code(db, email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    messages = []
    for _ in range(5):
        response = pages.post("/school/code", {"code": wrong}, 200)
        messages.append(response.page.select_one(".govuk-error-message").get_text(" ", strip=True))
    assert messages[1] == "Error: The code is not correct. You have 3 tries left."
    assert messages[3] == "Error: The code is not correct. You have 1 try left."
    assert messages[4] == "Error: You have entered the wrong code too many times. Request a new code."
    # Locked: even the right code no longer works.
    response = pages.post("/school/code", {"code": right}, 200)
    assert "too many times" in response.page.select_one(".govuk-error-message").get_text()
    pages.get("/school/young-people", 401)
    # A new code works.
    ask_for_code(pages, seeded)
    pages.post("/school/code", {"code": latest_code(db, email)}, 302)
    pages.get("/school/young-people", 200)


def test_an_expired_code_is_refused(pages, seeded, db):
    open_link(pages, seeded)
    email = ask_for_code(pages, seeded)
    code_row = db.session.scalar(select(AccessCode))
    code_row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    response = pages.post("/school/code", {"code": latest_code(db, email)}, 200)
    assert response.page.select_one(".govuk-error-message").get_text(" ", strip=True) == \
        "Error: The code has expired. Request a new code."
    pages.get("/school/young-people", 401)


def test_a_malformed_code_gets_a_message(pages, seeded):
    open_link(pages, seeded)
    ask_for_code(pages, seeded)
    for typed in ("", "12ab56"):
        response = pages.post("/school/code", {"code": typed}, 200)
        assert "Enter the 6-digit code from the email" in response.page.select_one(".govuk-error-message").get_text()


def test_the_code_pages_need_an_opened_link(pages):
    assert pages.page("/school/confirm", 401).h1.get_text(strip=True) == "Open the link from your email"
    pages.get("/school/code", 401)


# The school's session

def test_the_session_ends_after_30_minutes_idle(pages, client, seeded):
    signed_in = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(signed_in, tick=False) as traveller:
        sign_school_in(client, seeded)
        pages.get("/school/young-people", 200)
        traveller.move_to(signed_in + timedelta(minutes=29))
        pages.get("/school/young-people", 200)  # still active, and the clock restarts
        traveller.move_to(signed_in + timedelta(minutes=58))
        pages.get("/school/young-people", 200)  # 29 minutes after the last page, 58 after the first
        traveller.move_to(signed_in + timedelta(minutes=89))
        page = pages.page("/school/young-people", 401)
        assert page.h1.get_text(strip=True) == "Your session has ended"
        pages.get("/school/young-people", 401)


def test_a_school_session_sees_no_staff_page_and_no_other_request(pages, client, make, db, seeded):
    other = seed_request(make, db, collection=seeded.collection)
    sign_school_in(client, seeded)
    staff_pages = [
        rule.rule for rule in client.application.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
        and set(getattr(client.application.view_functions[rule.endpoint], "allowed_roles", ())) <= set(STAFF)
    ]
    assert staff_pages
    for url in staff_pages:
        assert client.get(url).status_code == 403, url
    page = pages.page(f"/school/young-people/{other.entries[0].id}", 404)
    assert other.entries[0].young_person.surname not in page.get_text()
    pages.post(f"/school/young-people/{other.entries[0].id}", {"outcome": "220", "save": "y"}, 404)
    list_page = pages.page("/school/young-people")
    assert other.entries[0].young_person.surname not in list_page.get_text()
    assert seeded.entries[0].young_person.surname in list_page.get_text()


def test_sign_out_ends_the_school_session(pages, client, seeded):
    sign_school_in(client, seeded)
    assert pages.page("/school/sign-out").h1.get_text(strip=True) == "Sign out"  # a GET only asks
    pages.get("/school/young-people", 200)
    assert pages.post("/school/sign-out", {}, 302).headers["Location"].endswith("/school/sign-out")
    assert pages.page("/school/sign-out").h1.get_text(strip=True) == "You have signed out"
    pages.get("/school/young-people", 401)


def test_opening_a_link_is_recorded(pages, seeded, db):
    open_link(pages, seeded)
    kinds = db.session.scalars(select(RequestEvent.kind).where(
        RequestEvent.school_request_id == seeded.request.id)).all()
    assert "link opened" in kinds


def test_csrf_is_checked_on_the_school_forms(app, make, db, monkeypatch):
    seeded = seed_request(make, db)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    start = client.get(f"/school/start/{seeded.token}").get_data(as_text=True)
    link_token = re.search(r'name="csrf_token" value="([^"]+)"', start).group(1)
    assert client.post(f"/school/start/{seeded.token}").status_code == 400
    assert seeded.request.status == "sent"
    assert client.post(f"/school/start/{seeded.token}", data={"csrf_token": link_token}).status_code == 302
    response = client.post("/school/confirm", data={"contact": str(seeded.establishment.contacts[0].id)})
    assert response.status_code == 400
    assert "Your form timed out" in response.get_data(as_text=True)
    assert db.session.scalar(select(AccessCode)) is None
    # With the token from the page, the same POST works.
    html = client.get("/school/confirm").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    response = client.post("/school/confirm", data={"contact": str(seeded.establishment.contacts[0].id),
                                                    "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_a_link_lasts_to_the_end_of_the_fourteenth_day_after_the_reply_by_date(make, db):
    due = date(2026, 10, 30)
    with time_machine.travel(datetime(2026, 10, 7, 9, tzinfo=UTC), tick=False):
        seeded = seed_request(make, db, due_on=due)
    with time_machine.travel(datetime(2026, 11, 13, 23, 59, tzinfo=UTC), tick=False):  # 23:59 GMT
        assert resolve_token(seeded.token) == (seeded.request, "ok")
    with time_machine.travel(datetime(2026, 11, 14, 0, 0, 1, tzinfo=UTC), tick=False):
        assert resolve_token(seeded.token) == (None, "expired")


def test_a_link_issued_after_the_reply_by_date_still_lasts_the_grace_days_from_its_issue(make, db):
    with time_machine.travel(datetime(2026, 11, 29, 9, tzinfo=UTC), tick=False):
        seeded = seed_request(make, db, due_on=date(2026, 10, 30))
        assert resolve_token(seeded.token) == (seeded.request, "ok")
    with time_machine.travel(datetime(2026, 12, 13, 23, 0, tzinfo=UTC), tick=False):
        assert resolve_token(seeded.token) == (seeded.request, "ok")
    with time_machine.travel(datetime(2026, 12, 14, 0, 0, 1, tzinfo=UTC), tick=False):
        assert resolve_token(seeded.token) == (None, "expired")


def test_link_attempts_are_rate_limited(app):
    """Eleven wrong links a minute from one address: the eleventh is refused outright."""
    from tep_app import create_app

    limited = create_app("test", RATELIMIT_ENABLED=True, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    client = limited.test_client()
    statuses = [client.get(f"/school/start/not-a-real-link-{n}").status_code for n in range(11)]
    assert statuses == [404] * 10 + [429]
    assert "Too many attempts" in client.get("/school/start/another").get_data(as_text=True)
    with limited.app_context():
        from tep_app.extensions import db

        db.engine.dispose()
