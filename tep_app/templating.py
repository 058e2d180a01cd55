"""Template globals and filters: navigation by role, dates in the GOV.UK style."""
from datetime import datetime

from flask import current_app, g, request, session, url_for
from flask_login import current_user

from tep_app import clock
from tep_app.auth.roles import has_role, role_words
from tep_app.dates import day_and_short_month, long_date, short_date, weekday
from tep_app.services.labels import activity_words, guarantee_words, rule_words

# (label, endpoint, roles): an item shows when its endpoint exists and the user has the role.
NAVIGATION = (
    ("My cases", "cases.queue", ("officer", "manager")),
    ("Letters and visits", "people.letters_and_visits", ("officer", "manager")),
    ("Chase-up", "dashboard.index", ("manager", "admin")),
    ("NEET and Not Known", "returns.measure", ("manager", "admin")),
    ("Schools", "schools.index", ("officer", "manager", "admin")),
    ("Imports", "imports.index", ("admin",)),
    ("Match review", "matches.index", ("admin", "manager")),
    ("Audit", "dashboard.audit", ("manager", "admin")),
    ("Activity Survey", "returns.activity_survey", ("manager", "admin")),
    ("NCCIS return", "returns.nccis", ("manager", "admin")),
    ("Outbox", "admin.outbox", ("manager",)),
    ("Admin", "admin.index", ("admin",)),
    ("Password", "auth.change_password", ("officer", "manager", "admin")),
)


def navigation_items():
    if not current_user.is_authenticated:
        if session.get("school_request_id") and "portal.list" in current_app.view_functions:
            return [
                {"text": "Your list", "href": url_for("portal.list"), "active": request.endpoint == "portal.list"},
            ]
        return []
    items = []
    for label, endpoint, allowed in NAVIGATION:
        if endpoint in current_app.view_functions and current_user.role in allowed:
            items.append({"text": label, "href": url_for(endpoint), "active": False})
    # One item is the current one: the longest whose address starts this page's (Imports, not
    # Admin, on /admin/imports/; Audit, not Chase-up, on /dashboard/audit).
    here = [item for item in items if item["href"] != "/" and request.path.startswith(item["href"])]
    if here:
        max(here, key=lambda item: len(item["href"]))["active"] = True
    return items


def sign_out_action() -> str | None:
    """Where the header's Sign out button posts: the staff or the school sign-out, or nowhere."""
    if current_user.is_authenticated:
        return url_for("auth.logout")
    if session.get("school_request_id") and "portal.sign_out" in current_app.view_functions:
        return url_for("portal.sign_out")
    return None


def london(value):
    """A stored UTC datetime (naive from SQLite) in UK time."""
    if not isinstance(value, datetime):
        return value
    return clock.local(value)


def register_template_helpers(app) -> None:
    app.jinja_env.filters["govuk_date"] = long_date
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["weekday"] = weekday
    app.jinja_env.filters["day_and_short_month"] = day_and_short_month
    app.jinja_env.filters["london"] = london
    app.jinja_env.filters["activity_words"] = activity_words
    app.jinja_env.filters["guarantee_words"] = guarantee_words
    app.jinja_env.filters["rule_words"] = rule_words

    @app.context_processor
    def inject():
        return {
            "navigation_items": navigation_items,
            "has_role": has_role,
            "role_words": role_words,
            "sign_out_action": sign_out_action,
            "csp_nonce": lambda: getattr(g, "csp_nonce", ""),
            "service_name": "TEP Follow-up",
        }
