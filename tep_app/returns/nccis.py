"""The monthly NCCIS return's pages, for managers and admins: the months with a month-end snapshot,
and a month's error report (each error linked to the young person's page) with the download of its
XML. The page names young people and the file holds their personal data: both are audited."""
import logging
import tempfile

from flask import abort, flash, redirect, render_template, send_file, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.dates import month_and_year
from tep_app.forms import BaseForm
from tep_app.pagination import Page, requested_page
from tep_app.returns.blueprint import bp
from tep_app.services.audit import record_audit
from tep_app.services.returns import nccis_xml
from tep_app.services.returns.nccis_errors import counts_by_rule

logger = logging.getLogger(__name__)


class DownloadForm(BaseForm):
    submit = SubmitField("Download the return (XML)", widget=GovSubmitInput())


def _snapshot_or_404(month: str):
    try:
        return nccis_xml.snapshot_for_month(month)
    except nccis_xml.MonthRefused:
        abort(404)


@bp.get("/nccis", endpoint="nccis")
@roles(MANAGER, ADMIN)
def nccis_months():
    """Each month with a month-end snapshot, newest first: counts only, nobody named."""
    months = [(nccis_xml.month_of(snapshot), month_and_year(snapshot.as_of), snapshot)
              for snapshot in nccis_xml.month_snapshots()]
    return render_template("returns/nccis_months.html", months=months)


@bp.get("/nccis/<month>", endpoint="nccis_month")
@roles(MANAGER, ADMIN)
def nccis_month(month: str):
    """The month's error report, a page of errors at a time, and the download."""
    snapshot = _snapshot_or_404(month)
    nccis = nccis_xml.build_return(snapshot)
    page = Page.of(requested_page(), len(nccis.errors))
    errors = page.rows(nccis.errors)
    record_audit("view", "nccis_return", snapshot.id, after={
        "month": month, "errors": len(nccis.errors), "page": page.number,
        "young_person_ids": sorted({error.young_person_id for error in errors if error.young_person_id})})
    return render_template("returns/nccis_month.html", month=month, period=month_and_year(snapshot.as_of),
                           nccis=nccis, rules=counts_by_rule(nccis.errors), errors=errors, page=page,
                           pager=page.links("returns.nccis_month", month=month), form=DownloadForm())


@bp.post("/nccis/<month>/download", endpoint="nccis_download")
@roles(MANAGER, ADMIN)
def nccis_download(month: str):
    """The return's XML, checked against the XSD first: the file every young person is in (audited)."""
    snapshot = _snapshot_or_404(month)
    if not DownloadForm().validate_on_submit():
        abort(400)
    nccis = nccis_xml.build_return(snapshot)
    file = tempfile.TemporaryFile()  # noqa: SIM115 (send_file closes it once the response is sent)
    nccis_xml.write_xml(nccis, file)
    failures = nccis_xml.validate_xml(file)
    if failures:
        file.close()
        logger.error("nccis return off its XSD", extra={"month": month, "failure": failures[0]})
        flash(f"The file was not made: it does not follow the return's XSD ({failures[0]})", "info")
        return redirect(url_for("returns.nccis_month", month=month))
    file.seek(0)
    record_audit("export", "nccis_return", snapshot.id, after={"month": month, "rows": len(nccis.records),
                                                               "errors": len(nccis.errors)})
    logger.info("export nccis return %s", month, extra={"rows": len(nccis.records), "export": "nccis"})
    return send_file(file, mimetype="application/xml", as_attachment=True, download_name=f"nccis-{month}.xml")
