"""The pre-populated list workbook, read back with openpyxl and calamine (no database)."""
import zipfile
from datetime import date
from io import BytesIO
from xml.dom import minidom

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tep_app.spreadsheets.list_template import HEADERS, ListRow, ListSheet, safe_text, write_list_workbook

DESTINATIONS = ["School sixth form", "Further education college", "Apprenticeship & training <level 2>"]


def _sheet(rows, **kwargs) -> bytes:
    data = {"school_name": "Oakwood School", "laestab": "8864001",
            "title": "Year 11 and 12 leaver destinations 2022-23", "due_on": date(2022, 10, 31), "rows": rows,
            "destinations": DESTINATIONS}
    data.update(kwargs)
    return write_list_workbook(ListSheet(**data))


def _row(n=1, **kwargs) -> ListRow:
    values = {"reference": n, "upn": "B801200005001", "uln": "9276308686", "forename": "Amy", "surname": "Smith",
              "date_of_birth": date(2006, 3, 14), "year_group": 11, "gender": "F", "postcode": "ME14 1XX"}
    values.update(kwargs)
    return ListRow(**values)


def test_every_part_is_well_formed_xml():
    with zipfile.ZipFile(BytesIO(_sheet([_row()]))) as archive:
        names = archive.namelist()
        for name in names:
            minidom.parseString(archive.read(name))
    assert "xl/worksheets/sheet1.xml" in names and "[Content_Types].xml" in names


def test_openpyxl_reads_the_rows_dates_and_answers_back():
    row = _row(7, destination="School sixth form", provider="Mid Kent College", start_date=date(2022, 9, 5),
               phone="07700 900123", parent_phone="+44 7700 900456", email="amy@example.com",
               what_you_know="  moved to Scotland  ")
    sheet = load_workbook(BytesIO(_sheet([row]))).worksheets[0]

    assert [c.value for c in sheet[1]] == list(HEADERS)
    values = [c.value for c in sheet[2]]
    assert values[0] == 7 and values[1:5] == ["B801200005001", "9276308686", "Amy", "Smith"]
    assert values[5].date() == date(2006, 3, 14) and values[11].date() == date(2022, 9, 5)
    assert sheet["F2"].number_format == "dd/mm/yyyy" and sheet["L2"].number_format == "dd/mm/yyyy"
    assert values[9:11] == ["School sixth form", "Mid Kent College"]
    assert values[13] == "+44 7700 900456" and sheet["N2"].quotePrefix
    assert values[15] == "  moved to Scotland  "


def test_the_reference_column_is_grey_and_locked_and_the_schools_columns_are_open():
    sheet = load_workbook(BytesIO(_sheet([_row()]))).worksheets[0]

    assert sheet.protection.sheet and not sheet.protection.autoFilter
    assert sheet["A2"].protection.locked and sheet["A2"].fill.fgColor.rgb == "FFF3F2F1"
    assert sheet["B2"].protection.locked
    assert all(not sheet[f"{col}2"].protection.locked for col in "JKLMNOP")
    assert sheet.column_dimensions["J"].width == 44


def test_formula_like_text_is_quoted_and_never_a_formula():
    nasty = '=HYPERLINK("http://evil.example","click")'
    data = _sheet([_row(forename=nasty, surname="-1+2", postcode="@SUM(A1)", what_you_know="+44 is fine")],
                  school_name="=cmd|' /C calc'!A0")
    workbook = load_workbook(BytesIO(data))

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, cell.coordinate
    assert workbook.worksheets[0]["D2"].value == nasty
    assert workbook["About this list"]["A2"].value == "=cmd|' /C calc'!A0 (LAESTAB 8864001)"
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_control_characters_are_dropped():
    assert safe_text("Amy\x00\x1b Smith") == ("Amy Smith", False)
    assert safe_text("=1+1") == ("=1+1", True)
    assert safe_text(42) == (42, False)


def test_calamine_reads_the_header_in_row_1_of_the_first_sheet():
    workbook = CalamineWorkbook.from_filelike(BytesIO(_sheet([_row(), _row(2, surname="Jones")])))

    assert workbook.sheet_names == ["Young people", "About this list", "Destinations"]
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == list(HEADERS)
    assert [row[4] for row in rows[1:]] == ["Smith", "Jones"]


def test_the_drop_down_uses_the_named_range_on_the_hidden_sheet():
    workbook = load_workbook(BytesIO(_sheet([_row(), _row(2)])))

    validation = workbook.worksheets[0].data_validations.dataValidation[0]
    assert (validation.type, validation.formula1, str(validation.sqref)) == ("list", "DestinationList", "J2:J3")
    assert validation.showErrorMessage and validation.allow_blank
    assert workbook["Destinations"].sheet_state == "hidden"
    assert [r[0] for r in workbook["Destinations"].iter_rows(values_only=True)] == DESTINATIONS
    assert workbook.defined_names["DestinationList"].attr_text == "'Destinations'!$A$1:$A$3"


def test_an_empty_list_still_has_its_header_drop_down_and_about_sheet():
    workbook = load_workbook(BytesIO(_sheet([], kind="no-offer", title="September Guarantee: no recorded offer 2022-23",
                                            due_on=date(2023, 6, 30))))

    assert workbook.worksheets[0].max_row == 1
    about = [r[0] for r in workbook["About this list"].iter_rows(values_only=True) if r[0]]
    assert about[:3] == ["September Guarantee: no recorded offer 2022-23", "Oakwood School (LAESTAB 8864001)",
                         "Return by 30 June 2023"]
    assert "0 young people on this list." in about
    assert any("plans for September" in line for line in about)
