"""The admin imports pages: upload, preview, confirm; problems listed and downloadable; admins only."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tep_app.models import ImportBatch, YoungPerson
from tep_app.services.imports import import_file
from tests.support.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv, leaver_rows


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def admin(login, db):
    import_file("establishments", establishments_csv(), "establishments.csv")
    return login("admin")


def upload(pages, data, filename, kind="leavers", year="2022", status=302):
    return pages.post("/admin/imports/new", data={"kind": kind, "academic_year": year,
                                                  "file": (BytesIO(data), filename)}, status=status)


def people(db):
    return db.session.scalar(select(func.count(YoungPerson.id)))


def test_upload_preview_confirm_stores_rows(admin, pages, client, db):
    page = pages.get("/admin/imports/new", 200).page
    assert page.h1.get_text(strip=True) == "Import a file"
    assert page.select_one("input[type=file][name=file]") is not None
    response = upload(pages, csv_bytes(LEAVER_HEADERS + ["Tutor group"], [r + ["11A"] for r in leaver_rows(3)]),
                      "leavers.csv")
    preview_url = response.headers["Location"]
    preview = pages.get(preview_url, 200).page
    assert preview.h1.get_text(strip=True) == "Check the file before you import it"
    text = preview.get_text(" ", strip=True)
    assert "Tutor group" in text and "Forename1" in text
    assert len(preview.select("table tbody tr")) == 3
    assert people(db) == 0
    confirmed = pages.post(f"{preview_url}/confirm", data={}, status=302)
    assert confirmed.headers["Location"].endswith("/admin/imports/")
    index = pages.get("/admin/imports/", 200).page
    assert "Imported 3 leavers for 2022-23: 3 new, 0 updated, 0 unchanged." in index.get_text(" ", strip=True)
    assert "leavers.csv" in index.select_one("table").get_text()
    assert people(db) == 3
    again = pages.post(f"{preview_url}/confirm", data={}, status=302)
    assert again.headers["Location"].endswith("/admin/imports/new")
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 2


def test_upload_with_problems_shows_error_summary_and_stores_nothing(admin, pages, db):
    rows = leaver_rows(3)
    rows[1][1] = "A801200005001"
    rows[2][4] = "31/02/2006"
    response = upload(pages, csv_bytes(LEAVER_HEADERS, rows), "leavers.csv")
    preview = pages.get(response.headers["Location"], 200).page
    assert preview.title.get_text().startswith("Error: The file cannot be imported")
    summary = preview.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Row 3, UPN: A801200005001 has the wrong check letter: check the UPN" in summary
    assert "Row 4, Date of birth: 31/02/2006 is not a real date" in summary
    assert not preview.select("form[action$='/confirm']")
    refused = pages.post(response.headers["Location"] + "/confirm", data={}, status=302)
    assert refused.headers["Location"].endswith("/admin/imports/new")
    assert people(db) == 0


def test_problems_report_downloads_as_xlsx_without_live_formulas(admin, pages, client, db):
    rows = leaver_rows(2)
    rows[0][2] = "=1+1"
    response = upload(pages, csv_bytes(LEAVER_HEADERS, rows), "leavers.csv")
    report = client.get(response.headers["Location"] + "/problems.xlsx")
    assert report.status_code == 200
    assert report.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(report.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Row", "Column", "Problem")
    assert values[1] == (2, "Forename", "contains a formula; enter the name as text")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_no_file_chosen(admin, pages):
    page = pages.post("/admin/imports/new", data={"kind": "leavers", "academic_year": "2022"}, status=200).page
    assert "Select a file" in page.select_one(".govuk-error-summary").get_text()


def test_wrong_type_of_file(admin, pages):
    page = upload(pages, b"%PDF-1.4", "leavers.pdf", status=200).page
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "The selected file must be an .xlsx or .csv spreadsheet" in summary


def test_a_pdf_named_xlsx_is_a_problem_not_a_crash(admin, pages, db):
    response = upload(pages, b"%PDF-1.4 binary", "leavers.xlsx")
    page = pages.get(response.headers["Location"], 200).page
    assert "leavers.xlsx is not an Excel .xlsx file" in page.select_one(".govuk-error-summary").get_text()


def test_unknown_upload_is_404(admin, client):
    assert client.get("/admin/imports/abcdefghijklmnopqrstuvwx").status_code == 404
    assert client.get("/admin/imports/..%2F..%2Fsecret").status_code == 404


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize("method, url", [("get", "/admin/imports/"), ("get", "/admin/imports/new"),
                                         ("post", "/admin/imports/new"),
                                         ("get", "/admin/imports/abcdefghijklmnopqrstuvwx/problems.xlsx"),
                                         ("post", "/admin/imports/abcdefghijklmnopqrstuvwx/confirm")])
def test_other_roles_are_refused(login, client, role, method, url):
    login(role)
    assert getattr(client, method)(url).status_code == 403
