"""The error page is the service's own even when the failure left the database session broken (a
write refused at flush expires everything loaded, the signed-in user too)."""
import pytest

from tep_app import create_app
from tep_app.auth.roles import STAFF, roles
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
