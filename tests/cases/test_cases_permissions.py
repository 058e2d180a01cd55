"""Who may use the case pages: staff officers and managers; schools and strangers are refused."""
import pytest
from sqlalchemy import select

from tep_app.models import Case
from tests.support.cases_support import open_case


@pytest.fixture
def case(make, db):
    found = open_case(make, db, officer=make.staff("officer"))
    db.session.commit()
    return found


def _urls(case):
    return [("get", "/cases"), ("get", f"/cases/{case.id}"), ("post", f"/cases/{case.id}/attempts"),
            ("post", f"/cases/{case.id}/activity"), ("get", "/cases/patches"), ("get", "/cases/manage"),
            ("post", "/cases/manage")]


def test_anonymous_is_sent_to_sign_in(client, case):
    for method, url in _urls(case):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url


def test_a_school_session_is_refused(client, case):
    with client.session_transaction() as session:
        session["school_request_id"] = 1
    for method, url in _urls(case):
        assert getattr(client, method)(url).status_code == 403, url


def test_an_admin_is_refused(client, login, db, case):
    login("admin")
    db.session.commit()  # a refused request rolls back what it has not committed
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_an_officer_cannot_manage_patches_or_reassign(client, login, make, db, case):
    login("officer")
    other = make.staff("officer")
    db.session.commit()
    assert client.get("/cases/patches").status_code == 403
    assert client.post("/cases/patches", data={"area": "school"}).status_code == 403
    response = client.post("/cases/manage", data={"officer_id": str(other.id), "case_ids": [str(case.id)]})
    assert response.status_code == 403
    assert client.get("/cases").status_code == 200


def test_an_officer_sees_only_their_own_queue(pages, login, make, db, case):
    me = login("officer")
    mine = open_case(make, db, officer=me)
    page = pages.get(f"/cases?officer={case.officer_id}").page
    assert [a["href"] for a in page.select("#case-table tbody a")] == [f"/cases/{mine.id}"]
    assert page.select_one("#officer") is None
    assert db.session.scalar(select(Case.officer_id).where(Case.id == case.id)) != me.id
