"""The audit trail: written in the same transaction as the change it records."""
from flask import has_request_context, request, session
from flask_login import current_user

from tep_app.extensions import db
from tep_app.models import AuditEvent
from tep_app.validation import clean_text

IP_MOST = 45  # the column: an IPv6 address with an IPv4 tail is at most 45 characters


def _actor() -> tuple[str, str | None, str | None]:
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return "staff", str(current_user.id), current_user.email
        if session.get("school_request_id"):
            return "school", str(session["school_request_id"]), session.get("school_contact_email")
    return "system", None, None


def _clean(value):
    """What an audit row holds, without control characters: rows are never changed, so one that
    could not be shown or exported would stay broken for good."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def _client_address() -> str | None:
    """The client's address as the trusted proxies (TEP_PROXY_COUNT) passed it: a header anyone can
    send, so cleaned and cut to the column like the rest of the row."""
    if not has_request_context() or request.remote_addr is None:
        return None
    return clean_text(request.remote_addr).strip()[:IP_MOST] or None


def record_audit(action: str, object_type: str | None = None, object_id=None, *, before: dict | None = None,
                 after: dict | None = None, actor: tuple[str, str | None, str | None] | None = None) -> AuditEvent:
    actor_type, actor_id, actor_label = actor or _actor()
    event = AuditEvent(
        actor_type=actor_type, actor_id=actor_id, actor_label=_clean(actor_label), action=action,
        object_type=object_type, object_id=None if object_id is None else _clean(str(object_id)),
        before=_clean(before), after=_clean(after),
        ip=_client_address(),
    )
    db.session.add(event)
    return event
