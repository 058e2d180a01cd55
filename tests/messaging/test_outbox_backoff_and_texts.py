"""The outbox's back-off and Message-ID, and the email texts' placeholder checks (no database)."""
from datetime import timedelta

import pytest

from tep_app.models import OutboxMessage
from tep_app.services.messaging.email_texts import (
    DEFAULTS,
    SAMPLE_VALUES,
    TemplateError,
    check_text,
    fill,
    placeholders_in,
)
from tep_app.services.messaging.outbox import backoff, build_message, message_id


def test_backoff_doubles_from_one_minute_and_stops_at_an_hour():
    assert [backoff(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


def test_message_id_is_the_same_for_the_same_ledger_key_and_differs_otherwise():
    first = message_id("request:1:invite:1:0", "TEP <tep@tep.example>")
    assert first == message_id("request:1:invite:1:0", "TEP <tep@tep.example>")
    assert first != message_id("request:1:invite:1:1", "TEP <tep@tep.example>")
    assert first.startswith("<") and first.endswith("@tep.example>")


def test_built_message_carries_the_ledger_message_id_and_the_text():
    row = OutboxMessage(ledger_key="request:9:reminder:1", kind="reminder", to_address="a@school.example",
                        subject="Reminder", body="Line one\nLine two")
    message = build_message(row, "TEP <tep@tep.example>")
    assert message["To"] == "a@school.example"
    assert message["Message-ID"] == message_id("request:9:reminder:1", "TEP <tep@tep.example>")
    assert "Line two" in message.get_content()


def test_placeholders_are_found_and_filled():
    assert placeholders_in("Hi ((school_name)), by (( deadline ))") == ["school_name", "deadline"]
    assert fill("Hi ((school_name))", {"school_name": "Oak"}) == "Hi Oak"


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_default_text_passes_its_own_check_and_previews(key):
    text = DEFAULTS[key]
    check_text(key, text.subject, text.body)
    assert "((" not in fill(text.body, SAMPLE_VALUES)


def test_an_unknown_placeholder_is_refused_by_name():
    with pytest.raises(TemplateError) as error:
        check_text("reminder", "Reminder", "Dear ((school_name)), see ((pupil_name)) and ((upn))")
    assert error.value.field == "body"
    assert "((pupil_name)), ((upn))" in error.value.message
    assert "((deadline))" in error.value.message  # it says what may be used


def test_an_unknown_placeholder_in_the_subject_is_refused_on_the_subject():
    with pytest.raises(TemplateError) as error:
        check_text("access_code", "Code for ((link))", "((code))")
    assert error.value.field == "subject"
    assert "((link))" in error.value.message


@pytest.mark.parametrize("subject, body, field, words", [
    ("", "Text", "subject", "Enter the email subject"),
    ("Subject", "  ", "body", "Enter the email text"),
    ("Subject", "Due ((deadline", "body", "unfinished placeholder"),
    ("x" * 201, "Text", "subject", "200 characters"),
])
def test_empty_unfinished_or_long_texts_are_refused(subject, body, field, words):
    with pytest.raises(TemplateError) as error:
        check_text("chaser", subject, body)
    assert error.value.field == field
    assert words in error.value.message
