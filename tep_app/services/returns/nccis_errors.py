"""The monthly NCCIS return's error report, in the requirement's terms (its Appendix D).

Each rule has the requirement's code and words (requirement.py NCCIS_RULES: a number where the
requirement's is known, L and a number where it is the product's own). Each error names its rule,
the young person (their id, for the link to their page, and their YoungPersonsID) and what was
found. A return with any error would be invalid. Pure: no database, no Flask.
"""
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tep_app.dates import long_date
from tep_app.services.returns import requirement as req


@dataclass(frozen=True)
class CodeLists:
    """The code lists the rules check against (the reference tables, read once)."""

    activity: set[str]
    neet: set[str]
    needs_send: set[str]
    guarantee_year_12_only: set[str]


@dataclass(frozen=True)
class NccisError:
    code: str
    words: str
    priority: int
    young_person_id: int | None
    name: str | None
    young_persons_id: str | None
    detail: str

    @property
    def rule(self) -> str:
        return f"Rule {self.code}: {self.words}"


_ILLEGAL = re.compile(rf"[\d{re.escape(req.NAME_ILLEGAL_CHARACTERS)}]")


def _illegal(name: str | None) -> bool:
    return bool(name) and _ILLEGAL.search(name) is not None


# The rule broken by an identifier the return left out for its format (nccis_xml FORMAT_CHECKS).
FORMAT_RULES = {"Gender": "5", "UPN": "L6", "ULN": "L7", "Postcode": "L8"}


def _year_start(as_of: date) -> date:
    return date(req.academic_year_of(as_of), req.ACADEMIC_YEAR_START_MONTH, 1)


def _person_rules(record, as_of: date) -> Iterable[tuple[str, str]]:
    """(rule code, what was found) for the young person dataset."""
    if len(record.young_persons_id) != req.YOUNG_PERSONS_ID_DIGITS:
        yield "1", f"YoungPersonsID {record.young_persons_id} has {len(record.young_persons_id)} digits"
    gone = "" if record.found else ": their record is no longer held (merged or erased)"
    if not record.given_name:
        yield "2", "No given name" + gone
    if not record.family_name:
        yield "3", "No family name" + gone
    if record.found and not record.gender and "Gender" not in record.left_out:
        yield "4", "No gender"
    if record.dob is None:
        yield "8", "No date of birth" + gone
    else:
        age = req.academic_age(record.dob, as_of)
        if age > max(req.EHCP_COHORT_AGES):
            yield "9", f"Born {long_date(record.dob)}: academic age {age}, above {max(req.EHCP_COHORT_AGES)}"
        elif age < req.COMPULSORY_AGE:
            yield "10", f"Born {long_date(record.dob)}: academic age {age}, below {req.COMPULSORY_AGE}"
    if record.cohort_status == req.TRANSFERRED and not record.transferred_to_la:
        yield "13", "Transferred to another local authority, whose LA code is not held"
    for code, value in (("44", record.given_name), ("45", record.family_name), ("46", record.middle_name)):
        if _illegal(value):
            yield code, f"The name held is {value!r}"
    for name, code in FORMAT_RULES.items():
        if name in record.left_out:
            yield code, record.left_out[name]


def _activity_rules(record, as_of: date, lists: CodeLists) -> Iterable[tuple[str, str]]:
    """(rule code, what was found) for the current activity, characteristics and guarantee datasets."""
    code = record.activity_code
    if code not in lists.activity:
        yield "L2", f"Activity code {code}"
    if record.academic_age == req.COMPULSORY_AGE:
        start = _year_start(as_of)
        if not any(day is not None and day >= start for day in (record.start_date, record.ascertained_on)):
            yield "909", f"Activity {code}, neither started nor ascertained since {long_date(start)}"
    if code in lists.neet and record.neet_start_date is None:
        yield "L1", f"Activity {code} with no NEET start date"
    if record.held and record.ascertained_on is None:
        yield "L3", f"Activity {code} with no date ascertained"
    if record.year_group == 11 and record.sg_status in lists.guarantee_year_12_only:
        yield "L4", f"September Guarantee status {record.sg_status} in Year 11"
    if code in lists.needs_send and not record.ehcp:
        yield "L5", f"Activity {code} with no EHC plan held"


def check_records(records: Iterable, as_of: date, lists: CodeLists) -> list[NccisError]:
    """Every error in the return's records, in YoungPersonsID order then rule order."""
    errors = []
    for record in records:
        for code, detail in (*_person_rules(record, as_of), *_activity_rules(record, as_of, lists)):
            words, priority = req.NCCIS_RULES[code]
            errors.append(NccisError(code, words, priority, record.young_person_id if record.found else None,
                                     record.display_name, record.young_persons_id, detail))
    return errors


def counts_by_rule(errors: Iterable[NccisError]) -> list[tuple[str, str, int, int]]:
    """(code, words, priority, how many) for each rule broken, in the requirement's order."""
    counts = Counter(error.code for error in errors)
    return [(code, words, priority, counts[code]) for code, (words, priority) in req.NCCIS_RULES.items()
            if counts[code]]


def report_lines(errors: list[NccisError]) -> list[str]:
    """The error report as lines of text: a line per error, then a line per rule with its count."""
    lines = []
    for error in errors:
        who = f"{error.name}, YoungPersonsID {error.young_persons_id}" if error.young_persons_id else "The file"
        page = f" (/people/{error.young_person_id})" if error.young_person_id else ""
        lines.append(f"{error.rule} (priority {error.priority}). {who}{page}: {error.detail}")
    for code, words, _priority, count in counts_by_rule(errors):
        lines.append(f"Rule {code}, {words}: {count} {'error' if count == 1 else 'errors'}")
    return lines
