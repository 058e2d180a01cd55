"""The imports pages in a real browser: upload a small file, see the preview, confirm; axe-core passes."""
import secrets

import pytest
from playwright.sync_api import expect

from tep_app.identifiers import make_upn
from tests.support.browser import expect_title

YEAR = 2027


@pytest.fixture(autouse=True)
def upload_dir(live_server, tmp_path, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))


def _seed_school(app) -> str:
    from tep_app.extensions import db
    from tep_app.models import Establishment

    laestab = f"886{secrets.randbelow(9000) + 1000}"
    with app.app_context():
        db.session.add(Establishment(laestab=laestab, name=f"Hazel Bank School {laestab}", type="school"))
        db.session.commit()
    return laestab


def _leavers_csv(laestab: str) -> bytes:
    estab = secrets.randbelow(9000) + 1000
    lines = ["LAESTAB,UPN,Legal Forename,Legal Surname,DOB,NC Year,Postcode"]
    for n, (forename, surname) in enumerate([("Ivy", "Quill"), ("Otto", "Brand"), ("Wren", "Astley")], start=1):
        lines.append(f"{laestab},{make_upn(886, estab, 27, n)},{forename},{surname},0{n}/03/2011,11,CT1 2AB")
    return ("\n".join(lines) + "\n").encode()


def test_an_admin_uploads_previews_and_confirms_a_file(page, axe, sign_in, live_server):
    laestab = _seed_school(live_server.app)
    sign_in(page, "admin")
    page.goto("/admin/imports/new")
    expect_title(page, "Import a file")
    axe(page)
    page.get_by_label("Leavers (last summer's Year 11 and Year 12 leavers)").check()
    page.get_by_label("Academic year").select_option(str(YEAR))
    page.get_by_label("Upload a file").set_input_files(
        {"name": "leavers.csv", "mimeType": "text/csv", "buffer": _leavers_csv(laestab)})
    page.get_by_role("button", name="Check the file").click()
    expect_title(page, "Check the file before you import it")
    assert "Otto" in page.locator("table").last.inner_text()
    axe(page)
    page.get_by_role("button", name="Import the file").click()
    expect_title(page, "Imports")
    assert "Imported 3 leavers for 2027-28: 3 new, 0 updated, 0 unchanged." in page.locator(
        ".govuk-notification-banner").inner_text()
    axe(page)


def test_a_file_with_problems_shows_them_and_imports_nothing(page, axe, sign_in, live_server):
    sign_in(page, "admin")
    page.goto("/admin/imports/new")
    page.get_by_label("Roll (current Year 11 and Year 12 pupils)").check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "roll.csv", "mimeType": "text/csv", "buffer": b"LAESTAB,Forename,Surname,Date of birth,Year group\n"
                                                                  b"8869999,Ivy,Quill,31/02/2011,11\n"})
    page.get_by_role("button", name="Check the file").click()
    expect_title(page, "Error: The file cannot be imported")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Row 2, Date of birth: 31/02/2011 is not a real date" in summary
    expect(page.get_by_role("button", name="Import the file")).to_have_count(0)
    axe(page)
