"""The whole service as its users meet it, played at random: schools open their emailed link and
answer on the form and by uploading their list (partial sheets, drafts, a colleague's draft),
officers log attempts and record activities, moves and September Guarantee statuses, an admin
decides a doubtful match, a manager chases, and the clock moves on through deadlines and holidays
with the scheduler's jobs run each day. Summer may come: the clock moves to June (the scheduler
running on the first of each month on the way), the no-offer lists of current Year 11 and 12
pupils without a recorded offer are built and go out on their send day, and schools answer them
with September Guarantee statuses, providers and offer dates, on the form and by upload.

After every step the pages and exports are checked against a small model of the truth kept here:
the Not Known, NEET and no-offer figures, every table and export that shows them, the case queue,
each school's list and answers, what officers typed (on the case page and the young person's
page), each list's request status (Sent, Opened, In progress, Submitted or Overdue) and its reply-by
date, a school day after the send day. `make test` runs a fixed number of examples, in which every
rule must have done what it is for at least once; `make soak` runs examples until TEP_SOAK_MINUTES
have passed.
"""
import os
import re
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from tep_app.identifiers import make_upn
from tep_app.jobs import tasks
from tep_app.models import Case, Collection, Establishment, GuaranteeStatus, ListEntry, MatchResult, SchoolRequest
from tep_app.services import figures
from tep_app.services.bank_holidays import bank_holidays
from tep_app.services.calendar import get_holidays
from tep_app.services.cases.closing import moved_words
from tep_app.services.destinations import outcome_words
from tep_app.services.figures import SETTLED_GUARANTEE_GROUPS
from tep_app.services.labels import activity_words, guarantee_words
from tep_app.services.lists import build_lists
from tep_app.services.match_runs import run_matching
from tests.support.factories import Factory
from tests.support.messaging_support import SmtpServer, free_port
from tests.support.staff_support import staff_client
from tests.support.whole_service_support import (
    example_savepoint,
    moment,
    read_answer_form,
    read_calendar_warnings,
    read_dashboard,
    read_export,
    read_portal_list,
    read_queue,
    read_request_page,
    read_school_page_figure,
    read_school_page_status,
    read_schools_index,
    read_sheet,
    scheduler_day,
    school_client,
    text_of,
)

YEAR = 2023
BUILT_ON = date(2023, 10, 4)  # the lists are built; they go out on Friday 6 October
SENT_ON = date(2023, 10, 6)
SUMMER = date(2024, 6, 1)  # MI builds the no-offer lists; the calendar sends them on 5 June
CODES = {"230": "eet", "310": "eet", "330": "eet", "619": "neet", "810": "not_known"}
OUTCOMES = ("230", "310", "619", "810", "moved:other_la", "moved:abroad", "")
PHONES = (None, "07700900461", "07700900462", "01227700123")
NOTES = (None, "Left in July", "Living with an aunt in Margate", "Mum says college in September")
PLACES = ("Scotland", "Wales", "France")
STATUSES = ("sg:110", "sg:114", "sg:123", "sg:140", "sg:151", "moved:abroad", "")  # offer, in learning,
# not appropriate, two kinds of no offer yet, a move
PROVIDERS = (None, "EKC Group", "Canterbury College")
ACTIVITY_PROVIDERS = ("Ramsgate Bakery", "Smith & Sons' Garage")  # an officer's provider for work or learning
ACTIVITY_NOTES = (None, "Rang from the bakery", "Starts after half term, says his mum")
CALENDAR_PREFIX = {"leavers": "leavers", "no-offer": "no_offer"}  # a list's dates on the admin's calendar page
OFFER_DATES = (None, date(2024, 3, 14), date(2024, 5, 2))
LINK = re.compile(r"https?://[^\s]+(/school/start/\S+)")
STATE_WORDS = {"not_started": "Not started", "draft": "Draft", "contact_only": "Contact details given",
               "answered": "Answered"}

settings.register_profile("make-test", max_examples=int(os.environ.get("TEP_STATEFUL_EXAMPLES", "8")),
                          stateful_step_count=25, deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck), print_blob=True)
# A failing run without shrinking, to see every failure at once: TEP_STATEFUL_PROFILE=explore.
settings.register_profile("explore", parent=settings.get_profile("make-test"),
                          phases=[Phase.explicit, Phase.generate], report_multiple_bugs=True)
settings.register_profile("soak", max_examples=5, stateful_step_count=40, deadline=None, derandomize=False,
                          database=None, suppress_health_check=list(HealthCheck), print_blob=True)


def lapses_on(ascertained: date, kind: str) -> date:
    """Education, employment or training holds for a year; anything else for three months."""
    if kind == "eet":
        return ascertained.replace(year=ascertained.year + 1, day=min(ascertained.day, 28)
                                   if ascertained.month == 2 else ascertained.day)
    month = ascertained.month + 3
    year, month = ascertained.year + (month - 1) // 12, (month - 1) % 12 + 1
    for day in (ascertained.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class Person:
    """One leaver (or, for the summer, one pupil on a school's current roll), as the model knows them."""
    name: str
    school: int
    year_group: int
    person_id: int
    kind: str = "leavers"  # the list they belong on: "leavers" or "no-offer"
    entry_id: int | None = None
    activities: list = field(default_factory=list)  # (code, ascertained on, by a school?)
    matched: bool = False  # an accepted enrolment match
    moved: bool = False
    disputed: bool = False  # a school's activity differs from an officer's recent one: a case to judge
    answer: dict | None = None  # what the school typed last: outcome, moved_to, provider_name, phone, intelligence
    answered: bool = False  # given as the answer (not a draft)
    notes: list = field(default_factory=list)  # what officers typed about them (attempts, activities, moves,
    # statuses) and the words it is recorded as: on their timeline, on the case page and the young person's page
    guarantees: list = field(default_factory=list)  # September Guarantee statuses recorded, oldest first
    case_id: int | None = None  # the case an officer last worked

    def not_known(self, today: date) -> bool:
        if self.moved or self.kind != "leavers":
            return False
        if not self.activities:
            return not self.matched
        code, on, _school = self.activities[-1]
        return CODES[code] == "not_known" or lapses_on(on, CODES[code]) < today

    def neet(self, today: date) -> bool:
        if self.moved or not self.activities or self.kind != "leavers":
            return False
        code, on, _school = self.activities[-1]
        return CODES[code] == "neet" and lapses_on(on, CODES[code]) >= today

    def state(self) -> str:
        if self.answer is None:
            return "not_started"
        if not self.answered:
            return "draft"
        return "answered" if self.answer["outcome"] else "contact_only"

    def no_offer(self, settled: set) -> bool:
        """On a no-offer list, still here and without a settled status (the newest record counts)."""
        return (self.kind == "no-offer" and self.entry_id is not None and not self.moved
                and not (self.guarantees and self.guarantees[-1] in settled))


@dataclass
class SchoolList:
    """One school's list of one collection, as the model knows it."""
    kind: str
    school: int
    collection_id: int
    people: list = field(default_factory=list)
    request_id: int | None = None
    sent_on: date | None = None
    due_on: date | None = None  # the reply-by date, a school day after the send day
    opened: bool = False  # someone pressed Continue on the emailed link
    started: bool = False  # an answer or draft saved
    submitted: bool = False
    chased_by_hand: int = 0


@dataclass
class School:
    name: str
    laestab: str
    establishment_id: int
    contacts: list
    lists: dict = field(default_factory=dict)  # kind -> SchoolList


class Counter:
    examples = 0
    steps = 0
    done: dict = {}  # what the steps did, in words: printed with the totals
    rules: dict = {}  # how many times each rule did what it is for (a rule may find nothing to do)


BLANK = {"outcome": "", "moved_to": "", "provider_name": "", "start_date": "", "phone": "", "intelligence": ""}


class WholeService(RuleBasedStateMachine):
    """Run by play(), which gives it the app, the database and the mail server."""

    app = None
    db = None
    mail = None  # the mail server the outbox delivers to

    def __init__(self):
        super().__init__()
        Counter.examples += 1
        self.stack = ExitStack()
        self.stack.enter_context(example_savepoint(self.db))
        figures._CACHE.clear()
        self.traveller = self.stack.enter_context(time_machine.travel(moment(BUILT_ON, "day"), tick=False))
        self.today = BUILT_ON
        self.summer = False
        self.rule = None  # the rule playing the step
        self.dirty_people: set[int] = set()
        self.dirty_lists: set[tuple[int, str]] = set()
        self._dashboards: dict = {}
        self.settled = set(self.db.session.scalars(select(GuaranteeStatus.code).where(
            GuaranteeStatus.group.in_(SETTLED_GUARANTEE_GROUPS))))
        self._build_county()

    def teardown(self):
        self.stack.close()

    # The county: three schools, a dozen leavers, one doubtful enrolment match, and on the schools'
    # current rolls seven pupils, one of whom has a recorded September Guarantee offer.

    def _build_county(self):
        db, make = self.db, Factory(self.db)
        self.officer = make.staff("officer", name="Olive Officer")
        self.manager = make.staff("manager", name="Morgan Manager")
        self.admin = make.staff("admin", name="Ada Admin")
        college = make.establishment(type="college", contacts=0, name="Stour Valley College")
        forenames = ["Ava", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kit", "Lena"]
        pupils = [("Rosa", 11, None), ("Sami", 12, None), ("Tia", 11, "140"), ("Umar", 11, "110"),
                  ("Vera", 11, None), ("Wyn", 12, None), ("Xena", 11, None)]
        self.schools: list[School] = []
        self.people: dict[str, Person] = {}
        for s, school_name in enumerate(("Ashford Oaks School", "Birchington Vale School", "Canterbury Downs School")):
            school = make.establishment(name=school_name, contacts=2)
            model = School(school_name, school.laestab, school.id, [c.email for c in school.contacts])
            self.schools.append(model)
            for p in range(4):
                forename = forenames[s * 4 + p]
                person = make.young_person(forename=forename, surname=f"Leaver{s}{p}")
                year_group = 12 if (s, p) == (0, 3) else 11
                make.school_record(person, school, kind="leaver", academic_year=YEAR, year_group=year_group)
                self.people[person.display_name] = Person(person.display_name, s, year_group, person.id)
            for p, (forename, year_group, offer) in enumerate(pupils[s * 2:s * 2 + (3 if s == 2 else 2)]):
                person = make.young_person(forename=forename, surname=f"Pupil{s}{p}",
                                           upn=make_upn(886, 4100 + s, 2008, p))
                make.school_record(person, school, kind="roll", academic_year=YEAR, year_group=year_group)
                if offer:
                    make.offer(college, person, YEAR, status=offer)
                self.people[person.display_name] = Person(person.display_name, s, year_group, person.id,
                                                          kind="no-offer")
        # Priya's college enrolment is only a possible match: she stays on Birchington Vale's list.
        priya = make.young_person(forename="Priya", surname="Raman", date_of_birth=date(2007, 3, 14),
                                  postcode="TN23 4DD")
        birch = self.db.session.get(Establishment, self.schools[1].establishment_id)
        self.priya_record = make.school_record(priya, birch, kind="leaver", academic_year=YEAR)
        make.enrolment(college, priya, YEAR, upn=None, uln=None, surname="Ramen", date_of_birth=date(2007, 3, 19),
                       postcode="DA1 1ZZ", row_key="priya-row")
        self.people[priya.display_name] = Person(priya.display_name, 1, 11, priya.id)
        run_matching(YEAR)
        collection = build_lists("leavers", YEAR)
        db.session.commit()
        self.collection_ids = {"leavers": collection.id}
        self._take_entries("leavers", collection.id)
        assert all(p.entry_id for p in self.people.values() if p.kind == "leavers"), \
            "every leaver is on a list (none has a certain match)"
        self.pair_pending = True
        while self.today < SENT_ON:
            self._next_day()
        self._sign_in_staff()
        self._take_requests("leavers")

    def _take_entries(self, kind: str, collection_id: int):
        for entry in self.db.session.scalars(select(ListEntry).where(ListEntry.collection_id == collection_id)):
            person = next(p for p in self.people.values() if p.person_id == entry.young_person_id)
            assert person.kind == kind, (person.name, kind)
            person.entry_id = entry.id
            school = self.schools[person.school]
            school.lists.setdefault(kind, SchoolList(kind, person.school, collection_id)).people.append(person.name)
        for school in self.schools:
            if kind in school.lists:
                school.lists[kind].people.sort()

    def _take_requests(self, kind: str):
        """The lists went out today: each with a reply-by date that is a school day after today."""
        warned = read_calendar_warnings(self.admin_client, YEAR)
        for school in self.schools:
            if kind in school.lists:
                listed = school.lists[kind]
                request = self.db.session.scalar(select(SchoolRequest).where(
                    SchoolRequest.collection_id == listed.collection_id,
                    SchoolRequest.establishment_id == school.establishment_id))
                assert request is not None and request.status != "not_sent", (school.name, kind)
                listed.request_id, listed.sent_on, listed.due_on = request.id, self.today, request.due_on
                self._check_due_date(listed, warned)

    def _check_due_date(self, listed: SchoolList, warned: set[str]):
        """A reply-by date is after the send day and a school day (no weekend, bank holiday or school
        holiday), reckoned here from the calendar's holidays. The one exception the calendar allows is
        its own deadline for a list sent on time, and then the admin's calendar page warns of it."""
        collection = self.db.session.get(Collection, listed.collection_id)
        holidays = [(first, last) for _key, _label, first, last in get_holidays(YEAR)]
        due = listed.due_on
        school_day = due.weekday() < 5 and due not in bank_holidays(due.year) and not any(
            first <= due <= last for first, last in holidays)
        assert due > listed.sent_on, (listed.kind, due, listed.sent_on)
        calendar_deadline = listed.sent_on <= collection.send_on and due == collection.due_on
        assert school_day or calendar_deadline, (listed.kind, due, "a late list's reply-by date is not a school day")
        if calendar_deadline:
            assert (f"{CALENDAR_PREFIX[listed.kind]}_due" in warned) == (not school_day), (listed.kind, due, warned)

    def _next_day(self):
        self.today += timedelta(days=1)
        scheduler_day(self.app, self.traveller, self.today)

    def _sign_in_staff(self):
        self.officer_client = staff_client(self.app, self.officer)
        self.manager_client = staff_client(self.app, self.manager)
        self.admin_client = staff_client(self.app, self.admin)

    def _request(self, listed: SchoolList) -> SchoolRequest:
        return self.db.session.scalar(select(SchoolRequest).where(SchoolRequest.id == listed.request_id)
                                      .execution_options(populate_existing=True))

    def _lists(self) -> list[SchoolList]:
        return [listed for school in self.schools for kind, listed in sorted(school.lists.items())
                if listed.request_id is not None]

    def _open_lists(self) -> list[SchoolList]:
        """Lists that are out, whose link still works, not yet submitted."""
        open_ = []
        for listed in self._lists():
            request = self._request(listed)
            if request.status != "not_sent" and not listed.submitted and self.today <= listed.due_on + timedelta(13):
                open_.append(listed)
        return open_

    def _step(self):
        """Each step is another person's action (the rule that calls this), a minute after the last."""
        Counter.steps += 1
        self.rule = sys._getframe(1).f_code.co_name
        self._dashboards = {}
        self.traveller.shift(60)

    def _did(self, what: str):
        """The step's rule did what it is for: `what`, in words."""
        Counter.done[what] = Counter.done.get(what, 0) + 1
        Counter.rules[self.rule] = Counter.rules.get(self.rule, 0) + 1

    def _dirty(self, listed: SchoolList):
        self.dirty_lists.add((listed.school, listed.kind))

    def dashboard(self, kind: str = "leavers"):
        """The manager's dashboard for a collection as it stands after this step (read once a step)."""
        if kind not in self._dashboards:
            self._dashboards[kind] = read_dashboard(self.manager_client, self.collection_ids[kind])
        return self._dashboards[kind]

    # The clock.

    @rule(days=st.integers(min_value=1, max_value=6))
    def days_pass(self, days):
        """A few days, or in summer up to a few weeks (the June lists' reply period is long)."""
        self._step()
        for _ in range(days * (3 if self.summer else 1)):
            self._next_day()
        self._sign_in_staff()  # a staff session lasts a working day at most
        self._did("days passed")
        self.dirty_lists.update((listed.school, listed.kind) for listed in self._lists())

    @precondition(lambda self: not self.summer)
    @rule()
    def summer_comes(self):
        """The months to June pass (the scheduler runs on the first of each month), MI builds the
        no-offer lists on 1 June, and the scheduler sends them on their send day."""
        self._step()
        self.summer = True
        month = date(self.today.year, self.today.month, 1)
        while True:
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if month >= SUMMER:
                break
            self.today = month
            scheduler_day(self.app, self.traveller, month)
        self.today = SUMMER
        self.traveller.move_to(moment(SUMMER, "day"))
        collection = build_lists("no-offer", YEAR)
        self.db.session.commit()
        self.collection_ids["no-offer"] = collection.id
        send_on = collection.send_on
        self._take_entries("no-offer", collection.id)
        assert {p.name for p in self.people.values() if p.kind == "no-offer" and p.entry_id} == {
            p.name for p in self.people.values() if p.kind == "no-offer"} - {"Umar Pupil11"}, \
            "every pupil without a recorded offer is on a list; Umar has one"
        while self.today < send_on:
            self._next_day()
        self._sign_in_staff()
        self._take_requests("no-offer")
        self._did("summer came")
        self.dirty_lists.update((listed.school, listed.kind) for listed in self._lists())
        self.dirty_people.update(p.person_id for p in self.people.values())

    # Schools.

    def _choose(self, pick: int) -> SchoolList:
        lists = self._open_lists()
        return lists[pick % len(lists)]

    @precondition(lambda self: self._open_lists())
    @rule(pick=st.integers(0, 9))
    def school_opens_its_link(self, pick):
        """Someone at the school opens the newest emailed link and presses Continue."""
        self._step()
        listed = self._choose(pick)
        school = self.schools[listed.school]
        title = self.db.session.get(Collection, listed.collection_id).title
        links = []
        for message in self.mail.to(school.contacts[0]):
            body = message.get_body(preferencelist=("plain",)).get_content()
            found = LINK.search(body)
            if found and f"list for {title}" in " ".join(body.split()):
                links.append(found.group(1))
        assert links, (school.name, title, "no link emailed")
        client = self.app.test_client()
        page = client.get(links[-1])
        assert page.status_code == 200, page.get_data(as_text=True)[:1500]
        assert re.search(r"<button[^>]*>\s*Continue\s*</button>", page.get_data(as_text=True)), "a Continue button"
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        response = client.post(links[-1], data={"csrf_token": token.group(1)} if token else {})
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        listed.opened = True
        self._did(f"{listed.kind} link opened")
        self._dirty(listed)

    @precondition(lambda self: self._open_lists())
    @rule(pick=st.integers(0, 9), which=st.integers(0, 9), outcome=st.sampled_from(OUTCOMES),
          status=st.sampled_from(STATUSES), provider=st.sampled_from(PROVIDERS),
          offer_date=st.sampled_from(OFFER_DATES), phone=st.sampled_from(PHONES), note=st.sampled_from(NOTES),
          place=st.sampled_from(PLACES), draft=st.booleans(), colleague=st.booleans())
    def school_answers_on_the_form(self, pick, which, outcome, status, provider, offer_date, phone, note, place,
                                   draft, colleague):
        self._step()
        listed = self._choose(pick)
        school = self.schools[listed.school]
        person = self.people[listed.people[which % len(listed.people)]]
        contact = school.contacts[1 if colleague else 0]
        client = school_client(self.app, self._request(listed), contact)
        shown = read_answer_form(client, person.entry_id)
        june = listed.kind == "no-offer"
        if june:
            outcome = status
        typed = {**BLANK, "outcome": outcome, "moved_to": place if outcome.startswith("moved:") else "",
                 "phone": phone or "", "intelligence": note or ""}
        data = {**typed, "parent_phone": "", "email": "", "version": shown["version"]}
        if june:
            typed["provider_name"] = data["provider_name"] = provider or ""
            typed["start_date"] = f"{offer_date.day}/{offer_date.month}/{offer_date.year}" if offer_date else ""
            data["start_date"] = typed["start_date"].split("/") if offer_date else ["", "", ""]
        data["save_draft" if draft else "save"] = "Save as draft" if draft else "Save answer"
        response = client.post(f"/school/young-people/{person.entry_id}", data=data)
        if not draft and not (outcome or phone or note or (june and (provider or offer_date))):
            thing = "a status" if june else "a destination"
            assert response.status_code == 200 and f"Select {thing}, or tell us what you know" in \
                response.get_data(as_text=True)
            return
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        person.answer, person.answered = typed, not draft
        listed.started = True
        what = "colleague's draft" if colleague and draft else "draft" if draft else "answer on the form"
        self._did(f"{listed.kind} {what}")
        self.dirty_people.add(person.person_id)
        self._dirty(listed)

    @precondition(lambda self: self._open_lists())
    @rule(pick=st.integers(0, 9),
          changes=st.lists(st.tuples(st.integers(0, 9), st.sampled_from((None, *OUTCOMES[:-1])),
                                     st.sampled_from((None, *STATUSES[:-1])), st.sampled_from(PHONES),
                                     st.sampled_from(PROVIDERS), st.sampled_from(OFFER_DATES)),
                           min_size=1, max_size=3, unique_by=lambda c: c[0]))
    def school_uploads_its_list(self, pick, changes):
        """The school downloads its list, fills in a few rows and uploads it."""
        self._step()
        listed = self._choose(pick)
        school = self.schools[listed.school]
        june = listed.kind == "no-offer"
        client = school_client(self.app, self._request(listed), school.contacts[0])
        download = client.get("/school/young-people.xlsx")
        assert download.status_code == 200
        workbook, sheet, header_row, headers = read_sheet(download.data)
        names = ("Reference", "September Guarantee status", "Young person's phone", "Provider of the offer",
                 "Date of the offer") if june else ("Reference", "Destination", "Young person's phone")
        column = {name: headers.index(name) + 1 for name in names}
        rows = {sheet.cell(row=r, column=column["Reference"]).value: r
                for r in range(header_row + 1, sheet.max_row + 1)
                if sheet.cell(row=r, column=column["Reference"]).value not in (None, "")}
        words = outcome_words(listed.kind)
        changed = {}
        for which, outcome, status, phone, provider, offer_date in changes:
            person = self.people[listed.people[which % len(listed.people)]]
            if person.person_id in changed:
                continue
            before = person.answer or dict(BLANK)
            after = dict(before)
            if june:
                outcome = status
                if provider is not None:
                    after["provider_name"] = provider
                if offer_date is not None:
                    after["start_date"] = f"{offer_date.day}/{offer_date.month}/{offer_date.year}"
            if outcome is not None:
                after["outcome"] = outcome
            if phone is not None:
                after["phone"] = phone
            if after == before:
                continue  # nothing new typed on this row
            if not after["outcome"].startswith("moved:"):
                after["moved_to"] = ""
            row = rows[int(person.entry_id)] if int(person.entry_id) in rows else rows[str(person.entry_id)]
            outcome_column = column["September Guarantee status" if june else "Destination"]
            sheet.cell(row=row, column=outcome_column).value = words[after["outcome"]] if after["outcome"] else None
            sheet.cell(row=row, column=column["Young person's phone"]).value = after["phone"] or None
            if june:
                sheet.cell(row=row, column=column["Provider of the offer"]).value = after["provider_name"] or None
                day, month, year = (int(part) for part in after["start_date"].split("/")) if after["start_date"] \
                    else (None, None, None)
                sheet.cell(row=row, column=column["Date of the offer"]).value = \
                    datetime(year, month, day) if day else None
            changed[person.person_id] = (person, after)
        if not changed:
            return
        buffer = BytesIO()
        workbook.save(buffer)
        buffer.seek(0)
        response = client.post("/school/upload", data={"file": (buffer, "list.xlsx")},
                               content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        for person, after in changed.values():
            person.answer, person.answered = after, True
        listed.started = True
        self._did(f"{listed.kind} upload of {len(changed)} rows")
        self.dirty_people.update(self.people[name].person_id for name in listed.people)
        self._dirty(listed)

    @precondition(lambda self: self._open_lists())
    @rule(pick=st.integers(0, 9))
    def school_submits(self, pick):
        self._step()
        listed = self._choose(pick)
        school = self.schools[listed.school]
        client = school_client(self.app, self._request(listed), school.contacts[0])
        response = client.post("/school/submit", data={})
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        listed.submitted = True
        self._did(f"{listed.kind} submit")
        for name in listed.people:
            person = self.people[name]
            if not person.answered:
                continue
            outcome = person.answer["outcome"]
            if outcome.startswith("moved:"):
                person.moved = True
            elif outcome.startswith("sg:"):
                person.guarantees.append(outcome.removeprefix("sg:"))
            elif outcome and CODES[outcome] != "not_known":
                held = [a for a in person.activities if not a[2] and a[1] >= self.today - timedelta(days=92)]
                person.disputed = bool(held) and held[-1][0] != outcome
                person.activities.append((outcome, self.today, True))
        self.dirty_people.update(self.people[name].person_id for name in listed.people)
        self._dirty(listed)

    # Officers.

    def _cases_open(self, kind: str | None = None) -> bool:
        query = select(Case.id).where(Case.status == "open")
        if kind is not None:
            query = query.join(Collection, Collection.id == Case.collection_id).where(Collection.kind == kind)
        return bool(self.db.session.scalar(query.limit(1)))

    def _case(self, pick: int, kind: str | None = None) -> tuple[str, int]:
        """One of the open cases (of a kind of list): every open case is in the officer's queue."""
        queue = read_queue(self.officer_client)
        names = sorted(name for name in queue if kind is None or self.people[name].kind == kind)
        assert names, (f"an open {kind or ''} case is not in the officer's queue", queue)
        name = names[pick % len(names)]
        self.people[name].case_id = queue[name]
        return name, queue[name]

    def _case_version(self, case_id: int, prefix: str) -> str:
        html = self.officer_client.get(f"/cases/{case_id}").get_data(as_text=True)
        found = re.search(rf'name="{prefix}-version"[^>]*value="(\d+)"', html) or \
            re.search(rf'value="(\d+)"[^>]*name="{prefix}-version"', html)
        assert found, f"no {prefix} version on case {case_id}"
        return found.group(1)

    @precondition(lambda self: self._cases_open())
    @rule(pick=st.integers(0, 20), note=st.sampled_from(NOTES[1:]))
    def officer_logs_an_attempt(self, pick, note):
        self._step()
        name, case_id = self._case(pick)
        response = self.officer_client.post(f"/cases/{case_id}/attempts", data={
            "attempt-version": self._case_version(case_id, "attempt"), "attempt-channel": "phone",
            "attempt-used": "another", "attempt-other_value": "07700900999", "attempt-outcome": "no_answer",
            "attempt-notes": note})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.people[name].notes.append(note)
        self._did("attempt")
        self.dirty_people.add(self.people[name].person_id)

    def _activity_form(self, version: str, code: str, provider: str, note: str | None) -> dict:
        """The activity form as an officer fills it in: a provider for work or learning, a NEET start
        date for NEET, and a note."""
        data = {"activity-version": version, "activity-code": code,
                "activity-provider_name": provider if CODES[code] == "eet" else "", "activity-notes": note or ""}
        if CODES[code] == "neet":
            data["activity-neet_start_date"] = [str(self.today.day), str(self.today.month), str(self.today.year)]
        return data

    def _activity_recorded(self, person: Person, code: str, provider: str, note: str | None):
        """The model of an officer's activity: what they typed, as the timeline is to say it."""
        person.activities.append((code, self.today, False))
        person.disputed = False
        person.notes += [f"Activity recorded: {activity_words(code)}", *([provider] if CODES[code] == "eet" else []),
                         *([note] if note else [])]
        self.dirty_people.add(person.person_id)

    @precondition(lambda self: self._cases_open())
    @rule(pick=st.integers(0, 20), code=st.sampled_from(sorted(CODES)), provider=st.sampled_from(ACTIVITY_PROVIDERS),
          note=st.sampled_from(ACTIVITY_NOTES))
    def officer_records_an_activity(self, pick, code, provider, note):
        self._step()
        name, case_id = self._case(pick)
        data = self._activity_form(self._case_version(case_id, "activity"), code, provider, note)
        response = self.officer_client.post(f"/cases/{case_id}/activity", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self._activity_recorded(self.people[name], code, provider, note)
        self._did(f"officer activity {CODES[code]}")

    @rule(pick=st.integers(0, 40), code=st.sampled_from(["230", "330", "619"]),
          provider=st.sampled_from(ACTIVITY_PROVIDERS), note=st.sampled_from(ACTIVITY_NOTES))
    def officer_records_an_activity_on_the_young_persons_page(self, pick, code, provider, note):
        """Found without a case (a parent rings in): the young person's page, not the queue."""
        self._step()
        names = sorted(name for name, person in self.people.items() if person.kind == "leavers" and not person.moved)
        if not names:
            return
        name = names[pick % len(names)]
        person = self.people[name]
        html = self.officer_client.get(f"/people/{person.person_id}").get_data(as_text=True)
        found = re.search(r'name="activity-version"[^>]*value="(\d*)"', html) or \
            re.search(r'value="(\d*)"[^>]*name="activity-version"', html)
        data = self._activity_form(found.group(1) if found else "", code, provider, note)
        response = self.officer_client.post(f"/people/{person.person_id}/activity", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self._activity_recorded(person, code, provider, note)
        self._did(f"officer activity on the record {CODES[code]}")

    @precondition(lambda self: self._cases_open())
    @rule(pick=st.integers(0, 20), place=st.sampled_from(PLACES))
    def officer_records_a_move(self, pick, place):
        self._step()
        name, case_id = self._case(pick)
        response = self.officer_client.post(f"/cases/{case_id}/moved", data={
            "moved-version": self._case_version(case_id, "moved"), "moved-moved": "abroad", "moved-moved_to": place})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        person = self.people[name]
        person.moved = True
        person.notes += [place, moved_words("abroad", place)]
        self.dirty_people.add(person.person_id)
        self._did("officer move")

    @precondition(lambda self: self.summer and self._cases_open("no-offer"))
    @rule(pick=st.integers(0, 20), status=st.sampled_from(STATUSES[:5]), provider=st.sampled_from(PROVIDERS),
          offer_date=st.sampled_from(OFFER_DATES))
    def officer_records_a_guarantee_status(self, pick, status, provider, offer_date):
        self._step()
        name, case_id = self._case(pick, kind="no-offer")
        code = status.removeprefix("sg:")
        response = self.officer_client.post(f"/cases/{case_id}/guarantee", data={
            "guarantee-version": self._case_version(case_id, "guarantee"), "guarantee-status": code,
            "guarantee-provider_name": provider or "",
            "guarantee-offer_date": [str(offer_date.day), str(offer_date.month), str(offer_date.year)]
            if offer_date else ["", "", ""]})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        person = self.people[name]
        person.guarantees.append(code)
        person.notes += [f"September Guarantee status recorded: {guarantee_words(code)}",
                         *([provider] if provider else []),
                         *([f"offer made on {day_words(offer_date)}"] if offer_date else [])]
        self._did("officer status " + ("settled" if code in self.settled else "no offer yet"))
        self.dirty_people.add(person.person_id)
        self._dirty(self.schools[person.school].lists["no-offer"])

    # The admin and the manager.

    @precondition(lambda self: self.pair_pending)
    @rule(accept=st.booleans())
    def admin_decides_the_doubtful_match(self, accept):
        self._step()
        html = self.admin_client.get(f"/admin/matches/?year={YEAR}").get_data(as_text=True)
        found = re.search(r'name="result_id"[^>]*value="(\d+)"', html) or \
            re.search(r'value="(\d+)"[^>]*name="result_id"', html)
        assert found, "the doubtful pair is on the review page"
        response = self.admin_client.post("/admin/matches/decide", data={
            "result_id": found.group(1), "decision": "accepted" if accept else "rejected", "year": YEAR,
            "kind": "leaver_enrolment"})
        assert response.status_code == 302
        self.pair_pending = False
        self.people["Priya Raman"].matched = accept
        if accept:  # the enrolment found, as the activity a college implies
            self.people["Priya Raman"].activities.append(("230", self.today, False))
        self._did("match accepted" if accept else "match rejected")

    @rule(pick=st.integers(0, 9))
    def manager_chases_a_school(self, pick):
        self._step()
        lists = self._lists()
        listed = lists[pick % len(lists)]
        response = self.manager_client.post(f"/dashboard/requests/{listed.request_id}/chase")
        assert response.status_code == 302
        # The scheduler delivers queued emails every few seconds: a chaser that carries a new link
        # reaches the school before anyone there could open the link it replaces.
        tasks.run_deliver_outbox(self.app, limit=1000)
        page = self.manager_client.get(response.headers["Location"]).get_data(as_text=True)
        if "Chaser queued for" in page:
            listed.chased_by_hand += 1
            self._did(f"{listed.kind} chase")
        self._dirty(listed)

    # What every page must say.

    def _story(self) -> str:
        """What the model holds for each young person, for a failure's message."""
        return "; ".join(f"{p.name}: {p.activities or ''}{p.guarantees or ''}{' matched' if p.matched else ''}"
                         f"{' moved' if p.moved else ''}" for p in self.people.values()
                         if p.activities or p.guarantees or p.matched or p.moved)

    def _not_known(self) -> set[str]:
        return {p.name for p in self.people.values() if p.not_known(self.today)}

    def _neet(self) -> set[str]:
        return {p.name for p in self.people.values() if p.neet(self.today)}

    def _no_offer(self) -> set[str]:
        return {p.name for p in self.people.values() if p.no_offer(self.settled)}

    def _count(self, names: set[str], s: int) -> int:
        return sum(1 for name in names if self.people[name].school == s)

    @invariant()
    def figures_agree_with_the_model_everywhere(self):
        dashboard = self.dashboard()
        not_known, neet, no_offer = self._not_known(), self._neet(), self._no_offer()
        shown = (dashboard.not_known, dashboard.neet, dashboard.no_offer)
        assert shown == (len(not_known), len(neet), len(no_offer)), (
            f"dashboard shows Not Known {dashboard.not_known}, NEET {dashboard.neet}, no offer {dashboard.no_offer}; "
            f"the model {len(not_known)} {sorted(not_known)}, {len(neet)} {sorted(neet)}, {len(no_offer)} "
            f"{sorted(no_offer)}; by school {dashboard.tables.get('Not Known and NEET by school')}; {self._story()}")
        for caption, rows in dashboard.tables.items():
            assert sum(r[1] for r in rows.values()) == dashboard.not_known, caption
            assert sum(r[2] for r in rows.values()) == dashboard.neet, caption
        by_school = dashboard.tables["Not Known and NEET by school"]
        for s, school in enumerate(self.schools):
            shown = by_school.get(school.name, (0, 0, 0))  # a school all of whose leavers moved away has no row
            assert shown[1] == self._count(not_known, s), (school.name, shown, self._count(not_known, s))
        on_schools_page = read_schools_index(self.manager_client, YEAR)
        for s, school in enumerate(self.schools):
            expected = (self._count(not_known, s), self._count(no_offer, s))
            assert on_schools_page.get(school.laestab) == expected, (school.name, on_schools_page, expected)
        exported = {row["School"]: (row["Not Known"], row["NEET"])
                    for row in read_export(self.manager_client, "school-figures", self.collection_ids["leavers"])}
        assert exported == {label: (r[1], r[2]) for label, r in by_school.items()}
        if self.summer:
            assert self.dashboard("no-offer").no_offer == len(no_offer)
            exported = {row["School"]: (row["On the no-offer list"], row["No offer yet"]) for row in read_export(
                self.manager_client, "no-offer", self.collection_ids["no-offer"])}
            expected = {school.name: (len(school.lists["no-offer"].people), self._count(no_offer, s))
                        for s, school in enumerate(self.schools) if "no-offer" in school.lists}
            assert exported == expected, (exported, expected, self._story())

    @invariant()
    def every_open_case_is_for_someone_not_known_or_without_an_offer(self):
        queue = read_queue(self.officer_client)
        disputed = {p.name for p in self.people.values() if p.disputed}
        allowed = self._not_known() | disputed | self._no_offer()
        assert set(queue) <= allowed, (sorted(set(queue) - allowed), self._story())

    @invariant()
    def no_answer_typed_is_lost(self):
        """What a school typed is on its answer page until it submits, then on the officer's case
        page; what an officer typed (an attempt's notes, an activity's provider and notes, where they
        moved to, a status's provider and offer date) is on the young person's page and on the case
        page, open or closed."""
        queue = read_queue(self.officer_client) if self.dirty_people else {}
        for person in self.people.values():
            if person.person_id not in self.dirty_people or person.entry_id is None:
                continue
            if person.notes:
                page = text_of(self.officer_client.get(f"/people/{person.person_id}").get_data(as_text=True))
                for value in person.notes:
                    assert value in page, (person.name, value, "the young person's page")
            listed = self.schools[person.school].lists[person.kind]
            if person.answer is not None and not listed.submitted and \
                    self.today <= listed.due_on + timedelta(days=13):
                client = school_client(self.app, self._request(listed), self.schools[person.school].contacts[0])
                shown = read_answer_form(client, person.entry_id)
                for name, typed in person.answer.items():
                    assert shown[name] == typed, (person.name, name, shown[name], typed)
            case_id = queue.get(person.name, person.case_id)
            if case_id is None:
                continue
            page = text_of(self.officer_client.get(f"/cases/{case_id}").get_data(as_text=True))
            typed = list(person.notes)
            if person.name in queue and person.answer is not None and person.answered and listed.submitted:
                typed += [person.answer[name] for name in ("phone", "intelligence", "provider_name")
                          if person.answer[name]]
                if person.answer["start_date"]:
                    day, month, year = (int(part) for part in person.answer["start_date"].split("/"))
                    typed.append(day_words(date(year, month, day)))
            for value in typed:
                assert value in page, (person.name, value, case_id)
        self.dirty_people.clear()

    @invariant()
    def each_young_person_is_in_one_state_on_the_school_list(self):
        for s, kind in sorted(self.dirty_lists):
            listed = self.schools[s].lists[kind]
            if self.today > listed.due_on + timedelta(days=13):
                continue  # the school's link has expired: the staff pages' counts are checked below
            client = school_client(self.app, self._request(listed), self.schools[s].contacts[0])
            shown, reply_by, late = read_portal_list(client)
            expected = {name: STATE_WORDS[self.people[name].state()] for name in listed.people}
            assert shown == expected, (self.schools[s].name, kind, shown, expected)
            expected = (None, False) if listed.submitted else (listed.due_on, self.today > listed.due_on)
            assert (reply_by, late) == expected, (self.schools[s].name, kind, reply_by, late, expected)

    def _expected_status(self, listed: SchoolList) -> str:
        if listed.submitted:
            return "Submitted"
        if self.today > listed.due_on:
            return "Overdue"
        return "In progress" if listed.started else "Opened" if listed.opened else "Sent"

    @invariant()
    def one_status_and_one_chase_count_everywhere(self):
        if not self.dirty_lists:
            return
        not_known, no_offer = self._not_known(), self._no_offer()
        for s, kind in sorted(self.dirty_lists):
            school, listed = self.schools[s], self.schools[s].lists[kind]
            row = self.dashboard(kind).rows[listed.request_id]
            request_page = read_request_page(self.manager_client, listed.request_id)
            school_page, school_page_chasers = read_school_page_status(self.manager_client, school.laestab, YEAR,
                                                                       kind)
            assert row["status"] == request_page["status"] == school_page, (school.name, kind, row, request_page,
                                                                           school_page)
            assert school_page_chasers == row["chasers"], (school.name, kind, row, school_page_chasers)
            expected = self._expected_status(listed)
            assert row["status"] == expected, (school.name, kind, row, expected)
            assert (request_page["sent"], request_page["deadline"]) == (listed.sent_on, listed.due_on), (
                school.name, kind, request_page, listed.sent_on, listed.due_on)
            assert (row["reminders"], row["chasers"]) == (request_page["reminders"], request_page["chasers"])
            figures_shown = read_school_page_figure(self.manager_client, school.laestab, YEAR)
            if kind == "leavers":
                assert request_page["not_known"] == self._count(not_known, s), (school.name, request_page)
            else:
                assert request_page["no_offer"] == self._count(no_offer, s), (school.name, request_page)
            assert figures_shown == (self._count(not_known, s), self._count(no_offer, s)), (school.name, figures_shown)
            assert row["chasers"] >= listed.chased_by_hand, (school.name, kind, row, listed.chased_by_hand)
            states = [self.people[name].state() for name in listed.people]
            assert row["answered"] == states.count("answered"), (school.name, kind, row, states)
            assert request_page["progress"] == (states.count("answered"), len(states), states.count("draft")), (
                school.name, kind, request_page, states)
        self.dirty_lists.clear()


def play(app, db, mail, profile: str, minutes: float = 0.0) -> tuple[int, int]:
    """Run the machine under a settings profile (for `minutes`, batch after batch, when given)."""
    WholeService.app, WholeService.db, WholeService.mail = app, db, mail
    Counter.examples = Counter.steps = 0
    Counter.done, Counter.rules = {}, {}
    chosen = settings.get_profile(profile)
    stop_at = time.monotonic() + minutes * 60
    while True:
        run_state_machine_as_test(WholeService, settings=chosen)
        if time.monotonic() >= stop_at:
            return Counter.examples, Counter.steps


@pytest.fixture
def mail_server(app, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    with SmtpServer(port=port) as server:
        yield server


def test_the_whole_service_tells_one_story(app, db, mail_server, capsys):
    minutes = float(os.environ.get("TEP_SOAK_MINUTES", "0") or 0)
    profile = os.environ.get("TEP_STATEFUL_PROFILE") or ("soak" if minutes else "make-test")
    examples, steps = play(app, db, mail_server, profile, minutes)
    rules = sorted(rule.function.__name__ for rule in WholeService.setup_state().rules)
    with capsys.disabled():
        print(f"\nwhole service: {examples} examples, {steps} steps "
              f"({', '.join(f'{what} {n}' for what, n in sorted(Counter.done.items()))})\n"
              f"by rule: {', '.join(f'{rule} {Counter.rules.get(rule, 0)}' for rule in rules)}")
    assert examples and steps
    if profile == "make-test":  # the fixed examples play every rule: one that becomes unreachable is named here
        idle = [rule for rule in rules if rule not in Counter.rules]
        assert not idle, f"rules that never did what they are for in the fixed examples: {idle}"
    assert db.session.scalar(select(Collection.id)) is None  # each example left nothing behind
    assert db.session.scalar(select(MatchResult.id)) is None
