"""The texts of the emails schools (and, for sign-in, staff) receive, editable by an admin.

Texts are plain, in the GOV.UK Notify manner: ((placeholders)) are filled in when an email is
queued, except ((link)) and ((code)): those stay in the outbox as they are and are filled in by the
sender at the moment the email is sent, so the outbox never holds a working link or code. Each
kind of email allows its own placeholders; none of them carries personal data about a young person.
The defaults below are written to the database the first time they are used.
"""
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import EmailTemplate
from tep_app.services.audit import record_audit
from tep_app.services.dialect import insert_for
from tep_app.services.placeholders import TextError, check_texts, fill
from tep_app.services.placeholders import placeholders_in as placeholders_in

logger = logging.getLogger(__name__)

# Kept in the queued text; the sender puts the secure link and the code in their place.
LINK = "((link))"
CODE = "((code))"
SHOWN = {LINK: "[secure link]", CODE: "[code]"}

_SIGN_OFF = "\n\nThe Education People\nSkills and Employability Service, Kent"


def privacy_footer() -> str:
    """The last lines of every email, after its editable text (so no edit leaves them out): where
    to read how the service uses personal data."""
    return f"\n\nHow we use personal data: {current_app.config['BASE_URL']}/privacy"


@dataclass(frozen=True)
class EmailText:
    key: str
    name: str
    subject: str
    body: str
    placeholders: tuple[str, ...]


_INVITE_BODY = (
    "Dear colleague at ((school_name)),\n\n"
    "Your list for ((collection_title)) is ready.\n\n"
    "Open it with this secure link:\n((link))\n\n"
    "Tell us what you know about each young person on the list by ((deadline)), or sooner if you can. "
    "You can save your answers and come back to them.\n\n"
    "When you open the link we will email a 6-digit code to one of your school's registered "
    "addresses, to check it is you.\n\n"
    "Do not forward this email: the link is for your school only." + _SIGN_OFF
)

DEFAULTS: dict[str, EmailText] = {text.key: text for text in (
    EmailText(
        "invite_leavers", "Leaver destinations: the list",
        "Your Year 11 and 12 leavers list: reply by ((deadline))",
        _INVITE_BODY, ("school_name", "collection_title", "link", "deadline"),
    ),
    EmailText(
        "invite_no_offer", "September Guarantee: the list",
        "Your pupils with no recorded September Guarantee offer: reply by ((deadline))",
        _INVITE_BODY, ("school_name", "collection_title", "link", "deadline"),
    ),
    EmailText(
        "new_link", "New link sent by a manager",
        "A new link to your list for ((collection_title))",
        "Dear colleague at ((school_name)),\n\n"
        "Here is a new secure link to your list for ((collection_title)):\n((link))\n\n"
        "The link we sent you before no longer works. Answers you have already saved are kept.\n\n"
        "Your answers are due by ((deadline)). If that date has passed, please reply as soon as you can.\n\n"
        "When you open the link we will email a 6-digit code to one of your school's registered "
        "addresses, to check it is you.\n\n"
        "Do not forward this email: the link is for your school only." + _SIGN_OFF,
        ("school_name", "collection_title", "link", "deadline"),
    ),
    EmailText(
        "access_code", "Security code",
        "Your TEP Follow-up security code",
        "((code)) is your security code for ((school_name))'s list.\n\n"
        "It expires in ((minutes)) minutes.\n\n"
        "If you did not ask for a code, you can ignore this email." + _SIGN_OFF,
        ("school_name", "code", "minutes"),
    ),
    EmailText(
        "reminder", "Reminder before the deadline",
        "Reminder: ((collection_title)) is due by ((deadline))",
        "Dear colleague at ((school_name)),\n\n"
        "We have not yet had your answers for ((collection_title)). They are due by ((deadline)).\n\n"
        "Use the secure link in the email we sent you on ((sent_date)). If you cannot find it, "
        "reply to this email and we will send you a new link." + _SIGN_OFF,
        ("school_name", "collection_title", "deadline", "sent_date"),
    ),
    EmailText(
        "chaser", "Chaser after the deadline",
        "Overdue: ((collection_title)) was due on ((deadline))",
        "Dear colleague at ((school_name)),\n\n"
        "Your answers for ((collection_title)) were due on ((deadline)) and we have not had them yet.\n\n"
        "Every young person you tell us about is one we do not need to trace. Please reply as soon as "
        "you can, using the secure link in the email we sent you on ((sent_date)). If you cannot find it, "
        "reply to this email and we will send you a new link." + _SIGN_OFF,
        ("school_name", "collection_title", "deadline", "sent_date"),
    ),
    EmailText(
        "chaser_link", "Chaser after the deadline, with a new link",
        "Overdue: ((collection_title)) was due on ((deadline))",
        "Dear colleague at ((school_name)),\n\n"
        "Your answers for ((collection_title)) were due on ((deadline)) and we have not had them yet.\n\n"
        "Every young person you tell us about is one we do not need to trace. Please reply as soon as "
        "you can, using this new secure link:\n((link))\n\n"
        "It replaces the link we sent you before. Answers you have already saved are kept.\n\n"
        "When you open the link we will email a 6-digit code to one of your school's registered "
        "addresses, to check it is you.\n\n"
        "Do not forward this email: the link is for your school only." + _SIGN_OFF,
        ("school_name", "collection_title", "link", "deadline"),
    ),
    EmailText(
        "receipt", "Receipt after submitting",
        "We have your answers for ((collection_title))",
        "Dear colleague at ((school_name)),\n\n"
        "Thank you. We received your answers for ((collection_title)) on ((submitted_at)).\n\n"
        "You answered for ((answered)) of the ((total)) young people on your list.\n\n"
        "If you need to change anything, reply to this email." + _SIGN_OFF,
        ("school_name", "collection_title", "submitted_at", "answered", "total"),
    ),
    EmailText(
        "sign_in_unlock", "Staff: someone is guessing your password",
        "Someone may be trying to sign in to your TEP Follow-up account",
        "Dear ((staff_name)),\n\n"
        "There have been ((attempts)) wrong passwords for your TEP Follow-up account in the last hour. "
        "If they were not yours, someone may be trying to guess your password.\n\n"
        "You can still sign in as usual. If the service asks you to wait before you try again, this "
        "link clears the limits on your account. It works once, for ((hours)) hours:\n((link))\n\n"
        "If you did not try to sign in, tell your TEP manager." + _SIGN_OFF,
        ("staff_name", "attempts", "link", "hours"),
    ),
)}

SAMPLE_VALUES = {
    "school_name": "Oakfield Academy",
    "collection_title": "Year 11 and 12 leaver destinations 2022-23",
    "link": "https://tep-follow-up.example/school/start/sample-link",
    "deadline": "31 October 2022",
    "sent_date": "7 October 2022",
    "code": "123456",
    "minutes": "15",
    "submitted_at": "20 October 2022 at 14:05",
    "answered": "27",
    "total": "31",
    "staff_name": "Sam Taylor",
    "attempts": "20",
    "hours": "24",
}


class TemplateError(TextError):
    """An email text refused (services/placeholders.py)."""


def ensure_templates() -> None:
    """Write any default text that is not yet in the database (safe from two processes)."""
    existing = set(db.session.scalars(select(EmailTemplate.key)))
    missing = [text for key, text in DEFAULTS.items() if key not in existing]
    if not missing:
        return
    insert = insert_for()
    now = clock.now()
    for text in missing:
        db.session.execute(
            insert(EmailTemplate)
            .values(key=text.key, subject=text.subject, body=text.body, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )


def _definition(key: str) -> EmailText:
    if key not in DEFAULTS:
        raise TemplateError("key", f"There is no email text called {key!r}")
    return DEFAULTS[key]


def get_template(key: str) -> EmailTemplate:
    _definition(key)
    template = db.session.scalar(select(EmailTemplate).where(EmailTemplate.key == key))
    if template is None:
        ensure_templates()
        template = db.session.scalar(select(EmailTemplate).where(EmailTemplate.key == key))
    return template


def list_templates() -> list[tuple[EmailText, EmailTemplate]]:
    ensure_templates()
    rows = {t.key: t for t in db.session.scalars(select(EmailTemplate).where(EmailTemplate.key.in_(DEFAULTS)))}
    return [(text, rows[key]) for key, text in DEFAULTS.items()]


def fill_secrets(text: str, secrets: dict[str, str]) -> str:
    """Put the link and the code in place of ((link)) and ((code)): {LINK: url, CODE: digits}."""
    for mark, value in secrets.items():
        text = text.replace(mark, value)
    return text


def shown(text: str) -> str:
    """A queued text as staff see it: [secure link] and [code] where the secrets go."""
    return fill_secrets(text or "", SHOWN)


def _flatten(context: dict) -> dict:
    """Context values that are dicts (e.g. the counts of a submission) lend their keys too."""
    values = {}
    for name, value in context.items():
        if isinstance(value, dict):
            values.update({k: v for k, v in value.items() if not isinstance(v, dict)})
        else:
            values[name] = value
    return values


def renderer(key: str):
    """A function(**context) -> (subject, body) for email `key`, reading its text once."""
    template = get_template(key)
    subject, body = template.subject, template.body

    def render(**context) -> tuple[str, str]:
        # A value never makes a ((placeholder)) of its own: only LINK and CODE stay for the sender.
        values = {name: value if value in (LINK, CODE) else str(value).replace("((", "(").replace("))", ")")
                  for name, value in _flatten(context).items()}
        try:
            return fill(subject, values), fill(body, values) + privacy_footer()
        except KeyError as error:
            raise TemplateError("context", f"The {key} email needs a value for (({error.args[0]}))") from None

    return render


def render_email(key: str, **context) -> tuple[str, str]:
    """(subject, body) of email `key` with its ((placeholders)) filled from `context`."""
    return renderer(key)(**context)


def check_text(key: str, subject: str, body: str) -> None:
    """Refuse a subject or body with an unknown placeholder, naming it, or an empty one."""
    check_texts(("subject", subject, "subject"), ("body", body, "text"), _definition(key).placeholders,
                "Enter the email {label}", TemplateError)


def preview_email(key: str, subject: str, body: str) -> tuple[str, str]:
    """The text as a school would see it, with sample values in the placeholders."""
    check_text(key, subject, body)
    return fill(subject, SAMPLE_VALUES), fill(body, SAMPLE_VALUES) + privacy_footer()


def update_template(key: str, subject: str, body: str, user_id: int | None) -> EmailTemplate:
    check_text(key, subject, body)
    template = get_template(key)
    before = {"subject": template.subject, "body": template.body}
    template.subject = subject.strip()
    template.body = body.replace("\r\n", "\n").strip()
    record_audit("edit email text", "email_template", key, before=before,
                 after={"subject": template.subject, "body": template.body})
    db.session.flush()
    logger.info("email text %s changed", key, extra={"template": key, "user_id": user_id})
    return template
