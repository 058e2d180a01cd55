"""The officer's queue: priority order, filters, search, pagination, the count, and who sees what."""
from datetime import date, timedelta

from sqlalchemy import event

from tep_app import clock
from tep_app.models import Activity
from tests.support.cases_support import open_case


def names(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("#case-table tbody a")]


def test_queue_order_follow_ups_then_vulnerable_then_letter_then_longest_not_known(pages, login, make, db):
    officer = login("officer")
    today = clock.today()
    plain_old = open_case(make, db, officer=officer, not_known_since=date(2022, 8, 1))
    plain_new = open_case(make, db, officer=officer, not_known_since=date(2022, 10, 1))
    ehcp = open_case(make, db, officer=officer, person=make.young_person(ehcp=True), not_known_since=date(2022, 10, 5))
    neet_person = make.young_person()
    db.session.add(Activity(young_person_id=neet_person.id, code="619", ascertained_on=date(2021, 10, 1),
                            source="officer", neet_start_date=date(2021, 9, 1)))
    neet = open_case(make, db, officer=officer, person=neet_person, not_known_since=date(2022, 10, 9))
    letter = open_case(make, db, officer=officer, needs_letter_or_visit=True, not_known_since=date(2022, 10, 10))
    due = open_case(make, db, officer=officer, next_follow_up_on=today, not_known_since=date(2022, 10, 20))
    overdue = open_case(make, db, officer=officer, next_follow_up_on=today - timedelta(days=3),
                        not_known_since=date(2022, 10, 21))
    later = open_case(make, db, officer=officer, next_follow_up_on=today + timedelta(days=3),
                      not_known_since=date(2022, 7, 1))
    open_case(make, db, officer=make.staff("officer"))  # someone else's
    open_case(make, db, officer=officer, status="closed")

    page = pages.get("/cases").page

    expected = [due, overdue, ehcp, neet, letter, later, plain_old, plain_new]
    expected[:2] = sorted(expected[:2], key=lambda c: c.not_known_since)
    assert names(page) == [c.young_person.display_name for c in expected]
    assert page.select_one("#case-count").get_text(strip=True) == "8 open cases"
    assert page.title.get_text().startswith("My cases")
    row = page.select_one(f"[data-case='{neet.id}']").get_text(" ", strip=True)
    assert "NEET before" in row
    assert "Follow-up due" in page.select_one(f"[data-case='{overdue.id}']").get_text(" ", strip=True)
    assert "Letter or visit" in page.select_one(f"[data-case='{letter.id}']").get_text(" ", strip=True)


def test_filters_and_search(pages, login, make, db):
    officer = login("officer")
    district = make.district("Thanet")
    margate = make.establishment(name="Margate Academy", district_id=district.id)
    other = make.establishment(name="Dover School")
    amelia = open_case(make, db, officer=officer, school=margate, year_group=12,
                       person=make.young_person(forename="Amelia", surname="Okafor"))
    open_case(make, db, officer=officer, school=other, year_group=11,
              person=make.young_person(forename="Ben", surname="Clarke"))
    due = open_case(make, db, officer=officer, school=other, next_follow_up_on=clock.today(),
                    person=make.young_person(forename="Cara", surname="Doyle"))
    closed = open_case(make, db, officer=officer, school=other, status="closed",
                       person=make.young_person(forename="Dan", surname="Evans"))

    assert names(pages.get(f"/cases?school={margate.id}").page) == ["Amelia Okafor"]
    assert names(pages.get(f"/cases?district={district.id}").page) == ["Amelia Okafor"]
    assert names(pages.get("/cases?year_group=12").page) == ["Amelia Okafor"]
    assert names(pages.get("/cases?follow_up_due=y").page) == ["Cara Doyle"]
    assert names(pages.get("/cases?status=closed").page) == ["Dan Evans"]
    page = pages.get("/cases?status=closed").page
    assert page.select_one("#case-count").get_text(strip=True) == "1 closed case"
    assert names(pages.get("/cases?q=okaf").page) == ["Amelia Okafor"]
    assert names(pages.get("/cases?q=cara+doyle").page) == ["Cara Doyle"]
    assert names(pages.get(f"/cases?q={amelia.young_person.upn.lower()}").page) == ["Amelia Okafor"]
    page = pages.get("/cases?q=nobody").page
    assert names(page) == [] and "No cases match." in page.select_one("#case-table").get_text()
    assert due and closed


def test_pagination_25_a_page(pages, login, make, db):
    officer = login("officer")
    for n in range(27):
        open_case(make, db, officer=officer, not_known_since=date(2022, 1, 1) + timedelta(days=n))
    first = pages.get("/cases").page
    assert len(names(first)) == 25
    assert first.select_one("#case-count").get_text(strip=True) == "27 open cases"
    assert first.select_one(".govuk-pagination__next a")["href"].endswith("page=2")
    second = pages.get("/cases?page=2").page
    assert len(names(second)) == 2
    assert set(names(first)).isdisjoint(names(second))
    assert len(names(pages.get("/cases?page=99").page)) == 2


def test_the_queue_runs_a_fixed_number_of_queries(pages, login, make, db, app):
    officer = login("officer")
    for _ in range(3):
        open_case(make, db, officer=officer)
    counted = []

    def count(*_args, **_kwargs):
        counted.append(1)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        pages.get("/cases")
        few = len(counted)
        for _ in range(20):
            open_case(make, db, officer=officer)
        counted.clear()
        pages.get("/cases")
        many = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many == few


def test_a_manager_sees_everyone_and_filters_by_officer(pages, login, make, db):
    login("manager")
    first, second = make.staff("officer", name="Olu Officer"), make.staff("officer", name="Pat Officer")
    a = open_case(make, db, officer=first)
    b = open_case(make, db, officer=second)
    unassigned = open_case(make, db)
    page = pages.get("/cases").page
    assert set(names(page)) == {c.young_person.display_name for c in (a, b, unassigned)}
    assert "Pat Officer" in page.select_one(f"[data-case='{b.id}']").get_text()
    assert names(pages.get(f"/cases?officer={first.id}").page) == [a.young_person.display_name]
    assert names(pages.get("/cases?officer=-1").page) == [unassigned.young_person.display_name]
