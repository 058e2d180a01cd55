"""The headline measure of a hand-built county of 20 young people, worked out by hand.

Academic year 2024-25: academic age 16 is born 1 Sep 2007 - 31 Aug 2008 (Year 12), 17 is born
1 Sep 2006 - 31 Aug 2007 (Year 13). Schools: North (district North), South (district South).
M = male, everyone else female. "due" is the due-to-lapse date: an activity lapses (counts as
Not Known) when it is before the month end.

| who | age | what is held                                                    | 31 Dec | 31 Jan | 28 Feb |
|-----|-----|-----------------------------------------------------------------|--------|--------|--------|
| A   | 16  | North; 230 FE from Sep, due Sep 2025                            | EET    | EET    | EET    |
| B   | 16  | North; 210 sixth form                                           | EET    | EET    | EET    |
| C M | 17  | North; 310 apprenticeship                                       | EET    | EET    | EET    |
| D M | 17  | North; 330 job, due 15 Jan 2025 (currency lapses)               | EET    | NK     | NK     |
| E   | 16  | North; 619 NEET from 1 Nov (ascertained 20 Nov), due 20 Feb     | NEET   | NEET   | NK     |
| F   | 17  | South; 810 not known; 310 ascertained 10 Feb                    | NK     | NK     | EET    |
| G   | 16  | North; no activity at all                                       | NK     | NK     | NK     |
| H M | 17  | South; 640 illness, NEET start 1 Dec, ascertained 5 Dec, due 5 Mar | NEET | NEET   | NEET   |
| I   | 16  | South; 230; moved to LA 887 on 10 Jan (transfer out)            | EET    | T: out | gone   |
| J   | 17  | moved abroad 15 Nov                                             | gone   | gone   | gone   |
| K   | 18  | EHCP; 619 NEET (aged 18+ with an EHCP: in the snapshot only)    | out    | out    | out    |
| L   | 19  | EHCP; no activity (in the snapshot only)                        | out    | out    | out    |
| M   | 18  | no EHCP: not in the cohort                                      | -      | -      | -      |
| N   | 17  | 710 custody: left out of the denominator                        | out    | out    | out    |
| O   | 16  | South; 250 part-time education                                  | EET    | EET    | EET    |
| P   | 17  | South; 820 cannot be contacted                                  | NK     | NK     | NK     |
| Q   | 16  | North; 616 start agreed, due 10 Dec (lapses); 230 on 20 Jan     | NK     | EET    | EET    |
| R   | 15  | Year 11 on roll (compulsory age: not in the measure)            | out    | out    | out    |
| S M | 17  | South; 230 from Sep; 540 NEET start 5 Jan, ascertained 25 Jan   | EET    | NEET   | NEET   |
| T   | 16  | South; EHCP; 280 special post-16 institution                    | EET    | EET    | EET    |

31 Dec: cohort A B C D E F G H I O P Q S T = 14; NEET E H = 2; NK F G P Q = 4.
        NEET 2/14 = 14.3 %, NK 4/14 = 28.6 %, NEET + NK 6/14 = 42.9 %.
31 Jan: I left (T) so cohort 13; NEET E H S = 3; NK D F G P = 4.
        NEET 3/13 = 23.1 %, NK 4/13 = 30.8 %, NEET + NK 7/13 = 53.8 %.
28 Feb: cohort 13; NEET H S = 2; NK D E G P = 4.
        NEET 2/13 = 15.4 %, NK 4/13 = 30.8 %, NEET + NK 6/13 = 46.2 %.
December-February: average cohort (14 + 13 + 13) / 3 = 40/3, NEET 7/3, NK 12/3; the percentages
are average count over average cohort: NEET 7/40 = 17.5 %, NK 12/40 = 30.0 %, NEET + NK 19/40 =
47.5 % (not the average of the three months' percentages, 47.6).

31 Jan by district: North (A B C D E G Q) 7, NEET 1 (E), NK 2 (D G); South (F H O P S T) 6, NEET 2
(H S), NK 2 (F P). By year group: Year 12 (A B E G O Q T) 7, NEET 1, NK 1 (G); Year 13
(C D F H P S) 6, NEET 2, NK 3. By EHCP: with T alone, 1, 0, 0. By gender: male (C D H S) 4, NEET 2,
NK 1 (D); female 9, NEET 1, NK 3.
"""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tep_app.models import Activity, Snapshot
from tep_app.services.returns.measure import annual_measure, csv_rows, month_measure, year_measures
from tep_app.services.returns.snapshots import snapshot_rows, take_snapshot

AGE_16, AGE_17 = date(2008, 3, 1), date(2007, 3, 1)
MONTH_ENDS = (date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28))


def _figures(figures):
    return (figures.cohort, figures.neet, figures.not_known, figures.neet_pct, figures.not_known_pct,
            figures.combined_pct)


def _county(db, make):
    north = make.establishment(name="North School", district=make.district("North"))
    south = make.establishment(name="South School", district=make.district("South"))
    people = {}

    def person(key, born, school=None, gender="F", **kwargs):
        people[key] = make.young_person(date_of_birth=born, gender=gender, **kwargs)
        if school is not None:
            age_16 = born >= date(2007, 9, 1)
            make.school_record(people[key], school, kind="roll", academic_year=2023 if age_16 else 2022,
                               year_group=11)
        return people[key]

    def activity(key, code, ascertained_on, due=None, **kwargs):
        db.session.add(Activity(young_person_id=people[key].id, code=code, ascertained_on=ascertained_on,
                                due_to_lapse_on=due, source="officer", **kwargs))

    person("A", AGE_16, north)
    activity("A", "230", date(2024, 9, 15), date(2025, 9, 15), start_date=date(2024, 9, 4))
    person("B", AGE_16, north)
    activity("B", "210", date(2024, 9, 16), date(2025, 9, 16))
    person("C", AGE_17, north, "M")
    activity("C", "310", date(2024, 9, 17), date(2025, 9, 17))
    person("D", AGE_17, north, "M")
    activity("D", "330", date(2024, 7, 15), date(2025, 1, 15))
    person("E", AGE_16, north)
    activity("E", "619", date(2024, 11, 20), date(2025, 2, 20), neet_start_date=date(2024, 11, 1))
    person("F", AGE_17, south)
    activity("F", "810", date(2024, 10, 1))
    activity("F", "310", date(2025, 2, 10), date(2026, 2, 10))
    person("G", AGE_16, north)
    person("H", AGE_17, south, "M")
    activity("H", "640", date(2024, 12, 5), date(2025, 3, 5), neet_start_date=date(2024, 12, 1))
    person("I", AGE_16, south, moved="other_la", moved_to="887", moved_on=date(2025, 1, 10))
    activity("I", "230", date(2024, 9, 20), date(2025, 9, 20))
    person("J", AGE_17, moved="abroad", moved_on=date(2024, 11, 15))
    person("K", date(2006, 5, 1), ehcp=True)
    activity("K", "619", date(2024, 10, 2), date(2025, 4, 2), neet_start_date=date(2024, 9, 1))
    person("L", date(2005, 5, 1), ehcp=True)
    person("M", date(2006, 5, 1))
    person("N", AGE_17)
    activity("N", "710", date(2024, 10, 3))
    person("O", AGE_16, south)
    activity("O", "250", date(2024, 9, 21), date(2025, 9, 21))
    person("P", AGE_17, south)
    activity("P", "820", date(2024, 12, 10))
    person("Q", AGE_16, north)
    activity("Q", "616", date(2024, 9, 10), date(2024, 12, 10), neet_start_date=date(2024, 9, 1))
    activity("Q", "230", date(2025, 1, 20), date(2026, 1, 20))
    person("R", date(2009, 3, 1))
    make.school_record(people["R"], north, kind="roll", academic_year=2024, year_group=11)
    person("S", AGE_17, south, "M")
    activity("S", "230", date(2024, 9, 12), date(2025, 9, 12))
    activity("S", "540", date(2025, 1, 25), date(2025, 4, 25), neet_start_date=date(2025, 1, 5))
    person("T", AGE_16, south, ehcp=True)
    activity("T", "280", date(2024, 9, 22), date(2025, 9, 22))
    db.session.flush()
    return people


def _take_each_month_end(time_machine):
    for day in MONTH_ENDS:
        time_machine.move_to(datetime.combine(day, time(23, 45), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC))
        take_snapshot(day)


def test_the_monthly_figures_and_the_december_to_february_average(db, make, time_machine):
    _county(db, make)
    _take_each_month_end(time_machine)

    months = {measure.as_of: _figures(measure.total) for measure in year_measures(2024)}
    assert months == {
        date(2024, 12, 31): (14, 2, 4, 14.3, 28.6, 42.9),
        date(2025, 1, 31): (13, 3, 4, 23.1, 30.8, 53.8),
        date(2025, 2, 28): (13, 2, 4, 15.4, 30.8, 46.2),
    }
    annual = annual_measure(2024)
    assert annual.complete and annual.months == list(MONTH_ENDS)
    assert (annual.total.neet_pct, annual.total.not_known_pct, annual.total.combined_pct) == (17.5, 30.0, 47.5)
    assert round(annual.total.cohort * 3) == 40


def test_the_breakdowns_of_a_month(db, make, time_machine):
    _county(db, make)
    _take_each_month_end(time_machine)
    january = month_measure(date(2025, 1, 31))

    def table(name):
        return {item.label: (item.figures.cohort, item.figures.neet, item.figures.not_known)
                for item in january.breakdowns[name]}

    assert table("district") == {"North": (7, 1, 2), "South": (6, 2, 2)}
    assert table("school") == {"North School": (7, 1, 2), "South School": (6, 2, 2)}
    assert table("year_group") == {"Year 12": (7, 1, 1), "Year 13": (6, 2, 3)}
    assert table("ehcp") == {"With an EHCP": (1, 0, 0), "Without an EHCP": (12, 3, 4)}
    assert table("gender") == {"Male": (4, 2, 1), "Female": (9, 1, 3)}
    rows = csv_rows(january)
    assert rows[1] == ["County", "All", "13", "3", "4", "23.1", "30.8", "53.8"]
    assert ["District", "North", "7", "1", "2", "14.3", "28.6", "42.9"] in rows


def test_what_each_snapshot_holds_for_lapses_transfers_and_neet_starts(db, make, time_machine):
    people = _county(db, make)
    _take_each_month_end(time_machine)

    def row(day, key):
        snapshot = db.session.scalar(select(Snapshot).where(Snapshot.as_of == day))
        return {r.young_person_id: r for r in snapshot_rows(snapshot)}.get(people[key].id)

    january, february = date(2025, 1, 31), date(2025, 2, 28)
    lapsed = row(january, "D")
    assert (lapsed.activity_code, lapsed.held_activity_code, lapsed.currency_lapsed) == ("810", "330", True)
    neet = row(january, "E")
    assert (neet.activity_code, neet.category, neet.neet_start_date) == ("619", "neet", date(2024, 11, 1))
    assert (row(february, "E").activity_code, row(february, "E").category) == ("810", "not-known")
    transferred = row(january, "I")
    assert (transferred.cohort_status, transferred.transferred_to_la) == ("T", "887")
    assert row(february, "I") is None and row(january, "J") is None and row(january, "M") is None
    assert (row(january, "K").academic_age, row(january, "K").ehcp, row(january, "K").category) == (18, True, "neet")
    assert (row(january, "L").academic_age, row(january, "L").activity_code) == (19, "810")
    assert (row(january, "N").category, row(january, "R").activity_code) == ("excluded", "110")


def test_a_past_month_reproduces_exactly_after_later_changes(db, make, time_machine):
    people = _county(db, make)
    _take_each_month_end(time_machine)
    december = _figures(month_measure(date(2024, 12, 31)).total)
    # Found later, with a date before the month end; and a young person moves away afterwards.
    db.session.add(Activity(young_person_id=people["G"].id, code="230", ascertained_on=date(2024, 12, 20),
                            due_to_lapse_on=date(2025, 12, 20), source="officer"))
    people["P"].moved, people["P"].moved_on = "abroad", date(2024, 12, 1)
    db.session.flush()
    assert _figures(month_measure(date(2024, 12, 31)).total) == december == (14, 2, 4, 14.3, 28.6, 42.9)
