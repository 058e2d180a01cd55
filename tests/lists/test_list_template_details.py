"""What a school sees in its list workbook, detail by detail: the frozen header, the filter, the
drop-down's messages, column widths, fonts and fills, the About sheet's words and styles."""
import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tep_app.spreadsheets.list_template import (
    COLUMNS,
    STATUS_HEADER,
    ListRow,
    ListSheet,
    headers_for,
    safe_text,
    write_list_workbook,
)

DESTINATIONS = ["School sixth form", "Further education college"]


def _data(rows, **kwargs) -> ListSheet:
    data = {"school_name": "Oakwood School", "laestab": "8864001",
            "title": "Year 11 and 12 leaver destinations 2022-23", "due_on": date(2022, 10, 31), "rows": rows,
            "destinations": DESTINATIONS}
    data.update(kwargs)
    return ListSheet(**data)


def _row(n=1, **kwargs) -> ListRow:
    values = {"reference": n, "upn": "B801200005001", "uln": "9276308686", "forename": "Amy", "surname": "Smith",
              "date_of_birth": date(2006, 3, 14), "year_group": 11, "gender": "F", "postcode": "ME14 1XX"}
    values.update(kwargs)
    return ListRow(**values)


def _book(rows, **kwargs):
    return load_workbook(BytesIO(write_list_workbook(_data(rows, **kwargs))))


def test_the_list_sheet_is_frozen_filtered_and_sized():
    sheet = _book([_row(), _row(2)]).worksheets[0]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:P3"
    assert sheet.dimensions == "A1:P3"
    assert {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOP"} == {
        chr(ord("A") + n): width for n, (_header, width, _ours) in enumerate(COLUMNS)}
    assert sheet.protection.sheet and sheet.protection.objects and sheet.protection.scenarios
    assert not sheet.protection.formatColumns and not sheet.protection.formatRows
    assert sheet.sheet_view.tabSelected


def test_an_empty_list_still_filters_and_offers_the_drop_down_on_row_2():
    sheet = _book([]).worksheets[0]
    assert sheet.auto_filter.ref == "A1:P2"
    assert str(sheet.data_validations.dataValidation[0].sqref) == "J2"  # J2:J2


def test_the_drop_down_says_what_to_do():
    validation = _book([_row()]).worksheets[0].data_validations.dataValidation[0]
    assert (validation.errorStyle, validation.errorTitle, validation.error, validation.promptTitle,
            validation.prompt, validation.showInputMessage) == (
        "stop", "Destination", "Choose a destination from the list.", "Destination",
        "Choose what this young person is doing from the list.", True)


def test_the_header_is_bold_on_grey_and_wraps():
    sheet = _book([_row()]).worksheets[0]
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb == "FFDEE0E2" and header.alignment.wrap_text
    assert header.protection.locked


def test_the_schools_columns_are_open_and_dates_are_day_month_year():
    sheet = _book([_row(start_date=date(2022, 9, 5), provider="=Mid Kent")]).worksheets[0]
    assert sheet["L2"].number_format == "dd/mm/yyyy" and not sheet["L2"].protection.locked
    assert sheet["F2"].number_format == "dd/mm/yyyy" and sheet["F2"].protection.locked
    assert sheet["K2"].quotePrefix and not sheet["K2"].protection.locked
    assert sheet["E2"].font.b is False and sheet["E2"].fill.fill_type is None


def test_values_of_each_kind_are_written_as_that_kind():
    sheet = _book([_row(year_group=True, what_you_know="", email=None,
                        start_date=datetime(2022, 9, 5, 10, 30))]).worksheets[0]
    assert sheet["G2"].value is True
    assert sheet["L2"].value == datetime(2022, 9, 5)  # a time of day is dropped
    assert sheet["O2"].value is None and sheet["P2"].value is None


def test_spaces_at_either_end_of_text_are_kept():
    with zipfile.ZipFile(BytesIO(write_list_workbook(_data([_row(what_you_know=" spaced ")])))) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve"> spaced </t>' in xml
    assert "<t>Smith</t>" in xml


def test_the_no_offer_list_asks_for_the_september_guarantee_status():
    assert headers_for("no-offer")[9] == STATUS_HEADER
    assert headers_for("leavers")[9] == "Destination"
    sheet = _book([], kind="no-offer").worksheets[0]
    assert sheet["J1"].value == "September Guarantee status"


def test_the_about_sheet_in_full():
    about = _book([_row()])["About this list"]
    lines = [(cell.value, cell.font.b, cell.font.sz) for (cell,) in about.iter_rows(max_col=1) if cell.value]
    assert lines[:3] == [("Year 11 and 12 leaver destinations 2022-23", True, 16.0),
                         ("Oakwood School (LAESTAB 8864001)", True, 11.0), ("Return by 31 October 2022", True, 11.0)]
    words = [text for text, _b, _s in lines]
    assert words[3:] == [
        "1 young person on this list.",
        "How to fill it in",
        "On the Young people sheet, tell us the destination each young person has gone on to.",
        "Choose a destination from the drop-down list in the Destination column.",
        "Add the provider (college, employer or training provider) and the start date if you know them.",
        "Add the young person's phone number and a parent or carer's phone number: these help us most.",
        "Write anything else you know in What you know, for example 'moved to Scotland' or 'not known to us'.",
        "Leave a row blank if you know nothing about that young person.",
        "Do not change the Reference column or add rows: the first nine columns are locked.",
        "How to return it",
        "Open the secure link in the email we sent you, confirm with the code we email to you, and upload this file "
        "on your list's page.",
        "Please return it as soon as you can, and by 31 October 2022 at the latest.",
        "Do not send this file by email: it holds personal data.",
    ]
    assert about["A4"].alignment.wrap_text and about.column_dimensions["A"].width == 110
    assert about["A5"].value is None  # a blank line between the parts


def test_the_about_sheet_counts_in_thousands_and_tells_the_no_offer_list_what_to_choose():
    about = _book([_row(n) for n in range(1, 1201)], kind="no-offer")["About this list"]
    words = [cell.value for (cell,) in about.iter_rows(max_col=1) if cell.value]
    assert "1,200 young people on this list." in words
    assert ("Choose a status from the drop-down list in the September Guarantee status column, or 'Moved away' "
            "if they have left Kent.") in words


def test_a_formula_like_heading_is_quoted_and_stays_bold():
    about = _book([], title="=Leavers 2022")["About this list"]
    assert about["A1"].value == "=Leavers 2022" and about["A1"].quotePrefix and about["A1"].font.b


def test_the_workbook_names_its_sheets_and_the_filter_range():
    workbook = _book([_row(), _row(2), _row(3)])
    assert workbook.sheetnames == ["Young people", "About this list", "Destinations"]
    assert [ws.sheet_state for ws in workbook.worksheets] == ["visible", "visible", "hidden"]
    assert workbook.worksheets[0].auto_filter.ref == "A1:P4"
    assert workbook.defined_names["DestinationList"].attr_text == "'Destinations'!$A$1:$A$2"
    empty = _book([], destinations=[])
    assert empty.defined_names["DestinationList"].attr_text == "'Destinations'!$A$1:$A$1"


@pytest.mark.parametrize("value, expected", [("a\x0bb\x0cc", ("abc", False)), ("-5", ("-5", True)),
                                             ("\x00=1", ("=1", True)), (None, (None, False))])
def test_safe_text_edges(value, expected):
    assert safe_text(value) == expected
