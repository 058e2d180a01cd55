import pytest

from tep_app.identifiers import (
    IdentifierError, check_laestab, check_uln, check_ukprn, check_upn, make_uln, make_upn,
    normalise_phone, normalise_postcode,
)


@pytest.mark.parametrize("upn", ["B801200005001", "P207000016049"])
def test_valid_upns_from_the_design_pass(upn):
    assert check_upn(upn) == upn


def test_a_upn_with_the_wrong_check_letter_is_refused_with_its_value():
    with pytest.raises(IdentifierError, match="A801200005001.*wrong check letter"):
        check_upn("A801200005001")


@pytest.mark.parametrize("bad", ["B80120000500", "I801200005001", "B80120000500S", "B8012000050X1"])
def test_upns_of_the_wrong_shape_are_refused(bad):
    with pytest.raises(IdentifierError):
        check_upn(bad)


def test_temporary_upn_with_a_letter_in_position_13_is_checked_by_its_letter_value():
    upn = make_upn(886, 4000, 22, 1)
    body = upn[1:12] + "A"
    from tep_app.identifiers import upn_check_letter

    temporary = upn_check_letter(body) + body
    assert check_upn(temporary) == temporary


def test_uln_check():
    assert check_uln("9276308686") == "9276308686"
    with pytest.raises(IdentifierError):
        check_uln("9276308687")
    with pytest.raises(IdentifierError):
        check_uln("0276308686")


def test_generated_identifiers_pass_their_own_checks():
    for n in range(200):
        check_uln(make_uln(n))
        check_upn(make_upn(886, n, 22, n % 1000))


def test_laestab_ukprn_postcode_and_phone_are_normalised_or_refused():
    assert check_laestab("886/4000") == "8864000"
    assert check_ukprn("10001234") == "10001234"
    assert normalise_postcode(" me141xx ") == "ME14 1XX"
    assert normalise_phone("+44 (0)7700 900123".replace("(0)", "")) == "07700900123"
    for func, bad in [(check_laestab, "88640"), (check_ukprn, "20001234"), (normalise_postcode, "ME14"),
                      (normalise_phone, "0770")]:
        with pytest.raises(IdentifierError):
            func(bad)
