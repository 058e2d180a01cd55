"""The contact columns of school MIS exports (SIMS, Arbor, Bromcom, ScholarPack) under their own
names: each fills the young person's or a parent's or carer's phone or email, and a file may hold
several for one of them."""
import pytest

from tep_app.services.imports.columns import match_headers
from tep_app.services.imports.validate import WARNING, Lookups, check_rows
from tep_app.spreadsheets.reader import Table

SCHOOL = "8864001"
REQUIRED = ["LAESTAB", "Forename", "Surname", "Date of birth", "Year group"]


@pytest.mark.parametrize("header, key", [
    ("Primary Contact Telephone", "parent_phone"),
    ("Primary Contact Mobile", "parent_phone"),
    ("Contact 1 Telephone", "parent_phone"),
    ("Contact 2 Mobile", "parent_phone"),
    ("Parent Mobile", "parent_phone"),
    ("Priority 1 Contact Mobile", "parent_phone"),
    ("Priority 2 Contact Telephone", "parent_phone"),
    ("Parent/Carer Phone", "parent_phone"),
    ("Student Mobile", "phone"),
    ("Pupil Mobile", "phone"),
    ("Student Telephone", "phone"),
    ("Telephone", "phone"),
    ("Pupil Email", "email"),
    ("Student Email Address", "email"),
    ("Primary Contact Email", "parent_email"),
    ("Contact 1 Email", "parent_email"),
    ("Parent Email", "parent_email"),
    ("Priority 1 Contact Email", "parent_email"),
])
def test_an_mis_contact_header_fills_the_right_kind_of_contact(header, key):
    for kind in ("leavers", "roll"):
        match = match_headers(kind, [*REQUIRED, header])
        assert match.positions.get(key) == len(REQUIRED), (kind, header)
        assert match.ignored == []


def test_several_headers_for_one_contact_are_all_read_and_each_value_kept():
    headers = [*REQUIRED, "Primary Contact Telephone", "Primary Contact Mobile", "Contact 2 Telephone", "Hair colour"]
    row = [SCHOOL, "Ada", "Lovelace", "2006-03-01", "11", "01632 960123", "07700 900456", "not a number", "red"]
    checked = check_rows("leavers", Table(headers, [(2, row)]), 2022, Lookups(laestabs={SCHOOL: 1}))
    assert checked.problems == []
    assert checked.match.ignored == ["Hair colour"]
    assert ("Primary Contact Mobile", "Parent phone") in checked.match.found
    record = checked.records[0][1]
    assert sorted(v for k, v in record.items() if k.startswith("parent_phone") and v) == ["01632960123", "07700900456"]
    (warning,) = checked.warnings
    assert (warning.severity, warning.row, warning.column, warning.value) == (
        WARNING, 2, "Contact 2 Telephone", "not a number")
