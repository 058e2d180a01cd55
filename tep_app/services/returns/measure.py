"""The headline measure, read from month-end snapshots only: NEET %, Not Known % and NEET + Not
Known % of academic age 16-17, per month and as the December-February average.

Definitions (requirement notes section 6; the settings are in requirement.py):

- **Cohort (denominator)**: a snapshot's rows in the cohort (status P or G) of academic age 16 or
  17, except those whose activity is custody as a young adult offender (710). Leavers (T, E, ...)
  of the month and ages 15 and 18+ are in the snapshot but not in the measure.
- **NEET**: rows whose activity is a NEET code; **Not Known**: a Not Known code, or an activity past
  its due-to-lapse date (the snapshot stored it as Not Known). Each row's category was decided when
  the snapshot was taken, so a month's figures never change.
- **Percentages**: count / cohort x 100, to one decimal place (0.0 for an empty cohort).
- **The annual figure** (December, January and February of an academic year): the average of the
  three month-end counts (avgcohort, avgNEET, avgNK), and each percentage is the average count over
  the average cohort, as the DfE publishes it (not the average of three percentages). A month with
  no snapshot is listed in `missing` and left out of the average.

API (plain dataclasses, for the measure page and its CSV):

- `month_measure(as_of) -> MonthMeasure | None`: the snapshot of that day, or None.
- `year_measures(academic_year) -> list[MonthMeasure]`: every month-end snapshot of the academic year
  (September to August), in date order: the trend.
- `annual_measure(academic_year) -> AnnualMeasure`: the December-February average.
- `month_totals(first, last)` and `annual_total(academic_year)`: the county's figures alone, read
  from the counts each snapshot stored when taken (no rows read): the trend chart and the headline.
- Each has `total: Figures` and `breakdowns: dict[str, list[Breakdown]]` keyed by BREAKDOWNS
  ("district", "school" (of Year 11), "year_group", "ehcp", "gender"), each list sorted by label;
  rows without a value (no school of Year 11 known, say) are labelled "Not recorded".
- `Figures` has cohort, neet, not_known (ints for a month, floats for an average) and neet_pct,
  not_known_pct, combined_pct; `csv_rows(measure)` gives a header and one row per figure.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select

from tep_app.extensions import db
from tep_app.models import District, Establishment
from tep_app.models.returns import Snapshot, SnapshotRow
from tep_app.services.returns import requirement as req
from tep_app.services.returns.snapshots import is_month_end, month_end

BREAKDOWNS = ("district", "school", "year_group", "ehcp", "gender")
BREAKDOWN_LABELS = {"district": "District", "school": "School of Year 11", "year_group": "Year group",
                    "ehcp": "EHCP", "gender": "Gender"}
NOT_RECORDED = "Not recorded"
GENDER_WORDS = {"F": "Female", "M": "Male"}
_COLUMNS = {"district": SnapshotRow.district_id, "school": SnapshotRow.year_11_school_id,
            "year_group": SnapshotRow.year_group, "ehcp": SnapshotRow.ehcp, "gender": SnapshotRow.gender}


def percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, req.PERCENT_PLACES) if whole else 0.0


@dataclass(frozen=True)
class Figures:
    cohort: float
    neet: float
    not_known: float

    @property
    def neet_pct(self) -> float:
        return percent(self.neet, self.cohort)

    @property
    def not_known_pct(self) -> float:
        return percent(self.not_known, self.cohort)

    @property
    def combined_pct(self) -> float:
        return percent(self.neet + self.not_known, self.cohort)


@dataclass(frozen=True)
class Breakdown:
    key: object  # the stored value (a district or school id, a year group, True/False, "F"/"M") or None
    label: str
    figures: Figures


@dataclass(frozen=True)
class MonthMeasure:
    as_of: date
    total: Figures
    breakdowns: dict[str, list[Breakdown]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnnualMeasure:
    academic_year: int
    months: list[date]  # the month ends averaged
    missing: list[date]  # month ends of December-February with no snapshot
    total: Figures
    breakdowns: dict[str, list[Breakdown]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing


def _in_measure():
    return and_(SnapshotRow.cohort_status.in_(req.CURRENT_STATUSES), SnapshotRow.academic_age.in_(req.MEASURE_AGES),
                SnapshotRow.category != req.EXCLUDED)


def _counts(snapshot_id: int) -> list[tuple]:
    """(district, school, year group, ehcp, gender, cohort, neet, not known) per combination."""
    neet = func.sum(case((SnapshotRow.category == req.NEET, 1), else_=0))
    not_known = func.sum(case((SnapshotRow.category == req.NOT_KNOWN, 1), else_=0))
    keys = [_COLUMNS[name] for name in BREAKDOWNS]
    return [tuple(row) for row in db.session.execute(
        select(*keys, func.count(), neet, not_known)
        .where(SnapshotRow.snapshot_id == snapshot_id, _in_measure()).group_by(*keys))]


def _labels() -> dict[str, dict]:
    return {"district": {row.id: row.name for row in db.session.execute(select(District.id, District.name))},
            "school": {row.id: row.name for row in db.session.execute(select(Establishment.id, Establishment.name))}}


def _label(name: str, key, labels: dict) -> str:
    if key is None:
        return NOT_RECORDED
    if name in labels:
        return labels[name].get(key, str(key))
    if name == "year_group":
        return f"Year {key}"
    if name == "ehcp":
        return "With an EHCP" if key else "Without an EHCP"
    return GENDER_WORDS.get(key, str(key))


def _sums(rows: list[tuple]) -> dict[str, dict]:
    """{breakdown: {key: [cohort, neet, not known]}} and "total": {None: [...]} from _counts rows."""
    sums: dict[str, dict] = {name: defaultdict(lambda: [0, 0, 0]) for name in (*BREAKDOWNS, "total")}
    for row in rows:
        numbers = [int(value or 0) for value in row[len(BREAKDOWNS):]]
        keys = [*(bool(value) if name == "ehcp" else value for name, value in zip(BREAKDOWNS, row, strict=False)),
                None]
        for name, key in zip((*BREAKDOWNS, "total"), keys, strict=True):
            held = sums[name][key]
            for position in range(3):
                held[position] += numbers[position]
    return sums


def _order(item: Breakdown) -> tuple:
    return (item.label == NOT_RECORDED, item.label)


def _build(sums: dict[str, dict], divide_by: int, labels: dict) -> tuple[Figures, dict[str, list[Breakdown]]]:
    def figures(numbers) -> Figures:
        if divide_by == 1:
            return Figures(*numbers)
        return Figures(*(value / divide_by for value in numbers))

    total = figures(sums["total"].get(None, [0, 0, 0]))
    breakdowns = {name: sorted((Breakdown(key, _label(name, key, labels), figures(numbers))
                                for key, numbers in sums[name].items()), key=_order) for name in BREAKDOWNS}
    return total, breakdowns


def _month(snapshot: Snapshot, labels: dict) -> MonthMeasure:
    total, breakdowns = _build(_sums(_counts(snapshot.id)), 1, labels)
    return MonthMeasure(snapshot.as_of, total, breakdowns)


def month_measure(as_of: date) -> MonthMeasure | None:
    snapshot = db.session.scalar(select(Snapshot).where(Snapshot.as_of == as_of))
    return _month(snapshot, _labels()) if snapshot is not None else None


def year_measures(academic_year: int) -> list[MonthMeasure]:
    """The month-end snapshots of the academic year (1 September to 31 August), oldest first."""
    snapshots = db.session.scalars(select(Snapshot).where(
        Snapshot.as_of >= date(academic_year, 9, 1), Snapshot.as_of <= date(academic_year + 1, 8, 31))
        .order_by(Snapshot.as_of)).all()
    labels = _labels()
    return [_month(snapshot, labels) for snapshot in snapshots if is_month_end(snapshot.as_of)]


def annual_measure(academic_year: int) -> AnnualMeasure:
    """The December-February average of the academic year (December of `academic_year`)."""
    wanted = [month_end(year, month) for year, month in req.annual_dates(academic_year)]
    snapshots = {snapshot.as_of: snapshot for snapshot in db.session.scalars(
        select(Snapshot).where(Snapshot.as_of.in_(wanted)))}
    months = [day for day in wanted if day in snapshots]
    sums: dict[str, dict] = {name: defaultdict(lambda: [0, 0, 0]) for name in (*BREAKDOWNS, "total")}
    for day in months:
        for name, by_key in _sums(_counts(snapshots[day].id)).items():
            for key, numbers in by_key.items():
                held = sums[name][key]
                for position in range(3):
                    held[position] += numbers[position]
    total, breakdowns = _build(sums, max(len(months), 1), _labels())
    return AnnualMeasure(academic_year, months, [day for day in wanted if day not in snapshots], total, breakdowns)


def month_totals(first: date, last: date) -> dict[date, Figures]:
    """The county's figures at each month end from `first` to `last`, read from the counts each
    snapshot stored when it was taken (the same rows and rules as a month's `total`): the trend of
    two years in one small query, without reading the snapshots' rows."""
    snapshots = db.session.execute(select(Snapshot.as_of, Snapshot.counts).where(
        Snapshot.as_of >= first, Snapshot.as_of <= last).order_by(Snapshot.as_of)).all()
    return {as_of: Figures(*(int(counts["measure"][name]) for name in ("cohort", "neet", "not_known")))
            for as_of, counts in snapshots if is_month_end(as_of)}


def annual_total(academic_year: int) -> AnnualMeasure:
    """The December-February average of the county alone (no breakdowns), from the three
    snapshots' stored counts: as `annual_measure(...).total`, for a page that shows only that."""
    wanted = [month_end(year, month) for year, month in req.annual_dates(academic_year)]
    totals = month_totals(min(wanted), max(wanted))
    months = [day for day in wanted if day in totals]
    sums = [sum(getattr(totals[day], name) for day in months) for name in ("cohort", "neet", "not_known")]
    divide_by = max(len(months), 1)
    total = Figures(*sums) if divide_by == 1 else Figures(*(value / divide_by for value in sums))
    return AnnualMeasure(academic_year, months, [day for day in wanted if day not in totals], total,
                         {name: [] for name in BREAKDOWNS})


CSV_HEADER = ["Breakdown", "Group", "Cohort (academic age 16-17)", "NEET", "Not Known", "NEET %", "Not Known %",
              "NEET + Not Known %"]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def csv_rows(measure: MonthMeasure | AnnualMeasure) -> list[list[str]]:
    """A header, the county's row, then one row per group of each breakdown."""
    def line(breakdown: str, label: str, figures: Figures) -> list[str]:
        return [breakdown, label, _number(figures.cohort), _number(figures.neet), _number(figures.not_known),
                f"{figures.neet_pct:.1f}", f"{figures.not_known_pct:.1f}", f"{figures.combined_pct:.1f}"]
    rows = [CSV_HEADER, line("County", "All", measure.total)]
    for name in BREAKDOWNS:
        rows += [line(BREAKDOWN_LABELS[name], item.label, item.figures) for item in measure.breakdowns[name]]
    return rows
