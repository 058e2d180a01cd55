"""A year in the life: the clock moved day by day through the 2023-24 academic year, the scheduler's
jobs run each day as the scheduler runs them, schools answering through the web, officers and a
manager looking at what they would see.

7 October 2023 is a Saturday: the leavers lists go out on Friday 6 October. The same year is also
started late (29 November, 20 December and 10 July, as when the service is first switched on or
the scheduler was down): the lists then go out that day with a reply-by date of their own, every
link emailed that day opens, and every date in every email is the school's own (the list sent on
20 December is due after the Christmas holiday).

Along the way: a school asks for its access code while the send day's invitations are still going
out, and the code goes first; a young person moves away and leaves the figures; an admin accepts a
doubtful match and the case closes; a school uploads a sheet with one row filled in after answering
on the web, and only that row changes.
"""
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import func, select

from tep_app.jobs import tasks
from tep_app.models import (
    Activity,
    Case,
    EstablishmentContact,
    ListEntry,
    MatchResult,
    OutboxMessage,
    SchoolRecord,
    SchoolRequest,
    SchoolResponse,
    YoungPerson,
)
from tep_app.services.calendar import add_school_days, add_working_days, is_working_day
from tests.support.messaging_support import SmtpServer, free_port
from tests.support.staff_support import staff_client
from tests.support.whole_service_support import read_dashboard, read_request_page, read_sheet

YEAR = 2023
LONDON_HOUR = {"night": time(1, 0), "send": time(7, 0), "follow_up": time(8, 0), "day": time(11, 0)}
DATE = re.compile(r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December) \d{4})\b")
LINK = re.compile(r"http://[^\s]+(/school/start/\S+)")


def _at(day: date, moment: str) -> datetime:
    """A moment of a London day, as UTC (the year crosses both clock changes)."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, LONDON_HOUR[moment], tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


@dataclass
class County:
    schools: dict
    people: dict
    officer: object
    manager: object
    admin: object
    mail: SmtpServer
    seen: int = 0  # messages already looked at
    notes: list = field(default_factory=list)


@pytest.fixture
def county(app, db, make, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    officer = make.staff("officer", name="Olive Officer")
    manager = make.staff("manager", name="Morgan Manager")
    admin = make.staff("admin", name="Ada Admin")
    ash = make.establishment(name="Ashford Oaks School", contacts=2)
    birch = make.establishment(name="Birchington Vale School", contacts=2)
    people = {}

    def person(key, school, kind, forename):
        young = make.young_person(forename=forename, surname=key.capitalize())
        make.school_record(young, school, kind=kind, academic_year=YEAR, year_group=11)
        people[key] = young

    # Ashford Oaks' leavers: one for each kind of answer a school gives.
    for key, forename in (("destination", "Dana"), ("notknown", "Niall"), ("conflict", "Cora"),
                          ("moved", "Mo"), ("contact", "Cal"), ("neet", "Nell")):
        person(key, ash, "leaver", forename)
    # Birchington Vale's leavers: the school says nothing until chased.
    for key, forename in (("late", "Lee"), ("silent", "Sam")):
        person(key, birch, "leaver", forename)
    # Current Year 11 pupils with no recorded September Guarantee offer.
    for key, forename in (("offer", "Olu"), ("awaiting", "Ava"), ("unknownsg", "Uma")):
        person(key, ash, "roll", forename)
    person("quiet", birch, "roll", "Quinn")
    # Priya's college enrolment is only a possible match: she stays on Birchington Vale's list.
    college = make.establishment(type="college", contacts=0, name="Stour Valley College")
    priya = make.young_person(forename="Priya", surname="Raman", date_of_birth=date(2007, 3, 14), postcode="TN23 4DD")
    make.school_record(priya, birch, kind="leaver", academic_year=YEAR, year_group=11)
    make.enrolment(college, priya, YEAR, upn=None, uln=None, surname="Ramen", date_of_birth=date(2007, 3, 19),
                   postcode="DA1 1ZZ", row_key="priya-row")
    people["doubtful"] = priya
    db.session.commit()
    with SmtpServer(port=port) as server:
        yield County({"ash": ash, "birch": birch}, people, officer, manager, admin, server)


# The scheduler's day, and the users' hands.

def run_scheduler_day(app, day: date, after_send=None) -> None:
    with time_machine.travel(_at(day, "night"), tick=False):
        tasks.run_open_lapsed_cases(app)
    with time_machine.travel(_at(day, "send"), tick=False):
        tasks.run_send_due_collections(app)
        if after_send is not None:
            after_send()
    with time_machine.travel(_at(day, "follow_up"), tick=False):
        tasks.run_reminders(app)
        tasks.run_chasers(app)
        tasks.run_deliver_outbox(app, limit=1000)


def code_first_on_a_send_day(app, county: County, steps: set) -> None:
    """While a send day's invitations are still going out, Ashford Oaks' main contact opens the
    link in theirs and asks for a code: the code reaches the mail server before the invitations
    still queued."""
    from tep_app.extensions import db

    def queued_invitations() -> int:
        return db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == "queued", OutboxMessage.kind == "invite"))

    contact = county.schools["ash"].contacts[0].email
    if "code first" in steps or queued_invitations() < 2:
        return
    mine = []
    while not mine and queued_invitations():
        tasks.run_deliver_outbox(app, limit=1)
        mine = [m for m in county.mail.messages if m["To"] == contact and "/school/start/" in text_of(m)]
    if not queued_invitations():
        return  # Ashford Oaks' invitation was the last one out: no backlog left to jump
    link = LINK.search(text_of(mine[-1])).group(1)
    client = app.test_client()
    client.post(link)
    contact_id = db.session.scalar(select(EstablishmentContact.id).where(EstablishmentContact.email == contact))
    assert client.post("/school/confirm", data={"contact": str(contact_id)}).status_code == 302
    backlog = queued_invitations()
    if not any(m["To"] == contact and "security code" in str(m["Subject"]) for m in county.mail.messages):
        tasks.run_deliver_outbox(app, limit=1)  # the sender's next claim
    assert any(m["To"] == contact and "security code" in str(m["Subject"]) for m in county.mail.messages)
    assert backlog and queued_invitations() == backlog  # ahead of every invitation still queued
    steps.add("code first")


def text_of(message) -> str:
    """An email's text as the school reads it (decoded, unwrapped)."""
    return message.get_payload(decode=True).decode("utf-8")


def new_mail(county: County) -> list:
    fresh = county.mail.messages[county.seen:]
    county.seen = len(county.mail.messages)
    return fresh


def school_signs_in(app, county: County, link: str, contact_email: str):
    """Open the emailed link, ask for a code, read it from the caught email, type it in."""
    client = app.test_client()
    assert client.get(link).status_code == 200  # the link's page, with its Continue button
    opened = client.post(link)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/school/confirm"), opened.data[:300]
    from tep_app.extensions import db

    contact = db.session.scalar(select(EstablishmentContact).where(EstablishmentContact.email == contact_email))
    assert client.post("/school/confirm", data={"contact": str(contact.id)}).status_code == 302
    tasks.run_deliver_outbox(app)
    code_mail = [m for m in new_mail(county) if m["To"] == contact_email and "security code" in str(m["Subject"])]
    code = re.search(r"\b(\d{6})\b", text_of(code_mail[-1])).group(1)
    signed_in = client.post("/school/code", data={"code": code})
    assert signed_in.headers["Location"].endswith("/school/young-people")
    return client


def answer(client, county: County, key: str, **values):
    from tep_app.extensions import db

    entry_id = db.session.scalar(select(ListEntry.id).join(ListEntry.collection).where(
        ListEntry.young_person_id == county.people[key].id).order_by(ListEntry.id.desc()).limit(1))
    data = {"outcome": "", "moved_to": "", "provider_name": "", "phone": "", "parent_phone": "", "email": "",
            "intelligence": "", "version": "0", "save": "Save answer"}
    data.update(values)
    response = client.post(f"/school/young-people/{entry_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def queue_names(client) -> set[str]:
    html = client.get("/cases?status=open").get_data(as_text=True)
    return set(re.findall(r'href="/cases/\d+">([^<]+)</a>', html))


def request_of(county: County, school: str, kind: str) -> SchoolRequest:
    from tep_app.extensions import db
    from tep_app.models import Collection

    return db.session.scalar(select(SchoolRequest).join(Collection).where(
        SchoolRequest.establishment_id == county.schools[school].id, Collection.kind == kind)
        .execution_options(populate_existing=True))


def open_case(county: County, key: str) -> Case | None:
    from tep_app.extensions import db

    return db.session.scalar(select(Case).where(Case.young_person_id == county.people[key].id, Case.status == "open")
                             .execution_options(populate_existing=True))


def check_dates(message, due: date, link_sent: date | None = None) -> None:
    """Every date in an email is the school's reply-by date (or, in a reminder or chaser without a
    link, the day of the email that has the working link)."""
    allowed = {f"{due:%-d %B %Y}"} | ({f"{link_sent:%-d %B %Y}"} if link_sent else set())
    text = str(message["Subject"]) + text_of(message)
    assert set(DATE.findall(text)) <= allowed, (DATE.findall(text), allowed)
    assert f"{due:%-d %B %Y}" in text


# The year.

@pytest.mark.parametrize("start", [date(2023, 9, 1), date(2023, 11, 29), date(2023, 12, 20), date(2024, 7, 10)],
                         ids=["on-time", "from-29-november", "from-20-december", "from-10-july"])
def test_a_year_in_the_life(app, db, county, start):
    from tep_app.services.lists import build_lists
    from tep_app.services.match_runs import run_matching

    # What is held already for Cora: a college enrolment return a fortnight before the lists go out.
    db.session.add(Activity(young_person_id=county.people["conflict"].id, code="230",
                            ascertained_on=max(start, date(2023, 10, 6)) - timedelta(days=14),
                            source="enrolment return", provider_name="Mid Kent College"))
    db.session.commit()
    with time_machine.travel(_at(start, "day"), tick=False):  # MI builds both lists when the data is in
        run_matching(YEAR)
        build_lists("leavers", YEAR)
        build_lists("no-offer", YEAR)
        db.session.commit()
    on_time = start == date(2023, 9, 1)
    leavers_sent = None
    school_link = {}  # (school, kind) -> the newest working link emailed to its main contact
    link_day = {}  # (school, kind) -> the day of the newest email with a working link
    steps = set()  # what happened, checked at the end
    day = start
    # Lists sent late in July are due in September (no reply period runs in the summer holiday).
    last_day = date(YEAR + 1, 9, 30) if start.month == 7 else date(YEAR + 1, 8, 31)
    while day <= last_day:
        run_scheduler_day(app, day, lambda: code_first_on_a_send_day(app, county, steps))
        with time_machine.travel(_at(day, "day"), tick=False):
            # Staff sign in each working day (sessions last a working day at most).
            officer, manager = staff_client(app, county.officer), staff_client(app, county.manager)
            mail = new_mail(county)
            ash_leavers = request_of(county, "ash", "leavers")

            # The first send: on time, the Friday before Saturday 7 October; late, the day it starts.
            if leavers_sent is None and ash_leavers is not None and ash_leavers.status != "not_sent":
                leavers_sent = day
                expected = date(2023, 10, 6) if on_time else start
                assert day == expected
                due = ash_leavers.due_on
                # Late: 15 school days, so never in a holiday (from 20 December, 24 January).
                assert due == (date(2023, 10, 31) if on_time else add_school_days(start, 15))
                if start == date(2023, 12, 20):  # sent just before Christmas: due after the holiday
                    assert due == date(2024, 1, 24)
                invitations = [m for m in mail if "/school/start/" in text_of(m)]
                assert invitations, "the invitations are emailed the day the lists go out"
                for message in invitations:  # every link emailed that day opens
                    request = db.session.scalar(select(SchoolRequest).join(SchoolRequest.establishment)
                                                .where(SchoolRequest.establishment.has(
                                                    name=re.search(r"Dear colleague at (.+),", text_of(message))
                                                    .group(1))).order_by(SchoolRequest.id))
                    check_dates(message, request.due_on)
                    link = LINK.search(text_of(message)).group(1)
                    assert app.test_client().get(link).status_code == 200
                    assert app.test_client().post(link).status_code == 302
                for message in invitations:
                    if "Ashford Oaks" in text_of(message) and message["To"].startswith("contact1"):
                        school_link.setdefault(("ash", "leavers"), LINK.search(text_of(message)).group(1))
                    if "Birchington Vale" in text_of(message) and message["To"].startswith("contact1"):
                        school_link[("birch", "leavers")] = LINK.search(text_of(message)).group(1)
                # The school's page and the manager's both say when it was really sent, and by when.
                page = manager.get(f"/schools/{county.schools['ash'].laestab}?year={YEAR}").get_data(as_text=True)
                assert f"{day:%-d %B %Y}" in page and f"{due:%-d %B %Y}" in page

            if leavers_sent is None:
                assert not [m for m in mail if "/school/start/" in text_of(m)]
                day += timedelta(days=1)
                continue
            due = ash_leavers.due_on
            for message in mail:  # every reminder and chaser carries the school's own dates
                subject, body = str(message["Subject"]), text_of(message)
                if "/school/start/" in body and "Dear colleague at" in body:
                    school = "ash" if "Ashford Oaks" in body else "birch"
                    kind = "leavers" if "leaver destinations" in body else "no-offer"
                    link_day[(school, kind)] = day
                if not message["To"].startswith("contact") or not ("Reminder" in subject or "Overdue" in subject):
                    continue
                school = "ash" if "Ashford Oaks" in body else "birch"
                kind = "leavers" if "leaver destinations" in body else "no-offer"
                link_in = LINK.search(body)
                check_dates(message, request_of(county, school, kind).due_on,
                            None if link_in else link_day[(school, kind)])
                if link_in and school == "birch" and kind == "leavers":
                    school_link[("birch", "leavers")] = link_in.group(1)
                    county.notes.append(("birch new link", day))

            # Ashford Oaks answers on the first working day after it got its list.
            if day == add_working_days(leavers_sent, 1) and is_working_day(day):
                with time_machine.travel(_at(day, "day"), tick=False):
                    ash = school_signs_in(app, county, school_link[("ash", "leavers")],
                                          county.schools["ash"].contacts[0].email)
                    answer(ash, county, "destination", outcome="230", provider_name="Canterbury College")
                    answer(ash, county, "notknown", outcome="810", intelligence="Not known to us: left in July")
                    answer(ash, county, "conflict", outcome="330", provider_name="Sandwich Garden Centre")
                    answer(ash, county, "moved", outcome="moved:other_la", moved_to="Scotland")
                    answer(ash, county, "contact", phone="07700 900461")
                    answer(ash, county, "neet", outcome="619")
                    listing = ash.get("/school/young-people").get_data(as_text=True)
                    assert "5 of 6 answered, 1 with contact details only" in listing
                    assert ash.post("/school/submit", data={}).status_code == 302
                # What the officer sees at once.
                names = queue_names(officer)
                assert "Dana Destination" not in names  # further education at a named college: no case
                assert "Mo Moved" not in names  # moved to Scotland: out of the queue
                assert {"Niall Notknown", "Cora Conflict", "Cal Contact"} <= names
                notknown = open_case(county, "notknown")
                page = officer.get(f"/cases/{notknown.id}").get_data(as_text=True)
                assert "Not known to us: left in July" in page
                conflict = officer.get(f"/cases/{open_case(county, 'conflict').id}").get_data(as_text=True)
                assert "Employment without training (330)" in conflict and "further education (230)" in conflict
                assert db.session.get(YoungPerson, county.people["moved"].id).moved_to == "Scotland"
                # And the manager: Ashford Oaks has submitted, Birchington Vale has not.
                dashboard = manager.get(f"/dashboard/?collection={ash_leavers.collection_id}").get_data(as_text=True)
                assert re.search(r'data-status-count="submitted">\s*1<', dashboard)
                # Mo has moved to Scotland: out of Ashford Oaks' leavers and its Not Known figure
                # (Niall and Cal), on the dashboard and the request page alike; Nell is NEET.
                figures = read_dashboard(manager, ash_leavers.collection_id).tables["Not Known and NEET by school"]
                assert figures["Ashford Oaks School"] == (5, 2, 1)
                assert read_request_page(manager, ash_leavers.id)["not_known"] == 2
                steps.add("ash answered")

            # The night after the reply-by date: Birchington Vale's young people are in the queue.
            if day == due + timedelta(days=1):
                assert {"Lee Late", "Sam Silent"} <= queue_names(officer)
                dashboard = manager.get(f"/dashboard/?collection={ash_leavers.collection_id}").get_data(as_text=True)
                assert re.search(r'data-status-count="overdue">\s*1<', dashboard)
                steps.add("overdue night")

            # An officer finds Niall a job two working days after the deadline: the case closes.
            if day == add_working_days(due, 2):
                case = open_case(county, "notknown")
                with time_machine.travel(_at(day, "day"), tick=False):
                    response = officer.post(f"/cases/{case.id}/activity", data={
                        "activity-version": str(case.version), "activity-code": "330",
                        "activity-provider_name": "Ramsgate Bakery"})
                assert response.status_code == 302, response.get_data(as_text=True)[:1500]
                assert "Niall Notknown" not in queue_names(officer)
                steps.add("officer closed")

            # The admin accepts Priya's doubtful enrolment match in review: her case closes.
            if day == add_working_days(due, 3):
                assert "Priya Raman" in queue_names(officer)
                result = db.session.scalar(select(MatchResult).join(SchoolRecord).where(
                    SchoolRecord.young_person_id == county.people["doubtful"].id))
                admin = staff_client(app, county.admin)
                response = admin.post("/admin/matches/decide", data={
                    "result_id": result.id, "decision": "accepted", "year": YEAR, "kind": "leaver_enrolment"})
                assert response.status_code == 302
                decided = admin.get(response.headers["Location"]).get_data(as_text=True)
                assert "Match for Priya Raman accepted" in decided
                assert "Priya Raman" not in queue_names(officer)
                assert open_case(county, "doubtful") is None
                steps.add("match accepted")

            # Birchington Vale answers with the new link its chaser carried.
            birch_request = request_of(county, "birch", "leavers")
            if (birch_request.status != "submitted" and county.notes and county.notes[-1][0] == "birch new link"
                    and county.notes[-1][1] == day):
                with time_machine.travel(_at(day, "day"), tick=False):
                    birch = school_signs_in(app, county, school_link[("birch", "leavers")],
                                            county.schools["birch"].contacts[0].email)
                    answer(birch, county, "late", outcome="310", provider_name="Kent Apprenticeships")
                    lee = db.session.scalar(select(SchoolResponse).join(ListEntry).where(
                        ListEntry.young_person_id == county.people["late"].id))
                    lee_before = (lee.version, lee.source, lee.provider_name, lee.activity_code)
                    # A colleague fills in only Sam's phone on the downloaded sheet and uploads it.
                    workbook, sheet, header_row, headers = read_sheet(birch.get("/school/young-people.xlsx").data)
                    for row in range(header_row + 1, sheet.max_row + 1):
                        if sheet.cell(row=row, column=headers.index("Forename") + 1).value == "Sam":
                            sheet.cell(row=row, column=headers.index("Young person's phone") + 1).value = "07700 900463"
                    upload = BytesIO()
                    workbook.save(upload)
                    upload.seek(0)
                    uploaded = birch.post("/school/upload", data={"file": (upload, "list.xlsx")},
                                          content_type="multipart/form-data", follow_redirects=True)
                    assert "1 answer changed" in uploaded.get_data(as_text=True)
                    db.session.expire_all()
                    lee = db.session.get(SchoolResponse, lee.id)
                    assert (lee.version, lee.source, lee.provider_name, lee.activity_code) == lee_before
                    assert birch.post("/school/submit", data={}).status_code == 302
                names = queue_names(officer)
                assert "Lee Late" not in names and "Sam Silent" in names and "Priya Raman" not in names
                sam = officer.get(f"/cases/{open_case(county, 'silent').id}").get_data(as_text=True)
                assert "07700 900463" in sam or "07700900463" in sam
                closed = db.session.scalar(select(Case).where(Case.young_person_id == county.people["late"].id))
                assert closed.status == "closed" and closed.closed_reason == "school_answer"
                steps.add("birch answered late")

            # Nell's NEET activity lapses three months after the school said so: a case opens.
            nell = db.session.scalar(select(Activity).where(Activity.young_person_id == county.people["neet"].id))
            if nell is not None and day == nell.due_to_lapse_on + timedelta(days=1):
                case = open_case(county, "neet")
                assert case is not None and case.reason == "lapsed"
                steps.add("lapse")

            # June: the no-offer collection, answered with September Guarantee statuses.
            ash_no_offer = request_of(county, "ash", "no-offer")
            if (ash_no_offer is not None and ash_no_offer.status in ("sent", "opened")
                    and ("ash", "no-offer") not in school_link):
                invitation = next(m for m in mail if "no recorded September Guarantee" in str(m["Subject"])
                                  and "Ashford Oaks" in text_of(m) and m["To"].startswith("contact1"))
                check_dates(invitation, ash_no_offer.due_on)
                school_link[("ash", "no-offer")] = LINK.search(text_of(invitation)).group(1)
                assert day == (date(2024, 6, 5) if start < date(2024, 6, 5) else start)
                with time_machine.travel(_at(day, "day"), tick=False):
                    ash = school_signs_in(app, county, school_link[("ash", "no-offer")],
                                          county.schools["ash"].contacts[0].email)
                    form = ash.get(f"/school/young-people/{_entry(db, county, 'offer')}").get_data(as_text=True)
                    assert "September Guarantee status" in form and "Applied and waiting for an outcome" in form
                    answer(ash, county, "offer", outcome="sg:110", provider_name="EKC Group",
                           start_date=["14", "3", "2024"])
                    answer(ash, county, "awaiting", outcome="sg:140")
                    answer(ash, county, "unknownsg", phone="07700 900462")
                    assert ash.post("/school/submit", data={}).status_code == 302
                no_offer = manager.get(f"/dashboard/?collection={ash_no_offer.collection_id}").get_data(as_text=True)
                row = re.search(rf'data-school-request="{ash_no_offer.id}".*?</tr>', no_offer, re.S).group(0)
                assert "2 of 3" in row  # two statuses given; a phone number alone is not an answer
                steps.add("june answered")

            if ash_no_offer is not None and day == ash_no_offer.due_on + timedelta(days=1):
                names = queue_names(officer)
                assert "Olu Offer" not in names  # an offer made: no follow-up needed
                assert {"Ava Awaiting", "Uma Unknownsg", "Quinn Quiet"} <= names
                steps.add("june cases")
        day += timedelta(days=1)

    # The year is over: every step happened, and what each user sees at the end.
    expected_steps = {"ash answered", "overdue night", "officer closed", "match accepted", "birch answered late",
                      "june answered", "code first"}
    if start < date(2024, 6, 1):
        expected_steps |= {"lapse", "june cases"}
    assert expected_steps <= steps, expected_steps - steps
    assert leavers_sent is not None and ("ash", "no-offer") in school_link
    assert any(note == "birch new link" for note, _day in county.notes)
    assert request_of(county, "birch", "leavers").status == "submitted"
    assert open_case(county, "destination") is None and open_case(county, "moved") is None


def _entry(db, county: County, key: str) -> int:
    return db.session.scalar(select(ListEntry.id).where(ListEntry.young_person_id == county.people[key].id)
                             .order_by(ListEntry.id.desc()).limit(1))
