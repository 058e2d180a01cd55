"""The joins between features, followed from a user's action to what the next user sees: a move
out of Kent, a match accepted on review, a Year 12 roll and the summer (no-offer) collection each
change the Not Known or no-offer figure on the dashboard, the Schools pages and the request page
alike, and the case in the officer's queue."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app import extensions
from tep_app.auth.sessions import STAFF_KEY, record_session
from tep_app.models import Activity, Case, ListEntry, MatchResult
from tep_app.services import match_runs
from tep_app.services.cases import open_cases_for_request
from tep_app.services.figures import not_known_by_week, not_known_counts
from tep_app.services.lists import build_lists
from tep_app.services.match_runs import run_matching
from tests.support.cases_support import cases_of
from tests.support.pages import PageChecker
from tests.support.portal_support import make_collection, seed_request, sign_school_in

YEAR = 2022


def _staff(app, make, role: str, **kwargs):
    """A signed-in staff member on a browser of their own: (their pages, the user)."""
    client = app.test_client()
    user = make.staff(role=role, **kwargs)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[STAFF_KEY] = record_session("staff", staff_user_id=user.id)
    extensions.db.session.commit()
    return PageChecker(client), user


def _answer(pages, entry, outcome: str) -> None:
    pages.post(f"/school/young-people/{entry.id}", {
        "outcome": outcome, "provider_name": "", "start_date": ["", "", ""], "phone": "", "parent_phone": "",
        "email": "", "intelligence": "", "version": "0", "save": "Save answer"}, 302)


def _figure(page, name: str) -> int:
    return int(page.select_one(f'[data-figure="{name}"]').get_text(strip=True).replace(",", ""))


def _everywhere(manager, seeded, name: str = "not-known") -> dict[str, int]:
    """The figure as the dashboard, the Schools page, the school's page and its request page show it."""
    school = seeded.establishment
    schools = manager.page(f"/schools/?year={YEAR}&q={school.laestab}")
    return {
        "dashboard": _figure(manager.page(f"/dashboard/?collection={seeded.collection.id}"), name),
        "schools": _figure(schools.select_one(f'tr[data-laestab="{school.laestab}"]'), name),
        "school": _figure(manager.page(f"/schools/{school.laestab}?year={YEAR}").select_one("#school-figures"), name),
        "request": _figure(manager.page(f"/requests/{seeded.request.id}").select_one("#request-summary"), name),
    }


def _queue(officer) -> set[int]:
    page = officer.page("/cases")
    return {int(row["data-case"]) for row in page.select("#case-table tbody tr[data-case]")}


def _seed(app, make, db, kind: str = "leavers", entries: int = 2):
    """A school's list with its young people Not Known and a case open for each, in one officer's queue."""
    officer = _staff(app, make, "officer")
    seeded = seed_request(make, db, entries=entries, collection=make_collection(db, kind, YEAR))
    if kind == "no-offer":  # the June list is of pupils on roll
        for entry in seeded.entries:
            entry.school_record.kind = "roll"
    assert open_cases_for_request(seeded.request) == entries
    db.session.commit()
    return seeded, officer


def test_a_school_answering_moved_to_another_country_leaves_the_figures_and_the_queue(app, db, make, client, pages):
    seeded, (officer, _user) = _seed(app, make, db)
    manager, _ = _staff(app, make, "manager")
    assert _everywhere(manager, seeded) == {"dashboard": 2, "schools": 2, "school": 2, "request": 2}
    assert len(_queue(officer)) == 2

    sign_school_in(client, seeded)
    _answer(pages, seeded.entries[0], "moved:abroad")
    pages.post("/school/submit", {}, 302)

    assert _everywhere(manager, seeded) == {"dashboard": 1, "schools": 1, "school": 1, "request": 1}
    moved = seeded.entries[0].young_person
    [case] = cases_of(db, moved)
    assert (case.status, case.closed_reason) == ("closed", "moved_away")
    assert case.id not in _queue(officer)
    assert len(_queue(officer)) == 1
    dashboard = manager.page(f"/dashboard/?collection={seeded.collection.id}")
    # the cohort shrinks with the move
    assert "of 1 leavers" in " ".join(dashboard.select_one('[data-figure="not-known"]').parent.get_text(" ").split())


def test_an_officer_recording_a_move_leaves_the_figures_and_the_queue(app, db, make):
    seeded, (officer, _user) = _seed(app, make, db)
    manager, _ = _staff(app, make, "manager")
    [case] = cases_of(db, seeded.entries[1].young_person)
    page = officer.page(f"/cases/{case.id}")
    version = page.select_one('#moved-form ~ form input[name="moved-version"]')["value"]

    officer.post(f"/cases/{case.id}/moved", {"moved-moved": "other_la", "moved-moved_to": "Lancashire",
                                             "moved-version": version}, 302)

    assert _everywhere(manager, seeded) == {"dashboard": 1, "schools": 1, "school": 1, "request": 1}
    db.session.refresh(case)
    assert (case.status, case.closed_reason) == ("closed", "moved_away")
    assert case.id not in _queue(officer)


def test_accepting_a_match_in_review_closes_the_case_and_names_who_accepted_it(app, db, make):
    seeded, (officer, _user) = _seed(app, make, db, entries=1)
    person = seeded.entries[0].young_person
    college = make.establishment(type="college", contacts=0, name="Stour Valley College")
    make.enrolment(college, person, YEAR, upn=None, uln=None, surname=person.surname + "e",
                   date_of_birth=person.date_of_birth.replace(day=min(person.date_of_birth.day + 1, 28)),
                   postcode="DA1 1ZZ", row_key="doubtful-row", course="Plumbing")
    run_matching(YEAR)
    db.session.commit()
    pair = db.session.scalar(select(MatchResult).where(
        MatchResult.school_record_id == seeded.entries[0].school_record_id))
    assert pair.outcome == "possible"
    manager, _ = _staff(app, make, "manager")
    admin, reviewer = _staff(app, make, "admin", name="Ada Reviewer")
    [case] = cases_of(db, person)
    assert case.id in _queue(officer)
    assert _everywhere(manager, seeded)["dashboard"] == 1

    admin.post("/admin/matches/decide", {"result_id": pair.id, "decision": "accepted", "year": YEAR,
                                         "kind": "leaver_enrolment"}, 302)

    assert _everywhere(manager, seeded) == {"dashboard": 0, "schools": 0, "school": 0, "request": 0}
    assert case.id not in _queue(officer)
    db.session.refresh(case)
    assert (case.status, case.closed_reason) == ("closed", "match_accepted")
    activity = db.session.get(Activity, case.closing_activity_id)
    assert (activity.code, activity.provider_name) == ("230", "Stour Valley College")
    page = officer.page(f"/cases/{case.id}")
    text = " ".join(page.get_text(" ").split())
    assert "because their match was accepted on review" in text
    timeline = " ".join(page.select_one("#timeline").get_text(" ").split())
    assert "Leaver checked against enrolments: match accepted after review by Ada Reviewer" in timeline
    assert f"Likelihood {pair.score:.0%}" in timeline
    assert "certain" not in timeline


def test_a_leaver_on_a_year_12_roll_is_in_a_sixth_form_in_the_lists_the_figures_and_the_queue(app, db, make):
    seeded, (officer, _user) = _seed(app, make, db)
    stayed, left = (entry.young_person for entry in seeded.entries)
    make.school_record(stayed, seeded.establishment, "roll", YEAR, year_group=12)
    manager, _ = _staff(app, make, "manager")
    [case] = cases_of(db, stayed)
    # the roll alone makes them known in the figures
    assert _everywhere(manager, seeded)["dashboard"] == 1

    run_matching(YEAR)
    db.session.commit()

    [activity] = db.session.scalars(select(Activity).where(Activity.young_person_id == stayed.id)).all()
    assert (activity.code, activity.source, activity.provider_id) == ("210", "school roll", seeded.establishment.id)
    db.session.refresh(case)
    assert (case.status, case.closed_reason, case.closing_activity_id) == ("closed", "school_roll", activity.id)
    assert case.id not in _queue(officer)
    assert _everywhere(manager, seeded) == {"dashboard": 1, "schools": 1, "school": 1, "request": 1}
    assert [c.status for c in cases_of(db, left)] == ["open"]
    # running matching again records nothing twice
    run_matching(YEAR)
    assert db.session.scalar(select(Activity.id).where(Activity.young_person_id == stayed.id,
                                                      Activity.id != activity.id)) is None


def test_a_year_12_roll_keeps_a_leaver_off_a_newly_built_list(db, make):
    school = make.establishment()
    stayed, left = make.young_person(), make.young_person()
    for person in (stayed, left):
        make.school_record(person, school, "leaver", YEAR, year_group=11)
    make.school_record(stayed, make.establishment(), "roll", YEAR, year_group=12)  # any school's sixth form
    collection = build_lists("leavers", YEAR)
    listed = set(db.session.scalars(select(ListEntry.young_person_id).where(ListEntry.collection_id == collection.id)))
    assert listed == {left.id}


def test_the_no_offer_figure_agrees_everywhere_and_falls_when_an_officer_records_a_status(app, db, make, client,
                                                                                          pages):
    seeded, (officer, _user) = _seed(app, make, db, kind="no-offer", entries=3)
    manager, _ = _staff(app, make, "manager")
    assert _everywhere(manager, seeded, "no-offer") == {"dashboard": 3, "schools": 3, "school": 3, "request": 3}
    first, second, third = (cases_of(db, entry.young_person)[0] for entry in seeded.entries)

    # the officer records "no offer yet": kept, the case stays open
    page = officer.page(f"/cases/{first.id}")
    form = page.select_one("#guarantee-form ~ form")
    assert form is not None
    version = form.select_one('input[name="guarantee-version"]')["value"]
    officer.post(f"/cases/{first.id}/guarantee", {"guarantee-status": "151", "guarantee-version": version}, 302)
    db.session.refresh(first)
    assert first.status == "open"
    assert _everywhere(manager, seeded, "no-offer")["dashboard"] == 3

    # an offer, with its provider and date, closes the case and lowers the figure
    version = officer.page(f"/cases/{first.id}").select_one('input[name="guarantee-version"]')["value"]
    response = officer.post(f"/cases/{first.id}/guarantee", {
        "guarantee-status": "110", "guarantee-provider_name": "Mid Kent College",
        "guarantee-offer_date": ["14", "5", "2023"], "guarantee-version": version}, 302)
    assert response.headers["Location"].endswith("/cases")
    assert _everywhere(manager, seeded, "no-offer") == {"dashboard": 2, "schools": 2, "school": 2, "request": 2}
    db.session.refresh(first)
    assert (first.status, first.closed_reason) == ("closed", "officer_guarantee")
    assert first.id not in _queue(officer)
    text = " ".join(officer.page(f"/cases/{first.id}").get_text(" ").split())
    assert "because an officer recorded their September Guarantee status" in text
    timeline = " ".join(officer.page(f"/cases/{first.id}").select_one("#timeline").get_text(" ").split())
    assert "September Guarantee status recorded: Offer made (110)" in timeline
    assert "Mid Kent College; offer made on 14 May 2023" in timeline
    assert "September Guarantee status recorded: No offer: has not applied (151)" in timeline

    # the school's answer on its June list does the same, and says so
    sign_school_in(client, seeded)
    _answer(pages, seeded.entries[1], "sg:114")
    pages.post("/school/submit", {}, 302)
    assert _everywhere(manager, seeded, "no-offer") == {"dashboard": 1, "schools": 1, "school": 1, "request": 1}
    db.session.refresh(second)
    assert (second.status, second.closed_reason) == ("closed", "school_guarantee")
    text = " ".join(officer.page(f"/cases/{second.id}").get_text(" ").split())
    assert "because their school told us their September Guarantee status" in text
    assert "their school told us their destination" not in text
    assert _queue(officer) == {third.id}
    # and the manager's export by school says the same
    export = manager.get(f"/dashboard/export?table=no-offer&collection={seeded.collection.id}")
    rows = list(load_workbook(BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows == [("School", "On the no-offer list", "No offer yet"), (seeded.establishment.name, 3, 1)]


def test_an_officer_cannot_record_a_guarantee_status_on_a_leavers_case(app, db, make):
    seeded, (officer, _user) = _seed(app, make, db, entries=1)
    [case] = cases_of(db, seeded.entries[0].young_person)
    page = officer.page(f"/cases/{case.id}")
    assert page.select_one("#guarantee-form") is None
    officer.post(f"/cases/{case.id}/guarantee", {"guarantee-status": "110", "guarantee-version": "1"}, 404)
    assert db.session.get(Case, case.id).status == "open"


def test_the_week_by_week_series_agrees_with_the_figures_across_moves_and_a_year_12_roll(db, make):
    school = make.establishment()
    not_known, moved_not_known, moved_known, on_roll = people = [make.young_person() for _ in range(4)]
    for person in people:
        make.school_record(person, school, "leaver", YEAR)
    make.school_record(on_roll, school, "roll", YEAR, year_group=12)
    db.session.add(Activity(young_person_id=moved_known.id, code="330", ascertained_on=date(2022, 10, 3),
                            due_to_lapse_on=date(2023, 10, 3), source="officer"))
    moved_not_known.moved, moved_not_known.moved_on = "abroad", date(2022, 11, 9)
    moved_known.moved, moved_known.moved_on = "other_la", date(2022, 11, 16)
    db.session.flush()
    today = date(2022, 11, 30)

    series = not_known_by_week(YEAR, weeks=5, today=today)

    assert [count for _start, count in series] == [2, 1, 1, 1, 1]
    for start, count in series:
        [row] = not_known_counts(YEAR, as_at=min(start + timedelta(days=6), today))
        assert row.not_known == count
    [row] = not_known_counts(YEAR, as_at=today)
    assert (row.cohort, row.not_known, row.neet) == (2, 1, 0)  # the two who moved have left the cohort


@pytest.mark.parametrize("in_children", [False, True], ids=["in this process", "in children"])
def test_a_certain_match_found_by_a_later_run_closes_the_case_it_makes_known(app, db, make, monkeypatch, in_children):
    if in_children:  # as a refresh of a county matches: each job in its own process
        monkeypatch.setattr(match_runs, "PARALLEL_THRESHOLD", 0)
        monkeypatch.setattr(match_runs, "_workers", lambda: 2)
    seeded, (officer, _user) = _seed(app, make, db, entries=2)
    found, still = (entry.young_person for entry in seeded.entries)
    college = make.establishment(type="college", contacts=0, name="Mid Kent College")
    make.enrolment(college, found, YEAR, upn=found.upn, uln=found.uln, forename=found.forename,
                   surname=found.surname, date_of_birth=found.date_of_birth, postcode=found.postcode,
                   row_key="late-return-row", course="Motor vehicle")
    manager, _ = _staff(app, make, "manager")

    run_matching(YEAR)
    db.session.commit()

    [case] = cases_of(db, found)
    assert (case.status, case.closed_reason) == ("closed", "match_found")
    activity = db.session.get(Activity, case.closing_activity_id)
    assert (activity.code, activity.provider_name, activity.source) == ("230", "Mid Kent College", "enrolment return")
    assert case.id not in _queue(officer)
    assert _everywhere(manager, seeded) == {"dashboard": 1, "schools": 1, "school": 1, "request": 1}
    assert [c.status for c in cases_of(db, still)] == ["open"]
    text = " ".join(officer.page(f"/cases/{case.id}").get_text(" ").split())
    assert "because matching found their enrolment" in text
