"""The input boundary (tep_app/inputs.py): control characters are dropped and the words kept, an
id past the database's integer or naming no record is a 404, a page past the last is the last,
impossible dates are a message by the field. Each test is one way in that once answered with a server error."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from tep_app import clock
from tep_app.models import AuditEvent, ContactAttempt, SchoolResponse
from tests.cases.test_cases_casework import attempt_data, errors_of, seeded_case
from tests.cases.test_cases_queue import names
from tests.support.cases_support import collection, open_case
from tests.support.portal_support import entry_row, seed_request, sign_school_in, xlsx

BIG = "2147483648"
HUGE = "99999999999999999999"


def _answer(**overrides):
    data = {"outcome": "220", "provider_name": "Mid Kent College", "start_date": ["4", "9", "2023"],
            "phone": "", "parent_phone": "", "email": "", "intelligence": "", "version": "0", "save": "Save answer"}
    return {**data, **overrides}


def test_a_school_answer_with_nul_and_control_characters_keeps_the_words(pages, make, db, client):
    seeded = seed_request(make, db, entries=1)
    sign_school_in(client, seeded)
    entry = seeded.entries[0]
    typed = _answer(provider_name="Mid\x00 Kent\x0b College", intelligence="Started\x00 in\x01 September\nFull time")
    pages.post(f"/school/young-people/{entry.id}", typed, 302)
    saved = db.session.scalar(select(SchoolResponse).where(SchoolResponse.list_entry_id == entry.id))
    assert saved.provider_name == "Mid Kent College"
    assert saved.intelligence == "Started in September\nFull time"


def test_an_uploaded_cell_holding_an_escaped_nul_is_read_without_it(pages, make, db, client):
    seeded = seed_request(make, db, entries=1)
    sign_school_in(client, seeded)
    entry = seeded.entries[0]
    file = xlsx([entry_row(entry, destination="Gap year", what_you_know="Travelling_x0000_ until_x000B_ June")])
    pages.post("/school/upload", {"file": (file, "list.xlsx")}, 302, content_type="multipart/form-data")
    saved = db.session.scalar(select(SchoolResponse).where(SchoolResponse.list_entry_id == entry.id))
    assert saved.intelligence == "Travelling until June"


def test_an_officers_attempt_notes_with_nul_are_saved_without_it(pages, login, make, db):
    officer = login("officer")
    case, _ = seeded_case(make, db, officer)
    pages.post(f"/cases/{case.id}/attempts", attempt_data(case, notes="Left\x00 a message\r\nCall back"), 302)
    assert db.session.scalar(select(ContactAttempt.notes)) == "Left a message\r\nCall back"


def test_a_sign_in_email_with_nul_is_a_failed_sign_in_and_its_audit_row_is_clean(pages, db):
    page = pages.post("/sign-in", data={"email": "x\x00y@evil.example", "password": "wrong"}).page
    assert page.select(".govuk-error-summary")
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login-failed")).all()
    assert [event.after["email"] for event in failed] == ["xy@evil.example"]


@pytest.mark.parametrize("role, url", [
    ("officer", "/cases?q=a%00b"),
    ("officer", "/cases?q=a%FF%FEb"),
    ("manager", "/cases/manage?f-q=a%00b"),
    ("officer", "/schools/?q=a%00b"),
    ("manager", "/dashboard/audit?actor=a%00b"),
])
def test_every_search_box_takes_a_nul(pages, login, role, url):
    login(role)
    page = pages.page(url)
    # Bytes that are not UTF-8 stay as they were sent, percent-encoded: shown, never an error.
    # The page's own box, not the header's "Find a young person".
    assert page.select_one("main input[name$='q'], main input[name='actor']")["value"] == (
        "a%FF%FEb" if "%FF" in url else "ab")


@pytest.mark.parametrize("role, method, url", [
    ("officer", "GET", f"/cases/{BIG}"),
    ("officer", "POST", f"/cases/{HUGE}/attempts"),
    ("manager", "GET", f"/requests/{BIG}/revoke"),
    ("manager", "POST", f"/requests/{BIG}/revoke"),
    ("admin", "GET", f"/admin/accounts/{BIG}"),
    ("admin", "POST", f"/admin/outbox/{HUGE}/retry"),
    ("manager", "GET", f"/dashboard/collections/{BIG}/chase-overdue"),
    ("admin", "GET", f"/admin/imports/batches/{'9' * 5000}"),
    ("officer", "GET", "/schools/88%0064000"),
])
def test_an_id_past_the_databases_integer_is_the_services_page_not_found(pages, login, role, method, url):
    login(role)
    response = pages.client.open(url, method=method)
    # Werkzeug checks the method before the id: a POST where only a GET has the same path is a 405.
    expected = 405 if method == "POST" and url.endswith("/revoke") else 404
    assert response.status_code == expected
    heading = "Page not found" if expected == 404 else "Sorry, there is a problem with the request"
    assert f"{heading} – TEP Follow-up" in response.get_data(as_text=True)


@pytest.mark.parametrize("role, url", [
    ("officer", f"/cases?school={BIG}"),
    ("officer", "/cases?district=-1"),
    ("officer", "/cases?year_group=1e999"),
    ("officer", "/cases?school=12abc"),
    ("manager", f"/cases?officer={HUGE}"),
    ("manager", f"/cases/manage?f-school={BIG}&page=2"),
    ("manager", "/cases/manage?f-district=999999"),
    ("manager", f"/dashboard/?collection={HUGE}"),
    ("manager", "/dashboard/?collection=999999"),
    ("manager", "/dashboard/?collection=x"),
    ("manager", f"/dashboard/export?table=schools&collection={BIG}"),
    ("admin", "/dashboard/export?table=officers&collection=999999"),
])
def test_an_id_in_the_query_that_names_no_record_is_the_services_page_not_found(pages, login, role, url):
    login(role)
    assert "Page not found – TEP Follow-up" in pages.get(url, 404).get_data(as_text=True)


def test_a_manager_filtering_the_cases_by_an_officer_who_is_not_there_gets_page_not_found(pages, login, make, db):
    manager = login("manager")
    olu, pat = make.staff("officer", name="Olu Officer"), make.staff("officer", name="Pat Officer")
    open_case(make, db, officer=olu, person=make.young_person(forename="Amelia", surname="Okafor"))
    open_case(make, db, officer=pat, person=make.young_person(forename="Ben", surname="Clarke"))
    db.session.commit()
    # Past the database's integer, an id no one has, and a staff member who is not an officer.
    for wrong in (BIG, HUGE, str(pat.id + 1000), str(manager.id)):
        for url in (f"/cases/manage?f-officer={wrong}", f"/cases?officer={wrong}"):
            assert "Page not found – TEP Follow-up" in pages.get(url, 404).get_data(as_text=True)
    assert names(pages.page(f"/cases/manage?f-officer={olu.id}")) == ["Amelia Okafor"]
    assert names(pages.page(f"/cases?officer={pat.id}")) == ["Ben Clarke"]
    assert sorted(names(pages.page("/cases/manage?f-officer="))) == ["Amelia Okafor", "Ben Clarke"]


def test_a_collection_asked_for_by_its_id_is_shown_and_an_unknown_one_is_not_found(pages, login, make, db):
    login("manager")
    older, newer = collection(db, academic_year=2022), collection(db, academic_year=2023)
    db.session.commit()
    for chosen in (older, newer):
        page = pages.page(f"/dashboard/?collection={chosen.id}")
        assert page.select_one("#collection option[selected]")["value"] == str(chosen.id)
    pages.get(f"/dashboard/?collection={max(older.id, newer.id) + 1}", 404)


@pytest.mark.parametrize("value", [BIG, HUGE, "-1", "x"])
def test_a_record_to_merge_with_past_the_databases_integer_is_page_not_found(pages, login, make, db, value):
    login("admin")
    person = make.young_person()
    db.session.commit()
    pages.get(f"/people/{person.id}/merge?with={value}", 404)


@pytest.mark.parametrize("role, url", [
    ("officer", f"/cases?page={BIG}"),
    ("officer", "/cases?page=2147483647"),
    ("manager", f"/cases/manage?page={HUGE}"),
    ("officer", f"/schools/?page={HUGE}"),
    ("manager", f"/dashboard/?page={BIG}"),
    ("manager", f"/dashboard/audit?page={HUGE}"),
    ("admin", f"/admin/outbox?page={HUGE}"),
    ("admin", f"/admin/matches/?year={HUGE}&page={BIG}"),
    ("officer", "/cases?page=1e999"),
])
def test_a_page_past_the_databases_integer_is_a_page_of_the_list(pages, login, role, url):
    login(role)
    pages.page(url)


def test_a_page_past_the_last_is_the_last_page_and_junk_the_first(pages, login, make, db):
    officer = login("officer")
    for n in range(27):
        open_case(make, db, officer=officer, not_known_since=date(2022, 1, 1) + timedelta(days=n))
    db.session.commit()
    last = names(pages.page("/cases?page=2"))
    assert len(last) == 2
    for page in ("3", "100000", BIG, HUGE, "9" * 900):
        assert names(pages.page(f"/cases?page={page}")) == last
    first = names(pages.page("/cases"))
    for junk in ("0", "-2", "1e999", "two", "\u00b2"):
        assert names(pages.page(f"/cases?page={junk}")) == first


def test_a_case_id_past_the_databases_integer_in_the_bulk_form_is_a_message(pages, login, make, db):
    login("manager")
    officer = make.staff(role="officer")
    page = pages.post("/cases/manage", {"officer_id": str(officer.id), "case_ids": HUGE}).page
    assert errors_of(page) == ["Select at least one case to reassign"]


@pytest.mark.parametrize("day, month, year", [(HUGE, "1", "2023"), ("1", "1", HUGE), ("0", "0", "0000"),
                                              ("29", "2", "2027"), ("1", "1", "1e999")])
def test_an_impossible_date_is_a_message_by_the_field(pages, login, make, db, day, month, year):
    officer = login("officer")
    case, _ = seeded_case(make, db, officer)
    data = {**attempt_data(case), "attempt-next_follow_up_on": [day, month, year]}
    page = pages.post(f"/cases/{case.id}/attempts", data).page
    assert errors_of(page) == ["Next follow-up date must be a real date"]
    assert db.session.scalar(select(ContactAttempt.id)) is None


@pytest.mark.parametrize("parts", [(HUGE, "10", "2022"), ("7", "10", HUGE)])
def test_an_impossible_calendar_date_is_a_message(pages, login, parts):
    login("admin")
    page = pages.post(f"/admin/calendar/{clock.today().year}/leavers_send", {"on": list(parts)}).page
    assert "The date must be a real date, like 7 10 2022" in errors_of(page)


def test_an_uploaded_files_name_loses_its_control_characters(make, db, client, pages):
    seeded = seed_request(make, db, entries=1)
    sign_school_in(client, seeded)
    page = pages.post("/school/upload", {"file": (BytesIO(b"not a spreadsheet"), "li\x00st\x1b.xlsx")}, 200,
                      content_type="multipart/form-data").page
    assert "list.xlsx" in page.get_text(" ")


@pytest.mark.parametrize("result_id", [BIG, HUGE, "-1"])
def test_a_match_id_past_the_databases_integer_in_the_review_form_changes_nothing(client, login, result_id):
    login("manager")
    response = client.post("/admin/matches/decide", data={"result_id": result_id, "decision": "accepted"})
    assert response.status_code == 302
