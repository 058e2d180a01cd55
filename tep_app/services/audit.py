"""The audit trail: written in the same transaction as the change it records."""
from flask import has_request_context, request, session
from flask_login import current_user

from tep_app.extensions import db
from tep_app.models import AuditEvent


def _actor() -> tuple[str, str | None, str | None]:
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return "staff", str(current_user.id), current_user.email
        if session.get("school_request_id"):
            return "school", str(session["school_request_id"]), session.get("school_contact_email")
    return "system", None, None


def record_audit(action: str, object_type: str | None = None, object_id=None, *, before: dict | None = None,
                 after: dict | None = None, actor: tuple[str, str | None, str | None] | None = None) -> AuditEvent:
    actor_type, actor_id, actor_label = actor or _actor()
    event = AuditEvent(
        actor_type=actor_type, actor_id=actor_id, actor_label=actor_label, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        before=before, after=after,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
