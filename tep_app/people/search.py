"""Find a young person: one box on every staff page, and the results page it leads to."""
from flask import render_template, request

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, roles
from tep_app.pagination import requested_page
from tep_app.people.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.people.search import search_people


@bp.route("/search")
@roles(OFFICER, MANAGER, ADMIN)
def search():
    text = request.args.get("q", "")
    asked = "q" in request.args
    result = search_people(text, requested_page()) if asked else None
    if result is not None:
        # The kind of search and how many it found, not what was typed.
        record_audit("search", "young_person", None, after={
            "kind": result.query.kind if result.query else "not searched", "found": result.total,
            "page": result.page.number})
    pager = result.page.links("people.search", q=text) if result is not None and result.query else None
    return render_template("people/search.html", q=text, result=result, pager=pager,
                           error_list=[{"text": result.message, "href": "#people-search-q"}]
                           if result is not None and result.message else None)
