"""How much each level of each comparison says about a true match, estimated from each run's records.

The Fellegi-Sunter model: for each field and level, m is how often a pair of one young person's
records shows that level and u how often a pair of two different young people does. A level's
weight is log2(m / u) (positive: evidence for a match; negative: against), a pair's weight is the
sum over its fields plus the prior odds that a record and a candidate are one young person, and
its match probability follows from that.

u is counted on random pairs of the run's records and candidates (nearly all of them two different
people); m is counted on the pairs the blocks brought together that another field settles (see
`estimate`), by their pattern of levels (a few hundred patterns, however many pairs). The priors
below count as PRIOR_PAIRS pairs, so a small run keeps them and a large run learns its own data.
The prior odds that a record and a candidate are one young person are the odds that the record
has a row at all (estimated per run from how many records find none, `estimate_unmatched`),
spread over the candidates (at least REFERENCE_CANDIDATES, so that a small run is judged as if it
were a county). Each weight is clamped, and a weaker level of a field never
counts for more than a stronger one (a typo never outweighs the same name).
"""
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tep_app.matching.compare import FIELDS, LEVELS, Comparison

# field -> level -> (m, u): a starting point and a pull for the estimates. u is for two random people.
PRIORS: dict[str, dict[str, tuple[float, float]]] = {
    "upn": {"agree": (0.99, 0.00001), "near": (0.004, 0.0001), "differs": (0.006, 0.99989)},
    "uln": {"agree": (0.99, 0.00001), "near": (0.003, 0.00001), "differs": (0.007, 0.99998)},
    "forename": {"same": (0.88, 0.006), "alias": (0.05, 0.002), "middle": (0.01, 0.003), "typo": (0.03, 0.002),
                 "similar": (0.01, 0.01), "initial": (0.003, 0.001), "different": (0.017, 0.976)},
    "surname": {"same": (0.90, 0.002), "part": (0.02, 0.0005), "changed": (0.01, 0.0001), "typo": (0.04, 0.002),
                "similar": (0.01, 0.01), "different": (0.02, 0.9854)},
    "order": {"same": (0.99, 0.9999), "swapped": (0.01, 0.0001)},
    "dob": {"exact": (0.96, 0.0014), "swap": (0.005, 0.0014), "typo": (0.007, 0.005), "day": (0.008, 0.015),
            "near": (0.005, 0.06), "different": (0.015, 0.9172)},
    "postcode": {"full": (0.85, 0.0002), "sector": (0.03, 0.003), "district": (0.04, 0.02),
                 "different": (0.08, 0.9768)},
    "gender": {"agree": (0.99, 0.5), "disagree": (0.01, 0.5)},
    "place": {"own": (0.3, 0.005), "district": (0.4, 0.1), "elsewhere": (0.3, 0.895)},
}
# Bounds on m for the levels a true match rarely shows: in the pairs the blocks bring together,
# namesakes and twins look like matches on every field but one, and would otherwise teach the
# estimate that a true match often has another UPN or another forename.
M_BOUNDS: dict[tuple[str, str], tuple[float, float]] = {
    ("upn", "differs"): (0.001, 0.01), ("uln", "differs"): (0.001, 0.01),
    ("forename", "different"): (0.003, 0.08), ("surname", "different"): (0.003, 0.08),
    ("dob", "different"): (0.001, 0.03), ("gender", "disagree"): (0.002, 0.01),
    ("postcode", "different"): (0.02, 0.3),
}
# Of the records, the share that have no row among the candidates, before estimating; and how
# many records that guess counts as.
PRIOR_UNMATCHED = 0.1
PRIOR_RECORDS = 500.0
UNMATCHED_BOUNDS = (0.01, 0.5)
PRIOR_SHARE = 0.5  # of true matches among the pairs the blocks bring together, before estimating
REFERENCE_CANDIDATES = 20_000
PRIOR_PAIRS = 300.0
ITERATIONS = 30
# No single level may say more than this many bits, either way.
MAX_BITS = 18.0
SMALLEST = 1e-6
# How far a name's rarity may move the weight of the same name: (down, up) in bits.
RARITY_BITS = (3.0, 5.0)


@dataclass(frozen=True)
class Weights:
    """m and u per field and level, the weights in bits, and the prior odds of a match in bits."""

    m: Mapping[str, Mapping[str, float]]
    u: Mapping[str, Mapping[str, float]]
    bits: Mapping[str, Mapping[str, float]]
    prior_bits: float
    share: float = PRIOR_SHARE  # of true matches among the compared pairs
    pairs: int = 0  # compared pairs the estimate saw
    random_pairs: int = 0  # random pairs u was counted on
    unmatched: float = PRIOR_UNMATCHED  # of the records, the share with no row among the candidates

    def weight(self, comparison: Comparison) -> float:
        """The pair's total weight in bits, with the prior odds and the rarity of the same names."""
        bits = self.bits
        levels = zip(FIELDS, comparison, strict=False)
        total = self.prior_bits + sum(bits[field].get(level, 0.0) for field, level in levels)
        if comparison.forename_rarity:
            total += self.rarity_bits("forename", comparison.forename_rarity)
        if comparison.surname_rarity:
            total += self.rarity_bits("surname", comparison.surname_rarity)
        return total

    def rarity_bits(self, field: str, rarity: float) -> float:
        """What a name's rarity adds to (or takes from) the weight of the same name: the u of that
        name instead of the u of the same name on average."""
        return max(-RARITY_BITS[0], min(RARITY_BITS[1], math.log2(max(self.u[field]["same"], SMALLEST)) + rarity))

    def probability(self, comparison: Comparison) -> float:
        total = self.weight(comparison)
        if total > 60:
            return 1.0
        if total < -60:
            return 0.0
        odds = 2.0 ** total
        return odds / (1.0 + odds)


def _bits(m: Mapping[str, Mapping[str, float]], u: Mapping[str, Mapping[str, float]]) -> dict:
    """Weights in bits, clamped; no level counts for more than the field's full agreement, and the
    field's disagreement counts for no more than any other level."""
    bits: dict[str, dict[str, float]] = {}
    for field, levels in LEVELS.items():
        values = [max(-MAX_BITS, min(MAX_BITS, math.log2(max(m[field][level], SMALLEST)
                                                          / max(u[field][level], SMALLEST)))) for level in levels]
        top = values[0]
        values = [top] + [min(value, top) for value in values[1:]]
        if len(values) > 2:
            values[-1] = min(values[-1], *values[1:-1])
        bits[field] = {"missing": 0.0, **dict(zip(levels, values, strict=False))}
    return bits


def prior_bits(candidates: int, unmatched: float = PRIOR_UNMATCHED) -> float:
    """The prior odds, in bits, that a record and one candidate are one young person: the record
    has a row at all (1 - `unmatched`), and it is this one of the candidates."""
    return math.log2((1.0 - unmatched) / unmatched) - math.log2(max(candidates, REFERENCE_CANDIDATES))


def estimate_unmatched(record_bits: Sequence[Sequence[float]], candidates: int,
                       iterations: int = ITERATIONS) -> float:
    """The share of records that have no row among the candidates (a leaver enrolled nowhere),
    by expectation-maximisation over each record's compared pairs.

    `record_bits` gives, per record, the weight in bits (without prior odds) of each pair it was
    compared in. A record with no pair counts as unmatched. PRIOR_RECORDS records at
    PRIOR_UNMATCHED pull the estimate, so a small run keeps the prior.
    """
    per_pair = -math.log2(max(candidates, REFERENCE_CANDIDATES))
    # Each record's likelihood of having its row here, up to the prior odds: sum over its pairs.
    sums = []
    for bits in record_bits:
        total = sum(2.0 ** min(b + per_pair, 60.0) for b in bits)
        sums.append(total)
    unmatched = PRIOR_UNMATCHED
    for _ in range(iterations if sums else 0):
        odds = (1.0 - unmatched) / unmatched
        expected = sum(1.0 / (1.0 + odds * total) for total in sums)
        unmatched = (expected + PRIOR_UNMATCHED * PRIOR_RECORDS) / (len(sums) + PRIOR_RECORDS)
        unmatched = min(max(unmatched, UNMATCHED_BOUNDS[0]), UNMATCHED_BOUNDS[1])
    return unmatched


def prior_weights(candidates: int = 0) -> Weights:
    m = _update({field: Counter() for field in FIELDS}, 0)
    u = _update({field: Counter() for field in FIELDS}, 1)
    return Weights(m, u, _bits(m, u), prior_bits(candidates))


# Pairs that show the other fields' evidence without it: a checked identifier that agrees says
# the pair is one young person, whatever the names, date of birth and postcode say; names and a
# date of birth that agree exactly, at the same address, say so whatever the identifiers say.
IDENTIFIERS = ("upn", "uln")
NAMED_FORENAME = frozenset({"same", "alias", "typo"})
NAMED_SURNAME = frozenset({"same", "part", "typo"})


def _is_identified(pattern: tuple) -> bool:
    """A pattern (a Comparison's levels in FIELDS order) whose UPN or ULN agrees."""
    return pattern[0] == "agree" or pattern[1] == "agree"


def _is_named(pattern: tuple) -> bool:
    """A pattern whose names, date of birth and postcode agree."""
    _upn, _uln, forename, surname, _order, dob, postcode, *_rest = pattern
    return forename in NAMED_FORENAME and surname in NAMED_SURNAME and dob == "exact" and postcode == "full"


def estimate(patterns: Mapping[Comparison, int], random_levels: Mapping[str, Counter] | None = None,
             candidates: int = 0, iterations: int = ITERATIONS) -> Weights:
    """u from the levels counted on random pairs; m from the compared pairs that another field
    settles; the share of true matches among the compared pairs by expectation-maximisation.

    m of the names, date of birth, postcode and gender is counted on the pairs a UPN or ULN joins;
    m of the identifiers on the pairs whose names, date of birth and postcode agree. Each field is
    learnt from pairs chosen by other fields, so namesakes and twins (close on every field but
    one) cannot teach it that a true match often differs, as they do when every field is
    estimated at once.
    """
    random_levels = random_levels or {field: Counter() for field in FIELDS}
    u = _update(random_levels, 1)
    items = [(pattern, count) for pattern, count in patterns.items() if count]
    total = sum(count for _pattern, count in items)
    random_pairs = max((sum(counter.values()) for counter in random_levels.values()), default=0)
    m_counts = {field: Counter() for field in FIELDS}
    for pattern, count in items:
        identified, named = _is_identified(pattern), _is_named(pattern)
        for field, level in zip(FIELDS, pattern, strict=False):
            if level != "missing" and (named if field in IDENTIFIERS else identified):
                m_counts[field][level] += count
    m = _bounded(_update(m_counts, 0))
    share = _share(items, total, m, u, iterations)
    return Weights(m, u, _bits(m, u), prior_bits(candidates), share, total, random_pairs)


def _share(items, total: int, m, u, iterations: int) -> float:
    """The share of true matches among the compared pairs, by expectation-maximisation with m and u."""
    fields = list(enumerate(FIELDS))
    bits = {f: {level: math.log(max(m[f][level], SMALLEST) / max(u[f][level], SMALLEST)) for level in m[f]}
            for f in FIELDS}
    ratios = []
    for pattern, count in items:
        odds = sum(bits[field][pattern[position]] for position, field in fields if pattern[position] != "missing")
        ratios.append((min(max(odds, -40.0), 40.0), count))
    share = PRIOR_SHARE
    for _ in range(iterations if total else 0):
        prior = math.log(share / (1.0 - share))
        matched = sum(count / (1.0 + math.exp(-(prior + odds))) for odds, count in ratios)
        share = min(max((matched + PRIOR_SHARE * PRIOR_PAIRS) / (total + PRIOR_PAIRS), 0.01), 0.99)
    return share


def _bounded(m: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """m within M_BOUNDS, the field's other levels scaled to make up the rest."""
    for (field, level), (low, high) in M_BOUNDS.items():
        levels = m[field]
        value = min(max(levels[level], low), high)
        rest = sum(v for name, v in levels.items() if name != level)
        if rest > 0:
            scale = (1.0 - value) / rest
            m[field] = {name: (value if name == level else v * scale) for name, v in levels.items()}
    return m


def _update(counts: Mapping[str, Counter], side: int) -> dict[str, dict[str, float]]:
    """Probabilities per level: the counts plus the prior's pseudo-counts."""
    result = {}
    for field, levels in LEVELS.items():
        seen = counts[field]
        whole = sum(seen[level] for level in levels) + PRIOR_PAIRS
        result[field] = {level: (seen[level] + PRIOR_PAIRS * PRIORS[field][level][side]) / whole
                         for level in levels}
    return result
