"""Printed letters to young people the service could not reach by phone.

The texts are the admin's to edit, in the manner of the email texts: a heading and a body with
((placeholders)). Everything else on the page is laid out around them and cannot be edited away:
The Education People's name and the reply details at the top, the young person's name and postal
address, the date in words, the officer's signature and where to read how personal data is used.

A young person with no postal address held gets no letter (a postcode alone is not an address).
Each letter printed is logged on the young person's open case as a contact attempt by letter,
"Letter sent", so the case stops asking for a letter or a visit, as after any letter logged.
"""
import logging
import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import Case, LetterTemplate, StaffUser, YoungPerson
from tep_app.services.audit import record_audit
from tep_app.services.cases.casework import AttemptInput, address_held, get_case, record_attempt
from tep_app.services.dialect import insert_for
from tep_app.services.placeholders import TextError, check_texts, fill
from tep_app.validation import clean_text

logger = logging.getLogger(__name__)

# A reply number for letters when the service's is not configured (a number kept for examples).
DEFAULT_REPLY_PHONE = "01632 960 000"
NO_ADDRESS = "No postal address is held for {name}, so no letter can be printed. Record their address first."
NO_OPEN_CASE = "{name} has no open case, so no letter can be printed: a letter is logged on an open case."


@dataclass(frozen=True)
class LetterText:
    key: str
    name: str
    title: str
    body: str
    placeholders: tuple[str, ...]


PLACEHOLDERS = ("first_name", "full_name", "school_name", "officer_name", "reply_phone", "reply_email")

DEFAULTS: dict[str, LetterText] = {text.key: text for text in (
    LetterText(
        "not_reached", "After the calls have failed",
        "What are you doing now?",
        "Dear ((first_name)),\n\n"
        "We are The Education People. We work for Kent County Council to help young people find the "
        "right education, training or work after school.\n\n"
        "We have tried to phone you a few times but we have not been able to speak to you. We would "
        "like to know what you are doing now. For example, are you at college or in a sixth form, "
        "doing an apprenticeship or a job, or looking for something to do?\n\n"
        "Please call ((officer_name)) on ((reply_phone)) or email ((reply_email)) to tell us. "
        "It only takes a few minutes.\n\n"
        "If you are not sure what to do next, we can help. We can talk through your choices with you, "
        "help you find a course, an apprenticeship or a job, and help you apply. Our help is free.\n\n"
        "If you have moved away from Kent, please let us know so that we can update our records.",
        PLACEHOLDERS,
    ),
)}

SAMPLE_VALUES = {
    "first_name": "Jordan",
    "full_name": "Jordan Ellis",
    "school_name": "Oakfield Academy",
    "officer_name": "Sam Taylor",
    "reply_phone": DEFAULT_REPLY_PHONE,
    "reply_email": "sam.taylor@tep.example",
}


class LetterError(TextError):
    """A letter text refused (services/placeholders.py), or no such letter."""


@dataclass(frozen=True)
class Letter:
    """One letter as it is printed."""

    address_lines: tuple[str, ...]  # the name first, then the address, the postcode last
    dated: str
    title: str
    paragraphs: tuple[str, ...]
    officer_name: str
    reply_phone: str
    reply_email: str
    reference: str
    privacy_url: str


@dataclass
class Printed:
    """What a print run made: the PDF (None when no letter could be printed), the cases given a
    letter and the young people skipped because no address is held."""

    pdf: bytes | None
    cases: list[Case] = field(default_factory=list)
    skipped: list[YoungPerson] = field(default_factory=list)


# The texts.

def ensure_templates() -> None:
    """Write any default text that is not yet in the database (safe from two processes)."""
    existing = set(db.session.scalars(select(LetterTemplate.key)))
    insert = insert_for()
    for text in DEFAULTS.values():
        if text.key not in existing:
            db.session.execute(insert(LetterTemplate).values(key=text.key, title=text.title, body=text.body)
                               .on_conflict_do_nothing(index_elements=["key"]))


def definition(key: str) -> LetterText | None:
    return DEFAULTS.get(key)


def get_template(key: str) -> LetterTemplate:
    if key not in DEFAULTS:
        raise LetterError("key", f"There is no letter called {key!r}")
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == key))
    if template is None:
        ensure_templates()
        template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == key))
    return template


def list_templates() -> list[tuple[LetterText, LetterTemplate]]:
    ensure_templates()
    rows = {t.key: t for t in db.session.scalars(select(LetterTemplate).where(LetterTemplate.key.in_(DEFAULTS)))}
    return [(text, rows[key]) for key, text in DEFAULTS.items()]


def check_text(key: str, title: str, body: str) -> None:
    """Refuse an empty heading or text, an unknown placeholder (naming it and those allowed) or an
    unfinished one."""
    check_texts(("title", title, "heading"), ("body", body, "text"), DEFAULTS[key].placeholders,
                "Enter the letter's {label}", LetterError)


def preview_letter(key: str, title: str, body: str) -> tuple[str, str]:
    """The heading and text with sample values, as a young person would read them."""
    check_text(key, title, body)
    return fill(title, SAMPLE_VALUES, keep_unknown=True), fill(_tidy(body), SAMPLE_VALUES, keep_unknown=True)


def update_template(key: str, title: str, body: str, user_id: int | None) -> LetterTemplate:
    check_text(key, title, body)
    template = get_template(key)
    before = {"title": template.title, "body": template.body}
    template.title = title.strip()
    template.body = _tidy(body)
    record_audit("edit letter text", "letter_template", key, before=before,
                 after={"title": template.title, "body": template.body})
    db.session.flush()
    logger.info("letter text %s changed", key, extra={"template": key, "user_id": user_id})
    return template


def _tidy(body: str) -> str:
    return (body or "").replace("\r\n", "\n").strip()


# One young person's letter.

def address_lines(person: YoungPerson) -> tuple[str, ...] | None:
    """The name and postal address as printed on the letter, one line each, the postcode last; None
    when no address is held."""
    if address_held(person) is None:
        return None
    lines = [part.strip() for part in re.split(r"[\n,]", clean_text(person.address or "")) if part.strip()]
    postcode = (person.postcode or "").strip().upper()
    if postcode and not any(postcode.replace(" ", "") == line.replace(" ", "").upper() for line in lines):
        lines.append(postcode)
    return (_full_name(person), *lines)


def _full_name(person: YoungPerson) -> str:
    return f"{person.preferred_forename or person.forename} {person.surname}"


def open_case_of(person_id: int) -> Case | None:
    case_id = db.session.scalar(select(Case.id).where(Case.young_person_id == person_id, Case.status == "open"))
    return get_case(case_id) if case_id is not None else None


def reply_phone() -> str:
    return current_app.config.get("LETTER_REPLY_PHONE") or DEFAULT_REPLY_PHONE


def _values(case: Case, officer: StaffUser) -> dict:
    person = case.young_person
    values = {
        "first_name": person.preferred_forename or person.forename, "full_name": _full_name(person),
        "school_name": case.establishment.name if case.establishment else "your school",
        "officer_name": officer.name, "reply_phone": reply_phone(), "reply_email": officer.email,
    }
    # A value never makes a ((placeholder)) of its own.
    return {name: clean_text(str(value)).replace("((", "(").replace("))", ")") for name, value in values.items()}


def letter_for(case: Case, officer: StaffUser, template: LetterTemplate, today: date | None = None) -> Letter | None:
    """The letter for a case's young person, signed by the case's officer (or whoever prints it);
    None when no address is held."""
    lines = address_lines(case.young_person)
    if lines is None:
        return None
    officer = case.officer or officer
    values = _values(case, officer)
    body = fill(_tidy(template.body), values, keep_unknown=True)
    title = fill(template.title, values, keep_unknown=True)
    return Letter(
        address_lines=lines, dated=long_date(today or clock.today()), title=title,
        paragraphs=tuple(part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()),
        officer_name=values["officer_name"], reply_phone=values["reply_phone"], reply_email=values["reply_email"],
        reference=f"Our reference: case {case.id}", privacy_url=f"{current_app.config['BASE_URL']}/privacy",
    )


def preview_for(case: Case, officer: StaffUser, key: str = "not_reached") -> Letter | None:
    """The letter as it would be printed now, without printing it."""
    return letter_for(case, officer, get_template(key))


# Printing: each letter logged on its case.

def print_letters(cases: list[Case], officer: StaffUser, key: str = "not_reached", why: str = "letter") -> Printed:
    """Print one letter a case (one a page, in the order given) and log each as a letter sent on
    its case; a young person with no address is skipped. Each letter printed is audited as an export
    of the young person's data."""
    template = get_template(key)
    today = clock.today()
    printed = Printed(pdf=None)
    letters = []
    for case in cases:
        letter = letter_for(case, officer, template, today)
        if letter is None:
            printed.skipped.append(case.young_person)
            continue
        used = address_held(case.young_person)
        record_attempt(case, AttemptInput(channel="letter", used_value=used, outcome="letter_sent",
                                          notes=f"Printed letter: {letter.title}"[:500],
                                          next_follow_up_on=case.next_follow_up_on),
                       case.version, officer.id, today)
        record_audit("export", "young_person", case.young_person_id,
                     after={"printed": why, "letter": key, "case_id": case.id, "address": used})
        letters.append(letter)
        printed.cases.append(case)
    if letters:
        from tep_app.services.people import pdf  # noqa: PLC0415 -- ReportLab only when a PDF is made

        printed.pdf = pdf.letters_pdf(letters)
    logger.info("%s letters printed, %s skipped", len(letters), len(printed.skipped),
                extra={"printed": len(letters), "skipped": len(printed.skipped)})
    return printed

