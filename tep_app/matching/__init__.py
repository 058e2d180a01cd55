"""Record linkage: normalise, block, compare, decide. Pure functions: no Flask, no database."""
from tep_app.matching.block import PersonRecord
from tep_app.matching.decide import MatchOutcome, classify, match_records

__all__ = ["MatchOutcome", "PersonRecord", "classify", "match_records"]
