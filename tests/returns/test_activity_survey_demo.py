"""The Annual Activity Survey of the demo county agrees with the dashboard's figures as at 1 November.

The demo county of 2022 is loaded on 3 November 2022, its autumn collection sent in October and
answered by schools through the real services up to that day. With what was known by 1 November,
the survey's Not Known, NEET and education, employment or training counts for the Year 11 leavers
are the dashboard's Year 11 figures as at 1 November, and those who moved away are the leavers the
dashboard leaves out of its cohort."""
from datetime import UTC, date, datetime

import time_machine

from tep_app.services.figures import not_known_counts
from tep_app.services.returns import requirement
from tep_app.services.returns.activity_survey import build_survey, summary_by_school

ON = date(2022, 11, 1)


def test_the_demo_countys_survey_agrees_with_the_dashboard_on_1_november(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_LOGINS_PATH", str(tmp_path / "demo-logins.txt"))
    with time_machine.travel(datetime(2022, 11, 3, 9, 30, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.01"])
        assert result.exit_code == 0, result.output

        survey = build_survey(2022, known_by=ON)
        figures = {row.label: row for row in not_known_counts(2022, by="year_group", as_at=ON)}["Year 11"]
        leavers = len(survey.rows)
        assert leavers == figures.cohort + survey.count("moved")
        assert survey.count("not-known") == figures.not_known
        assert survey.count("neet") == figures.neet
        assert survey.count(*requirement.SURVEY_EET_GROUPS) == figures.cohort - figures.not_known - figures.neet
        # Not an empty agreement: the county has leavers in each of these.
        assert min(survey.count("not-known"), survey.count("neet"), survey.count("education")) > 0
        # The summary by school adds up to the same.
        schools, total = summary_by_school(survey)
        assert sum(row.leavers for row in schools) == total.leavers == leavers
        assert total.counts["not-known"] == figures.not_known
