"""The Caught mail page, as the README's first steps use it: a send day's emails, newest first,
and the invitations on their own at the top of their own list."""
import pytest

from tep_app.services.messaging.mail_catcher import start_catcher
from tep_app.services.messaging.outbox import deliver_outbox, queue_email
from tests.support.messaging_support import free_port


@pytest.fixture
def catcher(app, tmp_path, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_CATCHER_DIR", str(tmp_path / "mail"))
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    controller = start_catcher(app.config["MAIL_CATCHER_DIR"], "127.0.0.1", port)
    yield port
    controller.stop()


def _queue(kind: str, n: int, subject: str) -> None:
    for i in range(n):
        queue_email(ledger_key=f"test:caught:{kind}:{i}", kind=kind, to=f"{kind}{i}@school.example",
                    subject=f"{subject} {i}", body="Hello")


def _subjects(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("#caught-table tbody a")]


def test_the_invitations_are_listed_on_their_own_and_all_emails_newest_first(pages, login, db, catcher):
    login("admin")
    _queue("invite", 3, "Invitation")
    _queue("reminder", 60, "Reminder")  # more than a page, delivered after the invitations
    deliver_outbox(limit=1000)
    page = pages.get("/admin/mail").page
    assert _subjects(page)[0] == "Reminder 59"
    assert not any(subject.startswith("Invitation") for subject in _subjects(page))
    link = next(a for a in page.select("#caught-kinds a") if a.get_text(strip=True) == "Invitations")
    invitations = pages.get(link["href"]).page
    assert _subjects(invitations) == ["Invitation 2", "Invitation 1", "Invitation 0"]
    assert invitations.select_one("#caught-kinds [aria-current]").get_text(strip=True) == "Invitations"
    # A code asked for afterwards is the newest email of all.
    _queue("access_code", 1, "Your code")
    deliver_outbox()
    assert _subjects(pages.get("/admin/mail").page)[0] == "Your code 0"
    assert _subjects(pages.get("/admin/mail?kind=codes").page) == ["Your code 0"]
