"""Signing in with an email no account has costs the same argon2 work as a real account's wrong
password: the stand-in hash it is checked against has the hasher's own settings."""
from argon2 import extract_parameters

from tep_app.services import staff


def test_the_stand_in_hash_has_the_hashers_settings():
    assert not staff._hasher().check_needs_rehash(staff._DUMMY_HASH)
    assert extract_parameters(staff._DUMMY_HASH) == extract_parameters(staff.hash_password("correct horse battery"))


def test_no_password_matches_the_stand_in_hash():
    assert staff._verify(staff._DUMMY_HASH, "") is False
    assert staff._verify(staff._DUMMY_HASH, "development-only-not-secret") is False
