"""Managers' pages: patches (who works which school or district) and reassigning cases."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tep_app import clock
from tep_app.auth.roles import MANAGER, roles
from tep_app.cases.blueprint import bp
from tep_app.cases.forms import PatchForm, QueueFilterForm, ReassignForm
from tep_app.extensions import db
from tep_app.forms import choices, offered_or_404
from tep_app.models import District, Establishment
from tep_app.pagination import pagination, requested_page
from tep_app.services.audit import record_audit
from tep_app.services.cases import (
    PatchError,
    QueueFilters,
    list_officers,
    list_patches,
    list_queue,
    patch_labels,
    reassign_cases,
    remove_patch,
    set_patch,
)
from tep_app.services.cases.queue import filter_options
from tep_app.validation import optional_id


def _patch_form(formdata=None) -> PatchForm:
    form = PatchForm(formdata=formdata)
    schools = db.session.execute(select(Establishment.id, Establishment.name)
                                 .where(Establishment.type.in_(("school", "special", "independent")))
                                 .order_by(Establishment.name)).all()
    districts = db.session.execute(select(District.id, District.name).order_by(District.name)).all()
    form.establishment_id.choices = choices([(None, "Choose a school"), *schools])
    form.district_id.choices = choices([(None, "Choose a district"), *districts])
    form.officer_id.choices = choices([(None, "Choose an officer")] + [(o.id, o.name) for o in list_officers()])
    return form


def _patches_page(form):
    patches = list_patches()
    return render_template("cases/patches.html", form=form, patches=patches, labels=patch_labels(patches))


@bp.route("/patches", methods=["GET", "POST"])
@roles(MANAGER)
def patches():
    form = _patch_form(request.form if request.method == "POST" else None)
    if request.method == "GET" or not form.validate():
        return _patches_page(form)
    school = form.establishment_id.data if form.area.data == "school" else None
    district = form.district_id.data if form.area.data == "district" else None
    try:
        patch, moved = set_patch(form.officer_id.data, school, district, bool(form.move_open_cases.data))
    except PatchError as error:
        getattr(form, error.field, form.officer_id).errors = [str(error)]
        return _patches_page(form)
    label = patch_labels([patch])[patch.id]
    moved_text = f"; {moved} open {'case' if moved == 1 else 'cases'} moved" if moved else ""
    flash(f"{label} is now {patch.officer.name}'s patch{moved_text}", "success")
    return redirect(url_for("cases.patches"))


@bp.route("/patches/<int:patch_id>/remove", methods=["POST"])
@roles(MANAGER)
def remove(patch_id: int):
    if remove_patch(patch_id):
        flash("Patch removed. New cases from that area go to the officer with the fewest open cases", "success")
    return redirect(url_for("cases.patches"))


@bp.route("/manage", methods=["GET", "POST"])
@roles(MANAGER)
def manage():
    officers = list_officers()
    filters_form = QueueFilterForm(formdata=request.args, prefix="f")
    filters_form.set_choices(filter_options(), officers, True)
    filters_form.validate()
    offered_or_404(filters_form.school, filters_form.district, filters_form.year_group, filters_form.officer)
    form = ReassignForm(formdata=request.form if request.method == "POST" else None)
    form.officer_id.choices = choices([(None, "Choose an officer")] + [(o.id, o.name) for o in officers])
    error_list = None
    if request.method == "POST" and form.validate():
        case_ids = [n for n in map(optional_id, request.form.getlist("case_ids")) if n is not None]
        if case_ids:
            moved = reassign_cases(case_ids, form.officer_id.data, current_user.id)
            flash(f"{moved} {'case' if moved == 1 else 'cases'} reassigned", "success")
            return redirect(request.full_path.rstrip("?"))
        error_list = [{"text": "Select at least one case to reassign", "href": "#case-table"}]
    filters = QueueFilters(
        officer_id=filters_form.officer.data, establishment_id=filters_form.school.data,
        district_id=filters_form.district.data, year_group=filters_form.year_group.data,
        follow_up_due=bool(filters_form.follow_up_due.data), search=filters_form.q.data or "",
        page=requested_page(),
    )
    result = list_queue(filters, clock.today())
    args = {key: value for key, value in request.args.items() if key != "page"}
    record_audit("view", "case_manage", None, after={"query": args, "page": result.page})
    return render_template("cases/manage.html", form=form, filters_form=filters_form, result=result,
                           error_list=error_list, pager=pagination(result.page, result.pages, "cases.manage", **args))
