"""The matcher against a synthetic population with known truth (see matching_synthetic.py).

A leaver belongs on the list when none of the provider rows is theirs. Recall: of those who
belong, the share on the list (a false "certain" hides them). Precision: of those on the list,
the share who belong (a "possible" or "none" for a truly enrolled leaver costs a school a minute).
"""
import pytest

from tep_app.matching import match_records
from tests.support.matching_synthetic import build, list_figures


@pytest.mark.parametrize("seed, noise", [(1, 1.0), (2, 1.0), (3, 2.0)])
def test_the_list_is_accurate_on_a_noisy_synthetic_population(seed, noise):
    truth = build(people=3000, seed=seed, noise=noise)
    figures = list_figures(truth, match_records(truth.records, truth.candidates))

    assert figures["belong"] > 200
    assert figures["recall"] >= 0.998, figures
    assert figures["precision"] >= 0.95, figures
    assert figures["possible"] <= 0.01 * figures["records"], figures


def test_the_synthetic_population_has_the_noise_it_claims():
    truth = build(people=3000, seed=1)
    records = {r.id: r for r in truth.records}
    rows = [(records[truth.owner[c.id]], c) for c in truth.candidates if truth.owner[c.id] in records]
    assert sum(1 for _r, c in rows if c.upn is None) / len(rows) > 0.25
    assert any(r.forename == c.surname and r.surname == c.forename for r, c in rows)
    assert any(r.former_surname and c.surname == r.former_surname for r, c in rows)
    assert any("-" in r.surname and c.surname != r.surname and c.surname in r.surname for r, c in rows)
    assert any(r.dob != c.dob for r, c in rows)
    assert any(c.upn and c.upn != r.upn for r, c in rows)
    assert any(c.forename.isupper() for _r, c in rows)
    twins = {(r.surname, r.dob, r.postcode) for r in truth.records}
    assert len(twins) < len(truth.records)
