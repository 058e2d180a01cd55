"""Sign-in is throttled per account and address, never locked: wrong passwords from one address
refuse that address for that account and no other, so a stranger cannot keep an owner out; an
account guessed at from many addresses slows down only the addresses that failed, and its owner is
emailed a one-time link that clears the limits. Refused, wrong and unknown all look the same."""
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tep_app.factory import register_proxy
from tep_app.models import AuditEvent, OutboxMessage, SignInThrottle, SignInUnlock, StaffUser
from tep_app.services import sign_in, staff
from tep_app.services.messaging.outbox import deliver_outbox
from tests.support.factories import TEST_PASSWORD
from tests.support.messaging_support import SmtpServer, body_of

ATTACKER = "203.0.113.66"
OWNER = "192.0.2.10"
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def _sign_in(pages, email: str, password: str, address: str, status: int = 200):
    return pages.post("/sign-in", data={"email": email, "password": password}, status=status,
                      environ_base={"REMOTE_ADDR": address})


def _refused(response) -> bool:
    return staff.MSG_SIGN_IN in response.page.select_one(".govuk-error-summary").text


def _actions(db, user) -> Counter:
    return Counter(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))))


def test_a_hundred_wrong_passwords_from_one_address_leave_the_owner_free_to_sign_in_from_another(pages, make, db):
    user = make.staff()
    for n in range(100):
        assert _refused(_sign_in(pages, user.email, f"wrong guess {n}", ATTACKER))
    response = _sign_in(pages, user.email, TEST_PASSWORD, OWNER, status=302)
    assert response.headers["Location"] == "/"
    # The attacker's own address stays refused for this account, even with the right password.
    assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, ATTACKER))
    actions = _actions(db, user)
    assert (actions["login-failed"], actions["login-throttled"], actions["login"]) == (5, 96, 1)
    throttled = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login-throttled",
                                                               AuditEvent.object_id == str(user.id)))
    assert set(throttled) == {ATTACKER}


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(app, pages, make, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_COUNT", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    register_proxy(app)
    user = make.staff()
    for n in range(6):
        pages.post("/sign-in", data={"email": user.email, "password": f"wrong {n}"},
                   headers={"X-Forwarded-For": ATTACKER})
    refused = pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD},
                         headers={"X-Forwarded-For": ATTACKER})
    assert _refused(refused)
    # Every request comes from the proxy's own address; the owner's is a different client.
    owner = pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD},
                       headers={"X-Forwarded-For": OWNER}, status=302)
    assert owner.headers["Location"] == "/"


def test_nine_wrong_passwords_a_minute_across_every_account_keep_no_owner_out(pages, make, db):
    users = [make.staff() for _ in range(26)]
    with time_machine.travel(START, tick=False) as traveller:
        # Nine a minute for a quarter of an hour, in turn: enough for five against every account.
        for n in range(9 * 15):
            assert _refused(_sign_in(pages, users[n % 26].email, f"wrong guess {n}", ATTACKER))
            traveller.shift(timedelta(seconds=60 / 9))
        for n, user in enumerate(users):
            response = _sign_in(pages, user.email, TEST_PASSWORD, f"198.51.100.{n + 1}", status=302)
            assert response.headers["Location"] == "/"
            pages.client.post("/sign-out")
        # Each account had its five wrong passwords, so the attacker's address is refused for every one.
        assert all(staff.throttled_addresses(user) == 1 for user in users)


def test_a_refused_address_gets_one_more_try_after_a_quiet_quarter_of_an_hour(pages, make):
    user = make.staff()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(sign_in.ADDRESS_LIMIT):
            _sign_in(pages, user.email, f"wrong {n}", OWNER)
        assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, OWNER))
        traveller.shift(timedelta(minutes=sign_in.QUIET_MINUTES - 1))
        # Trying again while refused starts the quiet time again.
        assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, OWNER))
        traveller.shift(timedelta(minutes=sign_in.QUIET_MINUTES - 1))
        assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, OWNER))
        traveller.shift(timedelta(minutes=sign_in.QUIET_MINUTES))
        _sign_in(pages, user.email, TEST_PASSWORD, OWNER, status=302)
    assert staff.throttled_addresses(user) == 0


def test_past_the_ceiling_an_address_that_failed_waits_its_turn_and_a_new_one_does_not(pages, make, db):
    user = make.staff()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(sign_in.ACCOUNT_CEILING):
            _sign_in(pages, user.email, f"wrong {n}", f"203.0.113.{n + 1}")
        assert db.session.get(StaffUser, user.id).failed_logins == sign_in.ACCOUNT_CEILING
        # An address that has failed once: its next try is let through, the one after must wait.
        assert _refused(_sign_in(pages, user.email, "wrong again", "203.0.113.1"))
        assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, "203.0.113.1"))
        assert _actions(db, user)["login-throttled"] == 1
        # An address with no failures is never slowed down.
        _sign_in(pages, user.email, TEST_PASSWORD, OWNER, status=302)
        pages.client.post("/sign-out")
        traveller.shift(timedelta(seconds=sign_in.SLOW_SECONDS))
        _sign_in(pages, user.email, TEST_PASSWORD, "203.0.113.1", status=302)


def test_the_owner_is_emailed_once_and_the_link_clears_the_limits_once(app, pages, make, db):
    user = make.staff(name="Robin Ashdown")
    with time_machine.travel(datetime.now(UTC), tick=False):
        for n in range(sign_in.ACCOUNT_CEILING + 10):
            _sign_in(pages, user.email, f"wrong {n}", ATTACKER)
        # The owner mistypes too, from their own address: past the ceiling, it must now wait its turn.
        for n in range(2):
            _sign_in(pages, user.email, f"my old password {n}", OWNER)
        assert _refused(_sign_in(pages, user.email, TEST_PASSWORD, OWNER))
    queued = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == user.email)))
    assert [message.kind for message in queued] == ["sign_in_unlock"]
    assert "((link))" in queued[0].body and "/sign-in/unlock/" not in queued[0].body
    assert "Robin Ashdown" in queued[0].body
    with SmtpServer() as server:
        old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        try:
            deliver_outbox()
        finally:
            app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old
        [message] = server.to(user.email)
    assert message["Subject"] == "Someone may be trying to sign in to your TEP Follow-up account"
    link = re.search(r"https?://\S+/sign-in/unlock/\S+", body_of(message)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # Opening the link (as a mail scanner does) changes nothing; the button clears the limits.
    page = pages.get(f"/{path}").page
    assert page.select_one("h1").text == "Clear the sign-in limits on your account"
    assert db.session.get(StaffUser, user.id).failed_logins == sign_in.ACCOUNT_CEILING + 10 + 3
    response = pages.post(f"/{path}", status=302)
    assert response.headers["Location"] == "/sign-in"
    _sign_in(pages, user.email, TEST_PASSWORD, OWNER, status=302)
    pages.client.post("/sign-out")
    # Used once: it works no more.
    again = pages.post(f"/{path}", status=404).page
    assert again.select_one("h1").text == "This link has expired or has been used"
    assert pages.get(f"/{path}", status=404).page.select_one("h1").text == "This link has expired or has been used"
    assert _actions(db, user)["sign-in-unlocked"] == 1
    assert db.session.scalar(select(SignInUnlock.used_at).where(SignInUnlock.staff_user_id == user.id))


def test_an_unlock_link_expires_after_a_day(pages, make, db):
    user = make.staff()
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(sign_in.ACCOUNT_CEILING):
            _sign_in(pages, user.email, f"wrong {n}", ATTACKER)
        unlock = db.session.scalar(select(SignInUnlock).where(SignInUnlock.staff_user_id == user.id))
        token = sign_in.unlock_token(unlock.nonce)
        pages.get(f"/sign-in/unlock/{token}")
        traveller.shift(timedelta(hours=sign_in.UNLOCK_HOURS, minutes=1))
        page = pages.post(f"/sign-in/unlock/{token}", status=404).page
    assert page.select_one("h1").text == "This link has expired or has been used"
    db.session.refresh(unlock)
    assert unlock.used_at is None and _actions(db, user)["sign-in-unlocked"] == 0


def test_an_admin_sees_the_throttled_addresses_and_clears_them(pages, make, login, db):
    target = make.staff(name="Ellis Marden")
    for n in range(sign_in.ADDRESS_LIMIT):
        _sign_in(pages, target.email, f"wrong {n}", ATTACKER)
        _sign_in(pages, target.email, f"wrong {n}", OWNER)
    login("admin")
    listing = pages.get("/admin/accounts").page
    row = next(tr for tr in listing.select("#accounts-table tbody tr") if "Ellis Marden" in tr.text)
    assert "Sign-in throttled" in row.text
    page = pages.get(f"/admin/accounts/{target.id}").page
    assert "From 2 addresses after wrong passwords" in page.text
    response = pages.post(f"/admin/accounts/{target.id}/clear-sign-in-limits", status=302)
    assert "Sign-in limits cleared" in pages.get(response.headers["Location"]).page.text
    assert staff.throttled_addresses(target) == 0
    assert _actions(db, target)["sign-in-cleared"] == 1


def test_a_forwarded_address_holding_control_characters_is_counted_clean(app, pages, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_COUNT", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    register_proxy(app)
    user = make.staff()
    hostile = "203.0.\x00113.\x0b66" + "9" * 300
    refused = pages.post("/sign-in", data={"email": user.email, "password": "wrong"},
                         headers={"X-Forwarded-For": hostile})
    assert _refused(refused)  # the sign-in page with its message, not a server error
    addresses = set(db.session.scalars(select(SignInThrottle.address).where(SignInThrottle.staff_user_id == user.id)))
    assert len(addresses) == 1
    address = addresses.pop()
    assert address.startswith("203.0.113.66999") and "\x00" not in address and "\x0b" not in address
    assert len(address) == sign_in.MAX_ADDRESS_LENGTH
    owner = pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD},
                       headers={"X-Forwarded-For": OWNER}, status=302)
    assert owner.headers["Location"] == "/"
