"""Guessing staff passwords: 50 parallel wrong passwords from one address get at most 5 checked and
that address stays refused while the owner signs in from another, a refused attempt answers as an
unknown email does, common passwords are refused, and `next` stays on the site."""
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tep_app.services import staff
from tests.support.factories import TEST_PASSWORD

PARALLEL = 50


def test_fifty_parallel_wrong_passwords_from_one_address_get_at_most_five_checked(live, monkeypatch):
    from tep_app.extensions import db
    from tep_app.models import AuditEvent, StaffUser

    with live.app.app_context():
        user = staff.create_user("target@tep.example", "Target", "officer", "granite osprey lantern meadow")
        db.session.commit()
        user_id, real_hash = user.id, user.password_hash
    checked = Counter()
    real_verify = staff._verify

    def counting_verify(password_hash, password):
        if password_hash == real_hash:
            checked["real"] += 1
        return real_verify(password_hash, password)

    monkeypatch.setattr(staff, "_verify", counting_verify)
    barrier, statuses = threading.Barrier(PARALLEL), []

    def guess(n):
        client = live.app.test_client()
        barrier.wait()
        response = client.post("/sign-in", data={"email": "target@tep.example", "password": f"wrong guess {n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with live.app.app_context():
        failed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "login-failed", AuditEvent.object_id == str(user_id)))
        throttled = staff.throttled_addresses(db.session.get(StaffUser, user_id))
    print(f"\n{PARALLEL} parallel wrong passwords on {'PostgreSQL' if live.postgres else 'SQLite'}: "
          f"{checked['real']} checked against the real hash")
    assert statuses == [200] * PARALLEL
    assert checked["real"] <= staff.MAX_FAILED_LOGINS
    assert failed <= staff.MAX_FAILED_LOGINS
    assert throttled == 1
    # That address is refused now: even the right password opens nothing from it.
    response = live.app.test_client().post("/sign-in", data={"email": "target@tep.example",
                                                             "password": "granite osprey lantern meadow"})
    assert response.status_code == 200 and staff.MSG_SIGN_IN in response.get_data(as_text=True)
    # The owner, at another address, signs in at once.
    owner = live.app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    response = owner.post("/sign-in", data={"email": "target@tep.example", "password": "granite osprey lantern meadow"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_refused_attempt_answers_exactly_as_an_unknown_email(pages, make):
    user = make.staff()
    for _ in range(staff.MAX_FAILED_LOGINS):
        pages.post("/sign-in", data={"email": user.email, "password": "wrong"})
    locked = pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).page
    unknown = pages.post("/sign-in", data={"email": "no-such-person@tep.example", "password": TEST_PASSWORD}).page
    assert locked.select_one(".govuk-error-summary").text == unknown.select_one(".govuk-error-summary").text
    assert str(locked.select_one("main")) == str(unknown.select_one("main")).replace(
        "no-such-person@tep.example", user.email)


@pytest.mark.parametrize("password", ["Summer2026!!", "qwertyuiop12", "tepfollowup1", "Password2024!",
                                      "kentcouncil2026"])
def test_common_and_guessable_passwords_are_refused(password):
    assert staff.password_problem(password, "pat.jones@tep.example") == \
        "Password is too easy to guess: use three random words"


def test_three_random_words_are_accepted():
    assert staff.password_problem("granite osprey lantern meadow", "pat.jones@tep.example") is None
    assert staff.password_problem(staff.make_one_time_password(), "pat.jones@tep.example") is None


@pytest.mark.parametrize("next_url", ["/%09/evil.example", "/%0d%0a/evil.example", "/%0d%0aSet-Cookie:x=1",
                                      "//evil.example", "/\\evil.example", "https://evil.example/",
                                      "/%20/evil.example", "%2F%2Fevil.example"])
def test_sign_in_never_redirects_off_the_site(pages, make, next_url):
    user = make.staff(role="manager")
    response = pages.post(f"/sign-in?next={next_url}", data={"email": user.email, "password": TEST_PASSWORD},
                          status=302)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert "\r" not in location and "\n" not in location
    assert "evil.example" not in location.split("?")[0].lstrip("/").split("/")[0]


def test_a_next_path_on_the_site_is_kept_without_its_control_characters(pages, make):
    user = make.staff(role="manager")
    response = pages.post("/sign-in?next=/cases%09?page=2", data={"email": user.email, "password": TEST_PASSWORD},
                          status=302)
    assert response.headers["Location"] == "/cases?page=2"
