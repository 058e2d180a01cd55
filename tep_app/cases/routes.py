"""The officer's queue and the case page.

Who sees a case: its officer and managers may work it; any other officer may open and work it too
(officers cover for each other's leave), and every view is written to the audit trail.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tep_app import clock
from tep_app.auth.roles import MANAGER, OFFICER, roles
from tep_app.cases import manage  # noqa: F401  (patches and reassignment, on the same blueprint)
from tep_app.cases.blueprint import bp
from tep_app.cases.forms import ActivityForm, AttemptForm, GuaranteeForm, MovedForm, QueueFilterForm
from tep_app.extensions import db
from tep_app.forms import offered_or_404
from tep_app.pagination import pagination, requested_page
from tep_app.services.audit import record_audit
from tep_app.services.cases import (
    STALE_MESSAGE,
    ActivityInput,
    AttemptInput,
    QueueFilters,
    StaleCaseError,
    get_case,
    list_officers,
    list_queue,
    record_activity,
    record_attempt,
)
from tep_app.services.cases.casework import (
    activity_code_groups,
    activity_codes,
    address_held,
    contact_choices,
    list_school_answers,
)
from tep_app.services.cases.closing import (
    CLOSED_LABELS,
    case_collection,
    moved_words,
    record_officer_guarantee,
    record_officer_move,
)
from tep_app.services.cases.queue import filter_options
from tep_app.services.cases.timeline import answer_words, build_timeline
from tep_app.services.destinations import STATUS_PREFIX, guarantee_choices
from tep_app.services.guarantee_status import guarantee_status
from tep_app.services.labels import activity_words, guarantee_words
from tep_app.services.people.record import conflicting, contact_rows


@bp.route("")
@roles(OFFICER, MANAGER)
def queue():
    is_manager = current_user.role == MANAGER
    form = QueueFilterForm(formdata=request.args)
    form.set_choices(filter_options(), list_officers() if is_manager else [], is_manager)
    form.validate()
    offered_or_404(form.school, form.district, form.year_group, *([form.officer] if is_manager else []))
    filters = QueueFilters(
        officer_id=(form.officer.data if is_manager else current_user.id),
        establishment_id=form.school.data, district_id=form.district.data, year_group=form.year_group.data,
        status=form.status.data or "open", follow_up_due=bool(form.follow_up_due.data),
        search=form.q.data or "", page=requested_page(),
    )
    result = list_queue(filters, clock.today())
    args = {key: value for key, value in request.args.items() if key != "page"}
    record_audit("view", "case_queue", None, after={"query": args, "page": result.page})
    return render_template("cases/queue.html", form=form, result=result, filters=filters, is_manager=is_manager,
                           pager=pagination(result.page, result.pages, "cases.queue", **args))


def _load(case_id: int):
    case = get_case(case_id)
    if case is None:
        abort(404)
    return case


def _forms(case, formdata=None, which=None, today=None):
    today = today or clock.today()
    attempt = AttemptForm(formdata=formdata if which == "attempt" else None, contacts=contact_choices(case),
                          today=today, prefix="attempt", address=address_held(case.young_person))
    codes = activity_codes()
    activity = ActivityForm(formdata=formdata if which == "activity" else None, groups=activity_code_groups(codes),
                            codes=codes, today=today, prefix="activity")
    for form in (attempt, activity):
        if which is None or form is not (attempt if which == "attempt" else activity):
            form.version.data = case.version
    return attempt, activity


def _errors(*forms) -> list[dict]:
    errors = []
    for form in forms:
        for field in form:
            for message in field.errors:
                errors.append({"text": message, "href": f"#{field.id}"})
    return errors


def _guarantee_groups():
    return [(label, [(value.removeprefix(STATUS_PREFIX), words) for value, words in options])
            for label, options in guarantee_choices()]


def _is_no_offer(case) -> bool:
    collection = case_collection(case)
    return collection is not None and collection.kind == "no-offer"


def _render(case, attempt_form, activity_form, error_list=None, stale=False, moved_form=None, guarantee_form=None):
    moved_form = moved_form or MovedForm(formdata=None, prefix="moved", version=case.version)
    if guarantee_form is None and _is_no_offer(case):
        guarantee_form = GuaranteeForm(formdata=None, prefix="guarantee", groups=_guarantee_groups(),
                                       version=case.version)
    error_list = error_list or _errors(attempt_form, activity_form, moved_form, *filter(None, [guarantee_form]))
    record_audit("view", "young_person", case.young_person_id)
    answers = list_school_answers(case.young_person_id)
    collection = case_collection(case)
    guarantee_now = guarantee_status(case.young_person, clock.today(), collection.academic_year if collection else None)
    contacts = contact_rows(case.young_person)
    return render_template(
        "cases/show.html", case=case, person=case.young_person, attempt_form=attempt_form,
        activity_form=activity_form, answers=answers, timeline=build_timeline(case.young_person, answers),
        contacts=contacts, conflicts=conflicting(contacts), error_list=error_list, stale=stale,
        year_group=case.year_group,
        moved_form=moved_form, answer_words=answer_words, moved_words=moved_words, closed_labels=CLOSED_LABELS,
        guarantee_form=guarantee_form, guarantee_now=guarantee_now,
    )


@bp.route("/<int:case_id>")
@roles(OFFICER, MANAGER)
def show(case_id: int):
    return _case_page(_load(case_id))


def _stale(case_id: int, which: str):
    """Someone saved first: show the latest case, keep what this officer typed, ask to save again."""
    db.session.rollback()
    case = _load(case_id)
    attempt_form, activity_form = _forms(case, request.form, which)
    typed = attempt_form if which == "attempt" else activity_form
    typed.version.data = case.version
    return _render(case, attempt_form, activity_form, stale=True,
                   error_list=[{"text": STALE_MESSAGE, "href": f"#{which}-form"}])


@bp.route("/<int:case_id>/attempts", methods=["POST"])
@roles(OFFICER, MANAGER)
def attempt(case_id: int):
    case = _load(case_id)
    attempt_form, activity_form = _forms(case, request.form, "attempt")
    if not attempt_form.validate():
        return _render(case, attempt_form, activity_form)
    data = AttemptInput(channel=attempt_form.channel.data, used_value=attempt_form.attempt_value(),
                        outcome=attempt_form.outcome.data, notes=attempt_form.notes.data or None,
                        next_follow_up_on=attempt_form.next_follow_up_on.data)
    needed = case.needs_letter_or_visit
    try:
        record_attempt(case, data, attempt_form.version.data, current_user.id)
    except StaleCaseError:
        return _stale(case_id, "attempt")
    newly_needed = case.needs_letter_or_visit and not needed
    flash("Contact attempt saved" + (". This case now needs a letter or a visit" if newly_needed else ""), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/activity", methods=["POST"])
@roles(OFFICER, MANAGER)
def activity(case_id: int):
    case = _load(case_id)
    attempt_form, activity_form = _forms(case, request.form, "activity")
    if case.status != "open":
        activity_form.code.errors = ["This case is closed: reopen it before recording another activity"]
        return _render(case, attempt_form, activity_form)
    if not activity_form.validate():
        return _render(case, attempt_form, activity_form)
    data = ActivityInput(code=activity_form.code.data, provider_name=activity_form.provider_name.data or None,
                         start_date=activity_form.start_date.data, due_to_lapse_on=activity_form.due_to_lapse_on.data,
                         neet_start_date=activity_form.neet_start_date.data, notes=activity_form.notes.data or None)
    try:
        record_activity(case, data, activity_form.version.data, current_user.id)
    except StaleCaseError:
        return _stale(case_id, "activity")
    if case.status == "closed":
        flash(f"{activity_words(data.code)} recorded. The case is closed and has left the queue", "success")
        return redirect(url_for("cases.queue"))
    flash(f"{activity_words(data.code)} recorded. The case stays open: the young person is still Not Known",
          "success")
    return redirect(url_for("cases.show", case_id=case.id))


# Moving away and a September Guarantee status: forms that may close the case.

def _refused(case, form, field) -> bool:
    """Whether the form cannot be saved: the case is closed (said against `field`) or the form has errors."""
    if case.status != "open":
        field.errors = ["This case is closed"]
        return True
    return not form.validate()


def _case_page(case, **kwargs):
    attempt_form, activity_form = _forms(case)
    return _render(case, attempt_form, activity_form, **kwargs)


def _stale_closing(case_id: int, which: str, form):
    """Someone saved first: show the latest case with what this officer chose in the `which` form
    ("moved" or "guarantee") kept, and ask to save again."""
    db.session.rollback()
    case = _load(case_id)
    form.version.data = case.version
    return _case_page(case, stale=True, error_list=[{"text": STALE_MESSAGE, "href": f"#{which}-form"}],
                      **{f"{which}_form": form})


@bp.route("/<int:case_id>/moved", methods=["POST"])
@roles(OFFICER, MANAGER)
def moved(case_id: int):
    case = _load(case_id)
    moved_form = MovedForm(prefix="moved")
    if _refused(case, moved_form, moved_form.moved):
        return _case_page(case, moved_form=moved_form)
    try:
        record_officer_move(case, moved_form.moved.data, moved_form.moved_to.data or None, moved_form.version.data,
                            current_user.id)
    except StaleCaseError:
        return _stale_closing(case_id, "moved", moved_form)
    flash(f"{case.young_person.display_name} has moved out of Kent: the case is closed", "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>/guarantee", methods=["POST"])
@roles(OFFICER, MANAGER)
def guarantee(case_id: int):
    """A no-offer case: the officer records the September Guarantee status, as a school does."""
    case = _load(case_id)
    if not _is_no_offer(case):
        abort(404)
    form = GuaranteeForm(prefix="guarantee", groups=_guarantee_groups())
    if _refused(case, form, form.status):
        return _case_page(case, guarantee_form=form)
    try:
        closed = record_officer_guarantee(case, form.status.data, form.provider_name.data or None,
                                          form.offer_date.data, form.version.data, current_user.id)
    except StaleCaseError:
        return _stale_closing(case_id, "guarantee", form)
    words = guarantee_words(form.status.data)
    if closed:
        flash(f"September Guarantee status recorded: {words}. The case is closed and has left the queue", "success")
        return redirect(url_for("cases.queue"))
    flash(f"September Guarantee status recorded: {words}. The case stays open: they have no offer yet", "success")
    return redirect(url_for("cases.show", case_id=case.id))
