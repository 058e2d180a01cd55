"""No text is kept shorter than it was typed: the email and letter texts refuse a body past their
limit with a message naming it, keeping what was typed in the box, and a value the input boundary
had to cut (past MAX_VALUE_CHARS) is refused by its form rather than saved cut."""
import pytest
from sqlalchemy import select
from wtforms import StringField

from tep_app.forms import BaseForm
from tep_app.inputs import MAX_VALUE_CHARS
from tep_app.models import EmailTemplate, LetterTemplate
from tep_app.services.placeholders import BODY_MOST, HEADING_MOST, TextError, check_texts

LONG = ("Dear ((first_name)), " * 3000)[:60_000]


def _errors(page) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page.select(".govuk-error-summary__list li")]


@pytest.mark.parametrize("url, heading, model", [
    ("/admin/email-texts/reminder", "subject", EmailTemplate),
    ("/admin/letter-texts/not_reached", "title", LetterTemplate),
])
@pytest.mark.parametrize("button", ["save", "preview"])
def test_a_text_body_past_its_limit_is_a_message_and_stays_in_the_box(pages, login, db, url, heading, model, button):
    login("admin")
    key = url.rsplit("/", 1)[-1]
    page = pages.post(url, {heading: "Hello", "body": LONG, button: button.capitalize()}).page
    message = f"The text must be {BODY_MOST} characters or fewer: it has {len(LONG)}"
    assert _errors(page) == [message]
    assert message in page.select_one("#body-error").get_text(" ", strip=True)
    assert page.select_one("#body").get_text().strip() == LONG.strip()
    stored = db.session.scalar(select(model.body).where(model.key == key)) or ""
    assert not stored.startswith(LONG[:100])  # nothing saved, not even the first part


def test_a_letter_heading_past_its_limit_is_a_message_by_the_heading(pages, login):
    login("admin")
    page = pages.post("/admin/letter-texts/not_reached", {"title": "H" * 300, "body": "Dear ((first_name)),",
                                                          "save": "Save"}).page
    assert _errors(page) == [f"The heading must be {HEADING_MOST} characters or fewer: it has 300"]


def test_the_service_refuses_a_body_past_its_limit_for_any_caller():
    with pytest.raises(TextError) as refused:
        check_texts(("subject", "Hello", "subject"), ("body", "x" * (BODY_MOST + 1), "text"), (), "Enter the {label}")
    assert (refused.value.field, refused.value.message) == (
        "body", f"The text must be {BODY_MOST} characters or fewer: it has {BODY_MOST + 1}")
    check_texts(("subject", "Hello", "subject"), ("body", "x" * BODY_MOST, "text"), (), "Enter the {label}")


class _Unbounded(BaseForm):
    class Meta:
        csrf = False

    words = StringField("Words (optional)")


def test_a_value_the_boundary_cut_is_refused_by_its_form_not_kept_cut(app):
    typed = "a\x00b" * (MAX_VALUE_CHARS // 2)  # 2 × MAX_VALUE_CHARS characters, MAX_VALUE_CHARS once cleaned
    with app.test_request_context("/", method="POST", data={"words": typed + "c"}):
        form = _Unbounded()
        assert not form.validate()
        assert len(form.words.data) == MAX_VALUE_CHARS
        assert form.words.errors == [f"Words must be {MAX_VALUE_CHARS} characters or fewer: it has "
                                     f"{MAX_VALUE_CHARS + 1}"]
    with app.test_request_context("/", method="POST", data={"words": typed}):
        form = _Unbounded()
        assert form.validate() and form.words.data == typed.replace("\x00", "")
