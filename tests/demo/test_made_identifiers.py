"""Made identifiers pass the checks production runs on every file and form."""
import pytest

from tep_app.identifiers import make_uln, make_upn
from tep_app.validation import Invalid, check_phone, check_uln, check_upn


def test_made_upns_and_ulns_pass_the_checks_the_imports_run():
    upns = {make_upn(886, n, 22, n % 1000) for n in range(200)}
    ulns = {make_uln(n) for n in range(200)}
    assert len(upns) == 200 and len(ulns) == 200
    assert all(check_upn(upn) == upn for upn in upns)
    assert all(check_uln(uln) == uln for uln in ulns)


def test_a_made_upn_is_its_la_establishment_year_and_serial_behind_a_check_letter():
    upn = make_upn(886, 4101, 22, 7)
    assert upn[1:] == "886410122007" and check_upn(upn) == upn


def test_the_phone_check_gives_the_national_number_or_refuses():
    assert check_phone("+44 7700 900123") == "07700900123"
    with pytest.raises(Invalid):
        check_phone("0770")
