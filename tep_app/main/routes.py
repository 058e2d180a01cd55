"""Home, the privacy notice, health check and the GOV.UK Frontend assets installed from npm."""
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text

from tep_app.auth.roles import ADMIN, MANAGER, OFFICER, PUBLIC, roles
from tep_app.extensions import db

bp = Blueprint("main", __name__)

HOME_BY_ROLE = {OFFICER: "cases.queue", MANAGER: "dashboard.index", ADMIN: "imports.index"}


@bp.get("/")
@roles(PUBLIC)
def index():
    if current_user.is_authenticated:
        endpoint = HOME_BY_ROLE.get(current_user.role)
        if endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
        return render_template("main/home.html")
    return redirect(url_for("auth.login"))


@bp.get("/privacy")
@roles(PUBLIC)
def privacy():
    """The privacy notice: what the service holds, why, for how long, and how to ask for it."""
    return render_template("main/privacy.html")


@bp.get("/healthz")
@roles(PUBLIC)
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.get("/assets/<path:filename>")
@roles(PUBLIC)
def assets(filename: str):
    directory = Path(current_app.config["ASSETS_DIR"])
    if filename in ("govuk-frontend.min.css", "govuk-frontend.min.js", "govuk-frontend.min.css.map",
                    "govuk-frontend.min.js.map"):
        return send_from_directory(directory, filename, max_age=3600)
    if not (directory / "assets").is_dir():
        abort(404)
    return send_from_directory(directory / "assets", filename, max_age=86400)
