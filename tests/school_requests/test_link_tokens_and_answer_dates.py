"""Secure links and school answers: the pure parts."""
from datetime import UTC, date, datetime

import pytest

from tep_app.services.school_requests.links import hash_token, mask_email, token_expiry
from tep_app.services.school_requests.outcomes import (
    lapse_date,
    source_label,
)


def test_a_link_expires_at_the_end_of_the_grace_period_london_time():
    # 31 October + 14 days = 14 November; the link works to midnight in London (GMT then).
    assert token_expiry(date(2022, 10, 31)) == datetime(2022, 11, 15, 0, 0, tzinfo=UTC)
    # 30 June + 14 days = 14 July; midnight in London is 23:00 UTC (BST).
    assert token_expiry(date(2023, 6, 30)) == datetime(2023, 7, 14, 23, 0, tzinfo=UTC)


def test_only_the_hash_of_a_token_is_kept_and_it_is_stable():
    assert hash_token("abc") == hash_token("abc")
    assert hash_token("abc") != hash_token("abd")
    assert len(hash_token("abc")) == 64 and "abc" not in hash_token("abc")


def test_addresses_are_masked_for_the_contact_choice():
    assert mask_email("jane.doe@school.example") == "j•••@school.example"


def test_answers_carry_the_date_the_school_gave_them():
    assert source_label(date(2022, 10, 12)) == "school, 12 Oct"


@pytest.mark.parametrize("ascertained, group, lapses", [
    (date(2022, 10, 20), "education", date(2023, 10, 20)),
    (date(2022, 10, 20), "employment", date(2023, 10, 20)),
    (date(2022, 10, 20), "neet", date(2023, 1, 20)),
    (date(2022, 11, 30), "not-known", date(2023, 2, 28)),
    (date(2024, 2, 29), "training", date(2025, 2, 28)),
])
def test_an_activity_lapses_after_a_year_if_eet_and_three_months_otherwise(ascertained, group, lapses):
    assert lapse_date(ascertained, group) == lapses


