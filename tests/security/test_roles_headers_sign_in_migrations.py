"""The application's own rules: every route declares its role, headers, sign-in, migrations."""
from flask_migrate import check as migrate_check  # noqa: F401

from tests.support.factories import TEST_PASSWORD


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        endpoint for endpoint, view in app.view_functions.items()
        if not getattr(view, "allowed_roles", None)
    ]
    assert undeclared == []


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_staff_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_sign_in_with_the_right_password(pages, make):
    user = make.staff(role="manager")
    response = pages.post("/sign-in?next=/healthz", data={"email": user.email, "password": TEST_PASSWORD}, status=302)
    assert response.headers["Location"] == "/healthz"


def test_sign_in_refuses_an_off_site_next(pages, make):
    user = make.staff(role="manager")
    response = pages.post("/sign-in?next=//evil.example/", data={"email": user.email, "password": TEST_PASSWORD},
                          status=302)
    assert response.headers["Location"] == "/"


def test_a_wrong_password_gets_a_clear_message_and_five_refuse_that_address(pages, make, db):
    user = make.staff()
    page = pages.post("/sign-in", data={"email": user.email, "password": "wrong"}).page
    assert "Enter a correct email address and password" in page.select_one(".govuk-error-summary").text
    for _ in range(4):
        pages.post("/sign-in", data={"email": user.email, "password": "wrong"})
    locked = pages.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).page
    unknown = pages.post("/sign-in", data={"email": "nobody@tep.example", "password": TEST_PASSWORD}).page
    # The right password no longer opens the account from this address, and the answer is the one an
    # unknown email gets.
    assert locked.select_one(".govuk-error-summary").text == unknown.select_one(".govuk-error-summary").text
    assert "Enter a correct email address and password" in locked.select_one(".govuk-error-summary").text
    assert "locked" not in locked.select_one(".govuk-error-summary").text


def test_an_empty_sign_in_form_names_both_fields(pages):
    page = pages.post("/sign-in", data={}).page
    errors = [a.text for a in page.select(".govuk-error-summary a")]
    assert errors == ["Enter your email address", "Enter your password"]


def test_the_models_and_the_migrations_agree(app):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from tep_app.extensions import db
    from tep_app.models.base import in_database

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": in_database(connection.dialect.name)})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_reference_codes_are_seeded(db):
    from tep_app.models import ActivityCode, GuaranteeStatus

    assert db.session.get(ActivityCode, "810").is_not_known
    assert db.session.get(ActivityCode, "619").needs_neet_start
    assert db.session.get(GuaranteeStatus, "114").is_offer
    assert not db.session.get(GuaranteeStatus, "159").is_offer
