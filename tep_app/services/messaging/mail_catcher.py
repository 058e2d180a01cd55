"""The local mail catcher started by `make run`: an SMTP server on loopback that keeps each
message as an .eml file, and the reading side the admin pages use to show what it caught."""
import email
import email.parser
import email.policy
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from tep_app import clock
from tep_app.pagination import ROWS_PER_PAGE, Page

logger = logging.getLogger(__name__)

NAME = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{32}\.eml$")
KIND_HEADER = "X-TEP-Kind"  # set by the outbox on every email it sends
# The kinds the Caught mail page can show on their own: (key, words, the outbox kinds).
KIND_FILTERS = (
    ("invitations", "Invitations", ("invite",)),
    ("codes", "Codes and links", ("access_code", "new_link", "sign_in_unlock")),
    ("follow-ups", "Reminders and chasers", ("reminder", "chaser")),
    ("receipts", "Receipts", ("receipt",)),
)


class FileCatchingHandler:
    """aiosmtpd handler: write each message to DIR/<UTC time>-<random>.eml."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{clock.server_now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex}.eml"
        temporary = self.directory / f".{name}.part"
        temporary.write_bytes(envelope.content)
        temporary.rename(self.directory / name)
        logger.info("caught email %s", name, extra={"file": name, "recipients": len(envelope.rcpt_tos)})
        return "250 Message accepted for delivery"


def start_catcher(directory: str | Path, host: str = "127.0.0.1", port: int = 1025):
    from aiosmtpd.controller import Controller  # noqa: PLC0415 -- aiosmtpd only for `flask tep mailcatcher`

    controller = Controller(FileCatchingHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass(frozen=True)
class CaughtMessage:
    name: str
    subject: str
    to: str
    sender: str
    sent_at: datetime | None
    body: str = ""
    kind: str = ""


def _parse(path: Path, with_body: bool) -> CaughtMessage:
    if with_body:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    else:
        with path.open("rb") as handle:
            message = email.parser.BytesParser(policy=email.policy.default).parse(handle, headersonly=True)
    try:
        sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    body = ""
    if with_body:
        part = message.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
    return CaughtMessage(path.name, str(message["Subject"] or "(no subject)"), str(message["To"] or ""),
                         str(message["From"] or ""), sent_at, body, str(message[KIND_HEADER] or ""))


def caught_files(directory: str | Path) -> list[Path]:
    folder = Path(directory)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)


def list_caught(directory: str | Path, page: int = 1, per_page: int = ROWS_PER_PAGE,
                kind: str | None = None) -> tuple[list[CaughtMessage], int]:
    """A page of caught messages, newest first, only those of one of KIND_FILTERS with `kind`;
    (messages, number of pages)."""
    files = caught_files(directory)
    wanted = next((kinds for key, _words, kinds in KIND_FILTERS if key == kind), None)
    if wanted is None:
        shown = Page.of(page, len(files), per_page)
        return [_parse(path, False) for path in shown.rows(files)], shown.pages
    messages = [message for message in (_parse(path, False) for path in files) if message.kind in wanted]
    shown = Page.of(page, len(messages), per_page)
    return shown.rows(messages), shown.pages


def read_caught(directory: str | Path, name: str) -> CaughtMessage | None:
    """One caught message by its file name; None for a name that is not a caught file."""
    if not NAME.match(name or ""):
        return None
    path = Path(directory) / name
    if not path.is_file():
        return None
    return _parse(path, True)
