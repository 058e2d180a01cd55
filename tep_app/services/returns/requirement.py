"""The NCCIS management information requirement as the product reads it: every code, age rule and
date rule the snapshots, the measure and the return rely on, named here and nowhere else.

Each setting names its section of the requirement notes (docs/returns.md lists them) and says
whether it is confirmed ([S]: stated by a source) or not ([I] inferred, [U] unconfirmed). An
unconfirmed value can be corrected here against the published document without touching code.
The activity codes' groups themselves are the `activity_code` table's (reference_data.py): NEET is
its `is_neet` flag, Not Known its `is_not_known` flag; what follows only adds what the table lacks.
"""
from datetime import date

from tep_app.validation import HOME_LA_CODE

# Kent's DfE local authority code, the lead LA of every young person the county holds
# (notes 1.3 YP11, Appendix B). Confirmed: Kent is 886 in the DfE's LA code list (validation.py).
LEAD_LA_CODE = HOME_LA_CODE

# The 3-digit DatabaseID that opens each 13-digit YoungPersonsID (notes 1.2). [U] the value is the
# one the DfE assigns to the county's database; the format is [S].
DATABASE_ID = "886"

# --- Cohort status codes, YP10 (notes 2.3) --------------------------------------------------------
IN_COHORT = "P"            # [S] code; [I] wording: the LA's current, reportable young person
GUARANTEE_ONLY = "G"       # [S] supplier mapping: kept for September Guarantee purposes; [U] DfE wording
LEFT_BY_AGE = "A"          # [S] supplier; not produced: the product stops at the age limits below
LEFT = "L"                 # [U] meaning not found; not produced
TRANSFERRED = "T"          # [S] transferred to another LA; TransferredToLEACode required (error 13)
LEFT_ENGLAND = "E"         # [S] supplier: left England ("moved abroad" in the product)
MERGED = "M"               # [S] supplier: a duplicate record merged into another
DECEASED = "D"             # [S] supplier; the product records no deaths yet, so not produced
# The statuses a month's cohort counts (notes 2.1, [S] supplier's reading): P and G.
CURRENT_STATUSES = (IN_COHORT, GUARANTEE_ONLY)
# The product's move kinds (young_person.moved) and the leaving status each becomes. [I]
MOVE_STATUS = {"other_la": TRANSFERRED, "abroad": LEFT_ENGLAND}
# A leaver is reported once, in the snapshot of the month they left, then no more (notes 2.1, [S]).
LEAVERS_REPORTED_ONCE = True

# --- Academic age (notes 2.2, 2.4) ----------------------------------------------------------------
# Academic age is the age on 31 August at the start of the academic year. [S]
ACADEMIC_AGE_DAY = (8, 31)
# The academic year starts on 1 September. [S]
ACADEMIC_YEAR_START_MONTH = 9
# Ages in the cohort: the final compulsory year (academic age 15, Year 11), 16-17, and 18-24 with an
# EHC plan (coverage since 2017). [S] the groups; [U] whether 15 is only those in Year 11.
COMPULSORY_AGE = 15
COHORT_AGES = (15, 16, 17)
EHCP_COHORT_AGES = tuple(range(18, 25))
# The year group of an academic age: 15 is Year 11, 16 Year 12, 17 Year 13 ([S] England's school
# years); none past 17.
YEAR_GROUP_OFFSET = 4
LAST_YEAR_GROUP = 13

# --- The headline measure (notes 6) ---------------------------------------------------------------
# Academic ages the measure counts (notes 6.1, [S]).
MEASURE_AGES = (16, 17)
# Activities whose young people leave the measure's denominator: young adult offenders in custody
# (notes 6.1, [S] 710).
EXCLUDED_FROM_MEASURE = frozenset({"710"})
# The annual figure averages the end of these months (notes 6.5, [S] December, January, February);
# the year is the academic year they fall in.
ANNUAL_MONTHS = (12, 1, 2)
# Percentages are shown to one decimal place ([I] as the DfE's published tables).
PERCENT_PLACES = 1

# --- Currency (notes 3) ---------------------------------------------------------------------------
# An activity whose due-to-lapse date is before the snapshot's date is lapsed ([S] Core+ error 232:
# "expiry date < period end date"), and counts as Not Known ([I] notes 3, 6.3).
# The currency periods themselves (notes 3, all [U]): a year for education, employment and
# training, three months for anything else, set as the due-to-lapse date when an activity is
# recorded (services/destinations.py lapse_date); an officer may give another date.
# The code a lapsed activity is stored and returned as: 810 "current situation not known". [U]
LAPSED_CODE = "810"
# With no activity at all: 810 for academic age 16+, 150 (compulsory age, not known) for Year 11,
# unless on a school roll this academic year (110). [I] notes 4.
NO_ACTIVITY_CODE = "810"
NO_ACTIVITY_COMPULSORY_CODE = "150"
ON_ROLL_COMPULSORY_CODE = "110"
# Compulsory-age codes (notes 4, [S] the 1xx group): counted in neither NEET nor Not Known.
COMPULSORY_CODES = frozenset({"110", "120", "130", "140", "150"})

# The measure categories a snapshot row carries (decided when it is taken).
NEET = "neet"
NOT_KNOWN = "not-known"
EET = "eet"  # education, employment, training, re-engagement and anything else known
EXCLUDED = "excluded"
COMPULSORY = "compulsory"

# --- September Guarantee (notes 8) ----------------------------------------------------------------
# The guarantee applies to young people in Year 11 and Year 12 ([S] Leeds, East Sussex).
GUARANTEE_YEAR_GROUPS = (11, 12)
# Which record is the status on a date (the newest; between two of one day an officer's, a school's,
# then the offers import's) is the product's own rule: services/guarantee_status.py.


def academic_year_of(day: date) -> int:
    """The academic year a day is in, by the year it starts: 2024 for 2024-25."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1


def academic_age(date_of_birth: date, on: date) -> int:
    """The age on 31 August at the start of the academic year that `on` falls in."""
    start = academic_year_of(on)
    month, day = ACADEMIC_AGE_DAY
    return start - date_of_birth.year - ((month, day) < (date_of_birth.month, date_of_birth.day))


def year_group(age: int) -> int | None:
    """The school year of an academic age (15 is Year 11), or None past Year 13."""
    group = age - YEAR_GROUP_OFFSET
    return group if group <= LAST_YEAR_GROUP else None


def in_cohort_age(age: int, ehcp: bool) -> bool:
    return age in COHORT_AGES or (ehcp and age in EHCP_COHORT_AGES)


def birth_dates_for(on: date) -> tuple[date, date]:
    """The earliest and latest dates of birth of any cohort age (15 to 24) on `on`."""
    start = academic_year_of(on)
    oldest, youngest = max(EHCP_COHORT_AGES), min(COHORT_AGES)
    return date(start - oldest - 1, 9, 1), date(start - youngest, 8, 31)


def annual_dates(academic_year: int) -> list[tuple[int, int]]:
    """The (year, month) of each month the annual figure averages, in that academic year."""
    return [(academic_year if month >= ACADEMIC_YEAR_START_MONTH else academic_year + 1, month)
            for month in ANNUAL_MONTHS]


# --- The Annual Activity Survey (notes 7) ---------------------------------------------------------
# The survey reports last summer's Year 11 leavers (the leaver records of the academic year, from
# Year 11) on one reference date: 1 November of the year they left ([S] sources 7, 10).
SURVEY_YEAR_GROUP = 11
SURVEY_REFERENCE_DAY = (11, 1)
# Follow-up may go on into the January after ([S] sources 7, 10); what is learnt after this day
# (month, day, of the next calendar year) no longer changes the survey. [U] the exact last day.
SURVEY_FOLLOW_UP_ENDS = (1, 31)
# An activity with no start date (nor, for a NEET code, a NEET start date) is taken to have started
# on or before the reference date, and is reported as an error so that it is put right. [I]
# A place on a school's Year 12 roll of the academic year counts as that school's sixth form (this
# code) from the first day of the academic year. [I] the roll is the school's for the whole year.
SURVEY_ROLL_CODE = "210"
# Activity codes the survey does not take ([U]: compulsory-age codes cannot describe a leaver past
# compulsory school age; 440, a DWP programme, is not open to 16 and 17 year olds). A young person
# whose activity on the reference date has one of these is reported as an error.
SURVEY_CODES_NOT_ALLOWED = frozenset({"110", "120", "130", "140", "150", "440"})
# The destination groups of the survey's summary, in order, with their words ([S] source 22 groups
# destinations this way; [I] the split). Each activity code falls in its reference-table group;
# "compulsory" and "other" codes (custody) fall in "other"; a lapsed activity in "not-known".
SURVEY_GROUPS = (
    ("education", "Education"),
    ("employment", "Employment"),
    ("training", "Training"),
    ("re-engagement", "Re-engagement"),
    ("neet", "NEET"),
    ("not-known", "Not known"),
    ("other", "Other (including custody)"),
    ("moved", "Moved away"),
)
# The groups counted as in education, employment or training by the dashboard's figures.
SURVEY_EET_GROUPS = ("education", "employment", "training", "re-engagement", "other")
# The CSV's columns, one row a young person. [U] the DfE's layout was not retrieved (notes 7, 10):
# these names follow the XML's field names where one is known (notes 1.2).
SURVEY_CSV_COLUMNS = (
    "LACode", "EstablishmentNumber", "YoungPersonsID", "UPN", "FamilyName", "GivenName", "DOB", "Gender",
    "Postcode", "ActivityCode", "ActivityStartDate", "DateAscertained", "CurrencyLapsed", "DestinationGroup",
)
# The Activity Survey identifies a young person by the same YoungPersonsID as the monthly return
# (young_persons_id below).

# --- The monthly NCCIS return (notes 1, 5) --------------------------------------------------------
# The XML's layout is the project's XSD (services/returns/schema/nccis.xsd): root, header, element
# names and grouping. [S] the names quoted by the requirement's error report (notes 1.2):
# YoungPersonsID, GivenName, FamilyName, DOB, CohortStatus, TransferredToLEACode, LeadLEA. [U] the
# rest, the root and the header (not retrieved): change them in the XSD and services/returns/nccis_xml.py.
# The YoungPersonsID's digits: DATABASE_ID then the local id, padded with zeros ([S] notes 1.2).
YOUNG_PERSONS_ID_DIGITS = 13


def young_persons_id(person_id: int) -> str:
    """DATABASE_ID followed by the local id, padded with zeros (longer when the id does not fit):
    the one YoungPersonsID of the monthly return and the Activity Survey."""
    return f"{DATABASE_ID}{person_id:0{YOUNG_PERSONS_ID_DIGITS - len(DATABASE_ID)}d}"

# A lapsed activity is returned as held, with CurrencyLapsed Y and its due-to-lapse date, and NCCIS
# counts it as not known ([I] from error 232, notes 5.2); False returns the snapshot's not-known code.
RETURN_HELD_CODE_WHEN_LAPSED = True
# A Year 11 pupil with no activity but on a school roll of the academic year is returned as on roll
# (ON_ROLL_COMPULSORY_CODE) from the first day of the academic year ([I] as SURVEY_ROLL_CODE).
# Year 11 and 12 young people with no September Guarantee record are returned with this status
# ([I] design.md: 159 "not yet recorded").
GUARANTEE_NOT_RECORDED = "159"
# A name may not hold a digit or one of these ([S] Core+ 26.1 errors 44-46, notes 5.2).
NAME_ILLEGAL_CHARACTERS = '/\\:?@$&*(){}[]!"+=|'
# Address lines the return carries at most ([U] YP18 "Address", its lines not retrieved).
ADDRESS_LINES = 5
# The error report's rules: code -> (words, priority). [S] numbers 1-15 are the requirement's older
# Appendix D (notes 5.1), 44-46 and 909 the newer numbering (notes 5.2). [U] Codes beginning with L
# are the product's own, for rules whose number in the requirement was not retrieved (design.md 4,
# notes 8); priority 1 is the most serious ([U], notes 5.1). Any error makes the file invalid.
NCCIS_RULES = {
    "1": ("YoungPersonsID is not 13 digits: the local id is too long", 1),
    "2": ("GivenName is empty", 1),
    "3": ("FamilyName is empty", 1),
    "4": ("Gender is empty", 1),  # [U] errors 4 and 5 were not legible; probably gender
    "5": ("Gender is not a valid code: left out of the file", 1),
    "8": ("DOB is empty", 1),
    "9": ("DOB puts the young person above the cohort's ages", 2),
    "10": ("DOB puts the young person below the cohort's ages", 2),
    "13": ("CohortStatus is T but TransferredToLEACode is empty", 2),
    "44": ("GivenName contains an illegal character (a digit or one of / \\ : ? @ $ & * ( ) { } [ ] ! \" + = |)", 1),
    "45": ("FamilyName contains an illegal character (a digit or one of / \\ : ? @ $ & * ( ) { } [ ] ! \" + = |)", 1),
    "46": ("MiddleName contains an illegal character (a digit or one of / \\ : ? @ $ & * ( ) { } [ ] ! \" + = |)", 1),
    "909": ("Compulsory-age activity has neither a start date nor a date ascertained in the current academic "
            "year", 2),
    "L1": ("NEET activity without a NEET start date", 2),
    "L2": ("ActivityCode is not in the requirement's list of activity codes", 1),
    "L3": ("Current activity has no date ascertained", 2),
    "L4": ("A Year 12 September Guarantee status for a young person in Year 11", 2),
    "L5": ("Activity for young people with SEND (280, 460) for a young person without an EHC plan", 2),
    "L6": ("UPN is not a valid UPN: left out of the file", 2),
    "L7": ("ULN is not a valid ULN: left out of the file", 2),
    "L8": ("Postcode is not a UK postcode: left out of the file", 2),
    # File validation (notes 5.3): the file does not follow the XSD.
    "XSD": ("The file does not follow the return's XSD", 1),
}
