"""The error page is the service's own even when the failure left the database session broken (a
write refused at flush expires everything loaded, the signed-in user too)."""
import io

import pytest

from tep_app import create_app
from tep_app.auth.roles import STAFF, roles
from tep_app.main import errors
from tep_app.models import AuditEvent


@pytest.fixture
def failing_app(app, db):
    """The app with one more page, whose write the database refuses (a NOT NULL column left empty)."""
    fresh = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       PROPAGATE_EXCEPTIONS=False)

    @roles(*STAFF)
    def refused_write():
        db.session.add(AuditEvent(actor_type="staff", action=None))
        db.session.flush()
        return "saved"

    fresh.add_url_rule("/refused-write", "refused_write", refused_write, methods=["POST"])
    return fresh


def test_a_write_the_database_refuses_is_the_services_own_error_page(failing_app, db, make):
    from tep_app.auth.sessions import STAFF_KEY, record_session

    user = make.staff(role="officer")
    client = failing_app.test_client()
    with failing_app.app_context():
        with client.session_transaction() as session:
            session.update({"_user_id": user.get_id(), "_fresh": True,
                            STAFF_KEY: record_session("staff", staff_user_id=user.id)})
        db.session.commit()
        response = client.post("/refused-write")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service – TEP Follow-up</title>" in response.get_data(as_text=True)


class _Counted(io.BytesIO):
    """A request body that remembers how much of it was read."""


@pytest.mark.parametrize("extra", [100, 1024 * 1024])
def test_a_body_past_the_limit_is_read_to_its_end_before_the_services_page_answers(app, extra):
    """nginx passes a body just past the limit on: the app reads it all before it answers, so the
    connection is not closed under the proxy (which would then show its own 502)."""
    size = app.config["MAX_CONTENT_LENGTH"] + extra
    body = _Counted(b"email=" + b"a" * (size - 6))
    response = app.test_client().post("/sign-in", input_stream=body, content_length=size,
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "The file is too large – TEP Follow-up" in response.get_data(as_text=True)
    assert body.tell() == size


def test_a_body_far_past_what_a_proxy_passes_is_not_read(app, monkeypatch):
    size = app.config["MAX_CONTENT_LENGTH"] + 100
    monkeypatch.setattr(errors, "DRAIN_MOST", size - 1)  # more than any proxy in front would pass on
    body = _Counted(b"email=" + b"a" * (size - 6))
    response = app.test_client().post("/sign-in", input_stream=body, content_length=size,
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert body.tell() == 0
