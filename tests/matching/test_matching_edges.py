"""The matcher's levels at their edges: postcode full, sector, district; a date of birth near or not;
identifiers, gender and how rare a name is; and the outcome each kind of evidence allows."""
import math
from collections import Counter
from datetime import date, timedelta

import pytest

from tep_app.matching import PersonRecord
from tep_app.matching.block import prepare
from tep_app.matching.compare import (
    FIELDS,
    LEVELS,
    MIN_RARITY_CANDIDATES,
    NEAR_DAYS,
    Comparison,
    NameRarity,
    _doubled_letter,
    compare,
    compare_dates,
    compare_postcodes,
    is_similar,
    is_typo,
    sounds_alike,
)
from tep_app.matching.decide import CERTAIN, POSSIBLE, classify
from tep_app.matching.evidence import describe, evidence_key
from tep_app.matching.weights import (
    PRIOR_UNMATCHED,
    Weights,
    _bits,
    _bounded,
    estimate,
    prior_bits,
    prior_weights,
)

DOB = date(2006, 9, 28)


def person(forename="Thomas", surname="Wright", dob=DOB, *, upn=None, uln=None, gender="M", postcode="ME14 1AA",
           middle=None, preferred=None, former=None):
    return prepare(PersonRecord(1, "row-1", upn, uln, forename, middle, surname, preferred, former, dob, gender,
                                postcode, 0), 0)


# Postcodes: the same full postcode, the same sector (ME14 1), the same district (ME14), or different

@pytest.mark.parametrize("theirs, level", [
    ("ME14 1AA", "full"),
    ("me141aa", "full"),
    ("ME14 1AB", "sector"),
    ("ME14 2AA", "district"),
    ("ME15 1AA", "different"),
    (None, "missing"),
])
def test_postcode_levels(theirs, level):
    assert compare_postcodes(person(postcode="ME14 1AA"), person(postcode=theirs)) == level


def test_a_record_without_a_postcode_says_nothing_about_it():
    assert compare_postcodes(person(postcode=None), person(postcode="ME14 1AA")) == "missing"


def test_the_same_district_in_another_sector_says_less_than_the_same_sector():
    weights = prior_weights()
    bits = weights.bits["postcode"]
    assert bits["full"] > bits["sector"] > bits["district"] > bits["different"]
    sector = Comparison("missing", "missing", "same", "same", "same", "near", "sector", "agree")
    district = sector._replace(postcode="district")
    assert weights.weight(sector) > weights.weight(district)


# A near date of birth: up to NEAR_DAYS apart

@pytest.mark.parametrize("days, level", [(NEAR_DAYS - 1, "near"), (NEAR_DAYS, "near"), (NEAR_DAYS + 1, "different")])
def test_a_date_of_birth_up_to_31_days_apart_is_near(days, level):
    assert NEAR_DAYS == 31
    assert compare_dates(person(), person(dob=DOB + timedelta(days=days))) == level
    assert compare_dates(person(dob=DOB + timedelta(days=days)), person()) == level  # either way round


@pytest.mark.parametrize("theirs, level", [
    (DOB, "exact"), (date(2006, 9, 29), "day"), (date(2006, 12, 9), "different"),
])
def test_other_date_of_birth_levels(theirs, level):
    assert compare_dates(person(dob=date(2006, 9, 28)), person(dob=theirs)) == level


def test_a_day_and_month_swapped_is_its_own_level():
    assert compare_dates(person(dob=date(2006, 3, 10)), person(dob=date(2006, 10, 3))) == "swap"


# Identifiers and gender

@pytest.mark.parametrize("mine, theirs, level", [
    ("A123456789012", "A123456789012", "agree"),
    ("A123456789012", "B123456789013", "near"),  # one digit changed, the check letter worked out again
    ("A123456789012", "C123456789102", "near"),  # two neighbouring digits swapped
    ("A123456789012", "A123456789103", "differs"), ("A123456789012", "D801200005001", "differs"),
    ("A123456789012", None, "missing"), (None, "A123456789012", "missing"),
])
def test_upn_levels(mine, theirs, level):
    assert compare(person(upn=mine), person(upn=theirs)).upn == level


@pytest.mark.parametrize("mine, theirs, level", [
    ("1234567890", "1234567890", "agree"), ("1234567890", "1234567891", "near"),
    ("1234567890", "1234967893", "near"), ("1234567890", "1243567890", "near"),
    ("1234567890", "1234967993", "differs"), ("1234567890", "9876543210", "differs"),
    (None, "1234567890", "missing"),
])
def test_uln_levels(mine, theirs, level):
    assert compare(person(uln=mine), person(uln=theirs)).uln == level


@pytest.mark.parametrize("mine, theirs, level", [
    ("M", "M", "agree"), ("M", "F", "disagree"), ("M", None, "missing"), (None, "F", "missing"),
])
def test_gender_levels(mine, theirs, level):
    assert compare(person(gender=mine), person(gender=theirs)).gender == level


def test_a_comparison_carries_every_level():
    found = compare(person(upn="A123456789012", postcode="ME14 1AA"),
                    person(upn="A123456789012", postcode="ME14 2AB", dob=DOB + timedelta(days=3)))
    assert found[:8] == ("agree", "missing", "same", "same", "same", "near", "district", "agree")


def test_a_date_level_already_known_is_kept():
    assert compare(person(), person(), dob="typo").dob == "typo"


# How rare a name is

def _rarity(count_thomas: int, total: int) -> NameRarity:
    crowd = [person(forename="Thomas", surname="Wright")] * count_thomas
    crowd += [person(forename=f"Name{i}", surname=f"Surname{i}") for i in range(total - count_thomas)]
    return NameRarity(crowd)


def test_rarity_needs_enough_candidates():
    assert MIN_RARITY_CANDIDATES == 2000
    assert _rarity(1, MIN_RARITY_CANDIDATES - 1).of(Counter({"thomas": 1}), "thomas") == 0.0
    assert _rarity(1, MIN_RARITY_CANDIDATES).of(Counter({"thomas": 1}), "thomas") == 11.0  # log2(2000) = 10.97


def test_rarity_is_in_half_bits_and_counts_an_unseen_name_once():
    rarity = _rarity(4, 4096)
    assert rarity.of(rarity.forenames, "thomas") == 10.0
    assert rarity.of(rarity.forenames, "zuzanna") == 12.0
    assert rarity.of(rarity.forenames, "thomas") == 10.0  # from its cache


def test_rarity_of_the_same_names_is_kept_on_the_comparison():
    rarity = _rarity(4, 4096)
    found = compare(person(), person(), rarity=rarity)
    assert (found.forename_rarity, found.surname_rarity) == (10.0, 10.0)
    other = compare(person(forename="Tomas"), person(), rarity=rarity)
    assert (other.forename, other.forename_rarity, other.surname_rarity) == ("typo", 0.0, 10.0)
    other = compare(person(surname="Wrigth"), person(), rarity=rarity)
    assert (other.surname, other.forename_rarity, other.surname_rarity) == ("typo", 10.0, 0.0)


# What each kind of evidence allows

def _pattern(**levels) -> Comparison:
    values = {"upn": "missing", "uln": "missing", "forename": "same", "surname": "same", "order": "same",
              "dob": "exact", "postcode": "full", "gender": "agree"}
    values.update(levels)
    return Comparison(**values)


class _Fixed:
    """Weights that give every pattern the same probability, so only the kind of evidence decides."""

    def __init__(self, probability):
        self.p = probability
        self.bits = prior_weights().bits

    def weight(self, comparison):
        return 1.0

    def probability(self, comparison):
        return self.p


@pytest.mark.parametrize("levels, outcome", [
    ({}, "certain"),
    ({"dob": "near"}, "certain"),
    ({"dob": "different"}, "possible"),
    ({"surname": "different"}, "certain"),  # a forename and a date of birth settle it without a surname
    ({"surname": "missing"}, "certain"),
    ({"forename": "initial"}, "possible"),
    ({"forename": "different"}, "none"),
    ({"forename": "missing"}, "none"),
    ({"upn": "agree", "forename": "different"}, "certain"),
    ({"uln": "agree", "surname": "different"}, "certain"),
    ({"upn": "agree", "forename": "different", "surname": "different"}, "certain"),  # the same day, the same home
    ({"upn": "agree", "forename": "different", "surname": "different", "postcode": "different"}, "possible"),
    ({"upn": "agree", "forename": "different", "surname": "different", "gender": "disagree"}, "possible"),
    ({"upn": "agree", "forename": "different", "surname": "different", "dob": "near"}, "possible"),
    ({"upn": "near", "forename": "different"}, "none"),
    ({"upn": "agree", "forename": "different", "postcode": "different", "dob": "near"}, "certain"),  # the surname
    ({"upn": "agree", "surname": "different", "postcode": "different", "dob": "near"}, "certain"),  # the forename
    ({"upn": "agree", "uln": "agree", "forename": "different", "surname": "different", "dob": "near"}, "certain"),
    ({"upn": "agree", "uln": "differs", "forename": "different", "surname": "different", "dob": "near"}, "possible"),
    ({"upn": "differs", "uln": "agree", "forename": "different", "surname": "different", "dob": "near"}, "possible"),
    ({"upn": "near", "dob": "near"}, "certain"),
    ({"upn": "agree", "forename": "missing", "surname": "missing", "dob": "different"}, "possible"),
    ({"upn": "differs", "forename": "different"}, "none"),
])
def test_the_kind_of_evidence_a_certain_match_needs(levels, outcome):
    assert classify(_pattern(**levels), _Fixed(CERTAIN))[0] == outcome


def test_the_probability_edges_of_certain_and_possible():
    assert (CERTAIN, POSSIBLE) == (0.95, 0.01)
    assert classify(_pattern(), _Fixed(CERTAIN))[0] == "certain"
    assert classify(_pattern(), _Fixed(0.9499))[0] == "possible"
    assert classify(_pattern(), _Fixed(POSSIBLE))[0] == "possible"
    assert classify(_pattern(), _Fixed(0.0099))[0] == "none"
    assert classify(_pattern(forename="initial"), _Fixed(POSSIBLE))[0] == "possible"
    assert classify(_pattern(forename="initial"), _Fixed(0.0099))[0] == "none"


def test_classify_gives_the_evidence_key_the_rounded_probability_and_the_weight():
    outcome, rule, probability, bits = classify(_pattern(), _Fixed(0.123456))
    assert (outcome, probability, bits) == ("possible", 0.1235, 1.0)
    assert rule and isinstance(rule, str)


# Names: a typo, a similar spelling, a sound-alike, a doubled letter

@pytest.mark.parametrize("first, second, typo", [
    ("abc", "abd", True),  # three letters: the shortest a slip is told in
    ("ab", "ac", False),  # two letters: too short
    ("ab", "abc", True),  # a letter added to two
    ("abc", "bbc", False),  # short names must start alike
    ("abc", "bac", False),
    ("bena", "kena", True),  # from four letters the first may differ
    ("matthew", "mattewh", False),  # two slips in a name under eight letters
    ("abcdefgh", "abcdefghij", True),  # two slips in eight letters, still very alike
    ("abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuxyz", False),  # three slips: never a typo
])
def test_typo_edges(first, second, typo):
    assert is_typo(first, second) is typo


@pytest.mark.parametrize("first, second, doubled", [
    ("phillip", "philip", True), ("philip", "phillip", True),  # either way round
    ("emmaa", "emma", True),  # the last letter doubled
    ("emmab", "emma", False),  # a letter added at the end is not a doubled one
    ("anna", "ana", True),
    ("abxc", "abc", False),  # a letter added in the middle, not doubled
    ("bella", "ella", False), ("xax", "ax", False),  # a letter added at the start
    ("anna", "anne", False),  # the same length
])
def test_doubled_letter_edges(first, second, doubled):
    assert _doubled_letter(first, second) is doubled


@pytest.mark.parametrize("first, second, similar", [
    ("ab", "abc", False), ("abc", "ab", False),  # too short
    ("kym", "kymm", True), ("kymm", "kym", True),  # three letters is enough
    ("abcdefgh", "abcdefxh", True),  # spelt alike (not a sound-alike)
    ("abcdef", "azzzzz", False),  # only the first letter alike
    ("stefan", "steven", True), ("steven", "stefan", True),  # one of them a known name
    ("steven", "stephen", False),  # both known names: two people
])
def test_similar_edges(first, second, similar):
    assert is_similar(first, second) is similar


@pytest.mark.parametrize("first, second, alike", [
    ("aden", "aidan", True),  # three-letter sound keys that are the same
    ("alec", "alexander", False),  # a three-letter key at the start of another: too short
    ("alex", "alexander", True),  # a four-letter key at the start of another
    ("kristof", "christopher", True), ("christopher", "kristof", True),
    ("christopher", "stephanie", False),
])
def test_sound_alike_edges(first, second, alike):
    assert sounds_alike(first, second) is alike


def test_missing_names_say_nothing():
    assert compare(person(forename=""), person())[2:4] == ("missing", "same")
    assert compare(person(), person(forename=""))[2:4] == ("missing", "same")
    assert compare(person(surname=""), person())[2:4] == ("same", "missing")
    assert compare(person(), person(surname=""))[2:4] == ("same", "missing")


def test_an_initial_agrees_with_a_name_it_starts():
    assert compare(person(forename="T"), person()).forename == "initial"
    assert compare(person(), person(forename="T")).forename == "initial"
    assert compare(person(forename="J"), person()).forename == "different"


def test_a_preferred_name_on_the_candidate_counts_as_the_same():
    assert compare(person(forename="Zebedee"), person(forename="Thomas", preferred="Zebedee")).forename == "same"
    assert compare(person(forename="Zebedee"), person(forename="Thomas", preferred="Quentin")).forename == "different"


def test_names_written_the_wrong_way_round():
    assert compare(person("Thomas", "Wright"), person("Wright", "Thomas"))[2:5] == ("same", "same", "swapped")
    assert compare(person("William", "Smith"), person("Smith", "Bill"))[2:5] == ("alias", "same", "swapped")
    # A preferred name counts when crossed over too.
    assert compare(person("Thomas", "Wright", preferred="Jack"), person("Wright", "Jack"))[2:5] == \
        ("same", "same", "swapped")
    # With no forename given, nothing is crossed over (a forename alone in the surname field stays there).
    assert compare(person("Thomas", "Wright"), person("", "Thomas"))[2:5] == ("missing", "different", "same")


def test_names_that_are_not_crossed_over():
    # Crossed over, one name still agrees with nothing: as recorded.
    assert compare(person("Thomas", "Wright"), person("Wright", "Jones"))[2:5] == ("different", "different", "same")
    assert compare(person("Thomas", "Wright"), person("Thomas", "Jones"))[2:5] == ("same", "different", "same")


# The evidence as a stored key and in words

def test_the_evidence_key_without_weights_keeps_the_field_order():
    key = evidence_key(_pattern(upn="agree", surname="typo", order="swapped", dob="near", postcode="district",
                                gender="disagree"))
    assert key == "upn+fn+sn-typo+swap+dob-near+pc-area+sex-x"


def test_the_evidence_key_leaves_out_what_is_missing_and_marks_a_tie_first():
    assert evidence_key(_pattern(forename="missing", postcode="missing"), contested=True) == "tie+sn+dob"


def test_the_evidence_key_is_cut_at_60_characters():
    worst = _pattern(upn="differs", uln="differs", forename="middle", surname="changed", order="swapped",
                     dob="typo", postcode="sector", gender="disagree")
    whole = "tie+upn-x+uln-x+fn-middle+sn-former+swap+dob-typo+pc-sect+sex-x"
    assert len(whole) == 63
    assert evidence_key(worst, contested=True) == whole[:60]
    assert len(evidence_key(worst, prior_weights().bits, contested=True)) == 60


def test_the_evidence_key_puts_the_strongest_first_by_size_either_way():
    bits = {field: {} for field in ("upn", "uln", "forename", "surname", "order", "dob", "postcode", "gender")}
    bits["postcode"] = {"full": 1.0}
    bits["dob"] = {"exact": 2.0}
    bits["surname"] = {"different": -3.0}
    assert evidence_key(_pattern(surname="different"), bits) == "sn-x+dob+pc+fn"


@pytest.mark.parametrize("rule, words", [
    (None, "No record was close enough to be a match."),
    ("", "No record was close enough to be a match."),
    ("no-match", "No record was close enough to be a match."),
    ("upn", "Matched on UPN."),
    ("fn+sn", "Matched on forename and surname."),
    ("uln+fn+sn+dob+pc", "Matched on ULN, forename, surname, date of birth and postcode."),
    ("fn-alias+sn+dob-near+pc-sect", "Matched on surname; forename is a short form or another spelling of the same "
                                     "name; date of birth is within a month; postcode is in the same sector."),
    ("tie", "Another school record matches this row as closely."),
    ("unknown+++", "The evidence for this pair is not recorded."),
])
def test_the_evidence_in_words(rule, words):
    assert describe(rule) == words


# The weights

def test_the_prior_odds_are_one_in_the_candidates_and_never_more_than_one_in_20000():
    has_a_row = math.log2((1 - PRIOR_UNMATCHED) / PRIOR_UNMATCHED)  # most records have a row somewhere
    assert prior_bits(0) == prior_bits(20_000) == has_a_row - math.log2(20_000)
    assert prior_bits(40_000) == has_a_row - math.log2(40_000)
    assert prior_weights(40_000).prior_bits == has_a_row - math.log2(40_000)


def test_the_prior_weights_follow_the_priors():
    weights = prior_weights()
    assert weights.m["postcode"]["sector"] == pytest.approx(0.03)
    assert weights.u["postcode"]["sector"] == pytest.approx(0.003)
    assert weights.bits["postcode"]["sector"] == pytest.approx(math.log2(0.03 / 0.003))
    assert weights.bits["upn"]["missing"] == 0.0
    assert weights.bits["upn"]["agree"] == pytest.approx(math.log2(0.99 / 0.00001))
    assert weights.share == 0.5 and weights.pairs == 0 and weights.random_pairs == 0


def test_a_weaker_level_never_counts_for_more_than_a_stronger_one():
    m = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    u = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    m["postcode"] = {"full": 0.4, "sector": 0.4, "district": 0.1, "different": 0.1}
    u["postcode"] = {"full": 0.2, "sector": 0.1, "district": 0.2, "different": 0.5}
    bits = _bits(m, u)["postcode"]
    assert bits["full"] == 1.0
    assert bits["sector"] == 1.0  # 2 bits, held to the full postcode's
    assert bits["district"] == -1.0
    assert bits["different"] == pytest.approx(math.log2(0.2))  # no more than any other level
    m["gender"] = {"agree": 0.5, "disagree": 0.5}
    u["gender"] = {"agree": 0.5, "disagree": 0.25}
    assert _bits(m, u)["gender"] == {"missing": 0.0, "agree": 0.0, "disagree": 0.0}  # two levels: held to agree only


def test_a_weight_is_clamped_both_ways():
    m = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    u = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    m["upn"], u["upn"] = {"agree": 1.0, "near": 0.0, "differs": 0.0}, {"agree": 0.0, "near": 0.0, "differs": 1.0}
    assert _bits(m, u)["upn"] == {"missing": 0.0, "agree": 18.0, "near": 0.0, "differs": -18.0}


def test_an_identifier_that_differs_never_counts_for_more_than_one_a_slip_apart():
    m = {field: dict.fromkeys(levels, 1.0 / len(levels)) for field, levels in LEVELS.items()}
    u = {field: dict.fromkeys(levels, 1.0 / len(levels)) for field, levels in LEVELS.items()}
    m["upn"], u["upn"] = {"agree": 0.9, "near": 0.0001, "differs": 0.0999}, {"agree": 1e-5, "near": 0.01,
                                                                            "differs": 0.98999}
    bits = _bits(m, u)["upn"]
    assert bits["near"] == pytest.approx(math.log2(0.0001 / 0.01))
    assert bits["differs"] == bits["near"]  # not log2(0.0999 / 0.98999), which is less against


def _weights(bits_total: float) -> Weights:
    flat = {field: dict.fromkeys(("missing", *levels), 0.0) for field, levels in LEVELS.items()}
    u = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    return Weights(u, u, flat, bits_total)


@pytest.mark.parametrize("total, probability", [
    (0.0, 0.5), (1.0, 2 / 3), (-1.0, 1 / 3), (60.0, 2.0 ** 60 / (1 + 2.0 ** 60)), (60.5, 1.0), (-60.5, 0.0),
    (-60.0, 2.0 ** -60 / (1 + 2.0 ** -60)),
])
def test_probability_from_the_weight(total, probability):
    assert _weights(total).probability(_pattern()) == pytest.approx(probability, rel=1e-12, abs=0)


def test_the_rarity_of_the_same_name_moves_the_weight_within_its_bounds():
    weights = _weights(0.0)  # u of the same name: 0.5, -1 bit
    rare = _pattern()._replace(forename_rarity=3.0)
    assert weights.rarity_bits("forename", 3.0) == 2.0
    assert weights.weight(rare) == 2.0
    assert weights.weight(_pattern()._replace(surname_rarity=3.0)) == 2.0
    assert weights.rarity_bits("forename", 10.0) == 5.0  # at most 5 bits up
    assert weights.rarity_bits("forename", -10.0) == -3.0  # at most 3 bits down
    assert weights.weight(_pattern()._replace(forename_rarity=3.0, surname_rarity=10.0)) == 7.0


def _same_bits(one: dict, other: dict) -> bool:
    return one.keys() == other.keys() and all(
        one[field].keys() == other[field].keys()
        and all(one[field][level] == pytest.approx(other[field][level]) for level in one[field])
        for field in one)


def test_estimating_with_nothing_to_learn_from_keeps_the_priors():
    learnt = estimate(Counter(), None, 0)
    prior = prior_weights()
    assert _same_bits(learnt.bits, prior.bits) and learnt.share == 0.5 and learnt.pairs == 0
    assert _same_bits(estimate(Counter({_pattern(): 0}), None, 0).bits, prior.bits)


def test_estimating_counts_the_pairs_and_random_pairs_seen():
    levels = {field: Counter() for field in FIELDS}
    levels["postcode"]["different"] = 7
    learnt = estimate(Counter({_pattern(): 5, _pattern(postcode="different"): 3}), levels, 30_000)
    assert (learnt.pairs, learnt.random_pairs, learnt.prior_bits) == (8, 7, prior_bits(30_000))
    assert 0.5 < learnt.share < 0.99
    assert learnt.u["postcode"]["different"] > prior_weights().u["postcode"]["different"]


def test_disagreement_counts_for_no_more_than_the_weakest_middle_level():
    m = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    u = {field: dict.fromkeys(levels, 0.5) for field, levels in LEVELS.items()}
    m["postcode"] = {"full": 0.5, "sector": 0.01, "district": 0.5, "different": 0.1}
    u["postcode"] = {"full": 0.25, "sector": 0.64, "district": 0.5, "different": 0.2}
    bits = _bits(m, u)["postcode"]
    assert bits["sector"] == -6.0
    assert bits["different"] == -6.0  # held to the sector's, the weakest level between


_SURE = {"upn": "agree", "uln": "agree"}  # both identifiers: beyond any doubt


def test_estimating_from_sure_matches_raises_m_of_agreement_and_the_share():
    learnt = estimate(Counter({_pattern(**_SURE): 100}), None, 0)
    assert learnt.share == pytest.approx((100 + 0.5 * 300) / (100 + 300))
    assert learnt.m["forename"]["same"] > prior_weights().m["forename"]["same"]
    assert sum(learnt.m["postcode"].values()) == pytest.approx(1.0)


def test_the_share_of_true_matches_is_at_most_99_percent():
    assert estimate(Counter({_pattern(**_SURE): 20_000}), None, 0).share == 0.99


def test_pairs_that_are_surely_not_matches_teach_nothing_about_m():
    nothing = _pattern(upn="differs", uln="differs", forename="different", surname="different", dob="different",
                       postcode="different", gender="disagree")
    learnt = estimate(Counter({nothing: 10, _pattern(**_SURE): 100}), None, 0)
    assert learnt.share == pytest.approx((100 + 150) / (110 + 300), abs=1e-6)


def test_an_estimate_for_a_mixed_run_is_the_same_each_time():
    patterns = Counter({_pattern(): 40, _pattern(dob="near", postcode="district"): 25,
                        _pattern(forename="different", dob="typo", postcode="different"): 30})
    first, second = estimate(patterns, None, 0), estimate(patterns, None, 0)
    assert first == second
    assert 0.01 < first.share < 0.99
    assert all(0.0 <= value <= 1.0 for levels in first.m.values() for value in levels.values())
    assert first.share == pytest.approx(0.5994, abs=5e-4)  # the share this run estimates


def test_bounded_m_keeps_each_field_summing_to_one():
    m = {field: {level: 1.0 / len(levels) for level in levels} for field, levels in LEVELS.items()}
    bounded = _bounded(m)
    assert bounded["upn"] == pytest.approx({"agree": 0.495, "near": 0.495, "differs": 0.01})
    assert bounded["gender"] == pytest.approx({"agree": 0.99, "disagree": 0.01})
    assert sum(bounded["forename"].values()) == pytest.approx(1.0)
    assert bounded["forename"]["different"] == 0.08
    assert bounded["forename"]["same"] == pytest.approx((1 - 0.08) / 6)
