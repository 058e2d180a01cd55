"""The spreadsheet reader: .xlsx and .csv in, numbered rows out, typed errors for bad files."""
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from tep_app.spreadsheets.reader import SpreadsheetError, read_table


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_with_bom_and_semicolons_numbers_rows_as_excel_does_and_skips_blank_rows():
    data = "\ufeffForename;Surname\nAda;Lovelace\n;\n  ;  \nGrace;Hopper\n".encode()
    table = read_table(data, "people.csv", max_rows=10)
    assert table.headers == ["Forename", "Surname"]
    assert table.rows == [(2, ["Ada", "Lovelace"]), (5, ["Grace", "Hopper"])]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_csv_delimiter_is_sniffed(delimiter):
    data = delimiter.join(["UPN", "Forename"]).encode() + b"\n" + delimiter.join(["X", "Ada"]).encode()
    assert read_table(data, "a.csv", max_rows=5).rows == [(2, ["X", "Ada"])]


def test_xlsx_reads_first_sheet_with_real_dates(tmp_path):
    path = tmp_path / "leavers.xlsx"
    path.write_bytes(xlsx([["Forename", "Date of birth"], ["Ada", date(2006, 3, 1)], [None, None],
                           ["Grace", datetime(2006, 4, 2)]]))
    table = read_table(path, path.name, max_rows=10)
    assert table.headers == ["Forename", "Date of birth"]
    assert [(n, v[0]) for n, v in table.rows] == [(2, "Ada"), (4, "Grace")]
    assert table.rows[0][1][1] in (date(2006, 3, 1), datetime(2006, 3, 1))
    assert table.formulas == set()


def test_xlsx_formula_cells_are_found():
    data = xlsx([["Forename", "Surname"], ["Ada", "Lovelace"], ['=CONCAT("A","da")', "Byron"]])
    table = read_table(data, "f.xlsx", max_rows=10)
    assert table.formulas == {(3, 0)}


def test_csv_formula_text_is_found():
    table = read_table(b"Forename,Phone\n=HYPERLINK(\"x\"),+44 7700 900123\n", "f.csv", max_rows=10)
    assert table.formulas == {(2, 0)}


@pytest.mark.parametrize("data, filename, message", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "report.xlsx", "not an Excel .xlsx file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "report.csv", "not a CSV file"),
    (b"PK\x03\x04 this is not really a zip", "broken.xlsx", "not an Excel .xlsx file we can read"),
    (b"Forename\nAda\n", "people.pdf", "must be an .xlsx or .csv spreadsheet"),
    (b"", "empty.csv", "The file is empty"),
    (b"  \n\n", "blank.csv", "The file is empty"),
    (b"Forename,Surname\n,\n", "header.csv", "column headings but no rows"),
])
def test_files_that_are_not_usable_get_one_clear_message(data, filename, message):
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, filename, max_rows=10)
    assert message in str(error.value)


def test_xlsx_header_with_no_rows():
    with pytest.raises(SpreadsheetError, match="column headings but no rows"):
        read_table(xlsx([["Forename", "Surname"]]), "h.xlsx", max_rows=10)


def test_more_rows_than_the_limit():
    data = ("Forename\n" + "".join(f"Name{n}\n" for n in range(1, 12))).encode()
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, "big.csv", max_rows=10)
    assert str(error.value) == ("The file has 11 rows: the most one import takes is 10. "
                                "Split it and import each part.")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SpreadsheetError, match="There is no file"):
        read_table(tmp_path / "nope.csv", "nope.csv", max_rows=5)
    with pytest.raises(SpreadsheetError, match="is a folder"):
        read_table(tmp_path, "x.csv", max_rows=5)
