"""The figures at their edges: a lapse date counts as known on the day itself and Not Known the day
after; the weeks end on Sunday or today; a school without a district; percentages to one place."""
from datetime import date, timedelta

import pytest

from tep_app.models import Activity, MatchResult
from tep_app.services.figures import (
    dashboard_figures,
    figure_tables,
    not_known_by_week,
    not_known_counts,
    week_dates,
)

LAPSES = date(2022, 11, 30)  # a Wednesday


def _leaver(make, school=None, year_group=11):
    person = make.young_person()
    record = make.school_record(person, school or make.establishment(name="Alpha School"), kind="leaver",
                                academic_year=2022, year_group=year_group)
    return person, record


def _activity(db, person, code, on, lapses=None):
    db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=on, due_to_lapse_on=lapses,
                            source="test"))
    db.session.flush()


def _counts(as_at):
    [row] = not_known_counts(2022, as_at=as_at)
    return row.cohort, row.not_known, row.neet


def test_an_activity_is_known_on_its_lapse_date_and_not_known_the_day_after(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "330", date(2022, 9, 1), LAPSES)
    assert _counts(LAPSES) == (1, 0, 0)
    assert _counts(LAPSES + timedelta(days=1)) == (1, 1, 0)


def test_a_neet_activity_is_neet_to_its_lapse_date_then_not_known(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "619", date(2022, 9, 1), LAPSES)
    assert _counts(LAPSES) == (1, 0, 1)
    assert _counts(LAPSES + timedelta(days=1)) == (1, 1, 0)


def test_a_neet_activity_without_a_lapse_date_stays_neet(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "619", date(2022, 9, 1))
    assert _counts(date(2024, 1, 1)) == (1, 0, 1)


def test_the_weekly_series_counts_a_lapse_from_the_day_after(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "330", date(2022, 9, 1), LAPSES)
    assert not_known_by_week(2022, weeks=1, today=LAPSES) == [(date(2022, 11, 28), 0)]
    assert not_known_by_week(2022, weeks=1, today=LAPSES + timedelta(days=1)) == [(date(2022, 11, 28), 1)]


def test_the_weekly_series_counts_a_new_activity_from_its_day(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "810", date(2022, 9, 1))
    _activity(db, person, "330", LAPSES)
    assert not_known_by_week(2022, weeks=1, today=LAPSES - timedelta(days=1)) == [(date(2022, 11, 28), 1)]
    assert not_known_by_week(2022, weeks=1, today=LAPSES) == [(date(2022, 11, 28), 0)]


def test_the_weekly_series_counts_a_lapsed_activity_replaced_before_its_lapse(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "330", date(2022, 9, 1), LAPSES)
    _activity(db, person, "310", date(2022, 11, 1), date(2023, 11, 1))
    assert not_known_by_week(2022, weeks=2, today=date(2022, 12, 7)) == [(date(2022, 11, 28), 0),
                                                                         (date(2022, 12, 5), 0)]


def test_a_certain_match_is_known_until_the_first_activity(make, db):
    person, record = _leaver(make)
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome="certain", rule="test",
                               score=1.0))
    db.session.flush()
    _activity(db, person, "810", LAPSES)
    assert not_known_by_week(2022, weeks=2, today=LAPSES) == [(date(2022, 11, 21), 0), (date(2022, 11, 28), 1)]
    assert _counts(LAPSES - timedelta(days=1))[1] == 0
    assert _counts(LAPSES)[1] == 1


def test_a_match_of_another_kind_makes_no_one_known(make, db):
    _person, record = _leaver(make)
    db.session.add(MatchResult(kind="offer", school_record_id=record.id, outcome="certain", rule="test", score=1.0))
    db.session.flush()
    assert _counts(LAPSES) == (1, 1, 0)
    assert not_known_by_week(2022, weeks=1, today=LAPSES) == [(date(2022, 11, 28), 1)]


def test_a_school_without_a_district_and_percentages_to_one_place(make, db):
    school = make.establishment(name="Gamma School")
    for code in ("810", "330", "330"):
        person, _ = _leaver(make, school, year_group=12)
        _activity(db, person, code, date(2022, 9, 1))
    tables = figure_tables(2022, LAPSES)
    assert tables["district"] == [("No district", 3, 1, 33.3, 0, 0.0)]
    assert tables["school"] == [("Gamma School", 3, 1, 33.3, 0, 0.0)]
    assert tables["year_group"] == [("Year 12", 3, 1, 33.3, 0, 0.0)]
    assert round(tables["all"][0].combined_pct, 1) == 33.3


def test_rows_are_in_name_order_whatever_the_case(make, db):
    for name in ("beta School", "Alpha School", "Gamma school"):
        _leaver(make, make.establishment(name=name))
    assert [row.label for row in not_known_counts(2022, by="school", as_at=LAPSES)] == [
        "Alpha School", "beta School", "Gamma school"]


def test_the_dashboard_gives_the_tables_and_the_weeks_together(make, db):
    person, _ = _leaver(make)
    _activity(db, person, "810", date(2022, 9, 1))
    tables, weeks = dashboard_figures(2022, weeks=2, today=LAPSES)
    assert tables["all"][0][:3] == ("All", 1, 1)
    assert weeks == [(date(2022, 11, 21), 1), (date(2022, 11, 28), 1)]
    _activity(db, person, "330", LAPSES)
    tables, weeks = dashboard_figures(2022, weeks=2, today=LAPSES)  # the data changed: counted again
    assert tables["all"][0][:3] == ("All", 1, 0)
    assert weeks[-1] == (date(2022, 11, 28), 0)


@pytest.mark.parametrize("today, expected", [
    (date(2022, 11, 30), [(date(2022, 11, 21), date(2022, 11, 27)), (date(2022, 11, 28), date(2022, 11, 30))]),
    (date(2022, 11, 28), [(date(2022, 11, 21), date(2022, 11, 27)), (date(2022, 11, 28), date(2022, 11, 28))]),
    (date(2022, 12, 4), [(date(2022, 11, 21), date(2022, 11, 27)), (date(2022, 11, 28), date(2022, 12, 4))]),
])
def test_weeks_start_on_monday_and_end_on_sunday_or_today(today, expected):
    assert week_dates(2, today) == expected


# Figures are kept until the data under them changes, or for at most CACHE_SECONDS

def test_figures_are_kept_while_the_data_is_unchanged_and_for_at_most_five_minutes(make, db, monkeypatch):
    from tep_app.services import figures

    clock = [1000.0]
    monkeypatch.setattr(figures.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(figures, "_CACHE", figures.OrderedDict())
    made = []

    def compute():
        made.append(object())
        return made[-1]

    first = figures._memoised("test", (1,), compute)
    assert figures._memoised("test", (1,), compute) is first
    clock[0] += figures.CACHE_SECONDS - 1
    assert figures._memoised("test", (1,), compute) is first
    clock[0] += 1
    assert figures._memoised("test", (1,), compute) is not first
    assert figures._memoised("test", (2,), compute) is made[-1] and len(made) == 3
    person, _ = _leaver(make)
    _activity(db, person, "810", date(2022, 9, 1))  # the data changed: counted again
    figures._memoised("test", (2,), compute)
    assert len(made) == 4


def test_only_the_most_recent_figures_are_kept(db, monkeypatch):
    from tep_app.services import figures

    monkeypatch.setattr(figures, "_CACHE", figures.OrderedDict())
    for n in range(figures._CACHE_SIZE):
        figures._memoised("test", (n,), lambda n=n: n)
    figures._memoised("test", (0,), lambda: "again")  # used again: now the most recent
    figures._memoised("test", ("new",), lambda: "new")
    assert len(figures._CACHE) == figures._CACHE_SIZE
    assert figures._memoised("test", (0,), lambda: "recomputed") == 0
    assert figures._memoised("test", (1,), lambda: "recomputed") == "recomputed"  # the oldest went
