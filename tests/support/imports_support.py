"""Builders for import test files (synthetic names only), written in the test's tmp_path or as bytes."""
import csv
import io
from io import BytesIO

from openpyxl import Workbook

from tep_app.identifiers import make_upn

SCHOOL, OTHER_SCHOOL, COLLEGE, COLLEGE_UKPRN = "8864101", "8864102", "8864901", "10049001"
LEAVER_HEADERS = ["LAESTAB", "UPN", "Forename", "Surname", "Date of birth", "Year group", "Gender", "Postcode",
                  "Phone", "Parent phone", "Email"]


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def leaver_rows(count: int = 3, school: str = SCHOOL) -> list[list]:
    return [[school, make_upn(886, 4101, 22, n), f"Forename{n}", f"Surname{n}", f"0{1 + n % 9}/03/2006", "11", "F",
             "ME14 1XX", f"07700 900{n:03d}", "01632 960001", f"pupil{n}@example.com"] for n in range(1, count + 1)]


def establishments_csv() -> bytes:
    return csv_bytes(["LAESTAB", "Name", "Type", "UKPRN", "District", "Contact email", "Contact name"], [
        [SCHOOL, "Oakfield School", "school", "", "Maidstone", "head@oak.example; data@oak.example", "Pat Head"],
        [OTHER_SCHOOL, "Elm Academy", "school", "", "Ashford", "office@elm.example", "Sam Office"],
        [COLLEGE, "Riverside College", "college", COLLEGE_UKPRN, "Maidstone", "mis@river.example", "Jo Mis"],
    ])
