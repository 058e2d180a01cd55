"""The Annual Activity Survey: what each of last summer's Year 11 leavers was doing on 1 November.

Who: the leaver records of the academic year from Year 11 (the dashboard's cohort, services/
figures.py, its Year 11 part). What: the activity on the reference date (requirement.py,
SURVEY_REFERENCE_DAY), chosen as follows from what was known by `known_by` (today, but no later
than the end of the follow-up, SURVEY_FOLLOW_UP_ENDS):

- A young person who moved out of the county on or before the reference date is "moved away".
- Their activities that had started by the reference date (the start date, or for a NEET code the
  NEET start date; one without either is taken as started, and reported) compete; the one
  ascertained last is the activity on the reference date (a later one that started by then ended
  the earlier ones). An activity that starts after the reference date is not counted.
- That activity lapsed (its due-to-lapse date is before the reference date) counts as Not Known,
  as the dashboard counts it.
- With no such activity, a place on a Year 12 roll of the year is that school's sixth form, and a
  certain (or accepted) match to a post-16 enrolment that had started by then is the enrolment's
  activity, as the dashboard counts them as found; anyone else is Not Known, and reported.

So the survey, with what was known on 1 November, gives the dashboard's Year 11 figures as at
1 November, but for a leaver whose newest activity then had not yet started (the dashboard counts an
activity from the day it is ascertained). The result carries the rows of the requirement's CSV, a
summary by school and the error report, each error naming the young person.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import Activity, ActivityCode, Enrolment, Establishment, MatchResult, SchoolRecord, YoungPerson
from tep_app.services.calendar import academic_year_bounds, year_label
from tep_app.services.match_evidence import PROVIDER_ACTIVITY, ROLL_SOURCE
from tep_app.services.returns import requirement as req
from tep_app.spreadsheets.tables import write_table

# How a young person's survey activity was found.
FROM_ACTIVITY, FROM_ROLL, FROM_ENROLMENT, FROM_NOTHING, FROM_MOVE = (
    "activity", "Year 12 roll", "enrolment", "nothing", "moved")
GROUP_WORDS = dict(req.SURVEY_GROUPS)
FIRST_YEAR, LAST_YEAR = 2000, 2100
PERSON_COLUMNS = (YoungPerson.id, YoungPerson.forename, YoungPerson.preferred_forename, YoungPerson.surname,
                  YoungPerson.date_of_birth, YoungPerson.gender, YoungPerson.upn, YoungPerson.postcode,
                  YoungPerson.moved_on)
SCHOOL_COLUMNS = (Establishment.id.label("school_id"), Establishment.name.label("school_name"),
                  Establishment.laestab)
ACTIVITY_COLUMNS = (Activity.young_person_id, Activity.code, Activity.start_date, Activity.neet_start_date,
                    Activity.ascertained_on, Activity.due_to_lapse_on, Activity.source)


class SurveyYearError(ValueError):
    """A year the survey cannot be made for, with the reason in words."""


@dataclass(frozen=True)
class SurveyRow:
    person_id: int
    forename: str
    surname: str
    date_of_birth: date | None
    gender: str | None
    upn: str | None
    postcode: str | None
    school_id: int
    school_name: str
    laestab: str
    code: str | None  # as reported: a lapsed or missing activity is Not Known's code
    held_code: str | None  # the activity held, before currency
    start_date: date | None
    ascertained_on: date | None
    lapsed: bool
    group: str
    basis: str

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


@dataclass(frozen=True)
class SurveyError:
    person_id: int
    name: str
    school_name: str
    rule: str
    message: str


@dataclass(frozen=True)
class SchoolSummary:
    school_id: int | None
    name: str
    laestab: str
    leavers: int
    counts: dict[str, int]

    def pct(self, group: str) -> float:
        return round(100.0 * self.counts[group] / self.leavers, 1) if self.leavers else 0.0


@dataclass
class Survey:
    academic_year: int
    reference_date: date
    known_by: date
    rows: list[SurveyRow] = field(default_factory=list)
    errors: list[SurveyError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def title(self) -> str:
        return f"Annual Activity Survey {year_label(self.academic_year)}"

    def count(self, *groups: str) -> int:
        return sum(1 for row in self.rows if row.group in groups)


def reference_date(academic_year: int) -> date:
    month, day = req.SURVEY_REFERENCE_DAY
    return date(academic_year, month, day)


def follow_up_end(academic_year: int) -> date:
    month, day = req.SURVEY_FOLLOW_UP_ENDS
    return date(academic_year + 1, month, day)


def latest_survey_year(today: date | None = None) -> int:
    """The newest year whose reference date has come."""
    today = today or clock.today()
    return today.year if today >= reference_date(today.year) else today.year - 1


def check_survey_year(academic_year: int, today: date | None = None) -> int:
    """The year, if its reference date has come and leavers of it are held; else SurveyYearError."""
    today = today or clock.today()
    if not FIRST_YEAR <= academic_year <= LAST_YEAR:
        raise SurveyYearError(f"the year must be an academic year's start, like {latest_survey_year(today)}, "
                              f"not {academic_year}")
    if academic_year > latest_survey_year(today):
        on = long_date(reference_date(academic_year))
        raise SurveyYearError(f"the {year_label(academic_year)} survey is of {on}, which has not come yet")
    if not db.session.scalar(select(func.count(SchoolRecord.id)).where(_cohort(academic_year))):
        raise SurveyYearError(f"no Year 11 leavers are held for {year_label(academic_year)}")
    return academic_year




def survey_years(today: date | None = None) -> list[int]:
    """The years, newest first, with Year 11 leavers held and a reference date that has come."""
    latest = latest_survey_year(today)
    return list(db.session.scalars(
        select(SchoolRecord.academic_year).distinct()
        .where(SchoolRecord.kind == "leaver", SchoolRecord.year_group == req.SURVEY_YEAR_GROUP,
               SchoolRecord.academic_year <= latest)
        .order_by(SchoolRecord.academic_year.desc())))


def _cohort(academic_year: int):
    return and_(SchoolRecord.kind == "leaver", SchoolRecord.academic_year == academic_year,
                SchoolRecord.year_group == req.SURVEY_YEAR_GROUP)


def build_survey(academic_year: int, known_by: date | None = None) -> Survey:
    """The survey of the year's Year 11 leavers, from what was known by `known_by` (by default
    today, or the end of the follow-up if that has passed)."""
    on = reference_date(academic_year)
    known_by = known_by or min(clock.today(), follow_up_end(academic_year))
    survey = Survey(academic_year, on, known_by)
    # Plain rows of the columns used (not whole objects): a county's leavers load in one query.
    leavers = db.session.execute(
        select(*PERSON_COLUMNS, *SCHOOL_COLUMNS)
        .join(SchoolRecord, SchoolRecord.young_person_id == YoungPerson.id)
        .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
        .where(_cohort(academic_year))
        .order_by(Establishment.name, YoungPerson.surname, YoungPerson.forename, YoungPerson.id)
    ).all()
    ids = [leaver.id for leaver in leavers]
    codes = {code.code: code for code in db.session.scalars(select(ActivityCode))}
    activities = _activities(ids, known_by)
    roll = _year_12_roll(academic_year, ids)
    enrolments = _enrolments(academic_year, ids)
    for leaver in leavers:
        row, errors = _survey_row(leaver, on, activities.get(leaver.id, []), roll, enrolments, codes)
        survey.rows.append(row)
        survey.errors.extend(errors)
    return survey


def _in_chunks(ids: list[int], size: int = 5000):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _activities(ids: list[int], known_by: date) -> dict[int, list]:
    """Each young person's activities ascertained by `known_by`, newest first."""
    found: dict[int, list] = {}
    for chunk in _in_chunks(ids):
        for activity in db.session.execute(
                select(*ACTIVITY_COLUMNS)
                .where(Activity.young_person_id.in_(chunk), Activity.ascertained_on <= known_by)
                .order_by(Activity.ascertained_on.desc(), Activity.id.desc())):
            found.setdefault(activity.young_person_id, []).append(activity)
    return found


def _year_12_roll(academic_year: int, ids: list[int]) -> dict[int, int]:
    """Young person id -> the school whose Year 12 roll of the year holds them."""
    found = {}
    for chunk in _in_chunks(ids):
        found.update(db.session.execute(
            select(SchoolRecord.young_person_id, SchoolRecord.establishment_id)
            .where(SchoolRecord.young_person_id.in_(chunk), SchoolRecord.kind == "roll",
                   SchoolRecord.year_group == 12, SchoolRecord.academic_year == academic_year)).all())
    return found


def _enrolments(academic_year: int, ids: list[int]) -> dict[int, tuple[date | None, str]]:
    """Young person id -> (start date, provider type) of the post-16 enrolment matched to their
    leaver record with confidence (certain, or accepted on review)."""
    outcome = func.coalesce(MatchResult.decided_outcome, MatchResult.outcome)
    found: dict[int, tuple[date | None, str]] = {}
    for chunk in _in_chunks(ids):
        for person_id, start_date, provider_type in db.session.execute(
                select(SchoolRecord.young_person_id, Enrolment.start_date, Establishment.type)
                .join(MatchResult, and_(MatchResult.school_record_id == SchoolRecord.id,
                                        MatchResult.kind == "leaver_enrolment", outcome == "certain"))
                .join(Enrolment, Enrolment.id == MatchResult.candidate_id)
                .join(Establishment, Establishment.id == Enrolment.provider_id)
                .where(SchoolRecord.young_person_id.in_(chunk), _cohort(academic_year))
                .order_by(MatchResult.id)):
            found.setdefault(person_id, (start_date, provider_type))
    return found


def _start(activity, code: ActivityCode | None) -> date | None:
    """When the activity started: its start date, or a NEET code's NEET start date; a place on a
    Year 12 roll from the first day of the academic year it was recorded in."""
    if activity.start_date is not None:
        return activity.start_date
    if code is not None and code.is_neet:
        return activity.neet_start_date
    if activity.source == ROLL_SOURCE:
        return academic_year_bounds(req.academic_year_of(activity.ascertained_on))[0]
    return None


def _group(code: ActivityCode | None) -> str:
    if code is None or code.is_not_known:
        return "not-known"
    if code.is_neet:
        return "neet"
    return code.group if code.group in GROUP_WORDS and code.group != "moved" else "other"


def _survey_row(person, on: date, activities: list, roll: dict, enrolments: dict,
                codes: dict) -> tuple[SurveyRow, list[SurveyError]]:
    """One leaver (a row of PERSON_COLUMNS and SCHOOL_COLUMNS) on the reference date, and their errors."""
    errors: list[SurveyError] = []
    forename = person.preferred_forename or person.forename

    def error(rule: str, message: str) -> None:
        errors.append(SurveyError(person.id, f"{forename} {person.surname}", person.school_name, rule, message))

    def row(code, held, start, ascertained, lapsed, group, basis) -> SurveyRow:
        return SurveyRow(person.id, forename, person.surname, person.date_of_birth, person.gender, person.upn,
                         person.postcode, person.school_id, person.school_name, person.laestab, code, held, start,
                         ascertained, lapsed, group, basis)

    if person.moved_on is not None and person.moved_on <= on:
        return row(None, None, None, None, False, "moved", FROM_MOVE), errors
    current = next((a for a in activities if (_start(a, codes.get(a.code)) or on) <= on), None)
    if current is not None:
        code = codes.get(current.code)
        start = _start(current, code)
        lapsed = current.due_to_lapse_on is not None and current.due_to_lapse_on < on
        if start is None:
            what = "NEET start date" if code is not None and code.is_neet else "start date"
            error("missing-start-date", f"Activity {current.code} has no {what}")
        if current.code in req.SURVEY_CODES_NOT_ALLOWED:
            words = code.description if code is not None else "unknown"
            error("code-not-allowed", f"Activity {current.code} ({words}) is not one the survey takes")
        if lapsed:
            return row(req.LAPSED_CODE, current.code, start, current.ascertained_on, True, "not-known",
                       FROM_ACTIVITY), errors
        return row(current.code, current.code, start, current.ascertained_on, False, _group(code),
                   FROM_ACTIVITY), errors
    if person.id in roll:
        start = academic_year_bounds(on.year)[0]
        return row(req.SURVEY_ROLL_CODE, None, start, None, False, _group(codes.get(req.SURVEY_ROLL_CODE)),
                   FROM_ROLL), errors
    if person.id in enrolments:
        start, provider_type = enrolments[person.id]
        if start is None or start <= on:
            code = PROVIDER_ACTIVITY.get(provider_type, "230")
            return row(code, None, start, None, False, _group(codes.get(code)), FROM_ENROLMENT), errors
    if activities:
        error("no-activity", f"No activity had started by {long_date(on)}")
    else:
        error("no-activity", "No activity recorded")
    return row(req.NO_ACTIVITY_CODE, None, None, None, False, "not-known", FROM_NOTHING), errors


# --- The files -------------------------------------------------------------------------------------

def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def csv_rows(survey: Survey) -> list[list[str]]:
    """The CSV's rows, one a young person, in SURVEY_CSV_COLUMNS' order (moved away included)."""
    return [[req.LEAD_LA_CODE, row.laestab[-4:], req.young_persons_id(row.person_id), row.upn or "", row.surname,
             row.forename, _iso(row.date_of_birth), row.gender or "", row.postcode or "", row.code or "",
             _iso(row.start_date), _iso(row.ascertained_on), "Y" if row.lapsed else "N", GROUP_WORDS[row.group]]
            for row in survey.rows]


def survey_csv(survey: Survey) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(req.SURVEY_CSV_COLUMNS)
    writer.writerows(csv_rows(survey))
    return buffer.getvalue()


def summary_by_school(survey: Survey) -> tuple[list[SchoolSummary], SchoolSummary]:
    """Counts per destination group for each school (by name), and for all schools."""
    groups = [key for key, _words in req.SURVEY_GROUPS]
    schools: dict[int, list] = {}
    for row in survey.rows:
        entry = schools.setdefault(row.school_id, [row.school_name, row.laestab, dict.fromkeys(groups, 0)])
        entry[2][row.group] += 1
    rows = [SchoolSummary(school_id, name, laestab, sum(counts.values()), counts)
            for school_id, (name, laestab, counts) in schools.items()]
    rows.sort(key=lambda row: (row.name.lower(), row.laestab))
    total = {group: sum(row.counts[group] for row in rows) for group in groups}
    return rows, SchoolSummary(None, "All schools", "", sum(total.values()), total)


def summary_table(survey: Survey) -> tuple[list[str], list[list]]:
    """The summary as a table to share with schools: counts and percentages of all leavers."""
    headers = ["School", "LAESTAB", "Year 11 leavers"]
    for _key, words in req.SURVEY_GROUPS:
        headers += [words, f"{words} %"]
    rows, total = summary_by_school(survey)
    table = []
    for row in [*rows, total]:
        values = [row.name, row.laestab, row.leavers]
        for key, _words in req.SURVEY_GROUPS:
            values += [row.counts[key], row.pct(key)]
        table.append(values)
    return headers, table


def summary_xlsx(survey: Survey) -> bytes:
    headers, rows = summary_table(survey)
    return write_table(headers, rows, title="Destinations by school")


def error_lines(survey: Survey) -> list[str]:
    """The error report in words, one line an error, each naming the young person and their page."""
    return [f"{error.name} ({error.school_name}, /people/{error.person_id}): {error.message}"
            for error in survey.errors]
