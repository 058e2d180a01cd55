"""The audit trail: searchable by managers, exported to .xlsx, and never changed or deleted."""
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, update

from tep_app.models import AuditEvent
from tep_app.models.audit import AuditImmutableError
from tep_app.services.audit_search import AuditFilters, search_audit


def _event(db, action, actor, object_type="young_person", object_id="1", at=None, before=None, after=None):
    event = AuditEvent(actor_type="staff", actor_id="1", actor_label=actor, action=action, object_type=object_type,
                       object_id=object_id, before=before, after=after,
                       at=at or datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    db.session.add(event)
    db.session.flush()
    return event


@pytest.fixture
def trail(db):
    return [
        _event(db, "view", "olive@tep.example", object_id="7", at=datetime(2026, 3, 1, 9, tzinfo=UTC)),
        _event(db, "update", "olive@tep.example", object_type="case", object_id="12",
               at=datetime(2026, 3, 5, 9, tzinfo=UTC), before={"status": "open"},
               after={"status": "closed"}),
        _event(db, "export", "manny@tep.example", object_type="dashboard", object_id="schools",
               at=datetime(2026, 3, 9, 9, tzinfo=UTC)),
        _event(db, "view", "manny@tep.example", object_id="8", at=datetime(2026, 3, 20, 9, tzinfo=UTC)),
    ]


def _ids(page):
    return [row["data-audit-event"] for row in page.select("#audit-table tbody tr[data-audit-event]")]


def test_the_search_filters_by_actor_action_object_and_dates(pages, login, trail):
    view1, update1, export1, view2 = (str(event.id) for event in trail)
    login("manager")
    page = pages.page("/dashboard/audit")
    assert _ids(page)[:4] == [view2, export1, update1, view1]  # newest first
    assert _ids(pages.page("/dashboard/audit?actor=OLIVE@tep")) == [update1, view1]
    assert _ids(pages.page("/dashboard/audit?action=view&actor=tep.example")) == [view2, view1]
    assert _ids(pages.page("/dashboard/audit?object_type=case&object_id=12")) == [update1]
    assert _ids(pages.page("/dashboard/audit?actor=tep.example&date_from=2/3/2026&date_to=2026-03-09")) == [
        export1, update1]


def test_a_change_shows_before_and_after(pages, login, trail):
    login("manager")
    page = pages.page("/dashboard/audit?object_type=case")
    change = page.select_one(f'[data-audit-event="{trail[1].id}"] .tep-audit-change')
    assert " ".join(change.text.split()) == "Status was open; now closed"


def test_bad_dates_are_named(pages, login, trail):
    login("admin")
    page = pages.page("/dashboard/audit?date_from=31/02/2026&date_to=1/1/2020")
    errors = [a.text for a in page.select(".govuk-error-summary a")]
    assert errors == ["From date must be a real date, like 27/3/2026"]
    assert page.title.text.startswith("Error: Audit")
    page = pages.page("/dashboard/audit?date_from=2/3/2026&date_to=1/3/2026")
    assert [a.text for a in page.select(".govuk-error-summary a")] == [
        "To date must be the same as or after the from date"]
    assert page.select("#audit-table") == []


def test_the_search_paginates(db, trail):
    for n in range(60):
        _event(db, "login", f"bulk{n}@tep.example", object_type="staff_user", object_id=str(n))
    result = search_audit(AuditFilters(action="login"), page=2)
    assert (result.total, result.pages, len(result.events)) == (60, 2, 10)


def test_the_export_is_a_workbook_of_the_matching_events_and_is_itself_audited(client, login, trail, db):
    manager = login("manager")
    response = client.get("/dashboard/audit/export?actor=olive")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("When (UTC)", "Actor type", "Actor", "Action")
    assert [(row[3], row[5]) for row in rows[1:]] == [("update", "12"), ("view", "7")]
    assert rows[1][6:8] == ("status: open", "status: closed")
    event = db.session.query(AuditEvent).filter_by(action="export", object_type="audit_event").one()
    assert event.actor_label == manager.email and event.after["actor"] == "olive"


def test_audit_rows_cannot_be_changed(db, trail):
    event = trail[0]
    event.action = "nothing-happened"
    with pytest.raises(AuditImmutableError, match="cannot be changed"):
        db.session.flush()
    db.session.rollback()


def test_audit_rows_cannot_be_deleted(db, trail):
    db.session.delete(trail[0])
    with pytest.raises(AuditImmutableError, match="cannot be deleted"):
        db.session.flush()
    db.session.rollback()


def test_audit_rows_cannot_be_changed_in_bulk(db, trail):
    with pytest.raises(AuditImmutableError):
        db.session.execute(update(AuditEvent).values(action="x"))
    with pytest.raises(AuditImmutableError):
        db.session.execute(delete(AuditEvent))
    assert db.session.query(AuditEvent).filter_by(action="x").count() == 0


def test_new_audit_rows_can_still_be_added(db, trail):
    _event(db, "view", "new@tep.example")
    assert db.session.query(AuditEvent).filter_by(actor_label="new@tep.example").count() == 1
