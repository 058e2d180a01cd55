"""Deciding: certain, possible (for review) or none, with the evidence that says why.

Every pair the blocks bring together is compared field by field; the weights of the levels are
estimated from this run's own pairs (weights.py), and each pair's match probability follows. A pair
is "certain" when that probability is at least CERTAIN and the evidence is of a kind that settles
it: an identifier and at least one name (or both identifiers, or the same birthday, home and
gender), or a forename and a date of birth that is at least near. The forenames compared know the
spellings the run learnt from its own identified pairs (spellings.py). The prior odds of a pair
count the run's own share of records that have no row at all (weights.estimate_unmatched), so a
leaver's row is judged knowing that most leavers are enrolled somewhere. A false "certain" hides a
young person who may be NEET. A "possible" keeps the young person on the school's list until a
reviewer accepts the pair; it is kept for pairs a person could settle by looking: a probability
between POSSIBLE and CERTAIN, or a likely pair that is not settled (someone else's name on the same
UPN). A pair whose forenames are wholly different and that no identifier joins is no match: that is
how twins look. Each candidate row goes to at most one record: the best claim wins, and a near-tie
between two records is "possible" for both.
"""
import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

from tep_app.collector import paused
from tep_app.matching.block import PersonRecord, Prepared, block, build_index, prepare
from tep_app.matching.compare import FIELDS, Comparison, NameRarity, compare, compare_dates
from tep_app.matching.evidence import NO_MATCH, evidence_key
from tep_app.matching.spellings import Spellings, learn
from tep_app.matching.weights import Weights, estimate, estimate_unmatched, prior_bits

# A missed young person costs about twenty false listings (the targets allow 0.1 % of those not
# enrolled to be missed and 2 % of the list to be wrong): a pair is certain when it is at least
# twenty times likelier to be one young person than two, the odds at which the two costs balance.
CERTAIN = 0.95
POSSIBLE = 0.01
# Forename levels that leave a pair without any agreement on the forename.
NO_FORENAME = frozenset({"different", "initial", "missing"})
# Random pairs counted for u, and the fewest possible pairs worth sampling (fewer: the priors stand).
RANDOM_PAIRS = 20_000
MIN_RANDOM_PAIRS = 100_000
OUTCOME_RANK = {"accepted": 3, "certain": 2, "possible": 1, "none": 0}
# Of the young people with a row, the share with another row too (two colleges; an offer and a
# place). A row of the better kind (an offer) wins over a better-matched row of the record's when it
# is certain to be theirs as a second row: a strong match, not a namesake's row that only just passes.
SECOND_ROW_SHARE = 0.15
# The probability at which a second row counts: lower than CERTAIN, because the record already
# has a certain row, so the young person is found either way; only the kind of row is in doubt.
SECOND_ROW_CERTAIN = 0.9
# Two claims on one candidate closer than this many bits are a tie.
TIE_BITS = 2.0


class MatchOutcome(NamedTuple):
    record_id: int
    candidate_id: int | None
    candidate_key: str | None
    outcome: str  # certain, possible, none
    rule: str  # the evidence key (evidence.py)
    score: float  # the match probability
    decision: str | None = None  # "accepted" when a remembered decision chose this pair


def classify(comparison: Comparison, weights: Weights) -> tuple[str, str, float, float]:
    """(outcome, evidence key, probability, weight in bits) for one compared pair."""
    bits = weights.weight(comparison)
    probability = weights.probability(comparison)
    identified = "agree" in (comparison.upn, comparison.uln)
    forename = comparison.forename not in NO_FORENAME
    surname = comparison.surname not in ("different", "missing")
    if identified:  # an identifier and a name, or both identifiers, or the same birthday, home and gender
        settled = (forename or surname or comparison.upn == comparison.uln == "agree"
                   or (comparison.dob == "exact" and comparison.postcode == "full" and comparison.gender != "disagree"))
    else:  # a forename, and a date of birth that is at least near
        settled = forename and comparison.dob != "different"
    if probability >= CERTAIN and settled:
        outcome = "certain"
    elif probability >= POSSIBLE and (identified or forename or comparison.forename == "initial"):
        outcome = "possible"
    else:
        outcome = "none"
    return outcome, evidence_key(comparison, weights.bits), round(probability, 4), bits


def match_records(records: Sequence[PersonRecord], candidates: Sequence[PersonRecord],
                  decisions: Mapping | None = None, weights: Weights | None = None) -> list[MatchOutcome]:
    """Match each record to its best candidate (or none).

    `decisions` maps (record id, candidate key) to "accepted" or "rejected": an accepted pair is
    chosen whenever that candidate still exists; a rejected pair is never chosen again. `weights`
    are estimated from the pairs of this run when not given.
    """
    # Matching builds hundreds of thousands of small objects and frees none of them until the end.
    with paused():
        pairs, mine, prepared, wanted = _compare_all(records, candidates, decisions or {})
        if weights is None:
            weights = estimate(Counter(comparison[:len(FIELDS)] for found in pairs for _position, comparison in found),
                               random_levels(mine, prepared), len(candidates))
            weights = with_unmatched(weights, pairs, len(candidates))
        return _decide(records, pairs, prepared, wanted, weights)


def _compare_all(records: Sequence[PersonRecord], candidates: Sequence[PersonRecord], decisions: Mapping):
    """Per record, the (candidate position, comparison) of every candidate worth comparing."""
    rejected = {pair for pair, decision in decisions.items() if decision == "rejected"}
    rejected_records = {record_id for record_id, _key in rejected}
    accepted = {record_id: key for (record_id, key), decision in decisions.items() if decision == "accepted"}
    prepared = [prepare(candidate, position) for position, candidate in enumerate(candidates)]
    index = build_index(prepared)
    rarity = NameRarity(prepared)
    by_upn: dict[str, list[int]] = defaultdict(list)
    by_uln: dict[str, list[int]] = defaultdict(list)
    by_key: dict[str, int] = {}
    # Exact forename, surname and date of birth: most records find their row here, and need no blocks.
    by_exact: dict[tuple, list[int]] = defaultdict(list)
    top_rank = max((candidate.rank for candidate in candidates), default=0)
    for p in prepared:
        by_exact[(p.forename, p.surname, p.dob_ordinal)].append(p.index)
        if p.upn:
            by_upn[p.upn].append(p.index)
        if p.uln:
            by_uln[p.uln].append(p.index)
        if p.person.key:
            by_key[p.person.key] = p.index

    pairs: list[list[tuple[int, Comparison]]] = []
    wanted_positions: list[int | None] = []
    mine_prepared = []
    for position, person in enumerate(records):
        record = prepare(person, position)
        mine_prepared.append(record)
        found = set()
        for forename in (*record.forenames, record.preferred) if person.id not in rejected_records else ():
            for surname in (record.surname, *record.former[:1]):
                hits = by_exact.get((forename, surname, record.dob_ordinal))
                if hits:
                    found.update(hits)
        # A row of the better kind (an offer) may hide behind noise, and a namesake born the same
        # day may stand in front of the record's own row: unless an exact hit also shares the
        # postcode or an identifier, look in the blocks too.
        if (not any(_settles(record, prepared[hit]) for hit in found)
                or (top_rank and all(prepared[hit].person.rank < top_rank for hit in found))):
            found |= block(record, index)
        if record.upn:
            found.update(by_upn.get(record.upn, ()))
        if record.uln:
            found.update(by_uln.get(record.uln, ()))
        wanted_key = accepted.get(person.id)
        wanted = by_key.get(wanted_key) if wanted_key else None
        if wanted is not None:
            found.add(wanted)
        wanted_positions.append(wanted)
        found_pairs = []
        for candidate_position in found:
            candidate = prepared[candidate_position]
            if rejected and (person.id, candidate.person.key) in rejected:
                continue
            dob = compare_dates(record, candidate)
            if dob == "different" and candidate_position != wanted and not _settles(record, candidate):
                continue  # nothing but a name in common: never a match
            found_pairs.append((candidate_position, compare(record, candidate, dob, rarity)))
        pairs.append(found_pairs)
    _with_spellings(pairs, mine_prepared, prepared, rarity)
    return pairs, mine_prepared, prepared, wanted_positions


def _with_spellings(pairs: list[list[tuple[int, Comparison]]], records: list[Prepared], candidates: list[Prepared],
                    rarity: NameRarity) -> Spellings:
    """Learn the run's forename spellings from the pairs an identifier joins (spellings.py), and
    compare again, in place, the pairs in which a learnt spelling could change the names' level."""
    spellings = learn((position, records[position].forename, candidates[candidate_position].forename,
                       comparison.forename, comparison.surname, comparison.dob,
                       candidates[candidate_position].place[0] if candidates[candidate_position].place else None)
                      for position, found in enumerate(pairs) for candidate_position, comparison in found
                      if comparison.order == "same" and "agree" in (comparison.upn, comparison.uln))
    if not spellings:
        return spellings
    for person in (*records, *candidates):
        learnt = frozenset().union(*(spellings.groups_of(name) for name in (*person.forenames, person.preferred)))
        if learnt:
            person.name_groups = person.name_groups | learnt
    for position, found in enumerate(pairs):
        record = records[position]
        mine = record.name_groups and any(name in spellings for name in (*record.forenames, record.preferred))
        for n, (candidate_position, comparison) in enumerate(found):
            candidate = candidates[candidate_position]
            if mine or candidate.forename in spellings or candidate.surname in spellings:
                found[n] = (candidate_position, compare(record, candidate, comparison.dob, rarity, spellings))
    return spellings


def _settles(record: Prepared, candidate: Prepared) -> bool:
    """Whether a row shares the record's postcode or an identifier: what settles an exact hit on the
    names and date of birth, and what keeps a pair whose dates of birth differ worth comparing."""
    return bool((record.postcode[0] and record.postcode[0] == candidate.postcode[0])
                or (record.upn and record.upn == candidate.upn) or (record.uln and record.uln == candidate.uln))


def random_levels(records: Sequence[Prepared], candidates: Sequence[Prepared],
                  size: int = RANDOM_PAIRS) -> dict[str, Counter]:
    """The levels of each field on random pairs of a record and a candidate: nearly all of them two
    different people, so these count u. The same records give the same pairs."""
    levels = {field: Counter() for field in FIELDS}
    if not records or not candidates or len(records) * len(candidates) < MIN_RANDOM_PAIRS:
        return levels
    rng = random.Random(len(records) * 1_000_003 + len(candidates))
    for _ in range(size):
        comparison = compare(records[rng.randrange(len(records))], candidates[rng.randrange(len(candidates))])
        for field, level in zip(FIELDS, comparison, strict=False):
            levels[field][level] += 1
    return levels


def can_match(comparison: Comparison) -> bool:
    """Whether a pair may be one young person at all: an identifier agrees, or the forenames agree
    at least in part (twins share a surname, a date of birth and an address, not a forename)."""
    return "agree" in (comparison.upn, comparison.uln) or comparison.forename not in NO_FORENAME


def with_unmatched(weights: Weights, pairs: list[list[tuple[int, Comparison]]], candidates: int) -> Weights:
    """The weights with the prior odds of a match from this run's share of records that have no row."""
    known: dict[Comparison, float] = {}  # a few hundred patterns among the pairs: each weighed once

    def bits_of(comparison: Comparison) -> float:
        bits = known.get(comparison)
        if bits is None:
            bits = known[comparison] = weights.weight(comparison) - weights.prior_bits
        return bits

    record_bits = [[bits_of(comparison) for _position, comparison in found if can_match(comparison)]
                   for found in pairs]
    unmatched = estimate_unmatched(record_bits, candidates)
    return replace(weights, prior_bits=prior_bits(candidates, unmatched), unmatched=unmatched)


def _decide(records, pairs, prepared, wanted_positions, weights: Weights) -> list[MatchOutcome]:
    verdicts: dict[Comparison, tuple[str, str, float]] = {}
    # The weight at which a row is certain as a record's second row: the prior odds of a second row
    # in place of the odds that the record has a row at all.
    rank_bits = (math.log2((1.0 - weights.unmatched) / weights.unmatched)
                 - math.log2(SECOND_ROW_SHARE / (1.0 - SECOND_ROW_SHARE))
                 + math.log2(SECOND_ROW_CERTAIN / (1.0 - SECOND_ROW_CERTAIN)))
    claims: list[list[tuple]] = []
    best_claims: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for position, mine in enumerate(pairs):
        wanted = wanted_positions[position]
        kept = []
        for candidate_position, comparison in mine:
            verdict = verdicts.get(comparison)
            if verdict is None:  # a few hundred patterns at most: decide each once
                verdict = verdicts[comparison] = classify(comparison, weights)
            outcome, rule, score, bits = verdict
            if candidate_position == wanted:
                outcome_rank = OUTCOME_RANK["accepted"]
            elif outcome == "none":
                continue
            else:
                outcome_rank = OUTCOME_RANK[outcome]
            value = outcome_rank * 1000 + bits
            candidate = prepared[candidate_position].person
            order = (outcome_rank, candidate.rank if bits >= rank_bits else 0, bits)
            kept.append((order, candidate_position, outcome, rule, score, value, comparison))
            best_claims[candidate_position].append((value, position))
        if len(kept) > 1:
            kept.sort(key=lambda claim: claim[0], reverse=True)
        claims.append(kept)

    for claimants in best_claims.values():
        if len(claimants) > 1:
            claimants.sort(reverse=True)
            del claimants[2:]

    return [_assign(person, position, claims[position], best_claims, prepared, weights)
            for position, person in enumerate(records)]


def _assign(person: PersonRecord, position: int, mine: list[tuple], best_claims, prepared,
            weights: Weights) -> MatchOutcome:
    for order, candidate_position, outcome, rule, score, value, comparison in mine:
        candidate = prepared[candidate_position].person
        if order[0] == OUTCOME_RANK["accepted"]:
            return MatchOutcome(person.id, candidate.id, candidate.key, outcome, rule, score, "accepted")
        others = [claim for claim in best_claims[candidate_position] if claim[1] != position]
        other = others[0][0] if others else None
        if other is not None and other > value + TIE_BITS:
            continue  # another record has the better claim on this candidate
        if other is not None and other >= value - TIE_BITS and outcome == "certain":
            return MatchOutcome(person.id, candidate.id, candidate.key, "possible",
                                evidence_key(comparison, weights.bits, contested=True), score)
        return MatchOutcome(person.id, candidate.id, candidate.key, outcome, rule, score)
    return MatchOutcome(person.id, None, None, "none", NO_MATCH, 0.0)
