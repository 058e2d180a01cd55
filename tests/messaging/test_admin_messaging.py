"""Admin pages for messaging: email texts with a preview, the outbox, caught mail, the calendar."""
import smtplib
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, CalendarDate, EmailTemplate, OutboxMessage
from tep_app.services.messaging.email_texts import render_email
from tep_app.services.messaging.mail_catcher import start_catcher
from tep_app.services.messaging.outbox import queue_email
from tests.support.messaging_support import free_port


def _error_next_to(page, field_id: str) -> str:
    message = page.select_one(f"#{field_id}-error")
    assert message is not None, f"no error message next to #{field_id}"
    return message.get_text(" ", strip=True)


# Email texts

def test_admin_sees_every_email_text_with_a_change_link(pages, login):
    login("admin")
    page = pages.get("/admin/email-texts").page
    assert page.h1.get_text(strip=True) == "Email texts"
    for key in ("invite_leavers", "invite_no_offer", "access_code", "reminder", "chaser", "receipt"):
        assert page.select_one(f"#text-{key}") is not None
        assert page.select_one(f'a[href="/admin/email-texts/{key}"]') is not None


def test_a_manager_may_read_the_texts_but_not_change_them(db, pages, login):
    login("manager")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    page = pages.get("/admin/email-texts").page
    assert page.select_one('a[href="/admin/email-texts/reminder"]') is None
    pages.get("/admin/email-texts/reminder", status=403)
    pages.post("/admin/email-texts/reminder", {"subject": "x", "body": "y", "save": "Save"}, status=403)


def test_an_officer_sees_no_messaging_page(db, pages, login):
    login("officer")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    for url in ("/admin/email-texts", "/admin/outbox", "/admin/mail", "/admin/calendar"):
        pages.get(url, status=403)


def test_the_edit_page_previews_the_text_with_sample_values(pages, login):
    login("admin")
    page = pages.get("/admin/email-texts/reminder").page
    assert "Oakfield Academy" in page.select_one("#preview-body").get_text()
    assert "31 October 2022" in page.select_one("#preview-subject").get_text()
    assert page.select_one("#subject")["value"].startswith("Reminder:")


def test_preview_shows_changes_without_saving_them(app, db, pages, login):
    login("admin")
    page = pages.post("/admin/email-texts/chaser", {
        "subject": "Late: ((collection_title))", "body": "Hello ((school_name)), by ((deadline)).",
        "preview": "Preview"}).page
    assert page.select_one("#preview-body").get_text(strip=True) == (
        f"Hello Oakfield Academy, by 31 October 2022.\n\nHow we use personal data: {app.config['BASE_URL']}/privacy")
    stored = db.session.scalar(select(EmailTemplate).where(EmailTemplate.key == "chaser"))
    assert not stored.subject.startswith("Late:")


def test_an_unknown_placeholder_is_refused_next_to_the_field_and_nothing_is_saved(db, pages, login):
    login("admin")
    page = pages.post("/admin/email-texts/reminder", {
        "subject": "Reminder", "body": "About ((pupil_name)) at ((school_name))", "save": "Save"}).page
    assert page.title.get_text().startswith("Error: ")
    message = _error_next_to(page, "body")
    assert "unknown placeholder ((pupil_name))" in message
    assert page.select_one(".govuk-error-summary a[href='#body']") is not None
    assert "About ((pupil_name))" in page.select_one("#body").get_text()  # what was typed is kept
    stored = db.session.scalar(select(EmailTemplate).where(EmailTemplate.key == "reminder"))
    assert "pupil_name" not in stored.body


def test_an_empty_subject_is_refused(pages, login):
    login("admin")
    page = pages.post("/admin/email-texts/reminder", {"subject": "", "body": "Text", "save": "Save"}).page
    assert _error_next_to(page, "subject").endswith("Enter the email subject")


def test_saving_a_text_changes_the_next_email_and_is_audited(app, db, pages, login):
    login("admin")
    response = pages.post("/admin/email-texts/access_code", {
        "subject": "Your code for ((school_name))", "body": "Code: ((code)), valid ((minutes)) minutes.",
        "save": "Save"}, status=302)
    assert response.headers["Location"].endswith("/admin/email-texts")
    assert render_email("access_code", school_name="Oak", code="654321", minutes=15) == (
        "Your code for Oak", "Code: 654321, valid 15 minutes.\n\nHow we use personal data: "
        f"{app.config['BASE_URL']}/privacy")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edit email text"))
    assert audit.object_id == "access_code" and audit.after["subject"] == "Your code for ((school_name))"
    assert audit.actor_type == "staff"


def test_an_unknown_email_text_is_not_found(db, pages, login):
    login("admin")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    pages.get("/admin/email-texts/nonsense", status=404)


# Outbox

@pytest.fixture
def messages(db):
    rows = [queue_email(ledger_key=f"admin:outbox:{n}", kind="invite", to=f"school{n}@school.example",
                        subject=f"Subject {n}", body="Body") for n in range(3)]
    rows[1].status = "sent"
    rows[2].status, rows[2].attempts, rows[2].last_error = "failed", 10, "ConnectionRefusedError: refused"
    db.session.flush()
    return rows


def test_the_outbox_shows_each_message_with_status_attempts_and_error(pages, login, messages):
    login("admin")
    page = pages.get("/admin/outbox").page
    failed = page.select_one(f"#message-{messages[2].id}").get_text(" ", strip=True)
    assert "Failed" in failed and "10" in failed and "ConnectionRefusedError: refused" in failed
    assert "Queued" in page.select_one(f"#message-{messages[0].id}").get_text()
    assert page.select_one(f"#retry-{messages[2].id}") is not None
    assert page.select_one(f"#retry-{messages[0].id}") is None


def test_the_outbox_filters_by_status(pages, login, messages):
    login("manager")
    page = pages.get("/admin/outbox?status=failed").page
    rows = page.select("#outbox-table tbody tr")
    assert [row["id"] for row in rows] == [f"message-{messages[2].id}"]
    assert page.select_one(f"#retry-{messages[2].id}") is None  # a manager reads, an admin retries
    assert page.select_one('.govuk-service-navigation a[href="/admin/outbox"], header a[href="/admin/outbox"]')
    assert "There are no sending emails" in pages.get("/admin/outbox?status=sending").page.get_text()


def test_retrying_a_failed_message_queues_it_again(db, pages, login, messages):
    login("admin")
    response = pages.post(f"/admin/outbox/{messages[2].id}/retry", {"status": "failed"}, status=302)
    assert "status=failed" in response.headers["Location"]
    row = db.session.get(OutboxMessage, messages[2].id)
    assert (row.status, row.attempts) == ("queued", 0)
    page = pages.get("/admin/outbox").page
    assert "is queued again" in page.get_text()


def test_retrying_a_message_that_has_not_failed_says_why(pages, login, messages):
    login("admin")
    pages.post(f"/admin/outbox/{messages[1].id}/retry", {}, status=302)
    assert "Only a failed email can be retried; this one is sent" in pages.get("/admin/outbox").page.get_text()


def test_the_outbox_paginates(db, pages, login):
    login("admin")
    for n in range(55):
        queue_email(ledger_key=f"admin:page:{n}", kind="invite", to=f"p{n}@school.example", subject=f"S{n}", body="B")
    first = pages.get("/admin/outbox").page
    assert len(first.select("#outbox-table tbody tr")) == 50
    assert first.select_one('a[href="/admin/outbox?page=2"]') is not None
    assert len(pages.get("/admin/outbox?page=2").page.select("#outbox-table tbody tr")) == 5


# Caught mail

@pytest.fixture
def catcher(app, tmp_path):
    old = app.config["MAIL_CATCHER_DIR"]
    app.config["MAIL_CATCHER_DIR"] = str(tmp_path / "mail")
    port = free_port()
    controller = start_catcher(app.config["MAIL_CATCHER_DIR"], "127.0.0.1", port)
    yield port
    controller.stop()
    app.config["MAIL_CATCHER_DIR"] = old


def _send(port: int, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "tep@tep.example", "head@school.example", subject
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


def test_caught_mail_is_listed_newest_first_and_can_be_read(pages, login, catcher, app):
    login("admin")
    assert "has not caught any email" in pages.get("/admin/mail").page.get_text()
    _send(catcher, "First email", "Open https://tep.example/school/start/abc")
    _send(catcher, "Second email", "Hello")
    assert len(list(Path(app.config["MAIL_CATCHER_DIR"]).glob("*.eml"))) == 2
    page = pages.get("/admin/mail").page
    links = page.select("#caught-table tbody a")
    assert [a.get_text() for a in links] == ["Second email", "First email"]
    message = pages.get(links[1]["href"]).page
    assert message.h1.get_text(strip=True) == "First email"
    assert message.select_one('#message-body a[href="https://tep.example/school/start/abc"]') is not None


def test_a_caught_message_that_does_not_exist_is_not_found(db, pages, login, catcher):
    login("admin")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    pages.get("/admin/mail/..%2Fsecret.eml", status=404)
    pages.get("/admin/mail/20260101T000000000000-" + "0" * 32 + ".eml", status=404)


# Calendar

def test_the_calendar_shows_the_years_dates(pages, login):
    login("admin")
    page = pages.get("/admin/calendar?year=2022").page
    assert page.h1.get_text(strip=True) == "Calendar 2022 to 2023"
    assert "7 October 2022" in page.select_one("#date-leavers_send").get_text()
    assert "30 June 2023" in page.select_one("#date-no_offer_due").get_text()


def test_an_admin_changes_a_date(db, pages, login):
    login("admin")
    page = pages.get("/admin/calendar/2022/leavers_send").page
    assert page.select_one("#on-day")["value"] == "07"
    response = pages.post("/admin/calendar/2022/leavers_send", {"on": ["10", "10", "2022"]}, status=302)
    assert response.headers["Location"].endswith("/admin/calendar?year=2022")
    stored = db.session.scalar(select(CalendarDate).where(CalendarDate.academic_year == 2022,
                                                          CalendarDate.key == "leavers_send"))
    assert stored.on == date(2022, 10, 10)
    assert "10 October 2022" in pages.get("/admin/calendar?year=2022").page.select_one("#date-leavers_send").get_text()


@pytest.mark.parametrize("parts, words", [
    (["31", "2", "2023"], "The date must be a real date"),
    (["10", "", "2022"], "The date must include a month"),
    (["", "", ""], "Enter the date"),
    (["1", "1", "2030"], "The date must be in the 2022-23 academic year"),
])
def test_a_bad_date_is_refused_next_to_the_field(db, pages, login, parts, words):
    login("admin")
    page = pages.post("/admin/calendar/2022/leavers_due", {"on": parts}).page
    assert words in _error_next_to(page, "on")
    assert page.title.get_text().startswith("Error: ")
    stored = db.session.scalar(select(CalendarDate).where(CalendarDate.academic_year == 2022,
                                                          CalendarDate.key == "leavers_due"))
    assert stored.on == date(2022, 10, 31)


def test_an_unknown_calendar_date_is_not_found(db, pages, login):
    login("admin")
    db.session.commit()  # to the test's savepoint: a refused request rolls back
    pages.get("/admin/calendar/1999/leavers_send", status=404)
    pages.get("/admin/calendar/2022/nonsense", status=404)
