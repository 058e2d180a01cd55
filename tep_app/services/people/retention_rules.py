"""The retention schedule as data: its rules, their defaults (seeded by migration 0014), the limits
an admin may set them within, and the one audited way to change them.

  young_person   a young person's personal data is anonymised at the end of the academic year
                 (31 August) in which they reach 20, or 26 with an education, health and care plan
  contact        contact attempts and notes are dropped 6 years after the young person's last contact
  audit          audit rows are deleted 7 years after they were written
  import_values  values an import left out (import warnings) are cleared 2 years after the import
"""
from dataclasses import dataclass

from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models.retention import RetentionRule
from tep_app.services.audit import record_audit
from tep_app.services.people.personal_data import AUDIT_RULE, CONTACT_RULE, IMPORT_VALUES_RULE, YOUNG_PERSON_RULE
from tep_app.validation import whole_number


@dataclass(frozen=True)
class RuleDefault:
    key: str
    label: str
    age: int | None = None
    ehcp_age: int | None = None
    years: int | None = None


DEFAULTS = (
    RuleDefault(YOUNG_PERSON_RULE, "A young person's personal data", age=20, ehcp_age=26),
    RuleDefault(CONTACT_RULE, "Contact attempts and notes", years=6),
    RuleDefault(AUDIT_RULE, "The audit trail", years=7),
    RuleDefault(IMPORT_VALUES_RULE, "Values an import left out", years=2),
)
BY_KEY = {rule.key: rule for rule in DEFAULTS}

# The limits an admin may set. A young person is followed up to academic age 18 (25 with an EHCP),
# so an age below 19 (or 25) would anonymise people the service still counts.
AGE_LIMITS = (19, 30)
EHCP_AGE_LIMITS = (25, 35)
YEAR_LIMITS = {CONTACT_RULE: (1, 20), AUDIT_RULE: (6, 20), IMPORT_VALUES_RULE: (1, 20)}


class RetentionRuleError(ValueError):
    """A value an admin may not set: the field it belongs to and a message to show next to it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    age: int | None
    ehcp_age: int | None
    years: int | None

    @property
    def description(self) -> str:
        return describe(self.key, self.age, self.ehcp_age, self.years)


def describe(key: str, age: int | None, ehcp_age: int | None, years: int | None) -> str:
    """The rule in words, as the admin page and the run's report show it."""
    if key == YOUNG_PERSON_RULE:
        return (f"Anonymised at the end of the academic year (31 August) in which they reach {age}, "
                f"or {ehcp_age} with an education, health and care plan (EHCP)")
    if key == CONTACT_RULE:
        return f"Deleted {years} years after the young person's last contact"
    if key == AUDIT_RULE:
        return f"Deleted {years} years after they were written"
    return f"Cleared {years} years after the import"


def _row(key: str) -> RetentionRule | None:
    return db.session.scalar(select(RetentionRule).where(RetentionRule.key == key))


def get_rule(key: str) -> Rule:
    """A rule as stored, else its default; LookupError for a key that is no rule."""
    default = BY_KEY.get(key)
    if default is None:
        raise LookupError(key)
    row = _row(key)
    if row is None:
        return Rule(key, default.label, default.age, default.ehcp_age, default.years)
    return Rule(key, row.label, row.age, row.ehcp_age, row.years)


def list_rules() -> list[Rule]:
    return [get_rule(rule.key) for rule in DEFAULTS]


def _number(value, field: str, limits: tuple[int, int], what: str) -> int:
    low, high = limits
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RetentionRuleError(field, f"Enter {what}")
    number = whole_number(value)
    if number is None:
        raise RetentionRuleError(field, f"Enter {what} as a whole number, like {low + 1}")
    if not low <= number <= high:
        raise RetentionRuleError(field, f"Enter {what} from {low} to {high}")
    return number


def check_values(key: str, age=None, ehcp_age=None, years=None) -> dict[str, int]:
    """The rule's new values, checked; RetentionRuleError for the first one that is not allowed."""
    if key not in BY_KEY:
        raise LookupError(key)
    if key == YOUNG_PERSON_RULE:
        age = _number(age, "age", AGE_LIMITS, "the age")
        ehcp_age = _number(ehcp_age, "ehcp_age", EHCP_AGE_LIMITS, "the age with an EHCP")
        if ehcp_age < age:
            raise RetentionRuleError("ehcp_age", "The age with an EHCP must be the same as the age or more")
        return {"age": age, "ehcp_age": ehcp_age}
    return {"years": _number(years, "years", YEAR_LIMITS[key], "the number of years")}


def update_rule(key: str, **values) -> Rule:
    """Change a rule (audited with its values before and after); RetentionRuleError when a value
    is not allowed, with nothing changed."""
    checked = check_values(key, **values)
    before = get_rule(key)
    row = _row(key)
    if row is None:
        default = BY_KEY[key]
        row = RetentionRule(key=key, label=default.label, age=default.age, ehcp_age=default.ehcp_age,
                            years=default.years)
        db.session.add(row)
    for name, value in checked.items():
        setattr(row, name, value)
    record_audit("update", "retention_rule", key, before={name: getattr(before, name) for name in checked},
                 after=checked)
    db.session.flush()
    return get_rule(key)


__all__ = ["AGE_LIMITS", "BY_KEY", "DEFAULTS", "EHCP_AGE_LIMITS", "RetentionRuleError", "Rule", "YEAR_LIMITS",
           "check_values", "describe", "get_rule", "list_rules", "update_rule"]
