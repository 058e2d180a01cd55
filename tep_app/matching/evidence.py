"""The evidence of a pair as a short stored key (a match's rule) and in words for a reviewer.

The key lists each field's agreement with a short token, strongest evidence first, and leaves out
what one side does not give: "upn+fn+sn-typo+dob-near+pc". It is at most 60 characters. The words
are what the review page shows: "Matched on UPN, forename and postcode; surname differs by one
letter; date of birth is within a month."
"""
from tep_app.matching.compare import FIELDS, Comparison

TOKENS: dict[str, dict[str, str]] = {
    "upn": {"agree": "upn", "near": "upn-near", "differs": "upn-x"},
    "uln": {"agree": "uln", "near": "uln-near", "differs": "uln-x"},
    "forename": {"same": "fn", "alias": "fn-alias", "middle": "fn-middle", "typo": "fn-typo", "similar": "fn-like",
                 "initial": "fn-init", "different": "fn-x"},
    "surname": {"same": "sn", "part": "sn-part", "changed": "sn-former", "typo": "sn-typo", "similar": "sn-like",
                "different": "sn-x"},
    "order": {"swapped": "swap"},
    "dob": {"exact": "dob", "swap": "dob-dm", "typo": "dob-typo", "day": "dob-day", "near": "dob-near",
            "different": "dob-x"},
    "postcode": {"full": "pc", "sector": "pc-sect", "district": "pc-area", "different": "pc-x"},
    "gender": {"disagree": "sex-x"},
    "place": {"own": "at-school", "district": "near-school"},
}
CONTESTED = "tie"
NO_MATCH = "no-match"

AGREES = {"upn": "UPN", "uln": "ULN", "fn": "forename", "sn": "surname", "dob": "date of birth", "pc": "postcode"}
PHRASES = {
    "fn-alias": "forename is a short form or another spelling of the same name",
    "fn-middle": "forename on one is a middle name on the other",
    "fn-typo": "forename differs by one letter",
    "fn-like": "forename is spelt alike but not the same",
    "fn-init": "forename is only an initial on one of them",
    "sn-part": "surname is one part of a double-barrelled surname",
    "sn-former": "surname is a former surname",
    "sn-typo": "surname differs by one letter",
    "sn-like": "surname is spelt alike but not the same",
    "swap": "forename and surname are the other way round",
    "dob-dm": "date of birth has the day and month swapped",
    "dob-typo": "date of birth differs by one digit or one day",
    "dob-day": "date of birth differs by one digit or one day",
    "dob-near": "date of birth is within a month",
    "pc-sect": "postcode is in the same sector",
    "pc-area": "postcode is in the same district",
    "upn-near": "UPN differs by one digit or two digits swapped",
    "uln-near": "ULN differs by one digit or two digits swapped",
    "upn-x": "UPN differs",
    "uln-x": "ULN differs",
    "fn-x": "forename differs",
    "sn-x": "surname differs",
    "dob-x": "date of birth differs",
    "pc-x": "postcode differs",
    "sex-x": "gender differs",
    "at-school": "the row comes from the young person's own school",
    "near-school": "the row comes from a provider in the school's district",
}
CONTESTED_WORDS = "another school record matches this row as closely"


def evidence_key(comparison: Comparison, bits: dict | None = None, contested: bool = False) -> str:
    """The stored key of a pair's evidence; with `bits` (weights.Weights.bits) strongest first."""
    tokens = []
    for field, level in zip(FIELDS, comparison, strict=False):
        token = TOKENS[field].get(level)
        if token:
            strength = abs(bits[field].get(level, 0.0)) if bits else 0.0
            tokens.append((-strength, len(tokens), token))
    tokens.sort()
    key = "+".join(([CONTESTED] if contested else []) + [token for _s, _n, token in tokens])
    return key[:60]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe(rule: str | None) -> str:
    """A stored key in words for a reviewer; never shows the key itself."""
    if not rule or rule == NO_MATCH:
        return "No record was close enough to be a match."
    tokens = [token for token in rule.split("+") if token]
    contested = CONTESTED in tokens
    agreed = [AGREES[token] for token in tokens if token in AGREES]
    others = [PHRASES[token] for token in tokens if token in PHRASES]
    parts = []
    if agreed:
        parts.append("Matched on " + _join(agreed))
    parts.extend(others)
    if contested:
        parts.append(CONTESTED_WORDS)
    if not parts:
        return "The evidence for this pair is not recorded."
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."
