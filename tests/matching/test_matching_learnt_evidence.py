"""Evidence the matcher learns or reads beyond the names: forename spellings learnt from the run's
own identified pairs, UPNs and ULNs one slip apart, where the row's provider is, names crossed over
with a middle name, and a namesake born the same day who must not hide a record's own row."""
from datetime import date, timedelta

from tep_app.matching import PersonRecord, describe, match_records
from tep_app.matching.block import prepare
from tep_app.matching.compare import compare, compare_places
from tep_app.matching.nicknames import KNOWN_NAMES, groups_of
from tep_app.matching.spellings import MIN_PROVIDERS, MIN_SEEN, learn

DOB = date(2006, 1, 1)
SCHOOL = ("8861001", "Ashford")
# Two colleges, in one district, whose returns carry the identified rows.
COLLEGES = (("8883001", "Ashford"), ("8883002", "Ashford"))


def person(id, forename, surname, dob=DOB, *, upn=None, uln=None, middle=None, gender="F", postcode="TN23 1AA",
           place=SCHOOL, key=None) -> PersonRecord:
    return PersonRecord(id, key, upn, uln, forename, middle, surname, None, None, dob, gender, postcode, 0, place)


def row(id, forename, surname, dob=DOB, **fields) -> PersonRecord:
    return person(id, forename, surname, dob, key=f"row-{id}", **fields)


def _upn(n: int) -> str:
    return f"A8861001{n:05d}"


def _county(spelt_twice: bool, colleges=COLLEGES):
    """Young people whose rows an identifier joins (two Siobhans written Chevonne, or only one), on
    the returns of these colleges in turn, and one Siobhan whose row carries no identifier and lives
    elsewhere now."""
    records, rows = [], []
    spelt = 2 if spelt_twice else 1
    for n in range(6):
        dob = DOB + timedelta(days=7 * n)
        forename = "Siobhan"
        records.append(person(n, forename, f"Surname{n}", dob, upn=_upn(n)))
        written = "Chevonne" if n < spelt else forename
        rows.append(row(100 + n, written, f"Surname{n}", dob, upn=_upn(n), postcode="CT1 1AA",
                        place=colleges[n % len(colleges)]))
    dob = DOB + timedelta(days=200)
    records.append(person(50, "Siobhan", "Okafor", dob, upn=_upn(50)))
    rows.append(row(150, "Chevonne", "Okafor", dob, postcode="TN23 1AA"))
    return records, rows


def test_a_spelling_seen_in_two_identified_young_people_joins_a_row_no_identifier_joins():
    records, rows = _county(spelt_twice=True)
    outcome = {o.record_id: o for o in match_records(records, rows)}[50]
    assert outcome.candidate_key == "row-150"
    assert "fn-alias" in outcome.rule.split("+")


def test_a_spelling_seen_once_is_not_believed():
    records, rows = _county(spelt_twice=False)
    outcome = {o.record_id: o for o in match_records(records, rows)}[50]
    assert outcome.candidate_key is None and outcome.outcome == "none"


def test_one_providers_return_alone_never_teaches_a_spelling():
    """A careless or crafted return that writes Siobhan as Chevonne on its identified rows cannot
    make the two names one for the rest of the county."""
    records, rows = _county(spelt_twice=True, colleges=COLLEGES[:1])
    outcome = {o.record_id: o for o in match_records(records, rows)}[50]
    assert outcome.candidate_key is None and outcome.outcome == "none"
    seen = [(n, "siobhan", "chevonne", "different", "same", "exact", "8883001") for n in range(5)]
    assert not learn(seen)
    # A second provider's row teaches it, even one whose provider is not known.
    assert learn(seen + [(6, "siobhan", "chevonne", "different", "same", "exact", None)])
    assert len({provider for *_levels, provider in seen}) < MIN_PROVIDERS


def test_only_identified_pairs_with_the_same_surname_and_birthday_teach_a_spelling():
    seen = [(1, "siobhan", "chevonne", "different", "same", "exact", "8883001"),
            (2, "siobhan", "chevonne", "different", "same", "swap", "8884002")]
    assert "chevonne" in learn(seen) and learn(seen).forms_of("siobhan") == {"chevonne"}
    # one young person
    assert not learn([(1, "siobhan", "chevonne", "different", "same", "exact", f"888400{n}") for n in range(MIN_SEEN)])
    assert not learn([(n, "siobhan", "chevonne", "different", "different", "exact", f"888400{n}") for n in range(5)])
    assert not learn([(n, "siobhan", "chevonne", "different", "same", "near", f"888400{n}") for n in range(5)])
    assert not learn([(n, "siobhan", "siobhn", "typo", "same", "exact", f"888400{n}") for n in range(5)])


def test_twins_are_never_joined_by_a_learnt_spelling():
    """Twins share a surname, a birthday and a home but never an identifier: nothing is learnt from them."""
    records = [person(1, "Leah", "Hall", upn=_upn(1)), person(2, "Leia", "Hall", upn=_upn(2))]
    rows = [row(10, "Leah", "Hall", upn=_upn(1))]
    outcomes = {o.record_id: o for o in match_records(records, rows)}
    assert outcomes[1].candidate_key == "row-10" and outcomes[1].outcome == "certain"
    assert outcomes[2].outcome == "none"


def test_the_provider_is_the_school_its_district_or_elsewhere():
    mine = prepare(person(1, "Amy", "Hall"), 0)
    assert compare_places(mine, prepare(row(2, "Amy", "Hall"), 0)) == "own"
    assert compare_places(mine, prepare(row(2, "Amy", "Hall", place=("8883001", "Ashford")), 0)) == "district"
    assert compare_places(mine, prepare(row(2, "Amy", "Hall", place=("8883002", "Thanet")), 0)) == "elsewhere"
    assert compare_places(mine, prepare(row(2, "Amy", "Hall", place=None), 0)) == "missing"
    assert compare_places(prepare(person(1, "Amy", "Hall", place=("8861001", None)), 0),
                          prepare(row(2, "Amy", "Hall", place=("8883001", None)), 0)) == "elsewhere"


def test_a_middle_name_recorded_as_the_forename_with_the_names_crossed_over():
    found = compare(prepare(person(1, "Anne", "Elliott", middle="Lucy"), 0), prepare(row(2, "Elliott", "Lucy"), 0))
    assert (found.forename, found.surname, found.order) == ("middle", "same", "swapped")


def test_a_namesake_born_the_same_day_does_not_hide_the_records_own_row():
    """Natasha Smith's row says Smitk; another Natasha Smith, born the same day, is someone else's."""
    records = [person(1, "Natasha", "Smith", upn=_upn(1)), person(2, "Natasha", "Smith", postcode="ME14 1AA",
                                                                   upn=_upn(2), place=("8862001", "Maidstone"))]
    rows = [row(10, "Natasha", "Smitk"), row(11, "Natasha", "Smith", postcode="ME14 1AA", upn=_upn(2),
                                             place=("8862001", "Maidstone"))]
    outcomes = {o.record_id: o for o in match_records(records, rows)}
    assert (outcomes[1].candidate_key, outcomes[1].outcome) == ("row-10", "certain")
    assert (outcomes[2].candidate_key, outcomes[2].outcome) == ("row-11", "certain")


def test_the_new_evidence_reads_as_words_on_the_review_page():
    records = [person(1, "Amy", "Hall", upn="A886100100001", postcode="TN23 1AA")]
    rows = [row(2, "Amy", "Hall", upn="B886100100010", postcode="CT1 1AA", place=("8883001", "Ashford"))]
    [outcome] = match_records(records, rows)
    assert {"upn-near", "near-school"} <= set(outcome.rule.split("+"))
    words = describe(outcome.rule)
    assert words.startswith("Matched on ") and words.endswith(".")
    assert "; UPN differs by one digit or two digits swapped;" in words
    assert "the row comes from a provider in the school's district" in words
    assert describe("at-school+fn") == "Matched on forename; the row comes from the young person's own school."


def _learnt_county(*tails):
    """Two young people whose identified rows write Siobhan as Chevonne, two who write Oluwaseun as
    Seun and two as Oluseun (spellings the nickname table does not know); then `tails`: (record,
    row) pairs no identifier joins."""
    records, rows = [], []
    for n, (forename, written) in enumerate([("Siobhan", "Chevonne")] * 2 + [("Oluwaseun", "Seun")] * 2
                                            + [("Oluwaseun", "Oluseun")] * 2):
        dob = DOB + timedelta(days=9 * n)
        records.append(person(n, forename, f"Surname{n}", dob, upn=_upn(n)))
        rows.append(row(100 + n, written, f"Surname{n}", dob, upn=_upn(n), postcode="CT1 1AA",
                        place=COLLEGES[n % 2]))
    for record, candidate in tails:
        records.append(record)
        rows.append(candidate)
    return {o.record_id: o for o in match_records(records, rows)}


def test_a_slip_in_a_learnt_spelling_is_a_typo_on_either_side():
    dob = DOB + timedelta(days=300)
    outcomes = _learnt_county(
        (person(50, "Oluseum", "Hunt", dob), row(150, "Oluwaseun", "Hunt", dob)),  # the school's own slip
        (person(51, "Siobhan", "Gill", dob + timedelta(days=1)), row(151, "Chevone", "Gill", dob + timedelta(days=1))))
    assert (outcomes[50].candidate_key, outcomes[50].outcome) == ("row-150", "certain")
    assert "fn-typo" in outcomes[50].rule.split("+")
    assert (outcomes[51].candidate_key, outcomes[51].outcome) == ("row-151", "certain")
    assert "fn-typo" in outcomes[51].rule.split("+")


def test_a_learnt_spelling_counts_with_the_names_crossed_over():
    dob = DOB + timedelta(days=300)
    outcomes = _learnt_county((person(50, "Siobhan", "White", dob, middle="Jade"), row(150, "White", "Chevonne", dob)))
    assert (outcomes[50].candidate_key, outcomes[50].outcome) == ("row-150", "certain")
    assert {"fn-alias", "swap"} <= set(outcomes[50].rule.split("+"))


def test_a_name_learnt_with_two_spellings_is_joined_to_both():
    dob = DOB + timedelta(days=300)
    outcomes = _learnt_county((person(50, "Oluwaseun", "Hall", dob), row(150, "Seun", "Hall", dob)),
                              (person(51, "Oluwaseun", "Ward", dob), row(151, "Oluseun", "Ward", dob)))
    assert [outcomes[n].candidate_key for n in (50, 51)] == ["row-150", "row-151"]
    assert all("fn-alias" in outcomes[n].rule.split("+") for n in (50, 51))


def test_learnt_spellings_never_share_a_group_with_the_nickname_table():
    """Alex is in the table's first group: a learnt spelling must never make Siobhan an Alex."""
    spellings = learn([(n, "siobhan", "chevonne", "different", "same", "exact", f"888400{n}") for n in range(2)])
    table = frozenset().union(*(groups_of(name) for name in KNOWN_NAMES))
    assert spellings.groups_of("siobhan") and spellings.groups_of("siobhan").isdisjoint(table)
    dob = DOB + timedelta(days=300)
    outcomes = _learnt_county((person(50, "Siobhan", "Hall", dob), row(150, "Alex", "Hall", dob)))
    assert outcomes[50].outcome == "none"


def test_a_crossed_over_middle_name_with_a_slip_is_still_the_middle_name():
    found = compare(prepare(person(1, "Anne", "Elliott", middle="Lucy"), 0), prepare(row(2, "Elliott", "Lcuy"), 0))
    assert (found.forename, found.surname, found.order) == ("middle", "same", "swapped")


def test_a_namesake_born_the_same_day_with_another_uln_does_not_hide_the_records_own_row():
    records = [person(1, "Natasha", "Smith", uln="1234567890")]
    rows = [row(10, "Natasha", "Smitk"), row(11, "Natasha", "Smith", postcode="ME14 1AA", uln="9876543210",
                                             place=("8862001", "Maidstone"))]
    [outcome] = match_records(records, rows)
    assert (outcome.candidate_key, outcome.outcome) == ("row-10", "certain")


def test_a_forename_that_is_a_slip_of_the_other_sides_middle_name_is_the_middle_name():
    """Either side may carry middle names: a school record matched against another school's."""
    found = compare(prepare(person(1, "Jon", "Hall"), 0), prepare(row(2, "Thomas", "Hall", middle="Jno"), 0))
    assert found.forename == "middle"
    found = compare(prepare(person(1, "Jon", "Hall"), 0), prepare(row(2, "Thomas", "Hall", middle="Peter"), 0))
    assert found.forename == "different"


def test_a_slip_in_another_form_of_the_name_counts_with_the_names_crossed_over():
    """Matthew is Mateusz in Polish; a row crossed over says Robsonn, Mateus."""
    found = compare(prepare(person(1, "Matthew", "Robson"), 0), prepare(row(2, "Robsonn", "Mateus"), 0))
    assert (found.forename, found.surname, found.order) == ("typo", "typo", "swapped")


def test_a_crossed_over_name_is_a_middle_name_only_when_it_is_one():
    found = compare(prepare(person(1, "Anne", "Elliott", middle="Lucy"), 0), prepare(row(2, "Elliott", "Peter"), 0))
    assert (found.forename, found.surname, found.order) == ("different", "different", "same")


def test_a_forename_that_only_starts_the_same_is_not_an_initial():
    assert compare(prepare(person(1, "Georgia", "Hall"), 0), prepare(row(2, "Geo", "Hall"), 0)).forename == "different"
    assert compare(prepare(person(1, "Georgia", "Hall"), 0), prepare(row(2, "G", "Hall"), 0)).forename == "initial"


def test_a_slip_in_a_learnt_spelling_counts_with_the_names_crossed_over():
    dob = DOB + timedelta(days=300)
    outcomes = _learnt_county((person(50, "Siobhan", "White", dob), row(150, "White", "Chevone", dob)))
    assert (outcomes[50].candidate_key, outcomes[50].outcome) == ("row-150", "certain")
    assert {"fn-typo", "swap"} <= set(outcomes[50].rule.split("+"))


def test_names_are_not_crossed_over_when_the_surname_does_not_agree_with_the_other_forename():
    found = compare(prepare(person(1, "Amy", "Hall"), 0), prepare(row(2, "Jones", "Amy"), 0))
    assert (found.forename, found.surname, found.order) == ("different", "different", "same")
