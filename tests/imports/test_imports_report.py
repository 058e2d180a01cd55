"""The import pages with warnings: listed by row and column before and after the import, downloadable,
and the file imported without the values they name."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app.models import ContactDetail, ImportBatch, YoungPerson
from tep_app.services.imports import import_file
from tests.support.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv, leaver_rows

PHONE_WARNING = "Enter a phone number in the correct format, like 07700 900123 or 01622 694000"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def admin(login, db):
    import_file("establishments", establishments_csv(), "establishments.csv")
    return login("admin")


def upload(pages, rows, filename="leavers.csv"):
    return pages.post("/admin/imports/new", data={"kind": "leavers", "academic_year": "2022",
                                                  "file": (BytesIO(csv_bytes(LEAVER_HEADERS, rows)), filename)},
                      status=302).headers["Location"]


def table_rows(page, caption):
    table = next(t for t in page.select("table") if caption in t.caption.get_text())
    return [[cell.get_text(strip=True) for cell in row.select("td, th")] for row in table.select("tbody tr")]


def xlsx_rows(response):
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))


def bad_phone_rows():
    rows = leaver_rows(3)
    rows[1][8] = "01632 000000"
    return rows


def test_preview_lists_warnings_by_row_and_column_and_the_file_can_still_be_imported(admin, pages, client, db):
    preview_url = upload(pages, bad_phone_rows())
    page = pages.get(preview_url, 200).page
    assert page.h1.get_text(strip=True) == "Check the file before you import it"
    assert page.select_one("#warnings").get_text(strip=True) == "1 warning"
    assert table_rows(page, "Warnings by row and column") == [["3", "Phone", "01632 000000", PHONE_WARNING]]
    assert xlsx_rows(client.get(preview_url + "/warnings.xlsx")) == [
        ("Row", "Column", "Value left out", "Warning"), (3, "Phone", "01632 000000", PHONE_WARNING)]

    confirmed = pages.post(f"{preview_url}/confirm", data={}, status=302)
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "leavers"))
    assert confirmed.headers["Location"].endswith(f"/admin/imports/batches/{batch.id}")
    phones = db.session.execute(select(YoungPerson.forename, ContactDetail.value).join(ContactDetail.young_person)
                                .where(ContactDetail.kind == "phone").order_by(YoungPerson.forename)).all()
    assert phones == [("Forename1", "07700900001"), ("Forename3", "07700900003")]

    report = pages.get(confirmed.headers["Location"], 200).page
    assert report.h1.get_text(strip=True) == "Import report"
    assert "Imported 3 leavers for 2022-23: 3 new, 0 updated, 0 unchanged. 1 warning: those values were not " \
           "imported." in report.get_text(" ", strip=True)
    assert table_rows(report, "Warnings by row and column") == [["3", "Phone", "01632 000000", PHONE_WARNING]]
    assert xlsx_rows(client.get(f"/admin/imports/batches/{batch.id}/warnings.xlsx"))[1:] == [
        (3, "Phone", "01632 000000", PHONE_WARNING)]

    index = pages.get("/admin/imports/", 200).page
    link = index.select_one(f"a[href$='/admin/imports/batches/{batch.id}']")
    assert link.get_text(strip=True) == "1 warning"


def test_a_file_with_errors_shows_its_warnings_too_and_cannot_be_imported(admin, pages, db):
    rows = bad_phone_rows()
    rows[0][5] = "9"
    page = pages.get(upload(pages, rows), 200).page
    assert page.h1.get_text(strip=True) == "The file cannot be imported"
    assert page.select_one("#problems").get_text(strip=True) == "1 error to fix"
    assert table_rows(page, "Warnings by row and column") == [["3", "Phone", "01632 000000", PHONE_WARNING]]
    assert not page.select("form[action$='/confirm']")


def test_a_clean_import_goes_back_to_the_list_and_its_report_has_no_warnings(admin, pages, db):
    preview_url = upload(pages, leaver_rows(2))
    assert pages.get(preview_url, 200).page.select_one("#warnings") is None
    confirmed = pages.post(f"{preview_url}/confirm", data={}, status=302)
    assert confirmed.headers["Location"].endswith("/admin/imports/")
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.kind == "leavers"))
    report = pages.get(f"/admin/imports/batches/{batch.id}", 200).page
    assert "Every value passed its check." in report.get_text(" ", strip=True)


@pytest.mark.parametrize("url", ["/admin/imports/batches/999999", "/admin/imports/batches/999999/warnings.xlsx",
                                 "/admin/imports/abcdefghijklmnopqrstuvwx/warnings.xlsx"])
def test_an_unknown_batch_or_upload_is_404(admin, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize("url", ["/admin/imports/batches/1", "/admin/imports/batches/1/warnings.xlsx",
                                 "/admin/imports/abcdefghijklmnopqrstuvwx/warnings.xlsx"])
def test_other_roles_are_refused(login, client, role, url):
    login(role)
    assert client.get(url).status_code == 403
