"""The school's spreadsheet, uploaded after answers were typed on the web: only what the file
changes is saved; nothing the file does not hold is erased; a draft the file leaves alone stays a draft."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app.models import SchoolResponse
from tests.support.portal_support import entry_row, seed_request, sign_school_in, xlsx


@pytest.fixture
def seeded(make, db, client):
    seeded = seed_request(make, db, entries=6)
    sign_school_in(client, seeded)
    return seeded


def answers(db) -> dict[int, SchoolResponse]:
    db.session.expire_all()
    return {r.list_entry_id: r for r in db.session.scalars(select(SchoolResponse))}


def web_answer(pages_or_client, entry, status=302, **values):
    data = {"outcome": "", "moved_to": "", "provider_name": "", "phone": "", "parent_phone": "", "email": "",
            "intelligence": "", "version": "0", "save": "Save answer"}
    data.update(values)
    response = pages_or_client.post(f"/school/young-people/{entry.id}", data=data)
    assert response.status_code == status, response.get_data(as_text=True)[:500]


def upload(pages, file) -> str:
    """Upload a file and return the message the school's list then shows."""
    response = pages.post("/school/upload", {"file": (file, "list.xlsx")}, 302, content_type="multipart/form-data")
    assert response.headers["Location"].endswith("/school/young-people")
    page = pages.page("/school/young-people")
    return " ".join(banner.get_text(" ", strip=True) for banner in page.select(".govuk-notification-banner"))


def downloaded(pages):
    workbook = load_workbook(BytesIO(pages.get("/school/young-people.xlsx").data))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    rows = {sheet.cell(row=n, column=1).value: n for n in range(2, sheet.max_row + 1)}
    return workbook, sheet, headers, rows


def saved(workbook) -> BytesIO:
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def answered_on_the_web(app, client, seeded, make, db):
    """Three rows answered on the web: a move with where to, a destination with a phone, and a
    colleague's draft."""
    moved, college, drafted = seeded.entries[:3]
    web_answer(client, moved, outcome="moved:abroad", moved_to="Valencia, Spain")
    web_answer(client, college, outcome="230", phone="07700 900123", intelligence="Starts in September.\r\nKeen.")
    colleague = app.test_client()
    sign_school_in(colleague, seeded, seeded.establishment.contacts[1].email)
    web_answer(colleague, drafted, outcome="310", parent_phone="01622 694000", save_draft="Save as draft")
    before = answers(db)
    assert before[moved.id].moved_to == "Valencia, Spain" and not before[drafted.id].answered
    return seeded


def test_a_downloaded_sheet_with_two_rows_filled_changes_only_those_two(pages, answered_on_the_web, db):
    seeded = answered_on_the_web
    moved, college, drafted, first, second, _blank = seeded.entries
    colleague = seeded.establishment.contacts[1].email
    workbook, sheet, headers, rows = downloaded(pages)
    destination = headers.index("Destination") + 1
    sheet.cell(row=rows[first.id], column=destination, value="Apprenticeship")
    sheet.cell(row=rows[second.id], column=headers.index("What you know") + 1, value="Working at the farm shop")

    message = upload(pages, saved(workbook))

    assert "2 answers changed; 4 rows unchanged" in message
    after = answers(db)
    assert (after[first.id].activity_code, after[first.id].source, after[first.id].version) == ("310", "upload", 1)
    assert (after[second.id].intelligence, after[second.id].source) == ("Working at the farm shop", "upload")
    assert (after[moved.id].moved, after[moved.id].moved_to) == ("abroad", "Valencia, Spain")
    assert (after[moved.id].source, after[moved.id].version) == ("form", 1)
    assert (after[college.id].intelligence, after[college.id].version) == ("Starts in September.\r\nKeen.", 1)
    assert not after[drafted.id].answered
    assert (after[drafted.id].updated_by, after[drafted.id].source, after[drafted.id].version) == (
        colleague, "form", 1)
    progress = pages.page("/school/young-people").select_one("#progress").get_text(" ", strip=True)
    assert progress == "3 of 6 answered, 1 with contact details only, 1 draft"


def test_the_untouched_downloaded_sheet_changes_nothing(pages, answered_on_the_web, db):
    before = {entry_id: (r.version, r.source, r.answered, r.updated_by) for entry_id, r in answers(db).items()}
    workbook, *_ = downloaded(pages)

    message = upload(pages, saved(workbook))

    assert "0 answers changed; 6 rows unchanged" in message
    assert {entry_id: (r.version, r.source, r.answered, r.updated_by)
            for entry_id, r in answers(db).items()} == before


def test_a_sheet_without_a_column_never_erases_what_that_column_would_hold(pages, answered_on_the_web, db):
    moved, college = answered_on_the_web.entries[:2]
    headers = ["Reference", "UPN", "Destination"]  # no phones, no What you know
    file = xlsx([[college.id, college.young_person.upn, "Apprenticeship"]], headers=headers)

    assert "1 answer changed; 0 rows unchanged" in upload(pages, file)
    after = answers(db)[college.id]
    assert (after.activity_code, after.phone, after.intelligence) == ("310", "07700900123",
                                                                      "Starts in September.\r\nKeen.")
    assert answers(db)[moved.id].moved_to == "Valencia, Spain"


def test_a_blank_cell_leaves_the_saved_answer_as_it_is(pages, answered_on_the_web, db):
    college = answered_on_the_web.entries[1]
    file = xlsx([entry_row(college, destination="Further education college", email="sam@example.com")])

    assert "1 answer changed" in upload(pages, file)
    after = answers(db)[college.id]
    assert (after.activity_code, after.phone, after.email) == ("230", "07700900123", "sam@example.com")
    assert after.intelligence == "Starts in September.\r\nKeen."


def test_a_changed_row_over_a_colleagues_draft_becomes_the_uploaders_answer(pages, answered_on_the_web, db):
    seeded = answered_on_the_web
    drafted = seeded.entries[2]
    file = xlsx([entry_row(drafted, destination="Apprenticeship", phone="07700 900999")])

    message = upload(pages, file)

    assert "1 answer changed; 0 rows unchanged" in message
    assert "1 of them changed an answer or draft a colleague had saved" in message
    after = answers(db)[drafted.id]
    assert after.answered and after.source == "upload"
    assert after.updated_by == seeded.establishment.contacts[0].email
    assert (after.activity_code, after.phone, after.parent_phone) == ("310", "07700900999", "01622694000")


def test_a_draft_the_sheet_repeats_stays_a_draft(pages, answered_on_the_web, db):
    drafted = answered_on_the_web.entries[2]
    file = xlsx([entry_row(drafted, destination="Apprenticeship", parent_phone="01622 694000")])

    assert "0 answers changed; 1 row unchanged" in upload(pages, file)
    after = answers(db)[drafted.id]
    assert not after.answered and after.version == 1


def test_a_move_changed_on_the_sheet_drops_where_they_moved_to(pages, answered_on_the_web, db):
    moved = answered_on_the_web.entries[0]
    upload(pages, xlsx([entry_row(moved, destination="Sixth-form college")]))
    after = answers(db)[moved.id]
    assert (after.activity_code, after.moved, after.moved_to) == ("220", None, None)


def test_a_column_the_upload_does_not_read_is_named(pages, seeded, db):
    a = seeded.entries[0]
    headers = ["Reference", "UPN", "Destination", "Tutor group"]
    message = upload(pages, xlsx([[a.id, a.young_person.upn, "Apprenticeship", "11B"]], headers=headers))
    assert "1 answer changed" in message
    assert "We did not read the column Tutor group" in message
