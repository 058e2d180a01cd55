"""A year in the life of the headline measure: the clock moves from September 2024 to March 2025, a
school answers its leavers list, officers record what they find, each month end's snapshot is taken
at 23:45 on its last day, and a manager reads the measure page the next morning.

The county (academic year 2024-25): Downs School's 10 Year 11 leavers of summer 2024, Y1-Y10, of
academic age 16 (born 1 March 2008), on its leavers list (sent 10 September, reply by 4 October),
with nothing recorded for them; and two of academic age 17 (born 1 March 2007): K1 on an
apprenticeship (310, ascertained 1 July 2024, due to lapse 1 July 2025) and K2 NEET (619 from 1
August 2024, ascertained 15 August, due to lapse 15 November 2024). A NEET activity lapses three
months after it was ascertained, anything else a year after (services/destinations.lapse_date).

| when           | what happens                                                            |
|----------------|-------------------------------------------------------------------------|
| 30 Sep         | month end                                                               |
| 3 Oct          | the school submits (on time): Y1, Y2 230; Y3 210; Y4 310; Y5 619 from 1  |
|                | Sep (lapses 3 Jan); Y6 810 "not known to us"; Y7 moved to Medway (887);  |
|                | Y8-Y10 not answered                                                     |
| 31 Oct         | month end: Y7 is T (transferred) in the month he left, out of the count  |
| 12 Nov         | officers: Y8 320 job with study; Y9 619 NEET from 1 Nov (lapses 12 Feb)  |
| 15 Nov         | K2's NEET lapses: Not Known                                             |
| 30 Nov         | month end                                                               |
| 9 Dec          | officers: K2 330 job; Y10 810 (tried, still not known)                  |
| 31 Dec         | month end                                                               |
| 3 Jan          | Y5's NEET lapses: Not Known                                             |
| 15 Jan         | officer: Y6 230 at college                                              |
| 31 Jan         | month end                                                               |
| 12 Feb         | Y9's NEET lapses                                                        |
| 20 Feb         | officers: Y9 619 again (confirmed, from 1 Nov); Y5 310 apprenticeship    |
| 28 Feb         | month end                                                               |

| month end | cohort              | NEET       | Not Known             | NEET % | NK %  | NEET + NK % |
|-----------|---------------------|------------|-----------------------|--------|-------|-------------|
| 30 Sep    | 12 (K1 K2 Y1-Y10)   | 1 (K2)     | 10 (Y1-Y10)           | 8.3    | 83.3  | 91.7        |
| 31 Oct    | 11 (Y7 left)        | 2 (K2 Y5)  | 4 (Y6 Y8 Y9 Y10)      | 18.2   | 36.4  | 54.5        |
| 30 Nov    | 11                  | 2 (Y5 Y9)  | 3 (K2 Y6 Y10)         | 18.2   | 27.3  | 45.5        |
| 31 Dec    | 11                  | 2 (Y5 Y9)  | 2 (Y6 Y10)            | 18.2   | 18.2  | 36.4        |
| 31 Jan    | 11                  | 1 (Y9)     | 2 (Y5 Y10)            | 9.1    | 18.2  | 27.3        |
| 28 Feb    | 11                  | 1 (Y9)     | 1 (Y10)               | 9.1    | 9.1   | 18.2        |

December-February: average cohort 33/3 = 11, NEET 4/3, Not Known 5/3: NEET 4/33 = 12.1 %, Not
Known 5/33 = 15.2 %, NEET + Not Known 9/33 = 27.3 %. Until February's snapshot is taken the page
says the average is not yet available.
"""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tep_app.models import Activity, Collection, ListEntry, SchoolRequest
from tep_app.services.cases.casework import ActivityInput
from tep_app.services.cases.closing import open_case_of
from tep_app.services.people.record_actions import record_person_activity
from tep_app.services.returns.snapshots import take_snapshot
from tep_app.services.school_requests.answers import save_answer, submit_request

LONDON = ZoneInfo("Europe/London")
AGE_16, AGE_17 = date(2008, 3, 1), date(2007, 3, 1)
# Month end -> (NEET %, Not Known %, NEET + Not Known %), as worked out above.
EXPECTED = {
    date(2024, 9, 30): ("8.3%", "83.3%", "91.7%"),
    date(2024, 10, 31): ("18.2%", "36.4%", "54.5%"),
    date(2024, 11, 30): ("18.2%", "27.3%", "45.5%"),
    date(2024, 12, 31): ("18.2%", "18.2%", "36.4%"),
    date(2025, 1, 31): ("9.1%", "18.2%", "27.3%"),
    date(2025, 2, 28): ("9.1%", "9.1%", "18.2%"),
}


class County:
    def __init__(self, db, make, time_machine):
        self.db, self.make, self.time_machine = db, make, time_machine
        self.officer = make.staff(role="officer")
        self.school = make.establishment(name="Downs School")
        self.collection = Collection(kind="leavers", academic_year=2024, send_on=date(2024, 9, 10),
                                     due_on=date(2024, 10, 4))
        db.session.add(self.collection)
        db.session.flush()
        self.people, self.entries = {}, {}
        for n in range(1, 11):
            person = make.young_person(date_of_birth=AGE_16, forename=f"Y{n}", surname="Leaver")
            record = make.school_record(person, self.school, kind="leaver", academic_year=2024, year_group=11)
            entry = ListEntry(collection_id=self.collection.id, establishment_id=self.school.id,
                              young_person_id=person.id, school_record_id=record.id, reason="no enrolment found")
            db.session.add(entry)
            self.people[f"Y{n}"], self.entries[f"Y{n}"] = person, entry
        for key, code, ascertained, due, neet_start in (
                ("K1", "310", date(2024, 7, 1), date(2025, 7, 1), None),
                ("K2", "619", date(2024, 8, 15), date(2024, 11, 15), date(2024, 8, 1))):
            self.people[key] = make.young_person(date_of_birth=AGE_17, forename=key, surname="Older")
            db.session.add(Activity(young_person_id=self.people[key].id, code=code, ascertained_on=ascertained,
                                    due_to_lapse_on=due, neet_start_date=neet_start, source="officer"))
        self.request = SchoolRequest(collection_id=self.collection.id, establishment_id=self.school.id,
                                     status="sent", due_on=self.collection.due_on)
        db.session.add(self.request)
        db.session.flush()

    def at(self, day: date, hour: int = 10, minute: int = 0):
        self.time_machine.move_to(datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC))

    def school_answers(self, answers: dict[str, dict]):
        contact = self.school.contacts[0].email
        for key, values in answers.items():
            save_answer(self.request, self.entries[key], values, expected_version=0, answered=True,
                        contact_email=contact)
        submit_request(self.request, contact)
        self.db.session.flush()

    def officer_records(self, key: str, code: str, neet_start: date | None = None):
        person = self.people[key]
        case = open_case_of(person.id)
        record_person_activity(person, ActivityInput(code=code, provider_name=None, start_date=None,
                                                     due_to_lapse_on=None, neet_start_date=neet_start),
                               case.version if case else None, self.officer.id)
        self.db.session.flush()

    def month_end(self, day: date):
        self.at(day, 23, 45)
        take_snapshot(day)
        self.db.session.commit()


def _read_the_page(county, login, pages, day: date):
    """The next morning, a manager reads the measure page: (latest month end's heading, its three
    percentages, the average's three percentages or the words saying it is not yet available)."""
    county.at(day, 9)
    login("manager")
    page = pages.page("/returns/measure")

    def figures(key):
        return tuple(page.select_one(f'[data-figure="{key}-{name}"]').get_text()
                     for name in ("neet", "not-known", "combined"))

    annual = figures("annual") if page.select_one('[data-figure="annual-combined"]') else \
        page.select_one("#annual-not-yet").get_text(" ", strip=True)
    points = [point["data-month"] for point in page.select("circle.tep-trend-this-point")]
    return page.select_one("#latest-month").get_text(strip=True), figures("month"), annual, points


def test_the_headline_figure_month_by_month_and_the_december_to_february_average(db, make, login, pages,
                                                                                  time_machine):
    county = County(db, make, time_machine)
    seen = {}

    def month_end_and_read(day: date):
        county.month_end(day)
        next_morning = date.fromordinal(day.toordinal() + 1)
        seen[day] = _read_the_page(county, login, pages, next_morning)

    county.at(date(2024, 9, 1))
    month_end_and_read(date(2024, 9, 30))

    county.at(date(2024, 10, 3), 14)
    county.school_answers({
        "Y1": {"activity_code": "230"}, "Y2": {"activity_code": "230"}, "Y3": {"activity_code": "210"},
        "Y4": {"activity_code": "310"}, "Y5": {"activity_code": "619", "start_date": date(2024, 9, 1)},
        "Y6": {"activity_code": "810"}, "Y7": {"moved": "other_la", "moved_to": "Medway 887"},
    })
    month_end_and_read(date(2024, 10, 31))

    county.at(date(2024, 11, 12))
    county.officer_records("Y8", "320")
    county.officer_records("Y9", "619", neet_start=date(2024, 11, 1))
    month_end_and_read(date(2024, 11, 30))

    county.at(date(2024, 12, 9))
    county.officer_records("K2", "330")
    county.officer_records("Y10", "810")
    month_end_and_read(date(2024, 12, 31))

    county.at(date(2025, 1, 15))
    county.officer_records("Y6", "230")
    month_end_and_read(date(2025, 1, 31))

    county.at(date(2025, 2, 20))
    county.officer_records("Y9", "619", neet_start=date(2024, 11, 1))
    county.officer_records("Y5", "310")
    month_end_and_read(date(2025, 2, 28))

    for day, (heading, month, _annual, _points) in seen.items():
        assert (heading, month) == (f"End of {day:%B %Y}", EXPECTED[day]), day
    # The average waits for February's snapshot, then is the average count over the average cohort.
    for day in list(EXPECTED)[:-1]:
        assert seen[day][2].startswith("Not yet available"), day
    assert seen[date(2025, 2, 28)][2] == ("12.1%", "15.2%", "27.3%")
    # The chart gains a point each month.
    assert [len(points) for *_rest, points in seen.values()] == [1, 2, 3, 4, 5, 6]

    county.at(date(2025, 3, 10))
    login("manager")
    page = pages.page("/returns/measure")
    assert page.select_one("#annual-cohort").get_text(" ", strip=True).startswith(
        "The average of the ends of December 2024, January 2025, February 2025")
    assert db.session.scalar(select(SchoolRequest.status).where(SchoolRequest.id == county.request.id)) \
        == "submitted"
