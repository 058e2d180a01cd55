"""The weights of the evidence: estimated from each run's own pairs, clamped, and in words."""
import random
from collections import Counter

from tep_app.matching import describe
from tep_app.matching.compare import FIELDS, LEVELS, Comparison
from tep_app.matching.evidence import evidence_key
from tep_app.matching.weights import MAX_BITS, estimate, prior_weights


def _pattern(**levels) -> Comparison:
    values = {"upn": "missing", "uln": "missing", "forename": "same", "surname": "same", "order": "same",
              "dob": "exact", "postcode": "full", "gender": "agree"}
    values.update(levels)
    return Comparison(**values)


def _draw(rng: random.Random, table: dict[str, dict[str, float]]) -> Comparison:
    return Comparison(**{field: rng.choices(list(table[field]), weights=list(table[field].values()))[0]
                         for field in FIELDS if field in table})


TRUE_M = {
    "upn": {"agree": 0.69, "differs": 0.01, "missing": 0.3}, "uln": {"agree": 0.5, "missing": 0.5},
    "forename": {"same": 0.85, "alias": 0.05, "typo": 0.06, "different": 0.04},
    "surname": {"same": 0.9, "typo": 0.06, "different": 0.04}, "order": {"same": 1.0},
    "dob": {"exact": 0.95, "typo": 0.03, "near": 0.02}, "postcode": {"full": 0.9, "different": 0.1},
    "gender": {"agree": 0.99, "disagree": 0.01},
}
BLOCKED_U = {
    "upn": {"differs": 0.7, "missing": 0.3}, "uln": {"differs": 0.5, "missing": 0.5},
    "forename": {"same": 0.05, "alias": 0.05, "typo": 0.05, "different": 0.85},
    "surname": {"same": 0.6, "typo": 0.05, "different": 0.35}, "order": {"same": 1.0},
    "dob": {"exact": 0.7, "typo": 0.2, "near": 0.1}, "postcode": {"full": 0.05, "different": 0.95},
    "gender": {"agree": 0.5, "disagree": 0.5},
}
RANDOM_U = {
    "upn": {"differs": 0.7, "missing": 0.3}, "uln": {"differs": 0.5, "missing": 0.5},
    "forename": {"same": 0.005, "typo": 0.002, "different": 0.993}, "surname": {"same": 0.004, "different": 0.996},
    "order": {"same": 1.0}, "dob": {"exact": 0.002, "typo": 0.03, "near": 0.08, "different": 0.888},
    "postcode": {"full": 0.0005, "district": 0.02, "different": 0.9795}, "gender": {"agree": 0.5, "disagree": 0.5},
}


def _run(seed=1, matches=20_000, others=6_000, random_pairs=20_000):
    rng = random.Random(seed)
    patterns = Counter(_draw(rng, TRUE_M) for _ in range(matches))
    patterns.update(_draw(rng, BLOCKED_U) for _ in range(others))
    levels = {field: Counter() for field in FIELDS}
    for _ in range(random_pairs):
        for field, level in zip(FIELDS, _draw(rng, RANDOM_U), strict=False):
            levels[field][level] += 1
    return estimate(patterns, levels, candidates=60_000)


def test_a_run_learns_how_often_a_true_match_shows_each_level():
    weights = _run()
    assert abs(weights.m["forename"]["typo"] - 0.06) < 0.02
    assert abs(weights.m["dob"]["exact"] - 0.95) < 0.03
    assert 0.05 < weights.m["postcode"]["different"] <= 0.3  # within its bounds: moves are common
    assert weights.share > 0.5 and weights.pairs == 26_000 and weights.random_pairs == 20_000
    # u comes from the random pairs: the same date of birth is rare between two random people
    assert weights.u["dob"]["exact"] < 0.01


def test_a_run_learns_its_own_data_not_the_priors():
    noisy = dict(TRUE_M, forename={"same": 0.6, "alias": 0.05, "typo": 0.31, "different": 0.04})
    rng = random.Random(3)
    patterns = Counter(_draw(rng, noisy) for _ in range(20_000))
    patterns.update(_draw(rng, BLOCKED_U) for _ in range(6_000))
    learnt = estimate(patterns, None, 60_000)
    assert learnt.m["forename"]["typo"] > 0.2 > prior_weights().m["forename"]["typo"]


def test_a_small_run_keeps_the_priors():
    small = estimate(Counter({_pattern(): 3}), None, candidates=3)
    prior = prior_weights()
    assert abs(small.bits["forename"]["same"] - prior.bits["forename"]["same"]) < 0.2
    assert small.prior_bits == prior.prior_bits


def test_agreement_is_evidence_for_and_disagreement_against_within_the_clamps():
    weights = _run()
    for field, levels in LEVELS.items():
        bits = weights.bits[field]
        assert bits["missing"] == 0.0
        assert all(-MAX_BITS <= bits[level] <= MAX_BITS for level in levels)
        assert all(bits[level] <= bits[levels[0]] for level in levels)  # nothing beats full agreement
        assert all(bits[levels[-1]] <= bits[level] for level in levels)  # nothing is worse than disagreement
    assert weights.bits["upn"]["agree"] > 10 and weights.bits["upn"]["differs"] < -3
    assert weights.bits["forename"]["different"] < 0 < weights.bits["forename"]["typo"]


def test_namesakes_cannot_teach_that_a_true_match_often_has_another_upn():
    # Pairs of different people with the same names and date of birth, many of them.
    namesakes = Counter({_pattern(upn="differs", postcode="different"): 3_000, _pattern(upn="agree"): 5_000})
    weights = estimate(namesakes, None, 60_000)
    assert weights.m["upn"]["differs"] <= 0.03


def test_a_rare_name_says_more_than_a_common_one():
    weights = prior_weights(60_000)
    common = _pattern(forename_rarity=5.0, postcode="different")  # one in 32 candidates
    rare = _pattern(forename_rarity=14.0, postcode="different")  # one in 16,000
    assert weights.weight(rare) > weights.weight(_pattern(postcode="different")) > weights.weight(common)


def test_the_evidence_key_is_short_and_strongest_first():
    weights = _run()
    key = evidence_key(_pattern(upn="agree", surname="typo", dob="near"), weights.bits)
    assert key.split("+")[0] == "upn"
    assert {"fn", "sn-typo", "dob-near", "pc"} <= set(key.split("+"))
    worst = Comparison("differs", "differs", "initial", "changed", "swapped", "swap", "district", "disagree")
    assert len(evidence_key(worst, weights.bits, contested=True)) <= 60


def test_the_evidence_in_words_never_shows_the_key():
    words = describe("upn+dob+sn-typo")
    assert words == "Matched on UPN and date of birth; surname differs by one letter."
    assert describe("upn+pc+dob+fn+sn-typo+swap") == ("Matched on UPN, postcode, date of birth and forename; surname "
                                                      "differs by one letter; forename and surname are the other way "
                                                      "round.")
    assert describe("tie+fn+sn+dob").endswith("another school record matches this row as closely.")
    assert describe("fn-x+sn-x") == "Forename differs; surname differs."
    assert "no-match" not in describe("no-match") and "+" not in describe("fn-alias+sn-part")


def test_the_share_of_records_with_no_row_is_learnt_from_the_run():
    from tep_app.matching.weights import PRIOR_UNMATCHED, estimate_unmatched

    # 9,000 records with a row they agree with on every field, 1,000 with nothing near them.
    found = [[40.0]] * 9_000 + [[]] * 1_000
    assert abs(estimate_unmatched(found, 60_000) - 0.1) < 0.02
    mostly_found = [[40.0]] * 9_900 + [[]] * 100
    assert estimate_unmatched(mostly_found, 60_000) < 0.03
    # A handful of records keeps the prior guess.
    assert abs(estimate_unmatched([[40.0]] * 5, 60_000) - PRIOR_UNMATCHED) < 0.01


def test_fewer_records_with_no_row_make_a_pair_more_likely():
    from tep_app.matching.weights import prior_bits

    assert prior_bits(60_000, 0.04) > prior_bits(60_000, 0.5) + 4
