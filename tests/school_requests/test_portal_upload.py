"""The school's filled-in spreadsheet, uploaded back: all or nothing, every problem by row and column."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app.models import SchoolResponse
from tests.support.portal_support import (
    HEADERS,
    entry_row,
    seed_request,
    sign_school_in,
    xlsx,
)


@pytest.fixture
def seeded(make, db, client):
    seeded = seed_request(make, db, entries=4)
    sign_school_in(client, seeded)
    return seeded


def upload(pages, file, status, name="list.xlsx"):
    return pages.post("/school/upload", {"file": (file, name)}, status, content_type="multipart/form-data")


def saved(db):
    return db.session.scalars(select(SchoolResponse).order_by(SchoolResponse.list_entry_id)).all()


def problems(page):
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in page.select("tbody tr")]


def test_the_download_is_the_schools_list_and_nothing_else(pages, seeded, make, db):
    other = seed_request(make, db, collection=seeded.collection)
    response = pages.get("/school/young-people.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:len(HEADERS)]) == HEADERS
    references = {row[0] for row in rows[1:] if row[0] is not None}
    assert references == {entry.id for entry in seeded.entries}
    assert not references & {entry.id for entry in other.entries}


def test_a_good_file_saves_every_answer_and_skips_blank_rows(pages, seeded, db):
    a, b, c, d = seeded.entries
    file = xlsx([
        entry_row(a, destination="Sixth-form college", provider="Mid Kent College", start_date="04/09/2023",
                  phone="07700 900123"),
        entry_row(b, destination="not known to us", what_you_know="Moved to Scotland"),
        entry_row(c),  # left blank: skipped
        entry_row(d, destination="Apprenticeship", phone=7700900456, parent_phone="01622 694000",
                  email="d@example.com"),
    ])
    response = upload(pages, file, 302)
    assert response.headers["Location"].endswith("/school/young-people")
    assert "3 answers changed; 1 row unchanged" in pages.page("/school/young-people").get_text()
    rows = {r.list_entry_id: r for r in saved(db)}
    assert set(rows) == {a.id, b.id, d.id}
    assert (rows[a.id].activity_code, rows[a.id].phone, rows[a.id].start_date.isoformat()) == (
        "220", "07700900123", "2023-09-04")
    assert (rows[b.id].activity_code, rows[b.id].intelligence) == ("810", "Moved to Scotland")
    assert (rows[d.id].phone, rows[d.id].parent_phone) == ("07700900456", "01622694000")
    assert all(r.answered and r.source == "upload" for r in rows.values())
    db.session.refresh(seeded.request)
    assert seeded.request.status == "in_progress"


def test_a_file_with_broken_cells_saves_nothing_and_lists_every_problem(pages, seeded, db):
    a, b, c, d = seeded.entries
    file = xlsx([
        entry_row(a, destination="Sailing round the world", phone="12345"),
        entry_row(b, destination="Apprenticeship", start_date="31/02/2023"),
        entry_row(c, destination="Apprenticeship", email="not an email"),
        entry_row(d, destination="Apprenticeship", phone="07700 900123"),  # fine, but not saved either
    ])
    response = upload(pages, file, 200)
    page = response.page
    assert page.title.get_text().startswith("Error: ")
    assert problems(page) == [
        ["2", "Destination", "'Sailing round the world' is not one of the destinations. "
                             "Choose one from the drop-down list."],
        ["2", "Young person's phone", "Enter the young person's phone number in the correct format, "
                                      "like 07700 900123 or 01622 694000"],
        ["3", "Start date", "31/02/2023 is not a real date: use DD/MM/YYYY, like 04/09/2023"],
        ["4", "Email", "Enter an email address in the correct format, like name@example.com"],
    ]
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Row 2, Destination:" in summary and "Row 4, Email:" in summary
    assert "Nothing from the file has been saved" in page.get_text()
    assert saved(db) == []


def test_young_people_not_on_the_list_are_refused(pages, seeded, make, db):
    other = seed_request(make, db, collection=seeded.collection)
    stranger = other.entries[0]
    a = seeded.entries[0]
    rows = [entry_row(a, destination="Apprenticeship")]
    rows += [[None] * len(HEADERS)] * 11
    # Row 14: someone from another school's list, by Reference; row 15: a made-up person with no Reference.
    rows.append(entry_row(stranger, destination="Apprenticeship"))
    made_up = entry_row(a, destination="Apprenticeship")
    made_up[0], made_up[1], made_up[3], made_up[4] = None, "A999999999999", "Jamie", "Smith"
    rows.append(made_up)
    response = upload(pages, xlsx(rows), 200)
    found = problems(response.page)
    assert found[0] == ["14", "Reference", f"{stranger.young_person.forename} {stranger.young_person.surname} is "
                        "not on your list. Remove the row, or tell us about them in What you know for another "
                        "young person."]
    assert found[1] == ["15", "UPN", "Jamie Smith is not on your list. Remove the row, or tell us about them in "
                        "What you know for another young person."]
    assert stranger.young_person.upn not in response.page.get_text()
    assert saved(db) == []


def test_a_changed_upn_or_a_repeated_row_is_refused(pages, seeded, db):
    a, b = seeded.entries[:2]
    changed = entry_row(a, destination="Apprenticeship")
    changed[1] = b.young_person.upn
    response = upload(pages, xlsx([changed, entry_row(b, destination="Gap year"),
                                   entry_row(b, destination="Gap year")]), 200)
    found = problems(response.page)
    assert found[0][:2] == ["2", "UPN"] and "does not match Reference" in found[0][2]
    assert found[1][:2] == ["4", "Reference"] and "is also in row 3" in found[1][2]
    assert saved(db) == []


@pytest.mark.parametrize("content, name, message", [
    (b"this is not a spreadsheet", "list.xlsx", None),
    (None, "list.csv", "The file must be an .xlsx spreadsheet"),
])
def test_files_that_are_not_the_list_get_a_message(pages, seeded, db, content, name, message):
    file = BytesIO(content or b"a,b\n1,2\n")
    response = upload(pages, file, 200, name=name)
    summary = response.page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert message is None or message in summary
    assert saved(db) == []


def test_a_file_without_the_list_columns_or_answers(pages, seeded, db):
    response = upload(pages, xlsx([["x", "y"]], headers=["Name", "Something"]), 200)
    assert "no Reference or UPN column" in response.page.select_one(".govuk-error-summary").get_text()
    response = upload(pages, xlsx([entry_row(seeded.entries[0])]), 200)
    assert "The file has no answers in it" in response.page.select_one(".govuk-error-summary").get_text()
    assert saved(db) == []


def test_no_file_chosen(pages, seeded):
    response = pages.post("/school/upload", {}, 200, content_type="multipart/form-data")
    assert "Select your filled-in list" in response.page.select_one(".govuk-error-message").get_text()


def test_a_file_that_changes_a_colleagues_answer_says_so(app, pages, seeded, db):
    a, b = seeded.entries[:2]
    colleague = app.test_client()
    sign_school_in(colleague, seeded, seeded.establishment.contacts[1].email)
    colleague.post(f"/school/young-people/{a.id}", data={"outcome": "310", "version": "0", "save": "y"})
    upload(pages, xlsx([entry_row(a, destination="Gap year"), entry_row(b, destination="Gap year")]), 302)
    text = pages.page("/school/young-people").get_text(" ", strip=True)
    assert "2 answers changed; 0 rows unchanged. 1 of them changed an answer or draft a colleague had saved" in text
    from tep_app.models import AuditEvent

    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "school answer saved",
                                                        AuditEvent.object_id == str(a.young_person_id))
                               .order_by(AuditEvent.id)).all()
    assert audit[-1].before["activity_code"] == "310" and audit[-1].after["activity_code"] == "260"


def test_a_formula_in_an_answer_cell_is_refused(pages, seeded, db):
    a, b = seeded.entries[:2]
    response = upload(pages, xlsx([entry_row(a, destination='=CONCAT("Gap"," year")'),
                                   entry_row(b, destination="Gap year")]), 200)
    assert problems(response.page) == [
        ["2", "Destination", "The cell holds a formula. Type the answer itself instead."]]
    assert saved(db) == []


def test_the_downloaded_list_filled_in_uploads_back(pages, seeded, db):
    workbook = load_workbook(BytesIO(pages.get("/school/young-people.xlsx").data))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = {name: headers.index(name) + 1 for name in ("Destination", "Young person's phone", "What you know")}
    sheet.cell(row=2, column=column["Destination"], value="Further education college")
    sheet.cell(row=2, column=column["Young person's phone"], value="07700 900123")
    sheet.cell(row=3, column=column["What you know"], value="Moved to Scotland")
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    upload(pages, buffer, 302)
    assert "2 answers changed; 2 rows unchanged" in pages.page("/school/young-people").get_text()
    answers = {(r.activity_code, r.phone, r.intelligence) for r in saved(db)}
    assert answers == {("230", "07700900123", None), (None, None, "Moved to Scotland")}
    # The next download carries the saved answers.
    sheet = load_workbook(BytesIO(pages.get("/school/young-people.xlsx").data)).worksheets[0]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert "Further education college" in {row[column["Destination"] - 1] for row in values}


def test_the_june_list_asks_for_the_offer_and_reads_its_date_back(make, db, client, pages):
    from tests.support.portal_support import make_collection

    june = seed_request(make, db, entries=2, collection=make_collection(db, "no-offer"))
    sign_school_in(client, june)
    workbook = load_workbook(BytesIO(pages.get("/school/young-people.xlsx").data))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[9:12] == ["September Guarantee status", "Provider of the offer", "Date of the offer"]
    assert "Start date" not in headers
    about = " ".join(str(row[0]) for row in workbook["About this list"].iter_rows(values_only=True) if row[0])
    assert "date of the offer" in about and "start date" not in about
    form = pages.page(f"/school/young-people/{june.entries[0].id}").get_text(" ", strip=True)
    assert "Provider of the offer" in form and "Date of the offer" in form  # the June web form's own words
    assert "from September Guarantee status to What you know" in pages.page("/school/upload").get_text(" ")

    row = 2 if sheet.cell(row=2, column=1).value == june.entries[0].id else 3
    sheet.cell(row=row, column=10, value="Has an offer of a place (school, college, apprenticeship or training)")
    sheet.cell(row=row, column=11, value="Mid Kent College")
    sheet.cell(row=row, column=12, value="14/03/2023")
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    upload(pages, buffer, 302)

    answer = saved(db)[0]
    assert (answer.list_entry_id, answer.guarantee_code, answer.provider_name) == (
        june.entries[0].id, "110", "Mid Kent College")
    assert answer.start_date.isoformat() == "2023-03-14"
    assert answer.activity_code is None
