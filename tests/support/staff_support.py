"""A staff member's own browser session, for tests where several people use the service at once."""


def staff_client(app, user):
    """A test client signed in as `user`, with the session recorded as sign-in records it."""
    from tep_app.auth.sessions import STAFF_KEY, record_session
    from tep_app.extensions import db

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[STAFF_KEY] = record_session("staff", staff_user_id=user.id)
    db.session.commit()  # to the test's savepoint: a refused request's rollback keeps the session
    return client
