"""Matching decisions on synthetic pairs: what is certain, what is possible, what is no match, and the
evidence each keeps."""
from datetime import date

import pytest

from tep_app.matching import PersonRecord, match_records
from tep_app.matching.nicknames import are_equivalent, pairs
from tep_app.matching.normalise import compare_dob, norm_name, postcode_parts, soundex

DOB = date(2006, 10, 3)


def person(id=1, forename="Thomas", surname="Wright", dob=DOB, *, key=None, upn=None, uln=None, middle=None,
           preferred=None, former=None, gender="M", postcode="ME14 1AA", rank=0) -> PersonRecord:
    return PersonRecord(id, key if key is not None else f"row-{id}", upn, uln, forename, middle, surname,
                        preferred, former, dob, gender, postcode, rank)


def match_one(record: PersonRecord, candidate: PersonRecord):
    [outcome] = match_records([record], [candidate])
    return outcome


# Normalising


def test_names_lose_case_accents_and_punctuation():
    assert norm_name("  O'Brien-SMITH ") == "obrien smith"
    assert norm_name("Zoë") == "zoe"
    assert norm_name("St. John") == "st john"
    assert norm_name(None) == ""


def test_soundex_puts_sound_alikes_together():
    assert soundex("smith") == soundex("smyth") == "s530"
    assert soundex("ashcraft") == "a261"
    assert soundex("robert") == soundex("rupert") == "r163"
    assert soundex("") == ""


def test_postcode_parts():
    assert postcode_parts("me14 1aa") == ("ME141AA", "ME14 1", "ME14")
    assert postcode_parts(None) == ("", "", "")


@pytest.mark.parametrize("left, right, expected", [
    (date(2006, 10, 3), date(2006, 10, 3), "exact"),
    (date(2006, 10, 3), date(2006, 3, 10), "day-month-swap"),
    (date(2006, 10, 3), date(2006, 10, 4), "one-day"),
    (date(2006, 10, 3), date(2006, 10, 8), "digit-typo"),
    (date(2006, 10, 3), date(2007, 10, 3), "digit-typo"),
    (date(2006, 10, 12), date(2006, 10, 21), "digit-typo"),
    (date(2006, 10, 3), date(2006, 6, 21), "different"),
])
def test_dates_of_birth(left, right, expected):
    assert compare_dob(left, right) == expected


def test_the_nickname_table_is_large_and_works_both_ways():
    assert len(pairs()) >= 150
    for full, short in [("thomas", "tom"), ("william", "bill"), ("margaret", "peggy"), ("alfred", "alfie"),
                        ("oliver", "ollie"), ("isabelle", "izzy"), ("frederick", "freddie"),
                        ("charles", "charlie"), ("charlotte", "charlie"), ("alexandra", "lexi")]:
        assert are_equivalent(full, short) and are_equivalent(short, full)
    assert are_equivalent("bill", "will")  # two short forms of William
    assert not are_equivalent("charles", "charlotte")
    assert not are_equivalent("jacob", "john")  # both are "Jack", but not each other


# Identifiers: strong evidence, not a verdict


def test_the_same_upn_with_a_nickname_and_a_typo_is_certain():
    outcome = match_one(person(upn="B801200005001", forename="Tommy", surname="Right"),
                        person(2, upn="B801200005001", forename="Tom", surname="Wright"))
    assert outcome.outcome == "certain"
    assert outcome.rule.split("+")[0] == "upn"


def test_the_same_uln_is_certain_with_a_day_month_swap():
    outcome = match_one(person(uln="9276308686"), person(2, uln="9276308686", dob=date(2006, 3, 10)))
    assert outcome.outcome == "certain"
    assert {"uln", "dob-dm"} <= set(outcome.rule.split("+"))


def test_the_same_upn_and_names_outweigh_a_date_of_birth_ten_days_off():
    outcome = match_one(person(upn="B801200005001"), person(2, upn="B801200005001", dob=date(2006, 9, 23)))
    assert outcome.outcome == "certain"
    assert "dob-near" in outcome.rule.split("+")


def test_the_same_upn_with_the_names_swapped_and_one_mistyped_is_certain():
    outcome = match_one(person(upn="B801200005001"),
                        person(2, upn="B801200005001", forename="Wrigth", surname="Thomas"))
    assert outcome.outcome == "certain"
    assert {"upn", "swap", "sn-typo"} <= set(outcome.rule.split("+"))


def test_the_same_upn_on_someone_else_entirely_is_only_possible():
    outcome = match_one(person(upn="B801200005001"),
                        person(2, upn="B801200005001", forename="Aisha", surname="Begum", gender="F"))
    assert outcome.outcome == "possible"
    assert {"upn", "fn-x", "sn-x"} <= set(outcome.rule.split("+"))


def test_a_row_carrying_someone_elses_upn_goes_to_its_real_owner():
    owner = person(1, forename="Aisha", surname="Begum", gender="F", upn="P207000016049")
    victim = person(2, upn="B801200005001", dob=date(2007, 1, 5))
    row = person(10, forename="Aisha", surname="Begum", gender="F", upn="B801200005001")
    results = {o.record_id: o for o in match_records([owner, victim], [row])}
    assert (results[1].outcome, results[1].candidate_id) == ("certain", 10)
    assert results[2].outcome == "none"


# Names and dates of birth with no identifiers


@pytest.mark.parametrize("record, candidate, tokens", [
    (person(), person(2), {"fn", "sn", "dob", "pc"}),
    (person(), person(2, forename="Tom", postcode="CT1 1AA"), {"fn-alias", "sn", "dob", "pc-x"}),
    (person(forename="Isabelle", gender="F"), person(2, forename="Izzy", gender="F"), {"fn-alias"}),
    (person(preferred="Sunny", forename="Sunil"), person(2, forename="Sunny"), {"fn", "sn"}),
    (person(middle="James"), person(2, forename="James"), {"fn-middle"}),
    (person(), person(2, forename="Wright", surname="Thomas"), {"fn", "sn", "swap"}),
    (person(surname="Ashby-Clarke"), person(2, surname="Clarke"), {"sn-part"}),
    (person(surname="Ashby Clarke"), person(2, surname="Ashby"), {"sn-part"}),
    (person(surname="Khan", former="Wright"), person(2, surname="Wright"), {"sn-former"}),
    (person(surname="O'Neill"), person(2, surname="ONEILL"), {"sn"}),
    (person(), person(2, forename="Thoams"), {"fn-typo"}),
    (person(), person(2, surname="Wrigth", postcode="DA1 1AA"), {"sn-typo", "pc-x"}),
    (person(forename="Lisa", gender="F"), person(2, forename="Lissa", gender="F"), {"fn-typo"}),
    (person(), person(2, dob=date(2006, 3, 10)), {"dob-dm"}),
    (person(), person(2, dob=date(2006, 10, 8), postcode="ME14 1ZZ"), {"dob-day", "pc-sect"}),
    (person(), person(2, dob=date(2006, 11, 3), postcode="ME14 1ZZ"), {"dob-typo", "pc-sect"}),
    (person(forename="Christopher", surname="Murphy"), person(2, forename="Chlis", surname="Murphy"), {"fn-typo"}),
    (person(forename="Muhammad", surname="Kent"), person(2, forename="MOHALMED", surname="KENT"), {"fn-typo", "sn"}),
    (person(forename="Christopher"), person(2, forename="Kristof"), {"fn-like"}),
    (person(), person(2, gender="F"), {"sex-x"}),
    # A slip in a short form of the name, or in a middle name used as the forename.
    (person(forename="Joseph"), person(2, forename="Jeo"), {"fn-typo", "sn", "dob"}),
    (person(forename="Harriet", middle="Anna", gender="F"), person(2, forename="Annna", gender="F"), {"fn-middle"}),
    # The same forename, date of birth and address under another surname: a new family name.
    (person(), person(2, surname="Patel"), {"fn", "sn-x", "dob", "pc"}),
])
def test_certain_matches_keep_their_evidence(record, candidate, tokens):
    outcome = match_one(record, candidate)
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 2)
    assert tokens <= set(outcome.rule.split("+"))
    assert 0.5 <= outcome.score <= 1


@pytest.mark.parametrize("record, candidate", [
    # One slip in the date of birth and another postcode: a namesake is as likely as a slip.
    (person(), person(2, dob=date(2006, 10, 8), postcode="CT1 1AA")),
    (person(), person(2, forename="T")),
    (person(), person(2, surname="Patel", postcode="CT1 1AA")),
    # The same names at the same address, born on another day: a reviewer can look.
    (person(postcode="ME14 1AA"), person(2, dob=date(2006, 5, 22), postcode="ME14 1AA")),
])
def test_doubtful_pairs_are_possible_for_review(record, candidate):
    assert match_one(record, candidate).outcome == "possible"


# Twins and namesakes


def test_twins_are_not_merged():
    twin = person(1, forename="Jacob", surname="Mills")
    enrolled_twin_row = person(10, forename="Oscar", surname="Mills")
    assert match_one(twin, enrolled_twin_row).outcome == "none"


def test_twins_with_names_one_letter_apart_are_not_merged():
    lily = person(1, forename="Lily", gender="F")
    lila = person(2, forename="Lila", gender="F")
    results = {o.record_id: o for o in match_records([lily, lila], [person(10, forename="Lila", gender="F")])}
    assert (results[2].outcome, results[2].candidate_id) == ("certain", 10)
    assert results[1].outcome == "none"


def test_a_twin_does_not_take_the_other_twins_row_when_their_names_are_a_typo_apart():
    # Only one twin on the list; the names are one letter apart but both are real names.
    assert match_one(person(forename="Nora", gender="F"), person(2, forename="Dora", gender="F")).outcome == "none"


def test_namesakes_with_another_date_of_birth_are_not_merged():
    record = person(postcode="ME14 1AA")
    namesake = person(2, dob=date(2007, 5, 22), postcode="TN23 4DD")
    assert match_one(record, namesake).outcome == "none"


# One candidate, one record


def test_a_contested_candidate_goes_to_the_better_claim():
    exact = person(1)
    typo = person(2, forename="Thoams")
    results = {o.record_id: o for o in match_records([exact, typo], [person(10)])}
    assert (results[1].outcome, results[1].candidate_id) == ("certain", 10)
    assert (results[2].outcome, results[2].candidate_id) == ("none", None)


def test_an_even_contest_is_downgraded_to_possible_for_both():
    first, second = person(1), person(2)
    results = match_records([first, second], [person(10)])
    assert [(o.outcome, o.candidate_id) for o in results] == [("possible", 10)] * 2
    assert all(o.rule.startswith("tie+") for o in results)


def test_an_offer_row_is_preferred_among_one_persons_rows():
    no_offer, offer = person(10, rank=0), person(11, rank=1)
    outcome = match_records([person(1)], [no_offer, offer])[0]
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 11)


def test_an_offer_row_behind_a_typo_beats_an_exact_row_without_an_offer():
    exact_no_offer = person(10, rank=0)
    noisy_offer = person(11, forename="Thoams", rank=1)
    outcome = match_records([person(1)], [exact_no_offer, noisy_offer])[0]
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 11)


def test_a_namesakes_offer_row_does_not_beat_ones_own_row():
    own = person(10, upn="B801200005001", rank=0)
    namesake = person(11, forename="Tomas", postcode="DA1 1AA", rank=1)
    outcome = match_records([person(1, upn="B801200005001")], [own, namesake])[0]
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 10)


# Remembered decisions


def test_an_accepted_pair_is_chosen_and_marked():
    record = person(1)
    doubtful = person(10, forename="Thoams", dob=date(2006, 10, 8), postcode="CT1 1AA")
    outcome = match_records([record], [doubtful], {(1, "row-10"): "accepted"})[0]
    assert (outcome.candidate_id, outcome.decision) == (10, "accepted")


def test_a_rejected_pair_is_never_chosen_and_the_next_best_is():
    record = person(1)
    best, next_best = person(10), person(11, forename="Tom")
    outcome = match_records([record], [best, next_best], {(1, "row-10"): "rejected"})[0]
    assert (outcome.candidate_id, outcome.outcome) == (11, "certain")
    assert "fn-alias" in outcome.rule.split("+")
    outcome = match_records([record], [best], {(1, "row-10"): "rejected"})[0]
    assert (outcome.outcome, outcome.candidate_id) == ("none", None)


def test_no_candidates_means_no_match():
    assert match_records([person()], [])[0].outcome == "none"
