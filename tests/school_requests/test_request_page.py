"""The school request page: status, link, contacts and history for staff; a manager revokes or
replaces the link and chases the school."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tep_app import clock
from tep_app.models import AuditEvent, OutboxMessage, RequestEvent
from tests.support.portal_support import seed_request, sent_text


@pytest.fixture
def seeded(make, db):
    return seed_request(make, db)


def url(seeded, action: str = "") -> str:
    return f"/requests/{seeded.request.id}{action}"


def summary(page) -> dict[str, str]:
    rows = page.select("#request-summary .govuk-summary-list__row")
    return {row.dt.get_text(strip=True): " ".join(row.dd.get_text(" ", strip=True).split()) for row in rows}


def banner(page) -> str:
    found = page.select_one(".govuk-notification-banner")
    assert found is not None, "no notification banner"
    return " ".join(found.get_text(" ", strip=True).split())


def emails(db, seeded, kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.school_request_id == seeded.request.id, OutboxMessage.kind == kind)))


def event_kinds(db, seeded) -> list[str]:
    return list(db.session.scalars(select(RequestEvent.kind).where(
        RequestEvent.school_request_id == seeded.request.id).order_by(RequestEvent.id)))


def link_in(message: OutboxMessage) -> str:
    """The token in the link the sender makes for this email (the outbox row itself holds none)."""
    return re.search(r"/school/start/(\S+)", sent_text(message)).group(1)


def test_the_page_shows_the_request_its_contacts_and_its_history(pages, login, seeded, db):
    earlier = datetime.now(UTC) - timedelta(days=2)
    db.session.add(RequestEvent(school_request_id=seeded.request.id, kind="invite sent", detail="To 2 contacts",
                                actor="system", created_at=earlier))
    db.session.add(OutboxMessage(
        ledger_key=f"request:{seeded.request.id}:invite:1:0", kind="invite", school_request_id=seeded.request.id,
        to_address=seeded.establishment.contacts[0].email, subject="Your list", body="Body", status="failed",
        attempts=10, last_error="Connection refused", created_at=earlier + timedelta(minutes=1)))
    db.session.commit()
    login("manager")
    page = pages.page(url(seeded))
    assert page.h1.get_text(" ", strip=True) == f"{seeded.establishment.name}: {seeded.collection.title}"
    facts = summary(page)
    assert facts["School"] == f"{seeded.establishment.name} ({seeded.establishment.laestab})"
    assert page.select_one("#school-link")["href"].startswith(f"/schools/{seeded.establishment.laestab}")
    assert facts["Collection"] == seeded.collection.title
    assert facts["Academic year"] == "2022 to 2023"
    assert page.select_one("#request-status").get_text(strip=True) == "Sent"
    assert facts["Deadline"] == seeded.request.due_on.strftime("%-d %B %Y")
    assert facts["Secure link"].startswith("Active until the end of ")
    assert facts["Progress"] == "0 of 3 young people answered"
    assert facts["Submitted"] == "Not submitted"

    contacts = [[td.get_text(strip=True) for td in tr.select("td")] for tr in page.select("#contacts-table tbody tr")]
    assert [row[1] for row in contacts] == [c.email for c in seeded.establishment.contacts]
    assert [row[2] for row in contacts] == ["Main contact", "Second contact"]

    rows = page.select("#history-table tbody tr")
    whats = [row.select("td")[1].get_text(strip=True) for row in rows]
    assert whats == ["Link issued", "Email: Invitation", "Invite sent"]  # newest first
    email_row = page.select_one('#history-table tr[data-email="invite"]')
    text = " ".join(email_row.get_text(" ", strip=True).split())
    assert "Failed" in text and "10 attempts" in text and "Last error: Connection refused" in text
    assert f"To {seeded.establishment.contacts[0].email}" in text
    assert page.select_one("#new-link-button") is not None
    assert page.select_one("#chase-button") is not None
    assert page.select_one("#revoke-link").find_parent("form")["action"] == url(seeded, "/revoke")


def test_an_overdue_request_says_so(pages, login, make, db):
    seeded = seed_request(make, db, due_on=clock.today() - timedelta(days=3))
    login("officer")
    assert pages.page(url(seeded)).select_one("#request-status").get_text(strip=True) == "Overdue"


def test_a_long_history_pages_by_50(pages, login, seeded, db):
    for n in range(55):
        db.session.add(RequestEvent(school_request_id=seeded.request.id, kind="code sent", detail=f"n{n}"))
    db.session.commit()
    login("officer")
    first = pages.page(url(seeded))
    assert len(first.select("#history-table tbody tr")) == 50
    second = pages.page(first.select_one(".govuk-pagination__next a")["href"])
    assert len(second.select("#history-table tbody tr")) == 6  # 55 + "link issued"


def test_a_manager_revokes_the_link_after_confirming(pages, login, seeded, db):
    manager = login("manager", name="Mina Manager")
    confirm = pages.page(url(seeded, "/revoke"))
    assert confirm.h1.get_text(" ", strip=True) == f"Revoke the link for {seeded.establishment.name}?"
    assert confirm.select_one("main form")["action"] == url(seeded, "/revoke")
    assert seeded.request.token_revoked_at is None  # looking at the question changes nothing

    response = pages.post(url(seeded, "/revoke"), {}, 302)
    assert response.headers["Location"] == url(seeded)
    page = pages.page(url(seeded))
    assert f"The link for {seeded.establishment.name} is revoked" in banner(page)
    assert summary(page)["Secure link"].startswith("Revoked on ")
    assert page.select_one("#revoke-link") is None
    history = page.select_one("#history-table tbody tr").get_text(" ", strip=True)
    assert "Link revoked" in history and "Mina Manager" in history
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "revoke link"))
    assert audit.object_id == str(seeded.request.id) and audit.actor_id == str(manager.id)

    old = pages.page(f"/school/start/{seeded.token}", 410)
    assert old.h1.get_text(strip=True) == "This link no longer works"
    assert seeded.establishment.name not in old.get_text()


def test_revoking_a_revoked_link_changes_nothing(pages, login, seeded, db):
    login("admin")
    pages.post(url(seeded, "/revoke"), {}, 302)
    pages.get(url(seeded))
    revoked_at = seeded.request.token_revoked_at
    pages.post(url(seeded, "/revoke"), {}, 302)
    page = pages.page(url(seeded))
    assert "was already revoked on" in banner(page) and "Nothing has changed" in banner(page)
    assert seeded.request.token_revoked_at == revoked_at
    assert event_kinds(db, seeded).count("link revoked") == 1
    response = pages.get(url(seeded, "/revoke"), 302)  # no question to ask
    assert response.headers["Location"] == url(seeded)


def test_a_new_link_is_emailed_once_and_the_old_one_stops_working(pages, login, seeded, db):
    login("manager")
    pages.post(url(seeded, "/new-link"), {}, 302)
    page = pages.page(url(seeded))
    main_contact = seeded.establishment.contacts[0].email
    assert f"is being emailed to {main_contact}" in banner(page)
    [message] = emails(db, seeded, "new_link")
    assert message.to_address == main_contact
    assert message.ledger_key == f"request:{seeded.request.id}:new-link:1"
    assert seeded.establishment.name in message.body
    new_token = link_in(message)
    assert new_token != seeded.token
    old = pages.page(f"/school/start/{seeded.token}", 410)
    assert old.h1.get_text(strip=True) == "This link has been replaced"
    assert "Use the link in the latest email we sent you" in old.get_text()
    assert pages.post(f"/school/start/{new_token}", {}, 302).headers["Location"].endswith("/school/confirm")
    assert {"link reissued", "new link emailed"} <= set(event_kinds(db, seeded))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email new link")).after == {
        "to": main_contact, "n": 1}

    pages.post(url(seeded, "/new-link"), {}, 302)
    assert len(page.select(".govuk-notification-banner")) == 1
    second = [m for m in emails(db, seeded, "new_link") if m.id != message.id]
    assert [m.ledger_key for m in second] == [f"request:{seeded.request.id}:new-link:2"]
    assert pages.page(f"/school/start/{new_token}", 410).h1.get_text(strip=True) == "This link has been replaced"
    pages.post(f"/school/start/{link_in(second[0])}", {}, 302)


def test_a_new_link_for_a_long_overdue_request_still_works(pages, login, make, db):
    seeded = seed_request(make, db, due_on=clock.today() - timedelta(days=40))
    login("manager")
    pages.post(url(seeded, "/new-link"), {}, 302)
    [message] = emails(db, seeded, "new_link")
    pages.post(f"/school/start/{link_in(message)}", {}, 302)
    assert summary(pages.page(url(seeded)))["Secure link"].startswith("Active until the end of ")


@pytest.mark.parametrize("status, words", [
    ("submitted", "submitted its answers"),
    ("not_sent", "has not been sent yet"),
])
def test_no_new_link_for_a_request_that_is_submitted_or_not_sent(pages, login, seeded, db, status, words):
    seeded.request.status = status
    db.session.commit()
    token_hash = seeded.request.token_hash
    login("manager")
    page = pages.page(url(seeded))
    assert page.select_one("#new-link-button") is None and page.select_one("#chase-button") is None
    assert page.select_one("#no-new-link") is not None
    pages.post(url(seeded, "/new-link"), {}, 302)
    message = banner(pages.page(url(seeded)))
    assert words in message and "Nothing has changed" in message
    assert emails(db, seeded, "new_link") == []
    assert seeded.request.token_hash == token_hash
    pages.post(f"/school/start/{seeded.token}", {}, 302)


def test_no_new_link_when_the_school_has_no_contact(pages, login, make, db):
    seeded = seed_request(make, db, contacts=0)
    login("manager")
    db.session.commit()  # to the test's savepoint: a refused action rolls back
    pages.post(url(seeded, "/new-link"), {}, 302)
    assert "has no active contact" in banner(pages.page(url(seeded)))
    assert emails(db, seeded, "new_link") == []
    pages.post(f"/school/start/{seeded.token}", {}, 302)


def test_a_manager_sends_a_chaser_once_a_day(pages, login, seeded, db):
    login("manager")
    pages.post(url(seeded, "/chase"), {}, 302)
    page = pages.page(url(seeded))
    assert f"A chaser for {seeded.establishment.name} is being emailed" in banner(page)
    [chaser] = emails(db, seeded, "chaser")
    assert chaser.to_address == seeded.establishment.contacts[0].email
    assert chaser.ledger_key == f"request:{seeded.request.id}:manual-chase:1"
    assert "Chaser sent by a manager" in page.select_one("#history-table").get_text()
    pages.post(url(seeded, "/chase"), {}, 302)
    assert "No chaser sent" in banner(pages.page(url(seeded)))
    assert len(emails(db, seeded, "chaser")) == 1


def test_after_a_new_link_a_chaser_points_to_the_new_links_email(pages, login, seeded, db):
    seeded.request.sent_at = datetime(2022, 10, 7, 9, 0, tzinfo=UTC)
    db.session.commit()
    login("manager")
    pages.post(url(seeded, "/chase"), {}, 302)
    [first] = emails(db, seeded, "chaser")
    assert "the email we sent you on 7 October 2022" in first.body
    first.created_at = datetime(2022, 11, 1, 9, 0, tzinfo=UTC)  # chased on an earlier day
    pages.post(url(seeded, "/new-link"), {}, 302)
    [new_link] = emails(db, seeded, "new_link")
    new_link.created_at = datetime(2022, 11, 14, 10, 0, tzinfo=UTC)
    db.session.commit()
    pages.post(url(seeded, "/chase"), {}, 302)
    [second] = [m for m in emails(db, seeded, "chaser") if m.id != first.id]
    assert "the email we sent you on 14 November 2022" in second.body


def test_an_officer_may_read_but_not_act(pages, login, seeded, db):
    login("officer")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    page = pages.page(url(seeded))
    assert page.select_one("#request-actions") is None
    assert page.select("main form[method=post]") == []
    assert page.select_one(".govuk-back-link")["href"].startswith(f"/schools/{seeded.establishment.laestab}")
    pages.get(url(seeded, "/revoke"), 403)
    for action in ("/revoke", "/new-link", "/chase"):
        pages.post(url(seeded, action), {}, 403)
    assert seeded.request.token_revoked_at is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    pages.post(f"/school/start/{seeded.token}", {}, 302)


def test_a_school_and_an_anonymous_visitor_may_not_see_it(client, pages, seeded):
    assert pages.get(url(seeded), 302).headers["Location"].startswith("/sign-in")
    from tests.support.portal_support import sign_school_in

    sign_school_in(client, seeded)
    pages.get(url(seeded), 403)
    pages.post(url(seeded, "/revoke"), {}, 403)


def test_a_post_without_the_csrf_token_is_refused(app, pages, login, seeded, db, monkeypatch):
    login("manager")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for action in ("/revoke", "/new-link", "/chase"):
        page = pages.post(url(seeded, action), {}, 400).page
        assert page.h1.get_text(strip=True) == "Your form timed out"
    assert seeded.request.token_revoked_at is None
    token = pages.page(url(seeded, "/revoke")).select_one("input[name=csrf_token]")["value"]
    pages.post(url(seeded, "/revoke"), {"csrf_token": token}, 302)
    assert seeded.request.token_revoked_at is not None


@pytest.mark.parametrize("method, action", [("get", ""), ("get", "/revoke"), ("post", "/revoke"),
                                            ("post", "/new-link"), ("post", "/chase")])
def test_an_unknown_request_is_not_found(pages, login, method, action):
    login("manager")
    page = getattr(pages, method)(f"/requests/999999{action}", status=404).page
    assert page.h1.get_text(strip=True) == "School request not found"


def test_the_schools_page_links_to_each_request(pages, login, seeded):
    login("officer")
    page = pages.page(f"/schools/{seeded.establishment.laestab}?year=2022")
    assert page.select_one("#request-leavers")["href"] == url(seeded)
