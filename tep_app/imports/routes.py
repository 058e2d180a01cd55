"""Admin imports: recent batches; upload a file, preview its check, confirm to import it; the report of
an import's warnings."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from tep_app.auth.roles import ADMIN, roles
from tep_app.imports.forms import KIND_NAMES, ConfirmForm, UploadForm
from tep_app.pagination import pagination, requested_page
from tep_app.services.audit import record_audit
from tep_app.services.calendar import year_label
from tep_app.services.imports import ImportFailed, check_file, import_file, list_warnings, report, uploads
from tep_app.spreadsheets.tables import XLSX_MIMETYPE, write_table

bp = Blueprint("imports", __name__, url_prefix="/admin/imports")

SHORT_KIND_NAMES = {"establishments": "Establishments", "leavers": "Leavers", "roll": "Roll",
              "enrolments": "Enrolments", "offers": "Offers"}
MAX_UPLOAD_BYTES = 40 * 1024 * 1024


@bp.get("/")
@roles(ADMIN)
def index():
    page = requested_page()
    batches, pages = uploads.list_import_batches(page)
    return render_template("imports/index.html", batches=batches, kinds=SHORT_KIND_NAMES, year_label=year_label,
                           pages=pagination(page, pages, "imports.index"))


@bp.route("/new", methods=["GET", "POST"])
@roles(ADMIN)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        if len(data) > MAX_UPLOAD_BYTES:
            form.file.errors.append(f"The selected file must be smaller than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
        else:
            filename = form.file.data.filename or "upload"
            result = check_file(form.kind.data, data, filename, form.academic_year.data)
            saved = uploads.save_upload(data, filename, form.academic_year.data, current_user.id, result)
            report.save_upload_warnings(saved.id, result.warnings)
            return redirect(url_for("imports.preview", upload_id=saved.id))
    return render_template("imports/upload.html", form=form)


def _error_list(upload) -> list[dict]:
    shown = upload.problems[:5]
    items = [{"text": str(problem), "href": "#problems"} for problem in shown]
    if len(upload.problems) > len(shown):
        items.append({"text": f"…and {len(upload.problems) - len(shown):,} more problems", "href": "#problems"})
    return items


@bp.get("/<upload_id>")
@roles(ADMIN)
def preview(upload_id):
    upload = uploads.get_upload(upload_id) or abort(404)
    record_audit("view", "import_preview", upload_id, after={"kind": upload.kind, "rows": upload.row_count})
    return render_template("imports/preview.html", upload=upload, kind_name=KIND_NAMES[upload.kind],
                           year_label=year_label, form=ConfirmForm(formdata=None),
                           warnings=report.get_upload_warnings(upload_id),
                           error_list=_error_list(upload) if upload.problems else None)


@bp.post("/<upload_id>/confirm")
@roles(ADMIN)
def confirm(upload_id):
    form = ConfirmForm()
    upload = uploads.get_upload(upload_id)
    if not form.validate_on_submit() or upload is None or not upload.ok:
        flash("That upload cannot be imported: it has already been imported, has problems, or has expired. "
              "Upload the file again.", "error")
        return redirect(url_for("imports.upload"))
    data = uploads.claim_upload(upload_id)
    if data is None:
        flash("That file has already been imported. Nothing more was changed.", "error")
        return redirect(url_for("imports.index"))
    try:
        batch = import_file(upload.kind, data, upload.filename, upload.academic_year, user_id=current_user.id)
    except ImportFailed as error:
        uploads.finish_upload(upload_id, imported=False)
        uploads.record_problems(upload_id, error.problems)
        report.save_upload_warnings(upload_id, error.warnings)
        return redirect(url_for("imports.preview", upload_id=upload_id))
    uploads.finish_upload(upload_id, imported=True)
    report.forget_upload_warnings(upload_id)
    flash(batch.summary, "success")
    if batch.warning_count:
        return redirect(url_for("imports.batch_report", batch_id=batch.id))
    return redirect(url_for("imports.index"))


@bp.get("/<upload_id>/problems.xlsx")
@roles(ADMIN)
def problems_report(upload_id):
    upload = uploads.get_upload(upload_id) or abort(404)
    content = write_table(["Row", "Column", "Problem"],
                          ([p.row, p.column, p.message] for p in upload.problems), title="Problems")
    name = f"problems-{upload.kind}.xlsx"
    record_audit("export", "import_problems", upload_id, after={"kind": upload.kind, "rows": len(upload.problems)})
    return send_file(BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


@bp.get("/<upload_id>/warnings.xlsx")
@roles(ADMIN)
def upload_warnings(upload_id):
    upload = uploads.get_upload(upload_id) or abort(404)
    warnings = report.get_upload_warnings(upload_id)
    record_audit("export", "import_warnings", upload_id, after={"kind": upload.kind, "rows": len(warnings)})
    return send_file(BytesIO(report.warnings_workbook(warnings)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"warnings-{upload.kind}.xlsx")


@bp.get("/batches/<int:batch_id>")
@roles(ADMIN)
def batch_report(batch_id):
    batch, who = report.get_batch(batch_id) or abort(404)
    warnings = list_warnings(batch.id)
    record_audit("view", "import_report", batch.id, after={"kind": batch.kind, "warnings": len(warnings)})
    return render_template("imports/report.html", batch=batch, who=who, kind_name=KIND_NAMES[batch.kind],
                           year_label=year_label, warnings=warnings)


@bp.get("/batches/<int:batch_id>/warnings.xlsx")
@roles(ADMIN)
def batch_warnings(batch_id):
    batch, _who = report.get_batch(batch_id) or abort(404)
    warnings = list_warnings(batch.id)
    record_audit("export", "import_warnings", batch.id, after={"kind": batch.kind, "rows": len(warnings)})
    return send_file(BytesIO(report.warnings_workbook(warnings)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"warnings-{batch.kind}-{batch.id}.xlsx")
