"""The admin index: links to every admin page that exists."""
from flask import current_app, render_template, url_for

from tep_app.admin.blueprint import bp
from tep_app.auth.roles import ADMIN, roles

# (endpoint, label, description), in the order shown; a page is listed once its endpoint exists.
KNOWN_PAGES = (
    ("imports.index", "Imports", "Load establishments, leavers, roll, enrolments and offers"),
    ("matches.index", "Match review", "Accept or reject uncertain matches"),
    ("admin.calendar", "Calendar", "Send and due dates for each academic year"),
    ("admin.email_templates", "Email texts", "Edit the emails schools receive, with a preview"),
    ("admin.templates", "Email texts", "Edit the emails schools receive, with a preview"),
    ("admin.letter_templates", "Letter texts", "Edit the letters officers print for young people, with a preview"),
    ("admin.outbox", "Outbox", "Every email queued, sent or failed"),
    ("admin.caught_mail", "Caught mail", "Emails caught by the local mail catcher"),
    ("admin.mail", "Caught mail", "Emails caught by the local mail catcher"),
    ("admin.accounts", "Staff accounts", "Create, disable and re-enable accounts; reset passwords"),
    ("admin.retention", "Retention schedule", "How long young people's personal data is kept"),
)


def admin_pages() -> list[dict]:
    """Known admin pages that exist, then any other admin page with no arguments."""
    pages, seen = [], {"admin.index"}
    for endpoint, label, description in KNOWN_PAGES:
        if endpoint in current_app.view_functions and endpoint not in seen:
            pages.append({"href": url_for(endpoint), "label": label, "description": description})
            seen.add(endpoint)
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if (rule.endpoint.startswith("admin.") and rule.endpoint not in seen and not rule.arguments
                and "GET" in (rule.methods or ())):
            view = current_app.view_functions[rule.endpoint]
            doc = (view.__doc__ or "").strip().splitlines()
            label = rule.endpoint.split(".", 1)[1].replace("_", " ").capitalize()
            pages.append({"href": url_for(rule.endpoint), "label": label, "description": doc[0] if doc else ""})
            seen.add(rule.endpoint)
    return pages


@bp.get("/")
@roles(ADMIN)
def index():
    return render_template("admin/index.html", pages=admin_pages())
