"""The measure page and the schools' scorecard as a manager reads them.

The county is the golden-figure test's (tests/returns/test_golden_measure.py, figures worked out
in its docstring): at the end of February 2025 NEET 2/13 = 15.4 %, Not Known 4/13 = 30.8 %,
together 46.2 %; the December-February average 17.5 %, 30.0 % and 47.5 %. Last year (2023-24) has
one month end taken in one test, 31 March 2024, when the people of academic age 16-17 then had
nothing recorded (100 %): a line to compare with.
"""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tep_app.models import AuditEvent, Collection, ListEntry, SchoolRequest, SchoolResponse
from tep_app.models.returns import ReturnsSetting
from tep_app.services.returns.measure import annual_measure, annual_total, month_totals, year_measures
from tep_app.services.returns.snapshots import take_snapshot
from tests.returns.test_golden_measure import MONTH_ENDS, _county

LONDON = ZoneInfo("Europe/London")


def _at(time_machine, day: date, hour: int = 23, minute: int = 45):
    time_machine.move_to(datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC))


def _snapshots(time_machine, days):
    for day in days:
        _at(time_machine, day)
        take_snapshot(day)


def _figure(page, name: str) -> str:
    return page.select_one(f'[data-figure="{name}"]').get_text(strip=True)


def test_the_page_shows_the_latest_month_and_the_december_to_february_average(db, make, login, pages,
                                                                             time_machine):
    _county(db, make)
    _snapshots(time_machine, MONTH_ENDS)
    _at(time_machine, date(2025, 3, 10), 10)
    login("manager")
    page = pages.page("/returns/measure")

    assert page.h1.get_text(strip=True) == "NEET and Not Known 2024 to 2025"
    assert page.select_one("#latest-month").get_text(strip=True) == "End of February 2025"
    assert [_figure(page, f"month-{name}") for name in ("neet", "not-known", "combined")] == \
        ["15.4%", "30.8%", "46.2%"]
    assert [_figure(page, f"annual-{name}") for name in ("neet", "not-known", "combined")] == \
        ["17.5%", "30.0%", "47.5%"]
    assert "December 2024, January 2025, February 2025" in page.select_one("#annual-cohort").text
    district = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.select("td")]
                for row in page.select("#breakdown-district tbody tr")}
    # 28 Feb by district: North A B C D E G Q (7), NEET none, NK D E G; South F H O P S T (6), NEET H S, NK P.
    assert district == {"North": ["7", "0", "0.0", "3", "42.9", "42.9"],
                        "South": ["6", "2", "33.3", "1", "16.7", "50.0"]}
    assert page.select_one("#breakdown-gender") and page.select_one("#breakdown-ehcp") \
        and page.select_one("#breakdown-year_group") and page.select_one("#breakdown-school")


def test_the_stored_counts_give_the_same_figures_as_the_rows(db, make, time_machine):
    """The page reads the trend and the average from the counts each snapshot stored; the rows say the same."""
    _county(db, make)
    _snapshots(time_machine, MONTH_ENDS)
    totals = month_totals(date(2024, 9, 1), date(2025, 8, 31))
    assert totals == {measure.as_of: measure.total for measure in year_measures(2024)}
    quick, full = annual_total(2024), annual_measure(2024)
    assert (quick.months, quick.missing, quick.total) == (full.months, full.missing, full.total)
    assert (quick.total.neet_pct, quick.total.not_known_pct, quick.total.combined_pct) == (17.5, 30.0, 47.5)


def test_the_average_by_group_and_the_csv(db, make, login, pages, client, time_machine):
    _county(db, make)
    _snapshots(time_machine, MONTH_ENDS)
    _at(time_machine, date(2025, 3, 10), 10)
    login("manager")
    page = pages.page("/returns/measure?of=annual")
    assert "December to February average by group" in page.select_one("#breakdowns").text
    response = client.get("/returns/measure.csv?year=2024&of=annual")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[1] == "County,All,13.33,2.33,4,17.5,30.0,47.5"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "measure")).action == "export"


def test_the_average_is_not_yet_available_until_februarys_snapshot(db, make, login, pages, time_machine):
    _county(db, make)
    _snapshots(time_machine, MONTH_ENDS[:2])
    _at(time_machine, date(2025, 2, 10), 10)
    login("manager")
    page = pages.page("/returns/measure")
    assert [_figure(page, f"month-{name}") for name in ("neet", "not-known", "combined")] == \
        ["23.1%", "30.8%", "53.8%"]
    words = page.select_one("#annual-not-yet").get_text(" ", strip=True)
    assert words.startswith("Not yet available")
    assert "28 February 2025" in words and "Taken so far: December 2024, January 2025" in words
    assert page.select_one('[data-figure="annual-combined"]') is None


def test_the_chart_has_a_point_per_month_last_years_line_and_the_target(db, make, login, pages, time_machine):
    _county(db, make)
    _snapshots(time_machine, [date(2024, 3, 31), *MONTH_ENDS])
    _at(time_machine, date(2025, 3, 10), 10)
    login("manager")
    pages.post("/returns/measure/target?year=2024", data={"target": "40"}, status=302)
    page = pages.page("/returns/measure?year=2024")
    assert "The target for 2024 to 2025 is now 40.0%" in page.select_one(".govuk-notification-banner").text
    svg = page.select_one("figure.tep-trend svg")
    assert svg["role"] == "img" and svg.title.get_text() and svg.desc.get_text()
    points = svg.select("circle.tep-trend-this-point")
    assert [point["data-month"] for point in points] == ["December 2024", "January 2025", "February 2025"]
    assert [point.title.get_text() for point in points] == \
        ["December 2024: 42.9%", "January 2025: 53.8%", "February 2025: 46.2%"]
    assert [point["data-month"] for point in svg.select("rect.tep-trend-last-point")] == ["March 2024"]
    target = svg.select_one("line.tep-trend-target")
    assert target["data-target"] == "40.0"
    # Last year's March (everyone then aged 16-17 had nothing recorded) was 100 %: the scale is 0-100 %,
    # and the target's line lies on the 40 % grid line.
    ticks = [text.get_text() for text in svg.select("text.tep-chart-label") if text.get_text().endswith("%")]
    assert ticks[:6] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    grid = [line["y1"] for line in svg.select("line.tep-trend-grid")]
    assert target["y1"] == target["y2"] == grid[2]
    assert "Target 40.0%" in svg.get_text() and "Target: 40.0%" in svg.desc.get_text()
    table = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.select("td")]
             for row in page.select("#trend-table tbody tr")}
    assert list(table)[0] == "Sep 2024" and list(table)[-1] == "Aug 2025"
    assert table["Sep 2024"] == ["–", "–"] and table["Jan 2025"] == ["53.8", "–"]
    assert table["Mar 2025"] == ["–", "100.0"]


def test_the_target_form_refuses_bad_values_with_a_message(db, make, login, pages):
    login("manager")
    for typed, message in (("", "Enter the target, a percentage like 5.5"),
                           ("101", "101 is not a percentage: enter a number from 0 to 100"),
                           ("5.55", "5.55 is not a percentage"), ("five", "five is not a percentage"),
                           ("-2", "-2 is not a percentage")):
        page = pages.post("/returns/measure/target?year=2024", data={"target": typed}).page
        assert page.title.get_text().startswith("Error: ")
        assert message in page.select_one(".govuk-error-summary").get_text(" ", strip=True)
        assert page.select_one("#target").get("value", "") == typed
    assert db.session.scalar(select(ReturnsSetting)) is None
    pages.post("/returns/measure/target?year=2024", data={"target": "5.5"}, status=302)
    setting = db.session.scalar(select(ReturnsSetting))
    assert (setting.academic_year, setting.key, setting.value) == (2024, "measure_target", "5.5")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "returns_setting"))
    assert (event.action, event.object_id, event.after) == ("update", "2024:measure_target", {"value": "5.5"})


def _leavers_list(db, make, year: int, due_on: date):
    collection = db.session.scalar(select(Collection).where(Collection.kind == "leavers",
                                                            Collection.academic_year == year))
    if collection is None:
        collection = Collection(kind="leavers", academic_year=year, send_on=due_on - timedelta(days=30),
                                due_on=due_on)
        db.session.add(collection)
        db.session.flush()
    return collection


def _school_with_leavers(db, make, collection, name, codes, status, submitted_at=None, phones=()):
    """A school whose leavers hold these activity codes (None: nothing known), its list in that
    state, and an answer for each leaver, with a phone number for those in `phones`."""
    from tep_app.models import Activity

    school = make.establishment(name=name)
    request = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status=status,
                            due_on=collection.due_on, submitted_at=submitted_at)
    db.session.add(request)
    db.session.flush()
    for n, code in enumerate(codes):
        person = make.young_person()
        record = make.school_record(person, school, kind="leaver", academic_year=collection.academic_year)
        if code:
            db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=date(2024, 10, 1),
                                    due_to_lapse_on=date(2025, 10, 1), source="school"))
        entry = ListEntry(collection_id=collection.id, establishment_id=school.id, young_person_id=person.id,
                          school_record_id=record.id, reason="no enrolment found")
        db.session.add(entry)
        db.session.flush()
        if status == "submitted":
            db.session.add(SchoolResponse(school_request_id=request.id, list_entry_id=entry.id, answered=True,
                                          activity_code=code, phone="07700 900123" if n in phones else None))
    db.session.flush()
    return school


def test_the_scorecard_agrees_with_the_schools_page_and_sorts(db, make, login, pages, client, time_machine):
    _at(time_machine, date(2024, 11, 20), 10)
    collection = _leavers_list(db, make, 2024, date(2024, 10, 31))
    on_time = _school_with_leavers(db, make, collection, "Ashford Oaks", ["230", "310", None, "810"], "submitted",
                                   datetime(2024, 10, 31, 22, 30, tzinfo=UTC), phones=(0, 1, 2))
    late = _school_with_leavers(db, make, collection, "Beacon Hill", ["230", "230"], "submitted",
                                datetime(2024, 11, 2, 9, 0, tzinfo=UTC), phones=(0,))
    overdue = _school_with_leavers(db, make, collection, "Castle View", [None, None, "230"], "opened")
    db.session.commit()
    login("manager")

    page = pages.page("/returns/schools?year=2024")
    rows = {row["data-school"]: row for row in page.select("#scorecard-table tbody tr")}
    for school in (on_time, late, overdue):
        listed = pages.page(f"/schools/?year=2024&q={school.laestab}")
        shown = listed.select_one(f'tr[data-laestab="{school.laestab}"] [data-figure="not-known"]').get_text()
        assert rows[school.laestab].select_one('[data-figure="not-known"]').get_text() == shown
    # Not Known %, highest first: Castle View 2 of 3, Ashford Oaks 2 of 4 (nothing known, 810), Beacon Hill 0.
    assert list(rows) == [overdue.laestab, on_time.laestab, late.laestab]
    assert [rows[s.laestab].select_one('[data-figure="not-known-pct"]').get_text() for s in (overdue, on_time, late)] \
        == ["66.7", "50.0", "0.0"]
    # Submitted at 22:30 UTC on 31 October is 22:30 in London (GMT): on time.
    words = [rows[s.laestab].select_one('[data-figure="on-time"]').get_text(" ", strip=True)
             for s in (on_time, late, overdue)]
    assert words[0].startswith("Yes") and words[1].startswith("No, submitted late") \
        and words[2].startswith("No, overdue")
    phones = [rows[s.laestab].select_one('[data-figure="phones"]').get_text(" ", strip=True)
              for s in (on_time, late, overdue)]
    assert phones == ["75.0% 3 of 4", "50.0% 1 of 2", "No answers"]

    by_name = pages.page("/returns/schools?year=2024&sort=name")
    assert [row["data-school"] for row in by_name.select("#scorecard-table tbody tr")] == \
        [on_time.laestab, late.laestab, overdue.laestab]
    by_phones = pages.page("/returns/schools?year=2024&sort=phones")
    assert [row["data-school"] for row in by_phones.select("#scorecard-table tbody tr")] == \
        [late.laestab, on_time.laestab, overdue.laestab]
    by_answer = pages.page("/returns/schools?year=2024&sort=on-time")
    assert [row["data-school"] for row in by_answer.select("#scorecard-table tbody tr")] == \
        [on_time.laestab, late.laestab, overdue.laestab]

    response = client.get("/returns/schools.csv?year=2024&sort=name")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("School,LAESTAB,District,Leavers,Not Known,Not Known %")
    assert lines[1] == f"Ashford Oaks,{on_time.laestab},,4,2,50.0,31/10/2024,31/10/2024,Yes,4,3,75.0"


def test_the_scorecard_pages_by_fifty(db, make, login, pages, time_machine):
    _at(time_machine, date(2024, 11, 20), 10)
    collection = _leavers_list(db, make, 2024, date(2024, 10, 31))
    for n in range(51):
        _school_with_leavers(db, make, collection, f"School {n:02d}", ["230"], "sent")
    db.session.commit()
    login("manager")
    first = pages.page("/returns/schools?year=2024&sort=name")
    assert len(first.select("#scorecard-table tbody tr")) == 50
    second = pages.page("/returns/schools?year=2024&sort=name&page=2")
    assert [row.th.a.get_text() for row in second.select("#scorecard-table tbody tr")] == ["School 50"]


def test_the_pages_are_linked_from_the_dashboard_and_the_menu(db, login, pages):
    login("manager")
    page = pages.page("/dashboard/")
    assert page.select_one('#measure-link a[href="/returns/measure"]')
    assert page.select_one('#measure-link a[href="/returns/schools"]')
    menu = [link.get_text(strip=True) for link in page.select(".govuk-service-navigation__link")]
    assert "NEET and Not Known" in menu
