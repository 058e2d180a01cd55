"""The columns of each import (docs/design.md section 6) and the header aliases school MIS exports use.

Headers match without regard to case, spaces, underscores and punctuation: "Date_of_Birth",
"date of birth" and "DATE-OF-BIRTH" are one column.
"""
import difflib
import re
from dataclasses import dataclass, field

IMPORT_KINDS = ("establishments", "leavers", "roll", "enrolments", "offers")
KIND_LABELS = {"establishments": "establishments", "leavers": "leavers", "roll": "pupils on roll",
               "enrolments": "enrolments", "offers": "offers"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    many: bool = False  # several of the file's headers may fill it (a parent's telephone and mobile): each is read


def normalise_header(text) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _c(key, label, required=False, *aliases):
    return Column(key, label, required, aliases)


UPN = _c("upn", "UPN", False, "Unique pupil number", "Pupil UPN")
ULN = _c("uln", "ULN", False, "Unique learner number", "Learner ULN")
FORENAME = _c("forename", "Forename", True, "Legal forename", "First name", "Firstname", "Given name",
              "Legal first name", "Forenames")
SURNAME = _c("surname", "Surname", True, "Legal surname", "Last name", "Family name", "Legal last name")
DOB = _c("date_of_birth", "Date of birth", True, "DOB", "Birth date", "Birthdate", "D.O.B.")
GENDER = _c("gender", "Gender", False, "Sex", "Legal sex")
POSTCODE = _c("postcode", "Postcode", False, "Post code", "Postal code", "Home postcode")
YEAR_GROUP = _c("year_group", "Year group", True, "NC Year", "NC Year Actual", "National curriculum year",
                "Curriculum year", "Year")
PROVIDER = _c("provider", "Provider", True, "Provider UKPRN", "Provider LAESTAB", "UKPRN", "LAESTAB",
              "LA/ESTAB", "DfE number", "Institution", "Provider number")

# The contact columns of a leavers or roll file under the names school MIS exports (SIMS, Arbor,
# Bromcom, ScholarPack) give them. Whose contact a header is (the young person's, or a parent's or
# carer's) is the words it starts with; what it is (a phone or an email) is the words it ends with:
# every "whose" followed by every "what" of its kind names the column. A file may have several
# (a parent's telephone and mobile, a first and a second contact): each number or address is kept.
CONTACT_WHOSE = {
    "young person": ("", "pupil", "student", "learner", "child", "young person", "young person's", "personal",
                     "home"),
    "parent or carer": ("parent", "parent/carer", "parent or carer", "parent carer", "parent or carer's",
                        "parents", "carer", "guardian", "primary contact", "main contact", "contact",
                        "contact 1", "contact 2", "contact 3", "priority 1 contact", "priority 2 contact",
                        "priority 3 contact", "first contact", "second contact", "emergency contact",
                        "mother", "father"),
}
CONTACT_WHAT = {
    "phone": ("phone", "telephone", "tel", "tel no", "mobile", "mobile phone", "mobile number", "phone number",
              "telephone number", "home phone", "home telephone", "work phone", "work telephone"),
    "email": ("email", "email address", "e-mail", "e-mail address"),
}
# (column key, its label in the import contract, whose, what)
CONTACT_COLUMNS = (
    ("phone", "Phone", "young person", "phone"),
    ("parent_phone", "Parent phone", "parent or carer", "phone"),
    ("email", "Email", "young person", "email"),
    ("parent_email", "Parent email", "parent or carer", "email"),
)


def _contact_column(key: str, label: str, whose: str, what: str) -> Column:
    names = {" ".join(part for part in (who, thing) if part) for who in CONTACT_WHOSE[whose]
             for thing in CONTACT_WHAT[what]}
    names.discard("home")  # "home" alone is no contact's name
    return Column(key, label, False, tuple(sorted(names - {label.lower()})), many=True)


PERSON_COLUMNS = (
    _c("laestab", "LAESTAB", True, "LA/ESTAB", "LA ESTAB", "DfE number", "DfE", "School LAESTAB",
       "Establishment number", "LA Estab number"),
    UPN, ULN, FORENAME, SURNAME, DOB, YEAR_GROUP,
    _c("middle_names", "Middle names", False, "Middle name", "Legal middle names", "Legal middle name"),
    _c("preferred_forename", "Preferred forename", False, "Preferred first name", "Preferred name",
       "Known as", "Chosen name"),
    _c("former_surname", "Former surname", False, "Previous surname", "Former legal surname", "Maiden name"),
    GENDER, POSTCODE,
    _c("address", "Address", False, "Home address", "Address lines", "Full address"),
    *(_contact_column(*row) for row in CONTACT_COLUMNS),
    _c("leaving_date", "Leaving date", False, "Date of leaving", "Leave date", "Left date", "Date left"),
    _c("ehcp", "EHCP", False, "EHC plan", "Has EHCP", "EHC Plan (Y/N)"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "establishments": (
        _c("laestab", "LAESTAB", True, "LA/ESTAB", "LA ESTAB", "DfE number", "Establishment number"),
        _c("name", "Name", True, "Establishment name", "School name", "Provider name"),
        _c("type", "Type", True, "Establishment type", "Provider type"),
        _c("ukprn", "UKPRN", False, "Provider UKPRN"),
        _c("urn", "URN", False, "Unique reference number"),
        _c("district", "District", False, "Area", "Kent district"),
        _c("contact_email", "Contact email", False, "Contact emails", "Email", "Email address"),
        _c("contact_name", "Contact name", False, "Contact"),
        _c("phone", "Phone", False, "Telephone", "Phone number"),
    ),
    "leavers": PERSON_COLUMNS,
    "roll": tuple(c for c in PERSON_COLUMNS if c.key != "leaving_date"),
    "enrolments": (
        PROVIDER, UPN, ULN, FORENAME, SURNAME, DOB, GENDER, POSTCODE,
        Column("year_group", "Year group", False, YEAR_GROUP.aliases),
        _c("course", "Course", False, "Course title", "Course name", "Programme", "Learning aim"),
        _c("start_date", "Start date", False, "Course start date", "Enrolment date", "Date of entry"),
        _c("phone", "Phone", False, "Mobile", "Mobile phone", "Telephone", "Phone number", "Learner phone",
           "Student mobile", "Mobile number"),
    ),
    "offers": (
        PROVIDER, UPN, ULN, FORENAME, SURNAME, DOB, POSTCODE,
        _c("status", "Status", True, "Offer status", "Guarantee status", "September Guarantee status",
           "SG status"),
        _c("offer_date", "Offer date", False, "Date of offer"),
        _c("source", "Source", False, "Offer source"),
    ),
}


@dataclass
class HeaderMatch:
    positions: dict[str, int]              # column key -> index in the row
    found: list[tuple[str, str]]           # (the file's header, the column it fills)
    ignored: list[str]                     # headers that fill no column
    missing: list[tuple[Column, str | None]]  # required columns absent, with a near-miss header
    # Further headers that fill a column taking several (key, index in the row, the file's header).
    extra: list[tuple[str, int, str]] = field(default_factory=list)


def match_headers(kind: str, headers: list[str]) -> HeaderMatch:
    columns = COLUMNS[kind]
    exact = {normalise_header(c.label): c for c in columns}
    aliases = {}
    for column in columns:
        for alias in column.aliases:
            aliases.setdefault(normalise_header(alias), column)
    positions: dict[str, int] = {}
    found, ignored = [], []
    # A header that is the column's own name wins over an alias of it ("Surname" over "Last name").
    for lookup in (exact, aliases):
        for index, header in enumerate(headers):
            column = lookup.get(normalise_header(header))
            if column and column.key not in positions and index not in positions.values():
                positions[column.key] = index
    by_index = {index: key for key, index in positions.items()}
    extra = []
    for index, header in enumerate(headers):
        name = normalise_header(header)
        column = exact.get(name) or aliases.get(name)
        if index not in by_index and column is not None and column.many:
            extra.append((column.key, index, header))
    labels = {c.key: c.label for c in columns}
    by_index.update((index, key) for key, index, _header in extra)
    for index, header in enumerate(headers):
        if index in by_index:
            found.append((header, labels[by_index[index]]))
        elif header:
            ignored.append(header)
    missing = []
    for column in columns:
        if column.required and column.key not in positions:
            missing.append((column, _near_miss(column, ignored)))
    return HeaderMatch(positions, found, ignored, missing, extra)


def _near_miss(column: Column, ignored: list[str]) -> str | None:
    names = [normalise_header(column.label), *(normalise_header(a) for a in column.aliases)]
    best, best_ratio = None, 0.0
    for header in ignored:
        text = normalise_header(header)
        if not text:
            continue
        for name in names:
            ratio = difflib.SequenceMatcher(None, text, name).ratio()
            if ratio > best_ratio:
                best, best_ratio = header, ratio
    return best if best_ratio >= 0.75 else None
