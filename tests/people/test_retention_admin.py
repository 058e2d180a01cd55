"""The retention schedule's admin page: the rules as seeded, each changed on its own form (refused
with a message when out of bounds, audited when saved), the latest runs, and only admins may change."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.models import AuditEvent, RetentionRule
from tep_app.services.people import retention_rules
from tests.people.retention_support import run_on


def _rule_text(page, key: str) -> str:
    return " ".join(page.select_one(f"#rule-{key}").get_text(" ", strip=True).split())


def test_the_page_lists_the_schedule_as_seeded(db, pages, login):
    login("admin")
    page = pages.page("/admin/retention")
    assert _rule_text(page, "young_person").startswith(
        "A young person's personal data Anonymised at the end of the academic year (31 August) in which they "
        "reach 20, or 26 with an education, health and care plan (EHCP)")
    assert "Deleted 6 years after the young person's last contact" in _rule_text(page, "contact")
    assert "Deleted 7 years after they were written" in _rule_text(page, "audit")
    assert "Cleared 2 years after the import" in _rule_text(page, "import_values")
    assert page.select_one("#no-runs") is not None
    assert "Retention schedule" in pages.page("/admin/").select_one("#admin-pages").get_text()
    assert db.session.scalar(select(RetentionRule.years).where(RetentionRule.key == "audit")) == 7  # the migration


def test_an_admin_changes_the_ages_and_the_change_is_audited(db, pages, login):
    login("admin")
    assert pages.page("/admin/retention/young_person").select_one("#age")["value"] == "20"
    response = pages.post("/admin/retention/young_person", {"age": "21", "ehcp_age": "25"}, status=302)
    assert response.headers["Location"].endswith("/admin/retention")
    page = pages.page("/admin/retention")
    assert "reach 21, or 25 with an education" in _rule_text(page, "young_person")
    assert "Anonymised at the end of the academic year (31 August) in which they reach 21" in page.get_text()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "retention_rule",
                                                       AuditEvent.action == "update"))
    assert (event.object_id, event.before, event.after) == (
        "young_person", {"age": 20, "ehcp_age": 26}, {"age": 21, "ehcp_age": 25})


def test_an_admin_changes_a_number_of_years(db, pages, login):
    login("admin")
    pages.post("/admin/retention/contact", {"years": " 8 "}, status=302)
    assert retention_rules.get_rule("contact").years == 8
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == "contact"))
    assert (event.before, event.after) == ({"years": 6}, {"years": 8})


@pytest.mark.parametrize(("url", "data", "field", "message"), [
    ("/admin/retention/young_person", {"age": "", "ehcp_age": "26"}, "age", "Enter the age"),
    ("/admin/retention/young_person", {"age": "twenty", "ehcp_age": "26"}, "age",
     "Enter the age as a whole number, like 20"),
    ("/admin/retention/young_person", {"age": "18", "ehcp_age": "26"}, "age", "Enter the age from 19 to 30"),
    ("/admin/retention/young_person", {"age": "20.5", "ehcp_age": "26"}, "age",
     "Enter the age as a whole number, like 20"),
    ("/admin/retention/young_person", {"age": "28", "ehcp_age": "26"}, "ehcp_age",
     "The age with an EHCP must be the same as the age or more"),
    ("/admin/retention/young_person", {"age": "20", "ehcp_age": "99999999999"}, "ehcp_age",
     "Enter the age with an EHCP as a whole number, like 26"),
    ("/admin/retention/contact", {"years": "0"}, "years", "Enter the number of years from 1 to 20"),
    ("/admin/retention/contact", {"years": "-3"}, "years", "Enter the number of years as a whole number, like 2"),
    ("/admin/retention/audit", {"years": "1"}, "years", "Enter the number of years from 6 to 20"),
    ("/admin/retention/import_values", {"years": ""}, "years", "Enter the number of years"),
])
def test_a_value_out_of_bounds_is_refused_with_a_message(db, pages, login, url, data, field, message):
    login("admin")
    page = pages.post(url, data).page
    assert page.select_one(f"#{field}-error").get_text(" ", strip=True).endswith(message)
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert [(rule.age, rule.ehcp_age, rule.years) for rule in retention_rules.list_rules()] == [
        (20, 26, None), (None, None, 6), (None, None, 7), (None, None, 2)]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "retention_rule")) is None


def test_an_unknown_rule_is_not_found(db, pages, login):
    login("admin")
    pages.get("/admin/retention/lunch", status=404)
    pages.post("/admin/retention/lunch", {"years": "3"}, status=404)


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_only_admins_see_or_change_the_rules(db, client, login, role):
    login(role)
    assert client.get("/admin/retention").status_code == 403
    assert client.post("/admin/retention/audit", data={"years": "6"}).status_code == 403
    assert retention_rules.get_rule("audit").years == 7


def test_the_page_shows_the_latest_runs(db, pages, login):
    run_on(db, date(2026, 9, 1), dry_run=True)
    login("admin")
    table = pages.page("/admin/retention").select_one("#retention-runs").get_text(" ", strip=True)
    assert "Dry run" in table
    assert "A young person's personal data: 0 young people anonymised" in table
    assert "The audit trail: 0 audit rows deleted" in table
