"""The application factory: create_app builds the app from its configuration.

The pages (the blueprints, their forms and services, the templates' helpers, the request hooks) are
imported when an app that serves them is built: `flask tep ...` and `flask db ...` build the app
without them (create_cli_app), and start in a fraction of the time."""
import functools
import os
import sys

import click
from flask import Flask, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, get_config
from tep_app.cli import tep
from tep_app.clock import offset_for
from tep_app.extensions import configure_sqlite, csrf, db, init_migrations, limiter, login_manager
from tep_app.logging_setup import configure_logging

# `flask` commands that never serve a page: the app they build leaves the pages out.
COMMANDS_WITHOUT_PAGES = frozenset({"tep", "db"})
# The `flask` command's own options that take a value (before the command's name).
_FLASK_OPTIONS_WITH_VALUES = frozenset({"-e", "--env-file", "-A", "--app"})


def blueprints() -> tuple:
    """The blueprints, registered in this order."""
    from tep_app.admin import routes as admin_routes  # noqa: PLC0415 -- the pages only for an app that serves them
    from tep_app.auth import routes as auth_routes  # noqa: PLC0415 -- likewise
    from tep_app.cases import routes as cases_routes  # noqa: PLC0415 -- likewise
    from tep_app.dashboard import routes as dashboard_routes  # noqa: PLC0415 -- likewise
    from tep_app.imports import routes as imports_routes  # noqa: PLC0415 -- likewise
    from tep_app.main import routes as main_routes  # noqa: PLC0415 -- likewise
    from tep_app.matches import routes as matches_routes  # noqa: PLC0415 -- likewise
    from tep_app.people import routes as people_routes  # noqa: PLC0415 -- likewise
    from tep_app.portal import routes as portal_routes  # noqa: PLC0415 -- likewise
    from tep_app.request_admin import routes as request_admin_routes  # noqa: PLC0415 -- likewise
    from tep_app.returns import routes as returns_routes  # noqa: PLC0415 -- likewise
    from tep_app.schools import routes as schools_routes  # noqa: PLC0415 -- likewise

    return (
        main_routes.bp,
        auth_routes.bp,
        imports_routes.bp,
        matches_routes.bp,
        schools_routes.bp,
        portal_routes.bp,
        cases_routes.bp,
        dashboard_routes.bp,
        request_admin_routes.bp,
        admin_routes.bp,
        people_routes.bp,
        returns_routes.bp,
    )


def create_app(config_name: str | None = None, *, pages: bool = True, **overrides) -> Flask:
    """The app for `config_name` (config.py), with `overrides` on top of its settings; with
    pages=False, an app for commands only: no blueprints, templates' helpers or request hooks."""
    app = Flask("tep_app", template_folder=str(BASE_DIR / "templates"), instance_path=str(BASE_DIR / "instance"))
    app.config.from_object(get_config(config_name))
    app.config.update(overrides)
    register_clock(app)
    register_proxy(app)
    register_logging(app)
    register_extensions(app, pages=pages)
    if pages:
        register_pages(app)
    register_cli(app)
    return app


def create_cli_app() -> Flask:
    """The app the `flask` command builds (FLASK_APP in .flaskenv): without the pages for `flask tep`
    and `flask db`, whole for anything else (`flask run`, `flask routes`, `flask shell`)."""
    return create_app(pages=command_name(sys.argv[1:]) not in COMMANDS_WITHOUT_PAGES)


def command_name(arguments: list[str]) -> str | None:
    """The command `flask` was asked to run: its first argument that is not one of its own options."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in _FLASK_OPTIONS_WITH_VALUES:
            skip = True
        elif not argument.startswith("-"):
            return argument
    return None


def register_pages(app: Flask) -> None:
    """Everything that serves a request."""
    from tep_app.services.staff import load_user  # noqa: PLC0415 -- the pages only for an app that serves them

    login_manager.user_loader(load_user)
    register_templates(app)
    register_inputs(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errors(app)


def register_clock(app: Flask) -> None:
    """`TEP_TODAY=YYYY-MM-DD` starts the app as if on that day (a demo or a rehearsal; never in
    production, where the clock is the real one)."""
    wanted = os.environ.get("TEP_TODAY")
    if wanted and os.environ.get("TEP_ENV", "development") != "production" and "CLOCK_OFFSET" not in app.config:
        app.config["CLOCK_OFFSET"] = offset_for(wanted)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from exactly TEP_PROXY_COUNT proxies, and no more."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_logging(app: Flask) -> None:
    configure_logging(app)


def register_extensions(app: Flask, *, pages: bool = True) -> None:
    """The database, the migrations and the sign-in; for an app that serves pages, the CSRF check and
    the rate limits too. An app for commands serves no request, so it neither checks nor counts
    them, nor opens the rate limits' store (Redis in production, a tenth of a second to load)."""
    db.init_app(app)
    init_migrations(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    if pages:
        csrf.init_app(app)
        limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        (BASE_DIR / "instance").mkdir(exist_ok=True)
        with app.app_context():
            configure_sqlite(db.engine, app)


def register_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers  # noqa: PLC0415 -- the pages only for an app that serves them

    from tep_app.templating import register_template_helpers  # noqa: PLC0415 -- likewise

    WTFormsHelpers(app)
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(BASE_DIR / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    register_template_helpers(app)


def register_inputs(app: Flask) -> None:
    """The input boundary (tep_app/inputs.py): cleaned query strings and forms, bounded URL ids.
    Before the blueprints, whose routes take the converters registered here."""
    from tep_app.inputs import register_inputs as register_input_boundary  # noqa: PLC0415 -- pages only

    register_input_boundary(app)


def register_blueprints(app: Flask) -> None:
    from tep_app.auth.roles import PUBLIC, roles  # noqa: PLC0415 -- the pages only for an app that serves them

    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    # Flask's own static route serves tep_app/static: public, like the GOV.UK assets.
    app.view_functions["static"] = roles(PUBLIC)(app.view_functions["static"])


def register_request_hooks(app: Flask) -> None:
    from tep_app.auth.roles import enforce_roles  # noqa: PLC0415 -- the pages only for an app that serves them
    from tep_app.auth.sessions import ASSET_ENDPOINTS  # noqa: PLC0415 -- likewise
    from tep_app.security import add_security_headers, make_nonce  # noqa: PLC0415 -- likewise

    app.before_request(make_nonce)
    app.before_request(enforce_roles)

    @app.after_request
    def commit_on_success(response):
        # The request boundary commits once: on a 2xx/3xx answer; anything else rolls back.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    app.after_request(add_security_headers)

    @app.after_request
    def no_store_outside_assets(response):
        # Pages, downloads (every spreadsheet holds personal data) and redirects are never cached;
        # only the public assets may be.
        if request.endpoint not in ASSET_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response

    hsts = int(app.config.get("HSTS_SECONDS") or 0)
    if hsts:
        @app.after_request
        def strict_transport_security(response):
            response.headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
            return response


def register_errors(app: Flask) -> None:
    from tep_app.main.errors import register_error_pages  # noqa: PLC0415 -- the pages only for an app that serves them

    register_error_pages(app)


def register_cli(app: Flask) -> None:
    app.cli.add_command(tep)
    if not getattr(tep, "guarded", False):
        tep.invoke = _one_line_on_database_errors(tep.invoke)
        tep.guarded = True


def _one_line_on_database_errors(invoke):
    """A command that loses a race with another (a lock, a conflicting write) exits with a one-line
    reason and status 1, never a traceback."""
    @functools.wraps(invoke)
    def guarded(ctx):
        try:
            return invoke(ctx)
        except (SQLAlchemyError, StaleDataError) as error:
            db.session.rollback()
            detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200]
            if isinstance(error, (IntegrityError, StaleDataError)) or "lock" in detail.lower() \
                    or "serializ" in detail.lower() or "deadlock" in detail.lower():
                message = (f"another command or user was changing the same data at the same time ({detail}). "
                           "Nothing more was changed: run the command again when the other has finished.")
            else:
                message = f"the database refused the command ({detail})"
            click.echo(f"Error: {message}", err=True)
            ctx.exit(1)

    return guarded
