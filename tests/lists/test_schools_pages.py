"""The staff schools pages: counts, search, pagination, a school's lists, the download, who may see them."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app.models import AuditEvent, MatchResult
from tep_app.services.lists import build_lists


def _leaver(db, make, school, outcome="none", year=2022, **person):
    record = make.school_record(make.young_person(**person), school, kind="leaver", academic_year=year)
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome=outcome,
                               rule="test", score=0.0))
    return record


@pytest.fixture
def county(db, make):
    district = make.district("Maidstone")
    oak = make.establishment(name="Oakwood School", laestab="8863001", district_id=district.id, contacts=2)
    ash = make.establishment(name="Ashford Academy", laestab="8863002")
    for n in range(53):
        _leaver(db, make, oak, surname=f"Oak{n:02d}")
    _leaver(db, make, oak, outcome="certain")
    _leaver(db, make, ash, outcome="possible", surname="Possible")
    roll = make.school_record(make.young_person(surname="Rollpupil"), ash, kind="roll", academic_year=2022)
    db.session.add(MatchResult(kind="roll_offer", school_record_id=roll.id, outcome="none", rule="test", score=0))
    db.session.flush()
    build_lists("leavers", 2022)
    build_lists("no-offer", 2022)
    return oak, ash


def _counts(page) -> dict[str, tuple[str, str]]:
    return {row["data-laestab"]: (row.select_one('[data-count="leavers"]').text,
                                  row.select_one('[data-count="no-offer"]').text)
            for row in page.select("#schools-table tbody tr")}


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_staff_see_every_school_with_its_list_counts(pages, login, county, role):
    login(role)

    page = pages.page("/schools/?year=2022")

    assert page.h1.text == "Schools"
    counts = _counts(page)
    assert counts["8863001"] == ("53", "0")
    assert counts["8863002"] == ("1", "1")
    oak_row = page.select_one('tr[data-laestab="8863001"]')
    assert "Maidstone" in oak_row.text
    assert page.select_one("#year option[selected]").text == "2022-23"


def test_search_by_name_or_laestab(pages, login, county):
    login("officer")

    by_name = pages.page("/schools/?year=2022&q=oakw")
    by_laestab = pages.page("/schools/?year=2022&q=8863002")

    assert list(_counts(by_name)) == ["8863001"]
    assert list(_counts(by_laestab)) == ["8863002"]
    assert "1 school matches ‘8863002’" in by_laestab.select_one("#school-count").text


def test_the_schools_table_paginates_50_a_page(pages, login, make, county):
    login("officer")
    for n in range(60):
        make.establishment(name=f"Zulu School {n:02d}")

    first = pages.page("/schools/?year=2022&q=Zulu")
    second = pages.page("/schools/?year=2022&q=Zulu&page=2")

    assert len(first.select("#schools-table tbody tr")) == 50
    assert len(second.select("#schools-table tbody tr")) == 10
    assert first.select_one(".govuk-pagination__next a")["href"] == "/schools/?page=2&year=2022&q=Zulu"


def test_a_school_page_shows_contacts_lists_and_a_page_of_entries(pages, login, db, county):
    login("officer")

    page = pages.page("/schools/8863001?year=2022")

    assert page.h1.text == "Oakwood School"
    assert page.title.text.startswith("Oakwood School")
    assert "contact1.8863001@school.example" in page.select_one("#contacts").text
    assert "contact2.8863001@school.example" in page.select_one("#contacts").text
    leavers = page.select_one('tr[data-list="leavers"]')
    assert leavers.select_one('[data-count="leavers"]').text == "53"
    assert "31 October 2022" in leavers.text and "7 October 2022" in leavers.text
    assert "30 June 2023" in page.select_one('tr[data-list="no-offer"]').text
    rows = page.select("#entries-table tbody tr")
    assert len(rows) == 50
    assert [cell.text for cell in rows[0].select("td")][2:] == ["11", "on no school or college enrolment list"]
    assert rows[0].select("td")[0].text.startswith("Oak00")

    second = pages.page("/schools/8863001?year=2022&list=leavers&page=2")
    assert len(second.select("#entries-table tbody tr")) == 3

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                        AuditEvent.object_type == "school_list")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["laestab"] == "8863001" and event.after["page"] == 2 and len(event.after["entries"]) == 3


def test_the_no_offer_list_of_a_school(pages, login, county):
    login("manager")

    page = pages.page("/schools/8863002?year=2022&list=no-offer")

    assert page.select_one("#entries-heading").text == "September Guarantee: no recorded offer 2022-23"
    rows = page.select("#entries-table tbody tr")
    assert len(rows) == 1 and "Rollpupil" in rows[0].text


def test_a_year_with_nothing_built(pages, login, county):
    login("officer")

    page = pages.page("/schools/8863001?year=2030")

    assert page.select_one('[data-count="leavers"]').text == "Not built"
    assert "This list has not been built yet." in page.text


def test_download_is_the_schools_spreadsheet_and_is_audited(client, login, db, county):
    login("officer")

    response = client.get("/schools/8863002/download/leavers?year=2022")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="8863002-leavers-2022.xlsx"'
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Possible"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export",
                                                       AuditEvent.object_type == "school_list"))
    assert event.after["laestab"] == "8863002"


def test_an_unknown_school_gets_a_plain_404(pages, login, county):
    login("officer")

    page = pages.page("/schools/8869999", status=404)

    assert page.h1.text == "School not found"
    assert "There is no school with LAESTAB 8869999" in page.text


@pytest.mark.parametrize("url", ["/schools/8869999/download/leavers?year=2022",
                                 "/schools/8863001/download/everyone?year=2022",
                                 "/schools/8863001/download/leavers?year=2030",
                                 "/schools/?year=1999"])
def test_downloads_of_unknown_schools_lists_or_years_are_not_found(pages, login, county, url):
    login("officer")

    pages.get(url, status=404)


@pytest.mark.parametrize("url", ["/schools/", "/schools/8863001", "/schools/8863001/download/leavers?year=2022"])
def test_a_school_session_is_refused(client, pages, county, url):
    with client.session_transaction() as session:
        session["school_request_id"] = 1

    pages.get(url, status=403)


@pytest.mark.parametrize("url", ["/schools/", "/schools/8863001", "/schools/8863001/download/leavers?year=2022"])
def test_anonymous_visitors_are_sent_to_sign_in(client, county, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/schools/")
