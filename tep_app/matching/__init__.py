"""Record linkage: normalise, block, compare, weigh, decide. Pure functions: no Flask, no database."""
from tep_app.matching.block import PersonRecord
from tep_app.matching.decide import MatchOutcome, classify, match_records
from tep_app.matching.evidence import describe

__all__ = ["MatchOutcome", "PersonRecord", "classify", "describe", "match_records"]
