"""The Annual Activity Survey of a hand-built county: what each Year 11 leaver of 2022 was doing on
1 November 2022, the error report, the CSV, the summary by school, the command and the page."""
import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tep_app.models import Activity, AuditEvent
from tep_app.services.figures import not_known_counts
from tep_app.services.returns import requirement
from tep_app.services.returns.activity_survey import build_survey, summary_by_school
from tep_app.services.returns.requirement import young_persons_id

ON = date(2022, 11, 1)


def _activity(db, person, code, ascertained_on, start=None, lapse=None, neet_start=None, source="test"):
    db.session.add(Activity(young_person_id=person.id, code=code, ascertained_on=ascertained_on, start_date=start,
                            due_to_lapse_on=lapse, neet_start_date=neet_start, source=source))
    db.session.flush()


@pytest.fixture
def county(db, make):
    """Eleven Year 11 leavers of 2022 at two schools, each a case of the rules, and two who are not
    surveyed (a Year 12 leaver, a leaver of 2021)."""
    alpha = make.establishment(name="Alpha School", laestab="8864101")
    beta = make.establishment(name="Beta School", laestab="8864102")
    people = {}

    def leaver(key, school, **kwargs):
        person = make.young_person(surname=key.replace("_", " ").title().replace(" ", ""), **kwargs)
        make.school_record(person, school, kind="leaver", academic_year=2022, year_group=11)
        people[key] = person
        return person

    # NEET since September; an apprenticeship agreed in October starts on 14 November: still NEET on the day.
    _activity(db, leaver("starts_later", alpha), "619", date(2022, 9, 10), lapse=date(2022, 12, 10),
              neet_start=date(2022, 9, 1))
    _activity(db, people["starts_later"], "310", date(2022, 10, 20), start=date(2022, 11, 14), lapse=date(2023, 10, 20))
    # College from September; learnt on 20 November that they left for a job on 3 October: the
    # college place had ended before the day, the job is what they were doing.
    _activity(db, leaver("ended_before", alpha), "230", date(2022, 9, 5), start=date(2022, 9, 5),
              lapse=date(2023, 9, 5))
    _activity(db, people["ended_before"], "330", date(2022, 11, 20), start=date(2022, 10, 3), lapse=date(2023, 11, 20))
    # Sixth-form college confirmed a year before, lapsing on 1 September: Not Known on the day.
    _activity(db, leaver("lapsed", alpha), "220", date(2021, 9, 1), start=date(2021, 9, 1), lapse=date(2022, 9, 1))
    # Lapsing on the day itself: still current.
    _activity(db, leaver("lapses_on_the_day", alpha), "640", date(2022, 8, 1), lapse=ON, neet_start=date(2022, 8, 1))
    leaver("moved", alpha, moved="other_la", moved_to="Medway", moved_on=date(2022, 10, 1))
    _activity(db, leaver("moved_later", beta, moved="abroad", moved_on=date(2022, 11, 15)), "330",
              date(2022, 9, 12), start=date(2022, 9, 12), lapse=date(2023, 9, 12))
    make.school_record(leaver("on_roll", beta), beta, kind="roll", academic_year=2022, year_group=12)
    leaver("nothing", beta)
    _activity(db, leaver("only_later", beta), "310", date(2022, 10, 25), start=date(2022, 11, 20),
              lapse=date(2023, 10, 25))
    _activity(db, leaver("compulsory_code", beta), "140", date(2022, 9, 10), start=date(2022, 9, 1),
              lapse=date(2023, 9, 10))
    _activity(db, leaver("no_start", beta), "230", date(2022, 9, 20), lapse=date(2023, 9, 20))
    # Not surveyed: a Year 12 leaver, and a Year 11 leaver of the year before.
    make.school_record(make.young_person(surname="YearTwelve"), alpha, kind="leaver", academic_year=2022,
                       year_group=12)
    make.school_record(make.young_person(surname="LastYear"), alpha, kind="leaver", academic_year=2021)
    db.session.commit()
    return people


def _by_surname(survey):
    return {row.surname: row for row in survey.rows}


def test_each_leaver_is_reported_with_the_activity_they_had_on_1_november(county):
    survey = build_survey(2022, known_by=date(2023, 1, 15))
    rows = _by_surname(survey)
    assert len(rows) == 11 and "YearTwelve" not in rows and "LastYear" not in rows
    assert {name: (row.code, row.group) for name, row in rows.items()} == {
        "StartsLater": ("619", "neet"),  # the apprenticeship started after the day
        "EndedBefore": ("330", "employment"),  # college ended when the job began, before the day
        "Lapsed": ("810", "not-known"),  # currency: lapsed before the day
        "LapsesOnTheDay": ("640", "neet"),
        "Moved": (None, "moved"),
        "MovedLater": ("330", "employment"),  # moved after the day: still Kent's on the day
        "OnRoll": ("210", "education"),  # found on a Year 12 roll, no activity recorded
        "Nothing": ("810", "not-known"),
        "OnlyLater": ("810", "not-known"),
        "CompulsoryCode": ("140", "other"),
        "NoStart": ("230", "education"),
    }
    assert (rows["Lapsed"].held_code, rows["Lapsed"].lapsed) == ("220", True)
    assert rows["OnRoll"].start_date == date(2022, 9, 1)
    assert rows["StartsLater"].start_date == date(2022, 9, 1)  # the NEET start date


def test_known_by_1_november_the_survey_differs_from_that_days_dashboard_only_by_starts_after_the_day(county):
    """Known by the day, the college place was all anyone knew of EndedBefore. The dashboard counts
    an activity from the day it is ascertained, the survey from the day it starts: StartsLater
    (NEET, an apprenticeship agreed) and OnlyLater (nothing else) count as in work on the dashboard."""
    survey = build_survey(2022, known_by=ON)
    assert _by_surname(survey)["EndedBefore"].code == "230"
    figures = {row.label: row for row in not_known_counts(2022, by="year_group", as_at=ON)}["Year 11"]
    assert survey.count("moved") == 11 - figures.cohort == 1
    assert survey.count("not-known") == figures.not_known + 1 == 3  # OnlyLater
    assert survey.count("neet") == figures.neet + 1 == 2  # StartsLater
    assert survey.count(*requirement.SURVEY_EET_GROUPS) == figures.cohort - figures.not_known - figures.neet - 2 == 5


def test_the_error_report_names_each_young_person_and_what_is_wrong(county):
    survey = build_survey(2022, known_by=date(2023, 1, 15))
    assert not survey.valid
    errors = sorted((error.name.split()[-1], error.rule, error.message) for error in survey.errors)
    assert errors == [
        ("CompulsoryCode", "code-not-allowed", "Activity 140 (Not registered at a school in the area) is not one the "
                                               "survey takes"),
        ("NoStart", "missing-start-date", "Activity 230 has no start date"),
        ("Nothing", "no-activity", "No activity recorded"),
        ("OnlyLater", "no-activity", "No activity had started by 1 November 2022"),
    ]
    assert {error.person_id for error in survey.errors} == {
        county[key].id for key in ("compulsory_code", "no_start", "nothing", "only_later")}


def test_the_csv_has_a_row_a_young_person_in_the_requirements_columns(county):
    from tep_app.services.returns.activity_survey import survey_csv

    survey = build_survey(2022, known_by=date(2023, 1, 15))
    rows = list(csv.DictReader(io.StringIO(survey_csv(survey))))
    assert tuple(rows[0]) == requirement.SURVEY_CSV_COLUMNS
    lapsed = next(row for row in rows if row["FamilyName"] == "Lapsed")
    person = county["lapsed"]
    assert lapsed == {
        "LACode": "886", "EstablishmentNumber": "4101", "YoungPersonsID": young_persons_id(person.id),
        "UPN": person.upn, "FamilyName": "Lapsed", "GivenName": person.forename,
        "DOB": person.date_of_birth.isoformat(), "Gender": person.gender or "", "Postcode": person.postcode or "",
        "ActivityCode": "810", "ActivityStartDate": "2021-09-01", "DateAscertained": "2021-09-01",
        "CurrencyLapsed": "Y", "DestinationGroup": "Not known",
    }
    assert len(lapsed["YoungPersonsID"]) == 13 and lapsed["YoungPersonsID"].startswith(requirement.DATABASE_ID)
    assert len(rows) == 11


def test_the_summary_counts_each_schools_destinations(county):
    schools, total = summary_by_school(build_survey(2022, known_by=date(2023, 1, 15)))
    assert [(row.name, row.leavers) for row in schools] == [("Alpha School", 5), ("Beta School", 6)]
    alpha, beta = schools
    assert {key: count for key, count in alpha.counts.items() if count} == {
        "neet": 2, "employment": 1, "not-known": 1, "moved": 1}
    assert {key: count for key, count in beta.counts.items() if count} == {
        "employment": 1, "education": 2, "not-known": 2, "other": 1}
    assert alpha.pct("neet") == 40.0 and beta.pct("education") == 33.3
    assert total.leavers == 11 and total.counts["not-known"] == 3


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["tep", "return", "activity-survey", *args])


def test_the_command_refuses_a_file_with_errors_unless_told(app, county, tmp_path):
    out = tmp_path / "survey.csv"
    result = _run(app, "--year", "2022", "--out", str(out))
    assert result.exit_code == 1
    assert f"/people/{county['nothing'].id}): No activity recorded" in result.output
    assert "4 errors in the 2022-23 survey" in result.output
    assert "the file would be invalid and was not written" in result.output
    assert not out.exists()

    result = _run(app, "--year", "2022", "--out", str(out), "--allow-errors")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 12 and tuple(rows[0]) == requirement.SURVEY_CSV_COLUMNS
    assert "Annual Activity Survey 2022-23: 11 young people written to" in result.output


def test_the_command_writes_a_survey_without_errors(app, db, make, tmp_path):
    person = make.young_person(surname="Settled")
    make.school_record(person, make.establishment(), kind="leaver", academic_year=2021, year_group=11)
    _activity(db, person, "230", date(2021, 9, 6), start=date(2021, 9, 6), lapse=date(2022, 9, 6))
    db.session.commit()
    out = tmp_path / "survey.csv"
    result = _run(app, "--year", "2021", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Settled" in out.read_text(encoding="utf-8")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "activity_survey",
                                                      AuditEvent.action == "export")) is not None


@pytest.mark.parametrize("year, words", [
    ("2150", "--year must be an academic year's start, like 2025, not 2150"),
    ("2040", "the 2040-41 survey is of 1 November 2040, which has not come yet"),
    ("2015", "no Year 11 leavers are held for 2015-16"),
])
def test_a_year_that_cannot_be_surveyed_gets_a_reason(app, county, tmp_path, year, words):
    result = _run(app, "--year", year, "--out", str(tmp_path / "survey.csv"))
    assert result.exit_code == 2
    assert words in result.output


def test_managers_see_the_survey_by_school_with_its_errors_linked_to_each_young_person(county, login, pages, db):
    login("manager")
    page = pages.get("/returns/activity-survey?year=2022")
    text = page.get_data(as_text=True)
    assert "Annual Activity Survey 2022-23" in text and "Alpha School" in text and "Beta School" in text
    assert f'href="/people/{county["nothing"].id}"' in text and "No activity recorded" in text
    assert "5 (45.5%)" not in text and "3 (27.3%)" in text  # all schools: Not Known 3 of 11
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "activity_survey",
                                                      AuditEvent.action == "view")) is not None


def test_the_csv_download_is_audited_and_the_summary_is_a_workbook(county, login, client, db):
    login("admin")
    response = client.get("/returns/activity-survey/survey.csv?year=2022")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Lapsed" in response.get_data(as_text=True)
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(event.object_type, event.object_id, event.after["file"]) for event in exported] == [
        ("activity_survey", "2022", "csv")]

    response = client.get("/returns/activity-survey/summary.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["School", "LAESTAB", "Year 11 leavers", "Education", "Education %"]
    assert rows[-1][:3] == ["All schools", None, 11]


@pytest.mark.parametrize("path", ["", "/survey.csv", "/summary.xlsx"])
def test_officers_are_refused_the_survey(county, login, client, path):
    login("officer")
    assert client.get(f"/returns/activity-survey{path}?year=2022").status_code == 403


def test_a_year_not_yet_come_says_so(county, login, client):
    login("manager")
    response = client.get("/returns/activity-survey?year=2040")
    assert response.status_code == 404
    assert "has not come yet" in response.get_data(as_text=True)
    assert client.get("/returns/activity-survey/survey.csv?year=2040").status_code == 404


def test_the_page_opens_on_the_newest_year_held(county, login, client):
    login("manager")
    text = client.get("/returns/activity-survey").get_data(as_text=True)
    assert "Annual Activity Survey 2022-23" in text
    assert 'href="/returns/activity-survey?year=2021"' in text  # the 2021 leaver, surveyed too
