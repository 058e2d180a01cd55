"""Every route declares who may use it; a before-request check enforces it and fails closed.

Roles: "public" (anyone), "school" (a confirmed secure-link session), "officer", "manager",
"admin" (staff). A view with no declaration is refused, and a test walks every route.
"""
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from tep_app.auth.sessions import check_staff_session

PUBLIC = "public"
SCHOOL = "school"
OFFICER = "officer"
MANAGER = "manager"
ADMIN = "admin"
STAFF = (OFFICER, MANAGER, ADMIN)
ALL_ROLES = (PUBLIC, SCHOOL, OFFICER, MANAGER, ADMIN)


def roles(*allowed: str):
    """Declare the roles that may use a view: @roles(MANAGER, ADMIN)."""
    unknown = set(allowed) - set(ALL_ROLES)
    if not allowed or unknown:
        raise ValueError(f"unknown or missing roles: {sorted(unknown) or 'none'}")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(allowed)
        return wrapper

    return decorate


def current_role() -> str:
    if current_user.is_authenticated:
        return current_user.role
    if session.get("school_request_id"):
        return SCHOOL
    return "anonymous"


def allowed_roles_for(endpoint: str | None) -> frozenset | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "allowed_roles", None)


def enforce_roles():
    """before_request: refuse any request the route's declaration does not allow."""
    if request.endpoint is None:
        return None  # 404 or 405: Flask answers
    ended = check_staff_session()
    if ended is not None:
        return ended
    allowed = allowed_roles_for(request.endpoint)
    if allowed is None:
        current_app.logger.error("route without a role declaration: %s", request.endpoint)
        abort(403)
    if PUBLIC in allowed:
        return None
    role = current_role()
    if role in allowed:
        return None
    if role == "anonymous" and set(allowed) & set(STAFF):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if role == "anonymous" and SCHOOL in allowed:
        abort(401)
    abort(403)


def is_safe_next(target: str | None) -> bool:
    """A `next` redirect must stay on this site: a path, never a scheme or another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return True
