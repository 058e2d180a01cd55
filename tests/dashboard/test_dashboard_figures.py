"""The Not Known and NEET figures on a small county whose answers are known."""
from datetime import date, timedelta

import pytest

from tep_app.models import Activity, MatchResult
from tep_app.services.figures import not_known_by_week, not_known_counts

AS_AT = date(2022, 12, 1)


def _activity(db, person, code, ascertained_on, due_to_lapse_on=None):
    row = Activity(young_person_id=person.id, code=code, ascertained_on=ascertained_on,
                   due_to_lapse_on=due_to_lapse_on, source="test")
    db.session.add(row)
    db.session.flush()
    return row


def _match(db, record, outcome="certain", decided=None):
    db.session.add(MatchResult(kind="leaver_enrolment", school_record_id=record.id, outcome=outcome,
                               decided_outcome=decided, rule="test", score=1.0))
    db.session.flush()


@pytest.fixture
def county(db, make):
    """10 leavers of 2022: 3 Not Known by code, 1 lapsed, 2 matched with no activity, 1 in
    education, 1 NEET, 1 with nothing at all, 1 whose later activity replaced a Not Known one."""
    north, south = make.district("North"), make.district("South")
    school_a = make.establishment(name="Alpha School", district_id=north.id)
    school_b = make.establishment(name="Beta School", district_id=south.id)
    people = {}
    for key, school, year_group in [("a", school_a, 11), ("b", school_a, 11), ("c", school_a, 12),
                                    ("d", school_a, 11), ("e", school_a, 11), ("f", school_b, 12),
                                    ("g", school_b, 11), ("h", school_b, 12), ("i", school_b, 11),
                                    ("j", school_b, 11)]:
        person = make.young_person()
        record = make.school_record(person, school, kind="leaver", academic_year=2022, year_group=year_group)
        people[key] = (person, record)
    _activity(db, people["a"][0], "810", date(2022, 10, 20))
    _activity(db, people["b"][0], "820", date(2022, 10, 20))
    _activity(db, people["c"][0], "830", date(2022, 11, 20))
    _activity(db, people["d"][0], "330", date(2022, 9, 1), due_to_lapse_on=date(2022, 11, 30))
    _match(db, people["e"][1])
    _match(db, people["f"][1], outcome="possible", decided="certain")
    _activity(db, people["g"][0], "220", date(2022, 9, 15), due_to_lapse_on=date(2023, 3, 1))
    _activity(db, people["h"][0], "619", date(2022, 11, 1))
    _match(db, people["i"][1], outcome="possible")
    _activity(db, people["j"][0], "810", date(2022, 9, 1))
    _activity(db, people["j"][0], "310", date(2022, 11, 10))
    _activity(db, people["a"][0], "310", AS_AT + timedelta(days=3))  # after the date: not counted yet
    # Someone outside the cohort (a leaver of another year) is not counted.
    make.school_record(make.young_person(), school_a, kind="leaver", academic_year=2021)
    return people


def test_headline_counts_follow_the_definition(county):
    [row] = not_known_counts(2022, as_at=AS_AT)
    assert (row.label, row.cohort, row.not_known, row.not_known_pct, row.neet, row.neet_pct) == (
        "All", 10, 5, 50.0, 1, 10.0)
    assert row.combined_pct == 60.0


def test_counts_by_district_school_and_year_group(county):
    by_district = {row.label: row[1:] for row in not_known_counts(2022, by="district", as_at=AS_AT)}
    assert by_district == {"North": (5, 4, 80.0, 0, 0.0), "South": (5, 1, 20.0, 1, 20.0)}
    by_school = {row.label: (row.cohort, row.not_known) for row in not_known_counts(2022, by="school", as_at=AS_AT)}
    assert by_school == {"Alpha School": (5, 4), "Beta School": (5, 1)}
    by_year = {row.label: (row.cohort, row.not_known, row.neet) for row in
               not_known_counts(2022, by="year_group", as_at=AS_AT)}
    assert by_year == {"Year 11": (7, 4, 0), "Year 12": (3, 1, 1)}


def test_an_activity_counts_only_from_the_day_it_was_ascertained(county):
    [before] = not_known_counts(2022, as_at=date(2022, 10, 19))
    # 19 October: a, b have nothing yet; c nothing; d in work; h nothing; i nothing; j 810.
    assert before.not_known == 6
    [later] = not_known_counts(2022, as_at=AS_AT + timedelta(days=3))
    assert later.not_known == 4  # a's 310 now counts


def test_an_unknown_grouping_is_refused(db):
    with pytest.raises(ValueError, match="unknown grouping"):
        not_known_counts(2022, by="officer")


def test_an_empty_year_gives_zeroes(db):
    assert not_known_counts(2030, as_at=AS_AT) == [("All", 0, 0, 0.0, 0, 0.0)]


def test_the_weekly_series_matches_the_counts_and_falls_when_an_activity_is_recorded(db, county):
    series = not_known_by_week(2022, weeks=4, today=AS_AT)
    assert [start.weekday() for start, _ in series] == [0, 0, 0, 0]
    assert series[-1] == (date(2022, 11, 28), 5)
    for start, count in series[:-1]:
        [row] = not_known_counts(2022, as_at=start + timedelta(days=6))
        assert count == row.not_known
    _activity(db, county["c"][0], "230", AS_AT)
    after = not_known_by_week(2022, weeks=4, today=AS_AT)
    assert after[-1][1] == 4
    assert after[:-1] == series[:-1]
