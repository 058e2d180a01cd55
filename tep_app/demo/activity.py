"""The demo county's working life after the lists: patches, sent requests, schools' answers, cases.

Each stage goes through the product's own services, as the people using it would, and is one
transaction: a stage that fails is reported and rolled back, and the county already loaded stays.
"""
import logging
import random
from datetime import date, time, timedelta
from time import perf_counter

from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date
from tep_app.extensions import db
from tep_app.models import District, Establishment, ListEntry, SchoolRequest, StaffUser
from tep_app.services import calendar
from tep_app.services.calendar import add_working_days, current_academic_year, working_day_on_or_before
from tep_app.services.cases import open_nightly_cases, set_patch
from tep_app.services.request_states import sent_clause
from tep_app.services.school_requests.answers import mark_opened, save_answer, save_upload, submit_request
from tep_app.services.school_requests.followup import send_chasers, send_reminders
from tep_app.services.school_requests.sending import find_collection, send_collection

logger = logging.getLogger(__name__)
# What schools say, roughly as often as they say it.
ANSWER_CODES = ("230", "230", "230", "220", "310", "310", "330", "250", "619", "610", "810", "810", "820")
PROVIDERS = ("Stour Valley College Group", "Medway Downs College", "Weald Coast College", "a training provider")


def assign_patches(officers: list[StaffUser]) -> int:
    """One district to each of the first twelve officers; two schools each to the rest."""
    districts = list(db.session.scalars(select(District).order_by(District.name)))
    schools = list(db.session.scalars(
        select(Establishment).where(Establishment.type != "college").order_by(Establishment.laestab)))
    plan = [(officer, {"district_id": district.id}) for officer, district in zip(officers, districts, strict=False)]
    spare = officers[len(districts):]
    plan += [(officer, {"establishment_id": school.id})
             for n, officer in enumerate(spare) for school in schools[n * 2:n * 2 + 2]]
    for officer, where in plan:
        set_patch(officer.id, **where)
    db.session.commit()
    return len(plan)


# The demo's collection in progress was sent this many working days before the day the demo is
# loaded: past its reply-by date (15 working days), so some schools are overdue and have cases,
# while every link emailed is still live (reply-by date + 14 days).
DAYS_SINCE_SEND = 18
REPLY_DAYS = 15
# What a school does with its list: (share of schools, what it does).
SCHOOL_HABITS = ((0.40, "submits"), (0.15, "in progress"), (0.10, "opened"), (0.35, "silent"))
NO_OFFER_STATUSES = ("sg:110", "sg:110", "sg:110", "sg:114", "sg:140", "sg:140", "sg:151", "sg:154", "sg:120")


def demo_send_day(today: date) -> date:
    return add_working_days(today, -DAYS_SINCE_SEND)


def demo_kind(send_on: date) -> str:
    """The autumn leavers collection from September to March, the summer no-offer one after."""
    return "leavers" if send_on.month >= 9 or send_on.month <= 3 else "no-offer"


def set_demo_calendar(kind: str, academic_year: int, send_on: date) -> date:
    """The demo county's calendar puts its collection in progress `DAYS_SINCE_SEND` working days ago."""
    prefix = kind.replace("-", "_")
    due = min(calendar.add_working_days(send_on, REPLY_DAYS), calendar.academic_year_bounds(academic_year)[1])
    calendar.ensure_calendar(academic_year)
    calendar.set_date(academic_year, f"{prefix}_due", max(due, send_on))
    calendar.set_date(academic_year, f"{prefix}_send", send_on)
    db.session.commit()
    return due


def _values(kind: str, rng: random.Random, academic_year: int) -> dict:
    """One school answer, roughly as schools give them."""
    values = {"activity_code": None, "guarantee_code": None, "moved": None, "moved_to": None,
              "provider_name": None, "start_date": None, "phone": None, "parent_phone": None, "email": None,
              "intelligence": None}
    if rng.random() < 0.5:
        values["phone"] = f"07700900{rng.randrange(1000):03d}"
    roll = rng.random()
    if roll < 0.04:
        values.update(moved="other_la", moved_to=rng.choice(("Medway", "East Sussex", "Essex", "Lancashire")))
    elif roll < 0.06:
        values.update(moved="abroad", moved_to=rng.choice(("Poland", "Romania", "Spain")))
    elif roll < 0.14:
        values["intelligence"] = rng.choice(("We have no contact since the summer", "Family not answering calls"))
    elif kind == "no-offer":
        choice = rng.choice(NO_OFFER_STATUSES)
        values["guarantee_code"] = choice.removeprefix("sg:")
        if choice == "sg:110":
            values["provider_name"] = rng.choice(PROVIDERS)
    else:
        code = rng.choice(ANSWER_CODES)
        values["activity_code"] = code
        if code[0] in "23":
            values["provider_name"] = rng.choice(PROVIDERS)
            values["start_date"] = date(academic_year, 9, 1) + timedelta(days=rng.randrange(20))
        if code == "810":
            values["intelligence"] = rng.choice(("Not known to us", "Moved away, no forwarding address"))
    return values


def _plan_schools(requests: list, send_on: date, due: date, today: date, seed: int) -> dict[date, list]:
    """Which school does what on which day, between the send and today."""
    rng = random.Random(seed)
    plan: dict[date, list] = {}
    last = min(due - timedelta(days=1), today)
    span = max((last - send_on).days, 1)
    for school_request in requests:
        roll, habit = rng.random(), "silent"
        for share, name in SCHOOL_HABITS:
            if roll < share:
                habit = name
                break
            roll -= share
        if habit == "silent":
            continue
        day = send_on + timedelta(days=rng.randrange(1, span + 1))
        plan.setdefault(day, []).append((school_request.id, habit, rng.randrange(1 << 30)))
    return plan


def _school_acts(request_id: int, habit: str, seed: int, kind: str, academic_year: int) -> str:
    """What one school does with its list: opens it; answers some of it on the form, some as drafts
    (in progress); or fills in the list's spreadsheet, uploads it and submits (submits)."""
    rng = random.Random(seed)
    school_request = db.session.get(SchoolRequest, request_id)
    contacts = school_request.establishment.contacts
    contact = contacts[0].email if contacts else "tracking@school.example"
    mark_opened(school_request)
    if habit == "opened":
        return habit
    entries = list(db.session.scalars(select(ListEntry).where(
        ListEntry.collection_id == school_request.collection_id,
        ListEntry.establishment_id == school_request.establishment_id).order_by(ListEntry.id)))
    share = 0.85 if habit == "submits" else 0.4
    answers = []
    for entry in entries:
        if rng.random() < share:
            draft = habit == "in progress" and rng.random() < 0.3
            answers.append((entry, _values(kind, rng, academic_year), draft))
    if habit == "submits":
        save_upload(school_request, [(entry, values) for entry, values, _draft in answers], contact)
        submit_request(school_request, contact)
        return habit
    for entry, values, draft in answers:
        save_answer(school_request, entry, values, expected_version=0, answered=not draft, contact_email=contact)
    return habit


def play_collection(academic_year: int, kind: str, send_on: date, due: date, seed: int, today: date | None = None,
                    out=print) -> dict:
    """Play the collection from its send day to today through the real services, the clock moved
    to each day in turn: the send, schools opening, answering and submitting, and each night's
    reminders, chasers and cases. Its emails wait in the outbox for the mail catcher."""
    today = today or clock.today()
    done = {"sent": 0, "submits": 0, "in progress": 0, "opened": 0, "reminders": 0, "chasers": 0, "cases": 0}
    with clock.travel(send_on, time(7, 0)):
        done["sent"] = send_collection(kind, academic_year, today=send_on)["sent"]
        db.session.commit()
    collection = find_collection(kind, academic_year)
    requests = list(db.session.scalars(select(SchoolRequest).where(
        SchoolRequest.collection_id == collection.id, sent_clause()).order_by(SchoolRequest.id)))
    plan = _plan_schools(requests, send_on, due, today, seed)
    day = send_on
    while day <= today:
        with clock.travel(day, time(8, 0)):
            done["reminders"] += send_reminders(day)
            done["chasers"] += send_chasers(day)
            db.session.commit()
        with clock.travel(day, time(11, 0)):
            for request_id, habit, school_seed in plan.get(day, []):
                done[_school_acts(request_id, habit, school_seed, kind, academic_year)] += 1
                db.session.commit()
        if day < today:
            with clock.travel(day + timedelta(days=1), time(1, 0)):
                opened = open_nightly_cases(day + timedelta(days=1))
                done["cases"] += opened["overdue"] + opened["lapsed"]
                db.session.commit()
        day += timedelta(days=1)
    out(f"  {collection.title}: sent {long_date(send_on)}, reply by {long_date(due)}")
    return done


def play_recent_past(academic_year: int, seed: int, out=print) -> dict:
    today = clock.today()
    send_on = demo_send_day(today)
    if current_academic_year(send_on) != academic_year:  # a county of an earlier year: its autumn
        send_on = working_day_on_or_before(date(academic_year, 10, 7))
        today = add_working_days(send_on, DAYS_SINCE_SEND)
    kind = demo_kind(send_on)
    due = set_demo_calendar(kind, academic_year, send_on)
    return play_collection(academic_year, kind, send_on, due, seed, today, out)


def run_optional_stages(county, users: list[StaffUser], out=print) -> dict:
    """Run each stage in turn; report what each did, or how it failed."""
    officers = [u for u in users if u.role == "officer"]
    latest = county.academic_years[-1]
    stages = (
        ("patches", lambda: assign_patches(officers)),
        ("the collection in progress", lambda: play_recent_past(latest, county.seed, out)),
    )
    done = {}
    for name, stage in stages:
        started = perf_counter()
        try:
            done[name] = stage()
            out(f"  {name}: {done[name]} ({perf_counter() - started:.1f} s)")
        except Exception as error:  # noqa: BLE001 -- the county is loaded; a later stage must not undo it
            db.session.rollback()
            logger.exception("demo stage %s failed", name, extra={"stage": name})
            done[name] = f"failed ({type(error).__name__}: {error})"
            out(f"  {name}: {done[name]}")
    return done
