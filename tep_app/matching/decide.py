"""Deciding: certain, possible (for review) or none, with the rule that says why.

A false "certain" hides a young person who may be NEET, so "certain" needs confident evidence;
a "possible" keeps the young person on the school's list until a reviewer accepts the pair.
Each candidate row goes to at most one record: the best claim wins, and a near-tie between two
records is downgraded to "possible" for both.
"""
import gc
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from tep_app.matching.block import PersonRecord, block, build_index, prepare
from tep_app.matching.compare import MAX_POINTS, Comparison, compare
from tep_app.matching.normalise import compare_dob_text

STRONG_FORENAME = frozenset({"name", "preferred", "nickname", "middle-name"})
STRONG_SURNAME = frozenset({"name", "surname-part", "surname-changed"})
NEAR_DOB = frozenset({"day-month-swap", "digit-typo", "one-day"})
NEAR_POSTCODE = frozenset({"full", "sector"})
OUTCOME_RANK = {"accepted": 3, "certain": 2, "possible": 1, "none": 0}
# Two claims on one candidate closer than this are a tie.
TIE_MARGIN = 0.03


class MatchOutcome(NamedTuple):
    record_id: int
    candidate_id: int | None
    candidate_key: str | None
    outcome: str  # certain, possible, none
    rule: str
    score: float
    decision: str | None = None  # "accepted" when a remembered decision chose this pair


def describe_names(c: Comparison) -> str:
    """The name evidence in words: "nickname", "swapped-names", "surname-changed", ..."""
    if c.swapped:
        return "swapped-names"
    tags = []
    if c.forename == "nickname":
        tags.append("nickname")
    elif c.forename == "preferred":
        tags.append("preferred-name")
    elif c.forename == "middle-name":
        tags.append("middle-name")
    if c.surname == "surname-changed":
        tags.append("surname-changed")
    elif c.surname == "surname-part":
        tags.append("surname-part")
    if "typo" in (c.forename, c.surname):
        tags.append("typo-name")
    return "+".join(tags) or "name"


def classify(c: Comparison) -> tuple[str, str]:
    """(outcome, rule) for one compared pair."""
    strong_forename = c.forename in STRONG_FORENAME
    strong_surname = c.surname in STRONG_SURNAME
    strong_names = strong_forename and strong_surname
    one_typo = (strong_forename and c.surname == "typo") or (c.forename == "typo" and strong_surname)
    gender_conflict = c.gender == "disagree"
    id_differs = c.identifier in ("upn-differs", "uln-differs")
    names = describe_names(c)
    postcode = "+postcode" if c.postcode == "full" else ""

    if c.identifier in ("upn", "uln"):
        if c.dob != "exact" and c.dob not in NEAR_DOB:
            return "possible", f"{c.identifier}-dob-conflict"
        if c.forename == "different" and c.surname == "different":
            return "possible", f"{c.identifier}-name-conflict"
        return "certain", c.identifier

    if strong_names and c.dob == "exact":
        if gender_conflict:
            return "possible", f"{names}+dob+gender-conflict"
        return "certain", f"{names}+dob{postcode}"
    if strong_names and c.dob in NEAR_DOB:
        # A namesake born a digit apart is commoner than it looks: the postcode must agree too.
        if not gender_conflict and not id_differs and c.postcode in NEAR_POSTCODE:
            return "certain", f"dob-{c.dob}+{names}{postcode}"
        return "possible", f"dob-{c.dob}+{names}"
    if one_typo and c.dob == "exact":
        # A twin with a forename one letter off loses to the twin whose name agrees (see _assign),
        # and two real names one letter apart (Nora, Dora) are not a typo (compare.is_typo).
        if not gender_conflict and not id_differs:
            return "certain", f"{names}+dob{postcode}"
        return "possible", f"{names}+dob"
    if one_typo and c.dob in NEAR_DOB:
        return "possible", f"dob-{c.dob}+{names}"
    if c.forename == "typo" and c.surname == "typo" and c.dob == "exact":
        return "possible", "typo-names+dob"
    if c.forename == "initial" and strong_surname and c.dob == "exact":
        return "possible", "initial+surname+dob"
    if (c.forename in ("name", "preferred", "nickname") and c.surname == "different" and c.dob == "exact"
            and c.postcode in NEAR_POSTCODE and not gender_conflict):
        return "possible", "forename+dob+postcode"
    if strong_names and c.postcode == "full" and not id_differs:
        return "possible", "name+postcode"
    return "none", "no-match"


def score_of(c: Comparison) -> float:
    return round(max(c.points, 0.0) / MAX_POINTS, 3)


def match_records(records: Sequence[PersonRecord], candidates: Sequence[PersonRecord],
                  decisions: Mapping | None = None) -> list[MatchOutcome]:
    """Match each record to its best candidate (or none).

    `decisions` maps (record id, candidate key) to "accepted" or "rejected": an accepted pair is
    chosen whenever that candidate still exists; a rejected pair is never chosen again.
    """
    # Matching builds hundreds of thousands of small objects and frees none of them until the
    # end: the cyclic garbage collector would rescan them all, again and again, for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _match_records(records, candidates, decisions)
    finally:
        if collecting:
            gc.enable()


def _match_records(records: Sequence[PersonRecord], candidates: Sequence[PersonRecord],
                   decisions: Mapping | None) -> list[MatchOutcome]:
    decisions = decisions or {}
    rejected = {pair for pair, decision in decisions.items() if decision == "rejected"}
    rejected_records = {record_id for record_id, _key in rejected}
    accepted = {record_id: key for (record_id, key), decision in decisions.items() if decision == "accepted"}
    prepared = [prepare(candidate, position) for position, candidate in enumerate(candidates)]
    index = build_index(prepared)
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

    # Every claim: per record, a list of (order, candidate position, outcome, rule, score).
    claims: list[list[tuple]] = []
    verdicts: dict[Comparison, tuple[str, str, float]] = {}
    best_claims: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for position, person in enumerate(records):
        record = prepare(person, position)
        found = set()
        for forename in (*record.forenames, record.preferred) if person.id not in rejected_records else ():
            for surname in (record.surname, *record.former[:1]):
                hits = by_exact.get((forename, surname, record.dob_ordinal))
                if hits:
                    found.update(hits)
        # A row of the better kind (an offer) may hide behind noise: look for it in the blocks.
        if not found or (top_rank and all(prepared[hit].person.rank < top_rank for hit in found)):
            found |= block(record, index)
        if record.upn:
            found.update(by_upn.get(record.upn, ()))
        if record.uln:
            found.update(by_uln.get(record.uln, ()))
        wanted_key = accepted.get(person.id)
        wanted = by_key.get(wanted_key) if wanted_key else None
        if wanted is not None:
            found.add(wanted)
        mine = []
        for candidate_position in found:
            candidate = prepared[candidate_position]
            if rejected and (person.id, candidate.person.key) in rejected:
                continue
            dob = compare_dob_text(record.dob_text, candidate.dob_text, record.dob_ordinal, candidate.dob_ordinal)
            if (dob == "different" and candidate_position != wanted
                    and not (record.upn and record.upn == candidate.upn)
                    and not (record.uln and record.uln == candidate.uln)
                    and not (record.postcode[0] and record.postcode[0] == candidate.postcode[0])):
                continue  # nothing but a name in common: never a match
            comparison = compare(record, candidate, dob)
            verdict = verdicts.get(comparison)
            if verdict is None:  # a few hundred kinds of comparison at most: decide each once
                verdict = verdicts[comparison] = (*classify(comparison), score_of(comparison))
            outcome, rule, score = verdict
            if candidate_position == wanted:
                outcome_rank = OUTCOME_RANK["accepted"]
            elif outcome == "none":
                continue
            else:
                outcome_rank = OUTCOME_RANK[outcome]
            value = outcome_rank + score
            mine.append(((outcome_rank, candidate.person.rank, score), candidate_position, outcome, rule, score,
                         value))
            best_claims[candidate_position].append((value, position))
        if len(mine) > 1:
            mine.sort(key=lambda claim: claim[0], reverse=True)
        claims.append(mine)

    for claimants in best_claims.values():
        if len(claimants) > 1:
            claimants.sort(reverse=True)
            del claimants[2:]

    results = []
    for position, person in enumerate(records):
        results.append(_assign(person, position, claims[position], best_claims, prepared))
    return results


def _assign(person: PersonRecord, position: int, mine: list[tuple], best_claims, prepared) -> MatchOutcome:
    for order, candidate_position, outcome, rule, score, value in mine:
        candidate = prepared[candidate_position].person
        if order[0] == OUTCOME_RANK["accepted"]:
            return MatchOutcome(person.id, candidate.id, candidate.key, outcome, rule, score, "accepted")
        others = [claim for claim in best_claims[candidate_position] if claim[1] != position]
        other = others[0][0] if others else None
        if other is not None and other > value + TIE_MARGIN:
            continue  # another record has the better claim on this candidate
        if other is not None and other >= value - TIE_MARGIN and outcome == "certain":
            return MatchOutcome(person.id, candidate.id, candidate.key, "possible", f"contested:{rule}"[:60], score)
        return MatchOutcome(person.id, candidate.id, candidate.key, outcome, rule, score)
    return MatchOutcome(person.id, None, None, "none", "no-match", 0.0)
