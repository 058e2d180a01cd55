"""Texts an admin edits with ((placeholders)): the email texts (services/messaging/email_texts.py)
and the letter texts (services/people/letters.py) find, check and fill them here, one way.

A text has a one-line heading (an email's subject, a letter's heading) of at most 200 characters
and a body of at most 10,000 (a few printed pages); each may use only its kind's placeholders,
written whole as ((name))."""
import re

from tep_app.validation import Invalid, check_length

PLACEHOLDER = re.compile(r"\(\(\s*([^()]*?)\s*\)\)")
HEADING_MOST = 200
BODY_MOST = 10_000


class TextError(Exception):
    """A text refused: `field` names the form field it is about, `message` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def placeholders_in(text: str) -> list[str]:
    return list(PLACEHOLDER.findall(text or ""))


def check_texts(heading: tuple[str, str, str], body: tuple[str, str, str], allowed, empty: str,
                error: type[TextError] = TextError) -> None:
    """Refuse, raising `error` for the field: an empty heading or body (`empty` is the message, with
    {label}), an unknown placeholder (naming it and those allowed), an unfinished one, a body or a
    heading too long, or a heading on more than one line. `heading` and `body` are (field, text, label)."""
    for name, text, label in (heading, body):
        if not (text or "").strip():
            raise error(name, empty.format(label=label))
        unknown = [found for found in dict.fromkeys(placeholders_in(text)) if found not in allowed]
        if unknown:
            names = ", ".join(f"(({found}))" for found in unknown)
            noun = "an unknown placeholder" if len(unknown) == 1 else "unknown placeholders"
            raise error(name, f"The {label} has {noun} {names}: use only "
                              + ", ".join(f"(({allowed_name}))" for allowed_name in allowed))
        if text.count("((") != text.count("))"):
            raise error(name, f"The {label} has an unfinished placeholder: write it as ((name))")
    for (name, text, label), most in ((body, BODY_MOST), (heading, HEADING_MOST)):
        try:
            check_length(text, f"The {label}", most)
        except Invalid as refused:
            raise error(name, refused.message) from None
    name, text, label = heading
    if "\n" in text or "\r" in text:
        raise error(name, f"The {label} must be on one line")


def fill(text: str, values: dict, keep_unknown: bool = False) -> str:
    """The text with each ((placeholder)) replaced by its value: one without a value raises
    KeyError, or stays as it is with `keep_unknown`."""
    def replace(match):
        name = match.group(1)
        if name not in values:
            if keep_unknown:
                return match.group(0)
            raise KeyError(name)
        return str(values[name])

    return PLACEHOLDER.sub(replace, text)


__all__ = ["BODY_MOST", "HEADING_MOST", "PLACEHOLDER", "TextError", "check_texts", "fill", "placeholders_in"]
