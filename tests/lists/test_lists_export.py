"""Exporting the lists: one pre-populated .xlsx per school, a drop-down, never a live formula."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tep_app.models import MatchResult
from tep_app.services.destinations import destination_choices, plain_words_to_code
from tep_app.services.list_sheets import export_lists, write_school_list
from tep_app.services.lists import ListsError, build_lists
from tep_app.spreadsheets.list_template import HEADERS

EXPECTED_HEADERS = [
    "Reference", "UPN", "ULN", "Forename", "Surname", "Date of birth", "Year group", "Gender", "Postcode",
    "Destination", "Provider", "Start date", "Young person's phone", "Parent or carer's phone", "Email",
    "What you know",
]


@pytest.fixture
def two_schools(db, make):
    alpha = make.establishment(name="=HYPERLINK(\"http://evil.example\",\"Alpha\")", laestab="8861001")
    beta = make.establishment(name="Beta School", laestab="8861002")
    empty = make.establishment(name="Empty School", laestab="8861003")
    people = []
    for school, forename, surname in [(alpha, "=HYPERLINK(\"http://evil.example\",\"x\")", "+Smith"),
                                      (alpha, "Amy", "-Jones"), (beta, "Ben", "@Brown")]:
        person = make.young_person(forename=forename, surname=surname, date_of_birth=date(2006, 3, 14))
        record = make.school_record(person, school, kind="leaver", academic_year=2022, year_group=11)
        db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="none",
                                   rule="test", score=0.0))
        people.append(person)
    matched = make.school_record(make.young_person(), empty, kind="leaver", academic_year=2022)
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=matched.id, outcome="certain",
                               rule="test", score=1.0))
    db.session.flush()
    return alpha, beta, empty, people


def _no_live_formulas(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r} is not quoted"


def test_export_writes_one_file_per_school_with_entries(db, two_schools, tmp_path):
    build_lists("leavers", 2022)

    paths = export_lists("leavers", 2022, tmp_path / "out")

    assert [path.name for path in paths] == ["8861001.xlsx", "8861002.xlsx"]
    workbook = load_workbook(paths[0])
    assert workbook.sheetnames == ["Young people", "About this list", "Destinations"]
    sheet = workbook["Young people"]
    assert [cell.value for cell in sheet[1]] == EXPECTED_HEADERS
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[4] for row in rows) == ["+Smith", "-Jones"]
    assert rows[0][5].date() == date(2006, 3, 14) and sheet["F2"].number_format == "dd/mm/yyyy"
    assert rows[0][6] == 11
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:P3"
    assert sheet.protection.sheet and sheet["A2"].protection.locked and not sheet["J2"].protection.locked


def test_the_destination_drop_down_lists_the_plain_words_from_a_hidden_sheet(db, two_schools, tmp_path):
    build_lists("leavers", 2022)
    workbook = load_workbook(export_lists("leavers", 2022, tmp_path)[0])

    validations = workbook["Young people"].data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].type == "list" and validations[0].formula1 == "DestinationList"
    assert str(validations[0].sqref) == "J2:J3"
    hidden = workbook["Destinations"]
    assert hidden.sheet_state == "hidden"
    words = [row[0] for row in hidden.iter_rows(values_only=True)]
    destinations = [text for _group, options in destination_choices() for _code, text in options]
    assert words == [*destinations, "Moved out of Kent to another part of the UK", "Moved to another country"]
    assert "Sixth-form college" in words and "Still at a school (compulsory age)" not in words
    assert len(",".join(words)) > 255
    name = workbook.defined_names["DestinationList"]
    assert name.attr_text == f"'Destinations'!$A$1:$A${len(words)}"
    assert plain_words_to_code()["sixth-form college"] == "220"


def test_no_exported_cell_is_a_live_formula(db, two_schools, tmp_path):
    build_lists("leavers", 2022)

    for path in export_lists("leavers", 2022, tmp_path):
        workbook = load_workbook(path)
        _no_live_formulas(workbook)
    first = load_workbook(tmp_path / "8861001.xlsx")
    forenames = [row[3] for row in first["Young people"].iter_rows(min_row=2, values_only=True)]
    assert '=HYPERLINK("http://evil.example","x")' in forenames


def test_the_about_sheet_names_the_school_and_the_deadline(db, two_schools, tmp_path):
    build_lists("leavers", 2022)
    workbook = load_workbook(export_lists("leavers", 2022, tmp_path)[1])

    text = [row[0] for row in workbook["About this list"].iter_rows(values_only=True) if row[0]]
    assert text[0] == "Year 11 and 12 leaver destinations 2022-23"
    assert "Beta School (LAESTAB 8861002)" in text
    assert "Return by 31 October 2022" in text
    assert any("upload this file" in line for line in text)


def test_the_web_download_is_the_same_template(db, two_schools):
    alpha, *_ = two_schools
    collection = build_lists("leavers", 2022)

    workbook = load_workbook(BytesIO(write_school_list(collection, alpha)))

    assert [cell.value for cell in workbook.worksheets[0][1]] == list(HEADERS)
    assert workbook.worksheets[0].max_row == 3
    _no_live_formulas(workbook)


def test_export_before_building_is_refused(db, tmp_path):
    with pytest.raises(ListsError, match="have not been built: run flask tep lists build no-offer --year 2040"):
        export_lists("no-offer", 2040, tmp_path)


def test_export_to_a_file_is_refused(db, two_schools, tmp_path):
    build_lists("leavers", 2022)
    target = tmp_path / "a-file"
    target.write_text("x")

    with pytest.raises(ListsError, match="is a file, not a folder"):
        export_lists("leavers", 2022, target)


def test_a_school_requests_download_carries_its_saved_answers_and_reads_back(db, two_schools):
    from tep_app.models import SchoolRequest, SchoolResponse
    from tep_app.services.school_requests.upload import check_upload

    _alpha, beta, *_ = two_schools
    collection = build_lists("leavers", 2022)
    request = SchoolRequest(collection_id=collection.id, establishment_id=beta.id, status="in_progress",
                            due_on=collection.due_on)
    db.session.add(request)
    db.session.flush()
    entry = next(e for e in collection.entries if e.establishment_id == beta.id)
    db.session.add(SchoolResponse(school_request_id=request.id, list_entry_id=entry.id, activity_code="230",
                                  provider_name="Mid Kent College", intelligence="=not a formula"))
    db.session.flush()

    data = write_school_list(request)
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    row = [cell.value for cell in sheet[2]]
    assert row[0] == entry.id
    assert row[9:11] == ["Further education college", "Mid Kent College"]
    assert row[15] == "=not a formula" and sheet["P2"].quotePrefix

    result = check_upload(request, [entry], BytesIO(data), "8861002.xlsx")
    assert result.ok, result.problems
    assert [(e.id, answer["activity_code"]) for e, answer in result.answers] == [(entry.id, "230")]


def test_the_no_offer_export_asks_for_the_september_guarantee_status(db, make, tmp_path):
    school = make.establishment(name="Gamma School", laestab="8861004")
    make.school_record(make.young_person(), school, kind="roll", academic_year=2022, year_group=11)
    db.session.flush()
    build_lists("no-offer", 2022)
    workbook = load_workbook(export_lists("no-offer", 2022, tmp_path)[0])
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    assert "September Guarantee status" in headers and "Destination" not in headers
    choices = [row[0] for row in workbook["Destinations"].iter_rows(values_only=True)]
    assert "Applied and waiting for an outcome" in choices and "Moved to another country" in choices
    assert "Further education college" not in choices
