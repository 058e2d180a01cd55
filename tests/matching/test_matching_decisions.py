"""How the matcher decides among several candidates and records: lookups by identifier, pairs kept
or skipped, ties, the strongest claim, and the random pairs that teach u."""
from collections import Counter
from datetime import date

from tep_app.matching import PersonRecord, match_records
from tep_app.matching.block import prepare
from tep_app.matching.compare import FIELDS
from tep_app.matching.decide import MIN_RANDOM_PAIRS, classify, random_levels
from tep_app.matching.evidence import NO_MATCH, evidence_key
from tep_app.matching.weights import prior_weights
from tests.matching.test_matching_edges import _pattern

DOB = date(2006, 10, 3)


def person(id=1, forename="Thomas", surname="Wright", dob=DOB, *, upn=None, uln=None, gender="M",
           postcode="ME14 1AA", rank=0) -> PersonRecord:
    return PersonRecord(id, f"row-{id}", upn, uln, forename, None, surname, None, None, dob, gender, postcode, rank)


def test_an_outcome_names_the_record_the_candidate_and_its_key():
    [outcome] = match_records([person(1)], [person(10)])
    assert (outcome.record_id, outcome.candidate_id, outcome.candidate_key, outcome.outcome) == (1, 10, "row-10",
                                                                                              "certain")
    assert 0.9 <= outcome.score <= 1.0 and outcome.decision is None


def test_no_match_names_no_candidate_and_scores_nothing():
    [outcome] = match_records([person(1)], [person(10, forename="Aisha", surname="Begum", gender="F")])
    assert outcome == (1, None, None, "none", NO_MATCH, 0.0, None)


def test_a_candidate_found_only_by_its_uln_is_compared():
    record = person(1, uln="9276308686")
    married = person(10, forename="Thomas", surname="Begum", dob=date(2005, 2, 17), postcode="CT1 1AA",
                     uln="9276308686")
    [outcome] = match_records([record], [married])
    assert (outcome.outcome, outcome.candidate_id) == ("possible", 10)
    assert "uln" in outcome.rule.split("+")


def test_a_uln_or_upn_no_candidate_has_is_no_trouble():
    [outcome] = match_records([person(1, uln="9276308686", upn="B801200005001")], [person(10)])
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 10)


def test_the_same_identifier_keeps_a_pair_whose_date_of_birth_differs():
    for key in ("upn", "uln"):
        ident = {"upn": "B801200005001"} if key == "upn" else {"uln": "9276308686"}
        record = person(1, **ident)
        moved = person(10, dob=date(2005, 2, 17), postcode="CT1 1AA", **ident)
        [outcome] = match_records([record], [moved])
        assert (outcome.outcome, outcome.candidate_id) == ("certain", 10), key


def test_a_namesake_with_another_date_of_birth_does_not_hide_the_true_row():
    namesake = person(10, dob=date(2005, 2, 17), postcode="CT1 1AA")
    true_row = person(11, forename="Tom")
    [outcome] = match_records([person(1)], [namesake, true_row])
    assert outcome.candidate_id == 11


def test_a_certain_match_beats_a_stronger_possible_one():
    record = person(1, upn="B801200005001")
    certain = person(10, forename="Tom")
    possible = person(11, forename="Aisha", surname="Begum", gender="F", upn="B801200005001")
    [outcome] = match_records([record], [possible, certain])
    assert (outcome.outcome, outcome.candidate_id) == ("certain", 10)


def test_two_identical_rows_the_first_is_chosen():
    [outcome] = match_records([person(1)], [person(10), person(11)])
    assert outcome.candidate_id == 10


def test_the_strongest_of_three_claims_wins_the_row():
    exact, typo, initial = person(1), person(2, forename="Thoams"), person(3, forename="T")
    results = {o.record_id: o for o in match_records([typo, initial, exact], [person(10)])}
    assert (results[1].outcome, results[1].candidate_id) == ("certain", 10)
    assert results[2].candidate_id is None and results[3].candidate_id is None


def test_a_record_beaten_to_its_best_row_takes_its_next_best():
    exact = person(1)
    other = person(2, forename="Tom")
    results = {o.record_id: o for o in match_records([other, exact], [person(10), person(11, forename="Tom")])}
    assert results[1].candidate_id == 10
    assert results[2].candidate_id == 11


def test_a_contested_rule_lists_the_strongest_evidence_first():
    results = match_records([person(1), person(2)], [person(10)])
    weights_free = "tie+fn+sn+dob+pc"
    assert all(o.rule.startswith("tie+") for o in results)
    assert all(set(o.rule.split("+")) == set(weights_free.split("+")) for o in results)
    assert results[0].rule != weights_free


def test_classify_keeps_the_evidence_strongest_first():
    weights = prior_weights()
    pattern = _pattern(upn="agree", surname="typo", dob="near")
    rule = classify(pattern, weights)[1]
    assert rule == evidence_key(pattern, weights.bits)
    assert rule != evidence_key(pattern)


# Random pairs: how often each level shows between two different people (u)

def _people(n, start):
    return [prepare(person(start + i, forename=f"Name{i % 37}", surname=f"Family{i % 53}",
                           dob=date(2006, 1 + i % 12, 1 + i % 28)), i) for i in range(n)]


def test_too_few_pairs_to_sample_teach_nothing():
    records, candidates = _people(399, 0), _people(250, 1000)
    assert MIN_RANDOM_PAIRS > 399 * 250
    assert random_levels(records, candidates, size=50) == {field: Counter() for field in FIELDS}
    assert random_levels([], candidates, size=50) == {field: Counter() for field in FIELDS}


def test_random_pairs_count_each_field_once_per_pair_and_are_the_same_each_run():
    records, candidates = _people(400, 0), _people(250, 1000)
    assert MIN_RANDOM_PAIRS == 400 * 250
    levels = random_levels(records, candidates, size=50)
    assert {field: sum(counts.values()) for field, counts in levels.items()} == dict.fromkeys(FIELDS, 50)
    assert levels["upn"] == Counter({"missing": 50})
    assert random_levels(records, candidates, size=50) == levels
