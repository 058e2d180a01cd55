"""Recording that a young person moved away, when a colleague saved the case first or it is closed:
the case page again, with the officer's choice kept and what stops the save said."""
from sqlalchemy import select

from tep_app.models import Case
from tep_app.services.cases import STALE_MESSAGE, AttemptInput, get_case, record_attempt
from tests.cases.test_cases_casework import errors_of, seeded_case


def test_a_stale_move_is_refused_and_keeps_the_choice(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    opened_version = case.version
    record_attempt(get_case(case.id), AttemptInput("phone", "07700900001", "no_answer", None, None),
                   opened_version, make.staff("officer").id)
    db.session.commit()

    page = pages.post(f"/cases/{case.id}/moved", {"moved-moved": "other_la", "moved-moved_to": "Lancashire",
                                                   "moved-version": str(opened_version)}).page

    assert errors_of(page) == [STALE_MESSAGE]
    assert page.select_one("#moved-moved_to")["value"] == "Lancashire"
    assert page.select_one('input[name="moved-version"]')["value"] != str(opened_version)
    assert db.session.scalar(select(Case.status).where(Case.id == case.id)) == "open"


def test_a_closed_case_cannot_be_moved_away(pages, login, make, db):
    login("officer")
    case, _ = seeded_case(make, db)
    case.status = "closed"
    db.session.commit()

    page = pages.post(f"/cases/{case.id}/moved", {"moved-moved": "other_la",
                                                   "moved-version": str(case.version)}).page

    assert errors_of(page) == ["This case is closed"]
