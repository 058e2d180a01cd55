"""Searching the append-only audit trail: by actor, action, object and date, newest first."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from tep_app.extensions import db
from tep_app.models import AuditEvent
from tep_app.pagination import ROWS_PER_PAGE, Page
from tep_app.services.calendar import DEFAULT_DATES, year_label
from tep_app.services.labels import key_words, object_type_words, value_words

EXPORT_LIMIT = 100_000
EXPORT_HEADERS = ("When (UTC)", "Actor type", "Actor", "Action", "Object type", "Object id", "Before",
                  "After", "IP address")


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None          # part of the actor's email (case-insensitive)
    action: str | None = None         # exact action: view, create, update, export, login, ...
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None     # inclusive
    date_to: date | None = None       # inclusive


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    pages: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(filters: AuditFilters):
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(func.lower(AuditEvent.actor_label).contains(filters.actor.lower(), autoescape=True))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _start_of(filters.date_from))
    if filters.date_to and filters.date_to < date.max:  # up to the last day there is: no end at all
        query = query.where(AuditEvent.at < _start_of(filters.date_to + timedelta(days=1)))
    return query


def search_audit(filters: AuditFilters, page: int = 1, per_page: int = ROWS_PER_PAGE) -> AuditPage:
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    shown = Page.of(page, total, per_page)
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(shown.size).offset(shown.offset)
    ).all()
    return AuditPage(list(events), total, shown.number, shown.pages)


def list_audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def list_audit_object_types() -> list[str]:
    return [value for value in db.session.scalars(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)) if value]


def audit_export_rows(filters: AuditFilters) -> list[tuple]:
    """The matching events as rows for a spreadsheet, newest first (at most EXPORT_LIMIT)."""
    events = db.session.scalars(
        _filtered(filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(EXPORT_LIMIT)
    )
    return [
        (event.at, event.actor_type, event.actor_label or event.actor_id or "", event.action,
         event.object_type or "", event.object_id or "", _as_text(event.before), _as_text(event.after),
         event.ip or "")
        for event in events
    ]


def describe_changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field, before, after) in words, for every field either side mentions."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict):
        before = {"value": before}
    if not isinstance(after, dict):
        after = {"value": after}
    fields = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(key_words(field).capitalize(), _words(field, before.get(field), value_words),
             _words(field, after.get(field), value_words)) for field in fields]


def _words(field, value, value_words) -> str:
    return "" if value is None else value_words(field, value)


def object_words(event: AuditEvent) -> str:
    """The record an event is about, in words: "Young person 12", "Calendar: leaver destination
    lists due back from schools (2026-27)"."""
    if event.object_type == "calendar_date" and event.object_id and ":" in event.object_id:
        year, key = event.object_id.split(":", 1)
        label = next((label for k, label, _on in DEFAULT_DATES if k == key), key.replace("_", " "))
        return f"Calendar: {label.lower()} ({year_label(int(year)) if year.isdigit() else year})"
    words = object_type_words(event.object_type)
    return f"{words} {event.object_id}" if event.object_id else words


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_as_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value)
    return str(value)
