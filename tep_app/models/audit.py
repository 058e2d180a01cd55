"""The append-only audit trail: who did what to which record, and who looked at whom."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, String, delete, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from tep_app import clock
from tep_app.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now, index=True)
    actor_type: Mapped[str] = mapped_column(String(20))  # staff, school, system
    actor_id: Mapped[str | None] = mapped_column(String(40))
    actor_label: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)  # view, create, update, export, login, ...
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)


class AuditImmutableError(RuntimeError):
    """The audit trail is append-only: its rows are never changed, and deleted only by
    delete_expired, below."""


def _refuse_audit_changes(session, _flush_context, _instances) -> None:
    for row in session.deleted:
        if isinstance(row, AuditEvent):
            raise AuditImmutableError("audit events cannot be deleted")
    for row in session.dirty:
        if isinstance(row, AuditEvent) and session.is_modified(row, include_collections=False):
            raise AuditImmutableError("audit events cannot be changed")


def _refuse_bulk_audit_changes(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is AuditEvent:
        raise AuditImmutableError("audit events cannot be changed or deleted")


event.listen(Session, "before_flush", _refuse_audit_changes)
event.listen(Session, "do_orm_execute", _refuse_bulk_audit_changes)


def delete_expired(session: Session, before: datetime) -> int:
    """The one deliberate deletion of audit rows: those written before `before`, deleted by the
    retention run under the retention schedule's audit rule (services/people/retention.py). It goes
    straight to the session's connection, past the guards above, which refuse every other change or
    deletion. How many rows were deleted."""
    table = AuditEvent.__table__
    return session.connection().execute(delete(table).where(table.c.at < before)).rowcount
