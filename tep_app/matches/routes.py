"""Match review: counts per outcome, and the queue of possible pairs to accept or reject."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.matches.forms import DecideForm
from tep_app.pagination import pagination, requested_page
from tep_app.services.audit import record_audit
from tep_app.services.match_review import decide_pair, get_match_summary, list_review_pairs
from tep_app.services.match_runs import KINDS, MatchingError, list_match_years

bp = Blueprint("matches", __name__, url_prefix="/admin/matches")

KIND_LABELS = {"leaver_enrolment": "Leavers against enrolments", "roll_offer": "Pupils on roll against offers"}
CANDIDATE_LABELS = {"leaver_enrolment": "Enrolment", "roll_offer": "Offer"}


def _queue_args(year, kind, page) -> dict:
    kind = kind if kind in KINDS else "leaver_enrolment"
    return {"year": year, "kind": kind, "page": page if page and page > 1 else None}


@bp.get("/")
@roles(ADMIN, MANAGER)
def index():
    years = list_match_years()
    year = request.args.get("year", type=int)
    year = year if year in years else (years[0] if years else None)
    kind = request.args.get("kind", "leaver_enrolment")
    kind = kind if kind in KINDS else "leaver_enrolment"
    queue = list_review_pairs(kind, year, requested_page()) if year else None
    if queue and queue.pairs:
        record_audit("view", "match_review", f"{kind}/{year}/{queue.page}",
                     after={"school_record_ids": [pair.record.id for pair in queue.pairs]})
    return render_template(
        "matches/index.html", years=years, year=year, kind=kind, kinds=KIND_LABELS,
        candidate_label=CANDIDATE_LABELS[kind], summary=get_match_summary(year) if year else None,
        queue=queue, form=DecideForm(formdata=None),
        pages=pagination(queue.page, queue.pages, "matches.index", year=year, kind=kind) if queue else None,
    )


@bp.post("/decide")
@roles(ADMIN, MANAGER)
def decide():
    form = DecideForm()
    back = url_for("matches.index", **{k: v for k, v in _queue_args(
        form.year.data, form.kind.data, form.page.data).items() if v is not None})
    if not form.validate_on_submit():
        flash("Select accept or reject for one pair. Nothing was changed.", "error")
        return redirect(back)
    try:
        decided = decide_pair(form.result_id.data, form.decision.data, current_user.id)
    except MatchingError as error:
        flash(error.message, "error")
        return redirect(back)
    verb = "accepted: they are found" if decided.decision == "accepted" else "rejected: they stay on the list"
    flash(f"Match for {decided.young_person_name} {verb}", "success")
    return redirect(back)
