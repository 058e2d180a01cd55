"""Every route declares who may use it; a before-request check enforces it and fails closed.

Roles: "public" (anyone), "school" (a confirmed secure-link session), "officer", "manager",
"admin" (staff). A view with no declaration is refused, and a test walks every route.
"""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from tep_app.auth.sessions import check_school_session, check_staff_session

PUBLIC = "public"
SCHOOL = "school"
OFFICER = "officer"
MANAGER = "manager"
ADMIN = "admin"
STAFF = (OFFICER, MANAGER, ADMIN)
ALL_ROLES = (PUBLIC, SCHOOL, OFFICER, MANAGER, ADMIN)
# A member of staff's role as pages name it.
ROLE_WORDS = {OFFICER: "Officer", MANAGER: "Manager", ADMIN: "Admin"}


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


def has_role(*wanted: str) -> bool:
    """Whether the signed-in member of staff has one of the roles: how templates ask about roles
    (`has_role('admin')`, `has_role('officer', 'manager')`), never by comparing text."""
    unknown = set(wanted) - set(STAFF)
    if not wanted or unknown:
        raise ValueError(f"unknown or missing staff roles: {sorted(unknown) or 'none'}")
    return bool(current_user.is_authenticated) and current_user.role in wanted


def role_words(role: str | None = None) -> str:
    """A staff role in words ("Officer"); by default the signed-in member of staff's."""
    if role is None:
        role = current_user.role if current_user.is_authenticated else ""
    return ROLE_WORDS.get(role, role)


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
    if role == SCHOOL and SCHOOL in allowed:
        return check_school_session()
    if role in allowed:
        return None
    if role == "anonymous" and set(allowed) & set(STAFF):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if role == "anonymous" and SCHOOL in allowed:
        abort(401)
    abort(403)


def safe_next(target: str | None) -> str | None:
    """The path a `next` redirect may go to, or None: only a path on this site.

    Control characters and whitespace are removed first, as a browser does when it follows a
    Location ("/\t/evil.example" becomes "//evil.example"), then anything that is not a plain
    path (a scheme, a host, a backslash) is refused.
    """
    if not target:
        return None
    cleaned = "".join(char for char in target if char.isprintable() and not char.isspace())
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned or len(cleaned) > 2000:
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def is_safe_next(target: str | None) -> bool:
    return safe_next(target) is not None
