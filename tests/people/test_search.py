"""Find a young person: by name with a slip, a nickname, in any order or with a year of birth, and by
UPN, ULN, date of birth, postcode and phone number; the results tell people apart; every search
is audited; schools and strangers are refused; hostile queries get a message."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.identifiers import make_uln, make_upn
from tep_app.models import Activity, AuditEvent, ContactDetail
from tep_app.services.imports import import_file
from tests.support.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv


@pytest.fixture
def people(make, db):
    school = make.establishment(name="Hollowmere Academy")
    chris = make.young_person(forename="Christopher", surname="Murphy", date_of_birth=date(2006, 3, 14),
                              upn=make_upn(886, 4321, 22, 7), uln=make_uln(4242), postcode="CT9 4QQ")
    make.school_record(chris, school, year_group=11)
    db.session.add(Activity(young_person_id=chris.id, code="230", ascertained_on=date(2022, 9, 30), source="officer"))
    db.session.add(ContactDetail(young_person_id=chris.id, kind="phone", value="07700900456", source="leavers import",
                                 recorded_on=date(2022, 7, 20)))
    db.session.add(ContactDetail(young_person_id=chris.id, kind="email", value="chris.murphy@example.com",
                                 source="school, 12 Oct", recorded_on=date(2022, 10, 12)))
    older = make.young_person(forename="Christopher", surname="Murphy", date_of_birth=date(2005, 6, 2),
                              postcode="TN1 1AA")
    other = make.young_person(forename="Siobhan", surname="Okafor", date_of_birth=date(2006, 11, 1),
                              postcode="ME15 6AB")
    db.session.flush()
    return {"chris": chris, "older": older, "other": other, "school": school}


def _found(pages, query: str) -> list[str]:
    page = pages.page("/people/search", query_string={"q": query})
    return [row["data-person"] for row in page.select("#people-results tr[data-person]")]


@pytest.mark.parametrize("query", [
    "Christopher Murphy", "Cristopher Murphy", "Christopher Murphey", "Chris Murphy", "Murphy Christopher",
    "murphy, chris", "MURPHY", "Chris Murphy 2006", "Murphy 14/03/2006",
])
def test_a_name_finds_them_with_a_slip_a_nickname_in_any_order(pages, login, people, query):
    login("officer")
    assert str(people["chris"].id) in _found(pages, query)
    assert str(people["other"].id) not in _found(pages, query)


def test_a_year_of_birth_tells_two_of_one_name_apart(pages, login, people):
    login("officer")
    assert _found(pages, "Chris Murphy 2006") == [str(people["chris"].id)]
    assert _found(pages, "Chris Murphy 2005") == [str(people["older"].id)]
    assert set(_found(pages, "Chris Murphy")) == {str(people["chris"].id), str(people["older"].id)}


@pytest.mark.parametrize("query", [
    "upn", "upn_lower", "uln", "14/03/2006", "2006-03-14", "14 March 2006", "14-3-2006", "CT9 4QQ", "ct94qq",
    "07700 900456", "07700900456", "+44 7700 900456", "Chris.Murphy@example.com",
])
def test_an_identifier_a_date_of_birth_a_postcode_a_phone_number_or_an_email_finds_them(pages, login, people, query):
    login("manager")
    chris = people["chris"]
    query = {"upn": chris.upn, "upn_lower": chris.upn.lower(), "uln": chris.uln}.get(query, query)
    assert _found(pages, query) == [str(chris.id)]


def test_the_results_show_enough_to_tell_people_apart(pages, login, people):
    login("officer")
    page = pages.page("/people/search?q=Chris+Murphy+2006")
    row = page.select_one(f"tr[data-person='{people['chris'].id}']")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[0] == "Christopher Murphy"
    assert cells[1] == "14 March 2006"
    assert cells[3] == "Hollowmere Academy, year 11"
    assert cells[4] == "CT9 4QQ"
    assert "(230)" in cells[5]
    assert row.select_one("a")["href"] == f"/people/{people['chris'].id}"
    assert page.select_one("#result-count").get_text(strip=True) == "1 young person found by name and year of birth"


def test_no_one_found_says_so(pages, login, people):
    login("officer")
    page = pages.page("/people/search?q=Zebedee+Quillfeather")
    assert "No young person matches" in page.select_one("#no-results").get_text()


@pytest.mark.parametrize("query, message", [
    ("", "Enter a name, UPN, ULN, date of birth, postcode or phone number"),
    ("a", "Enter at least 2 letters or numbers"),
    ("x" * 500, "Enter no more than 100 characters"),
    ("2006", "Enter a name with the year of birth, for example Chris Murphy 2006"),
    ("!!!", "Enter at least 2 letters or numbers"),
    ("a\x00b", None),
    ("%' OR 1=1 --", None),
    ("<script>alert(1)</script>", None),
    ("\u202e\ufeff漢字 ☃", None),
])
def test_a_short_empty_or_hostile_query_gets_a_message_never_an_error(pages, login, people, query, message):
    login("officer")
    response = pages.get("/people/search", query_string={"q": query})
    page = response.page
    if message:
        assert page.select_one(".govuk-error-summary a").get_text(strip=True) == message
        assert page.title.get_text().startswith("Error: ")
    else:
        assert page.select_one("#no-results, .govuk-error-summary, #people-results") is not None
    assert "<script>alert" not in response.get_data(as_text=True)


def test_every_search_is_audited_by_its_kind_not_its_words(pages, login, db, people):
    login("officer")
    pages.get("/people/search?q=Chris+Murphy")
    pages.get("/people/search", query_string={"q": "07700 900456"})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "search")
                                .order_by(AuditEvent.id)).all()
    assert [(event.object_type, event.after["kind"], event.after["found"]) for event in events] == [
        ("young_person", "name", 2), ("young_person", "phone", 1)]
    assert "Murphy" not in str([event.after for event in events])


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_every_staff_page_has_the_search_box(pages, login, role):
    login(role)
    page = pages.page("/", follow_redirects=True)
    box = page.select_one("form[role=search]")
    assert box["action"] == "/people/search"
    assert box.select_one("label").get_text(strip=True) == "Find a young person"


def test_a_school_user_and_a_stranger_are_refused(client, app, make, db):
    from tests.support.portal_support import seed_request, sign_school_in

    response = client.get("/people/search?q=Murphy")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    seeded = seed_request(make, db)
    db.session.commit()
    sign_school_in(client, seeded)
    assert client.get("/people/search?q=Murphy").status_code == 403
    assert "Find a young person" not in client.get("/portal/list").get_data(as_text=True)


def test_a_newly_imported_young_person_is_found(pages, login, db):
    login("officer")
    import_file("establishments", establishments_csv(), "establishments.csv")
    row = ["8864101", make_upn(886, 4101, 22, 99), "Rosalind", "Penhaligon", "21/05/2006", "11", "F", "CT1 2AB",
           "07700 900321", "", ""]
    import_file("leavers", csv_bytes(LEAVER_HEADERS, [row]), "leavers.csv", 2022)
    db.session.flush()
    assert len(_found(pages, "Rosalind Penhaligan")) == 1
    assert len(_found(pages, "07700900321")) == 1
