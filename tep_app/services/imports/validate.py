"""Check every row of an import file and collect every problem by row and column.

Two severities: an error blocks the whole file (a required column missing, a row that cannot be
identified, an impossible date of birth, an unknown school); a warning keeps the row without the
value that failed its check (an optional value such as a phone number or an email address, or a
mistyped UPN or ULN in an enrolment or offer return, which only helps matching).

Pure: the database's part (known establishments, statuses) comes in as `Lookups`.
"""
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from tep_app import validation as v
from tep_app.models.establishments import ESTABLISHMENT_TYPES
from tep_app.services.imports import fields as f
from tep_app.services.imports.columns import COLUMNS, HeaderMatch, match_headers, normalise_header
from tep_app.spreadsheets.reader import Table, cell_text
from tep_app.validation import ERROR, WARNING, Invalid, Problem

__all__ = ["ERROR", "WARNING", "Checked", "Lookups", "Problem", "check_rows", "iter_checked", "missing_columns"]

@dataclass
class Lookups:
    laestabs: dict[str, int] = field(default_factory=dict)   # LAESTAB -> establishment id
    ukprns: dict[str, int] = field(default_factory=dict)     # UKPRN -> establishment id
    ukprn_owner: dict[str, str] = field(default_factory=dict)  # UKPRN -> LAESTAB holding it
    statuses: dict[str, str] = field(default_factory=dict)   # code or normalised words -> code


@dataclass
class Checked:
    match: HeaderMatch
    records: list[tuple[int, dict]]
    problems: list[Problem]  # the errors
    warnings: list[Problem] = field(default_factory=list)


SOURCES = {"kentchoices": "KentChoices", "school": "school", "college": "college"}
FORMULA_NOUNS = {"forename": "the name", "surname": "the name", "middle_names": "the names",
                 "preferred_forename": "the name", "former_surname": "the name", "date_of_birth": "the date",
                 "leaving_date": "the date", "start_date": "the date", "offer_date": "the date"}
ENROLMENT_YEAR_GROUPS = (11, 12, 13, 14)
# The optional columns whose bad value is an error all the same: what identifies the row's
# establishment or young person in MI's own files. In enrolment and offer returns a UPN or ULN
# only helps matching, so a mistyped one is left out with a warning.
IDENTIFYING = {"establishments": {"ukprn"}, "leavers": {"upn", "uln"}, "roll": {"upn", "uln"}}


def severity(kind: str, column) -> str:
    """An error for a required or identifying column, a warning for any other optional one."""
    return ERROR if column.required or column.key in IDENTIFYING.get(kind, ()) else WARNING


_TYPES = {kind: kind for kind in ESTABLISHMENT_TYPES}


def _types(value) -> str:
    return v.check_choice(value, _TYPES, "a type", "school, college, special, independent or training")


def _emails(value) -> list[str]:
    parts = [p.strip() for p in cell_text(value).replace(",", ";").split(";") if p.strip()]
    return [v.check_email(p) for p in parts]


def _source(value) -> str:
    return v.check_choice(value, SOURCES, "a source", "KentChoices, school or college", key=normalise_header)


def _text(label, max_length=100):
    # A partial, not a lambda: names and addresses fill most of a file's cells.
    return partial(f.text, label=label, most=max_length)


_UNSEEN = object()


def _remembered(parser):
    """The parser, remembering its answer for each text it has read: for the columns that repeat
    a few values (schools, year groups, genders, statuses) over tens of thousands of rows."""
    answers: dict = {}

    def parse(value):
        # Equal values of different types (11, 11.0, True) may read differently: text is keyed alone.
        key = value if value.__class__ is str else (value.__class__, value)
        answer = answers.get(key, _UNSEEN)
        if answer is _UNSEEN:
            answer = answers[key] = parser(value)
        return answer
    return parse


def _parsers(kind: str, lookups: Lookups) -> dict:
    """A fresh set of parsers for one file (the remembered answers last as long as the file)."""
    person = {
        "laestab": _remembered(v.check_laestab), "upn": v.check_upn, "uln": v.check_uln,
        "forename": _text("Forename"), "surname": _text("Surname"), "middle_names": _text("Middle names", 200),
        "preferred_forename": _text("Preferred forename"), "former_surname": _text("Former surname"),
        "date_of_birth": v.parse_date, "gender": _remembered(v.check_gender), "postcode": v.check_postcode,
        "address": _text("Address", 1000), "phone": v.check_phone, "parent_phone": v.check_phone,
        "email": v.check_email, "parent_email": v.check_email, "leaving_date": v.parse_date,
        "ehcp": _remembered(v.check_yes_no),
        "year_group": _remembered(lambda value: f.parse_year_group(value, (11, 12))),
    }
    if kind == "establishments":
        return {"laestab": v.check_laestab, "name": _text("Name", 200), "type": _types, "ukprn": v.check_ukprn,
                "urn": v.check_urn, "district": _text("District", 80), "contact_email": _emails,
                "contact_name": _text("Contact name", 200), "phone": v.check_phone}
    if kind in ("leavers", "roll"):
        return person
    common = {key: person[key] for key in ("upn", "uln", "forename", "surname", "date_of_birth", "gender",
                                           "postcode")}
    common["provider"] = _remembered(lambda value: cell_text(value).replace(" ", ""))
    if kind == "enrolments":
        return {**common, "year_group": _remembered(lambda value: f.parse_year_group(value, ENROLMENT_YEAR_GROUPS)),
                "course": _text("Course", 200), "start_date": v.parse_date, "phone": v.check_phone}
    return {**common, "status": _remembered(lambda value: _status(value, lookups)), "offer_date": v.parse_date,
            "source": _remembered(_source)}


def _status(value, lookups: Lookups) -> str:
    return v.check_choice(value, lookups.statuses, "a September Guarantee status",
                          "a code such as 110, or its words, such as Offer made", key=normalise_header)


def check_rows(kind: str, table: Table, academic_year: int, lookups: Lookups, progress=None) -> Checked:
    match = match_headers(kind, table.headers)
    problems = missing_columns(match)
    if problems:
        return Checked(match, [], problems)
    warnings: list[Problem] = []
    records = list(iter_checked(kind, table, match, academic_year, lookups, problems, warnings, progress))
    return Checked(match, records, problems, warnings)


def missing_columns(match: HeaderMatch) -> list[Problem]:
    """A problem for each required column the file does not have."""
    problems = []
    for column, near in match.missing:
        hint = f" Did you mean ‘{near}’?" if near else ""
        problems.append(Problem(1, column.label, f"The file has no {column.label} column.{hint}"))
    return problems


def people_outline(table: Table, match: HeaderMatch) -> tuple[tuple[date, date] | None, list[str]]:
    """The earliest and latest readable dates of birth in a leavers or roll file, and its UPN cells
    as a UPN is read: what writing the rows needs to know before the first row is checked."""
    dob_index, upn_index = match.positions["date_of_birth"], match.positions.get("upn")
    births, upns = set(), []
    for _number, values in table.rows:
        width = len(values)
        raw = values[dob_index] if dob_index < width else None
        if raw is not None:
            with contextlib.suppress(Invalid):
                births.add(v.parse_date(raw))
        raw = values[upn_index] if upn_index is not None and upn_index < width else None
        upns.append(cell_text(raw).upper().replace(" ", ""))
    return ((min(births), max(births)) if births else None), upns


def iter_checked(kind: str, table: Table, match: HeaderMatch, academic_year: int, lookups: Lookups,
                 problems: list[Problem], warnings: list[Problem], progress=None) -> Iterator[tuple[int, dict]]:
    """Check every row, in order: yields (row number, record) for each row without an error, and
    adds every error to `problems` and every warning to `warnings` as it is found, so a caller can
    write good rows while the rest are read. A value with a warning is left out of its record."""
    parsers = _parsers(kind, lookups)
    columns = {c.key: c for c in COLUMNS[kind]}
    getters = [(key, columns[key].label, index, parsers[key], columns[key].required,
                severity(kind, columns[key]) == ERROR) for key, index in match.positions.items()]
    # A column filled from several headers: each further one is read into "<key>:<n>", and named in
    # its warnings by the file's own header.
    getters += [(f"{key}:{number}", header, index, parsers[key], False, False)
                for number, (key, index, header) in enumerate(match.extra, start=2)]
    formulas = table.formulas
    add, warn = problems.append, warnings.append
    cross = _CROSS_CHECKS[kind](academic_year, lookups, add)
    for done, (number, values) in enumerate(table.rows, start=1):
        if progress is not None and done % 2000 == 0:
            progress(2000)
        record = {}
        ok = True
        width = len(values)
        for key, label, index, parser, required, blocks in getters:
            raw = values[index] if index < width else None
            if formulas and (number, index) in formulas:
                message = f"contains a formula; enter {FORMULA_NOUNS.get(key, 'the value')} as text"
                if blocks:
                    add(Problem(number, label, message))
                    ok = False
                else:
                    warn(Problem(number, label, message, WARNING, cell_text(raw)))
                record[key] = None
                continue
            if raw is None or (raw.__class__ is str and not (raw := raw.strip())):
                if required:
                    add(Problem(number, label, f"Enter the {label if label.isupper() else label.lower()}"))
                    ok = False
                record[key] = None
                continue
            try:
                record[key] = parser(raw)
            except Invalid as error:
                record[key] = None
                if blocks:
                    add(Problem(number, label, error.message))
                    ok = False
                else:
                    warn(Problem(number, label, error.message, WARNING, cell_text(raw)))
        # The checks across columns run on every row, so one pass reports every problem.
        if cross(number, record) and ok:
            yield number, record
    if progress is not None and len(table.rows) % 2000:
        progress(len(table.rows) % 2000)


def _establishment_checks(academic_year, lookups, add):
    seen: dict[str, tuple[int, str]] = {}
    ukprns: dict[str, tuple[int, str]] = {}

    def check(number, record):
        laestab, ukprn = record["laestab"], record.get("ukprn")
        if laestab is None or record["name"] is None:
            return False
        if laestab in seen:
            first, name = seen[laestab]
            if name.lower() != record["name"].lower():
                add(Problem(number, "LAESTAB", f"{laestab} is also in row {first} with a different name "
                                               f"({name}). Keep one row for each establishment."))
                return False
        seen[laestab] = (number, record["name"])
        if ukprn:
            owner = ukprns.get(ukprn)
            if owner and owner[1] != laestab:
                add(Problem(number, "UKPRN", f"{ukprn} is also in row {owner[0]}, for LAESTAB {owner[1]}. "
                                             "A UKPRN belongs to one establishment."))
                return False
            held = lookups.ukprn_owner.get(ukprn)
            if held and held != laestab:
                add(Problem(number, "UKPRN", f"{ukprn} already belongs to LAESTAB {held}"))
                return False
            ukprns[ukprn] = (number, laestab)
        return True
    return check


def _person_checks(kind):
    def make(academic_year, lookups, add):
        school_year = academic_year - 1 if kind == "leavers" else academic_year
        schools = lookups.laestabs
        by_upn: dict[str, tuple[int, tuple]] = {}
        by_uln: dict[str, tuple[int, tuple]] = {}
        births: dict[int, tuple[date, date]] = {}  # year group -> likely dates of birth

        def same(record):
            return (record["forename"].lower(), record["surname"].lower(), record["date_of_birth"],
                    record["laestab"], record["year_group"])

        def conflict(number, column, value, first, earlier):
            add(Problem(number, column, f"{value} is also in row {first} with a different name, date of "
                                        f"birth, school or year group ({earlier[0].title()} {earlier[1].title()}, "
                                        f"{f.show_date(earlier[2])}). Keep one row for each young person."))

        def check(number, record):
            ok = True
            school_id = schools.get(record["laestab"])
            if school_id is None and record["laestab"]:
                add(Problem(number, "LAESTAB", f"{record['laestab']} is not a known school. "
                                               "Import establishments first."))
            record["school_id"] = school_id
            dob, group = record["date_of_birth"], record["year_group"]
            if dob and group:
                low, high = births.get(group) or births.setdefault(group, f.expected_births(group, school_year))
                if not low <= dob <= high:
                    add(Problem(number, "Date of birth", f"{f.show_date(dob)} is not a likely date of birth for "
                                                         f"Year {group} in {f.year_label(school_year)}"))
                    ok = False
            if school_id is None or None in (record["forename"], record["surname"], dob, group):
                return False
            identity = same(record)
            for column, value, seen in (("UPN", record.get("upn"), by_upn), ("ULN", record.get("uln"), by_uln)):
                if value:
                    earlier = seen.get(value)
                    if earlier is None:
                        seen[value] = (number, identity)
                    elif earlier[1] != identity:
                        conflict(number, column, value, earlier[0], earlier[1])
                        ok = False
            return ok
        return check
    return make


def _source_checks(academic_year, lookups, add):
    low, high = date(academic_year - 30, 9, 1), date(academic_year - 11, 8, 31)
    laestabs, ukprns = lookups.laestabs, lookups.ukprns

    def check(number, record):
        ok = True
        code = record["provider"]
        if code is None:
            return False
        if len(code) == 7 and code.isdigit():
            provider_id = laestabs.get(code)
        elif len(code) == 8 and code.isdigit() and code[0] == "1":
            provider_id = ukprns.get(code)
        else:
            add(Problem(number, "Provider", f"{code} is not a LAESTAB (7 digits) or a UKPRN (8 digits "
                                            "starting with 1)"))
            return False
        if provider_id is None:
            add(Problem(number, "Provider", f"{code} is not a known school or provider. Import establishments "
                                            "first."))
            ok = False
        record["provider_id"] = provider_id
        dob = record["date_of_birth"]
        if dob and not low <= dob <= high:
            add(Problem(number, "Date of birth", f"{f.show_date(dob)} is not a likely date of birth for a "
                                                 f"young person in {f.year_label(academic_year)}"))
            ok = False
        return ok
    return check


_CROSS_CHECKS = {"establishments": _establishment_checks, "leavers": _person_checks("leavers"),
                 "roll": _person_checks("roll"), "enrolments": _source_checks, "offers": _source_checks}


def preview_rows(kind: str, table: Table, match: HeaderMatch, limit: int = 10) -> list[dict]:
    """The first rows as {column label: cell text}, in the order of the import's columns."""
    ordered = [(c.label, match.positions[c.key]) for c in COLUMNS[kind] if c.key in match.positions]
    return [{label: cell_text(values[index]) if index < len(values) else "" for label, index in ordered}
            for _, values in table.rows[:limit]]
