"""The manager's chase-up dashboard: statuses overdue first, the chase button, figures, exports."""
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tep_app import clock
from tep_app.models import Activity, AuditEvent, Case, Collection, ListEntry, SchoolRequest, SchoolResponse


def _collection(db, kind="leavers", year=2022, due_on=None):
    row = Collection(kind=kind, academic_year=year, send_on=date(year, 10, 7), due_on=due_on or clock.today())
    db.session.add(row)
    db.session.flush()
    return row


def _request(db, collection, school, status, due_on, **kwargs):
    row = SchoolRequest(collection_id=collection.id, establishment_id=school.id, status=status, due_on=due_on,
                        **kwargs)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def chase_up(db, make):
    collection = _collection(db)
    past, future = clock.today() - timedelta(days=3), clock.today() + timedelta(days=10)
    sent = datetime(2022, 10, 7, 9, 0, tzinfo=UTC)
    schools = {name: make.establishment(name=name) for name in
               ("Ash School", "Birch School", "Cedar School", "Damson School", "Elm School")}
    requests = {
        "Ash School": _request(db, collection, schools["Ash School"], "submitted", past, sent_at=sent),
        "Birch School": _request(db, collection, schools["Birch School"], "opened", future, sent_at=sent,
                                 first_opened_at=sent),
        "Cedar School": _request(db, collection, schools["Cedar School"], "sent", past, sent_at=sent,
                                 reminders_sent=2, chasers_sent=1),
        "Damson School": _request(db, collection, schools["Damson School"], "not_sent", past),
        "Elm School": _request(db, collection, schools["Elm School"], "in_progress", past, sent_at=sent),
    }
    # Cedar has 3 young people on its list, one answered.
    entries = []
    for _ in range(3):
        person = make.young_person()
        record = make.school_record(person, schools["Cedar School"], kind="leaver", academic_year=2022)
        entry = ListEntry(collection_id=collection.id, establishment_id=schools["Cedar School"].id,
                          young_person_id=person.id, school_record_id=record.id)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    answer = SchoolResponse(school_request_id=requests["Cedar School"].id, list_entry_id=entries[0].id,
                            activity_code="230")
    if hasattr(SchoolResponse, "answered"):
        answer.answered = True
    db.session.add(answer)
    db.session.flush()
    return collection, requests, entries


def test_lists_are_counted_at_every_step_they_reached_and_overdue_schools_come_first(pages, login, chase_up):
    collection, _requests, _entries = chase_up
    login("manager")
    page = pages.page(f"/dashboard/?collection={collection.id}")
    counts = {dd["data-status-count"]: int(dd.text) for dd in page.select("[data-status-count]")}
    # Four sent; three of them opened (one since submitted, one in progress); two overdue.
    assert counts == {"sent": 4, "opened": 3, "submitted": 1, "overdue": 2, "not_sent": 1}
    labels = [dt.get_text(strip=True) for dt in page.select(".tep-status-summary dt")]
    assert labels == ["Lists sent", "Opened by the school", "Submitted", "Overdue", "Not sent yet"]
    rows = page.select("#chase-up-table tbody tr")
    schools = [row.th.a.get_text(strip=True) for row in rows]
    assert schools == ["Cedar School", "Elm School", "Damson School", "Birch School", "Ash School"]
    assert rows[0].th.a["href"] == f"/requests/{_requests['Cedar School'].id}"
    assert [row.select_one(".govuk-tag").text.strip() for row in rows] == [
        "Overdue", "Overdue", "Not sent", "Opened", "Submitted"]
    cedar = rows[0].select("td")
    assert [cell.text.strip() for cell in cedar[3:5]] == ["2, 1", "1 of 3"]  # reminders, chasers; answered
    assert "by " in cedar[1].text  # the school's reply-by date under the day it was sent
    assert page.select_one("#chase-overdue")["href"] == f"/dashboard/collections/{collection.id}/chase-overdue"


def test_chase_every_overdue_school_says_how_many_emails_then_sends_them(pages, login, chase_up, db):
    from tep_app.models import OutboxMessage

    collection, requests, _entries = chase_up
    login("manager")
    page = pages.page(f"/dashboard/collections/{collection.id}/chase-overdue")
    assert page.select_one("#chase-count").get_text(" ", strip=True).startswith("This will send 2 emails")
    listed = [row.td.get_text(strip=True) for row in page.select("#chase-plan tbody tr")]
    assert listed == ["Cedar School", "Elm School"]
    assert db.session.query(OutboxMessage).count() == 0  # looking sends nothing
    response = pages.post(f"/dashboard/collections/{collection.id}/chase-overdue", status=302)
    assert "2 chasers queued" in pages.page(response.headers["Location"]).text
    chased = {m.school_request_id for m in db.session.query(OutboxMessage)}
    assert chased == {requests["Cedar School"].id, requests["Elm School"].id}
    # The same day again: nothing more to send, and the page says so.
    again = pages.page(f"/dashboard/collections/{collection.id}/chase-overdue")
    assert "No overdue school needs a chaser now" in again.select_one("#chase-count").text


def test_the_chase_button_calls_the_service_and_flashes_the_result(pages, login, chase_up, monkeypatch):
    from tep_app.dashboard import routes

    collection, requests, _entries = chase_up
    calls = []

    class Message:
        to_address = "contact1@school.example"

    def fake_chase(request_id, user_id):
        calls.append((request_id, user_id))
        return Message()

    monkeypatch.setattr(routes.followup, "chase_request", fake_chase)
    manager = login("manager")
    page = pages.page(f"/dashboard/?collection={collection.id}")
    buttons = {form["action"] for form in page.select("#chase-up-table form")}
    cedar, ash = requests["Cedar School"], requests["Ash School"]
    assert f"/dashboard/requests/{cedar.id}/chase" in buttons
    assert f"/dashboard/requests/{ash.id}/chase" not in buttons  # submitted: nothing to chase
    response = pages.post(f"/dashboard/requests/{cedar.id}/chase", status=302)
    assert calls == [(cedar.id, manager.id)]
    page = pages.page(response.headers["Location"])
    banner = page.select_one(".govuk-notification-banner").text
    assert "Chaser queued for Cedar School to contact1@school.example" in banner


def test_the_real_chase_service_queues_a_chaser(pages, login, chase_up, db):
    from tep_app.models import OutboxMessage

    collection, requests, _entries = chase_up
    login("manager")
    response = pages.post(f"/dashboard/requests/{requests['Cedar School'].id}/chase", status=302)
    queued = db.session.query(OutboxMessage).filter_by(school_request_id=requests["Cedar School"].id).all()
    # Cedar School has no working link, so the chaser carries a new one.
    assert [(message.kind, message.to_address) for message in queued] == [
        ("chaser_link", requests["Cedar School"].establishment.contacts[0].email)]
    from tests.support.portal_support import sent_text

    assert "/school/start/" in sent_text(queued[0])
    page = pages.page(response.headers["Location"])
    assert "Chaser queued for Cedar School" in page.select_one(".govuk-notification-banner").text
    # A second click the same day queues nothing more, and says so.
    response = pages.post(f"/dashboard/requests/{requests['Cedar School'].id}/chase", status=302)
    assert "No chaser sent to Cedar School" in pages.page(response.headers["Location"]).text
    assert db.session.query(OutboxMessage).filter_by(school_request_id=requests["Cedar School"].id).count() == 1


def test_the_headline_figure_and_the_weekly_chart(pages, login, make, db):
    school = make.establishment()
    year = clock.today().year if clock.today().month >= 9 else clock.today().year - 1
    _collection(db, year=year)
    people = [make.young_person() for _ in range(3)]
    for person in people:
        make.school_record(person, school, kind="leaver", academic_year=year)
    db.session.add(Activity(young_person_id=people[0].id, code="619", ascertained_on=clock.today(), source="test"))
    db.session.flush()
    login("manager")
    page = pages.page("/dashboard/")
    assert page.select_one('[data-figure="not-known"]').text.strip() == "2"
    assert page.select_one('[data-figure="neet"]').text.strip() == "1"
    bars = page.select("svg rect.tep-chart-bar")
    assert len(bars) == 16
    assert bars[-1].title.text.endswith(": 2")
    assert page.select("svg[style], [style]") == []


def test_officers_caseloads(pages, login, make, db):
    officer = make.staff(role="officer", name="Olive Officer")
    school = make.establishment()
    now, today = datetime.now(UTC), clock.today()
    for status, follow_up, closed_at in [("open", today - timedelta(days=1), None), ("open", today, None),
                                         ("closed", None, now)]:
        person = make.young_person()
        db.session.add(Case(young_person_id=person.id, status=status, reason="no_school_answer",
                            establishment_id=school.id, officer_id=officer.id, opened_at=now,
                            not_known_since=today, next_follow_up_on=follow_up, closed_at=closed_at))
    db.session.flush()
    login("manager")
    page = pages.page("/dashboard/")
    row = next(tr for tr in page.find_all("tr") if tr.th and tr.th.text.strip() == "Olive Officer")
    assert [td.text.strip() for td in row.select("td")] == ["2", "1", "1"]


@pytest.mark.parametrize("table, first_header", [
    ("schools", "School"), ("districts", "District"), ("school-figures", "School"),
    ("year-groups", "Year group"), ("officers", "Officer"), ("weekly", "Week starting"),
])
def test_every_table_exports_to_a_real_workbook_and_is_audited(client, login, chase_up, db, table, first_header):
    collection, _requests, _entries = chase_up
    manager = login("manager")
    response = client.get(f"/dashboard/export?table={table}&collection={collection.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == first_header
    if table == "schools":
        assert [row[0] for row in rows[1:]] == ["Cedar School", "Elm School", "Damson School", "Birch School",
                                               "Ash School"]
        assert rows[1][2] == "Overdue" and rows[1][8:] == (1, 3)
    if table == "weekly":
        assert len(rows) == 17
    event = db.session.query(AuditEvent).filter_by(action="export", object_type="dashboard").one()
    assert (event.object_id, event.actor_label) == (table, manager.email)


def test_an_unknown_export_table_is_not_found(client, login):
    login("manager")
    assert client.get("/dashboard/export?table=secrets").status_code == 404


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/export?table=schools", "/dashboard/audit"])
def test_officers_may_not_see_the_dashboard(client, login, url):
    login("officer")
    assert client.get(url).status_code == 403


def test_admins_may_see_the_dashboard_with_no_collections(pages, login):
    login("admin")
    page = pages.page("/dashboard/")
    assert "No collections have been built yet" in page.text


def test_the_chase_up_table_pages_by_50(pages, login, make, db):
    collection = _collection(db, year=2021)
    for n in range(53):
        _request(db, collection, make.establishment(name=f"School {n:02d}"), "sent", clock.today() + timedelta(days=5))
    login("manager")
    first = pages.page(f"/dashboard/?collection={collection.id}")
    assert len(first.select("#chase-up-table tbody tr")) == 50
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert next_link == f"/dashboard/?page=2&collection={collection.id}"
    second = pages.page(next_link)
    assert [row.th.a.get_text(strip=True) for row in second.select("#chase-up-table tbody tr")] == [
        "School 50", "School 51", "School 52"]
