"""A school's MIS export as it comes: its contact columns under their own names are kept as the
young person's or a parent's or carer's contacts, and every column the import does not read is
named in the import report, on the web and on the command line."""
from io import BytesIO

import pytest
from sqlalchemy import select

from tep_app.identifiers import make_upn
from tep_app.models import ContactDetail, ImportBatch, YoungPerson
from tep_app.services.imports import import_file
from tests.support.cases_support import open_case
from tests.support.imports_support import SCHOOL, csv_bytes, establishments_csv

SIMS_HEADERS = ["LAESTAB", "UPN", "Legal Forename", "Legal Surname", "DOB", "NC Year", "Telephone",
                "Primary Contact Telephone", "Primary Contact Mobile", "Pupil Email", "Primary Contact Email",
                "Favourite Colour"]


def sims_rows():
    return [[SCHOOL, make_upn(886, 4101, 22, 1), "Ada", "Lovelace", "01/03/2006", "11", "01632 960100",
             "01632 960123", "07700 900456", "ada@example.com", "parent.lovelace@example.com", "green"]]


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def establishments(db):
    import_file("establishments", establishments_csv(), "establishments.csv")


def import_on_the_web(pages, login):
    login("admin")
    preview = pages.post("/admin/imports/new", data={
        "kind": "leavers", "academic_year": "2022",
        "file": (BytesIO(csv_bytes(SIMS_HEADERS, sims_rows())), "sims-leavers.csv")}, status=302).headers["Location"]
    return preview, pages.post(f"{preview}/confirm", data={}, status=302)


def test_a_parents_phone_under_its_mis_header_is_kept_and_the_case_shows_it(establishments, pages, login, make, db):
    import_on_the_web(pages, login)

    person = db.session.scalar(select(YoungPerson).where(YoungPerson.surname == "Lovelace"))
    held = {(d.kind, d.value, d.source) for d in db.session.scalars(
        select(ContactDetail).where(ContactDetail.young_person_id == person.id))}
    assert held == {
        ("phone", "01632960100", "leavers import 2022-23"),
        ("parent_phone", "01632960123", "leavers import 2022-23"),
        ("parent_phone", "07700900456", "leavers import 2022-23"),
        ("email", "ada@example.com", "leavers import 2022-23"),
        ("parent_email", "parent.lovelace@example.com", "leavers import 2022-23"),
    }
    case = open_case(make, db, person=person)
    login("officer")
    contacts = pages.get(f"/cases/{case.id}").page.select_one("#contacts")
    rows = {tuple(cell.get_text(" ", strip=True) for cell in row.select("td")[:3])
            for row in contacts.select("tbody tr")}
    assert ("01632960123", "Parent or carer's phone", "leavers import 2022-23") in rows
    assert ("07700900456", "Parent or carer's phone", "leavers import 2022-23") in rows
    assert ("parent.lovelace@example.com", "Parent or carer's email", "leavers import 2022-23") in rows


def test_an_unknown_column_is_named_before_and_after_the_import(establishments, pages, login, db):
    preview, confirmed = import_on_the_web(pages, login)
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "leavers"))
    assert batch.columns_not_read == ["Favourite Colour"]
    assert batch.summary == ("Imported 1 leavers for 2022-23: 1 new, 0 updated, 0 unchanged. "
                             "1 column not read: Favourite Colour.")

    report = pages.get(f"/admin/imports/batches/{batch.id}").page
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in report.select(".govuk-summary-list__row")}
    assert rows["Columns not read"] == "Favourite Colour"


def test_the_check_before_import_names_the_columns_it_will_not_read(establishments, pages, login):
    login("admin")
    preview = pages.post("/admin/imports/new", data={
        "kind": "leavers", "academic_year": "2022",
        "file": (BytesIO(csv_bytes(SIMS_HEADERS, sims_rows())), "sims-leavers.csv")}, status=302).headers["Location"]
    page = pages.get(preview).page
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in page.select(".govuk-summary-list__row")}
    assert rows["Columns not read"] == "Favourite Colour"
    assert "Primary Contact Mobile → Parent phone" in rows["Columns used"]


def test_the_command_line_names_the_columns_it_did_not_read(app, establishments, db, tmp_path):
    path = tmp_path / "sims-leavers.csv"
    path.write_bytes(csv_bytes(SIMS_HEADERS, sims_rows()))
    result = app.test_cli_runner().invoke(args=["tep", "import", "leavers", str(path), "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("Imported 1 leavers for 2022-23: 1 new, 0 updated, 0 unchanged. "
                                     "1 column not read: Favourite Colour.")
