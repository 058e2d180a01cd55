"""The whole service as its users meet it, played at random: schools answer on the form and by
uploading their list (partial sheets, drafts, a colleague's draft), officers log attempts and record
activities and moves, an admin decides a doubtful match, a manager chases, and the clock moves on
through deadlines and holidays with the scheduler's jobs run each day.

After every step the pages and exports are checked against a small model of the truth kept here:
the Not Known and NEET figures, every table and export that shows them, the case queue, each
school's list and answers, and each school's request status. `make test` runs a fixed number of
examples; `make soak` runs examples until TEP_SOAK_MINUTES have passed.
"""
import os
import re
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from tep_app.models import Case, Collection, Establishment, ListEntry, MatchResult, SchoolRequest
from tep_app.services import figures
from tep_app.services.destinations import outcome_words
from tep_app.services.lists import build_lists
from tep_app.services.matching import run_matching
from tests.factories import Factory
from tests.integration.messaging_support import SmtpServer, free_port
from tests.integration.staff_support import staff_client
from tests.integration.whole_service_support import (
    example_savepoint,
    moment,
    read_answer_form,
    read_dashboard,
    read_export,
    read_portal_states,
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
CODES = {"230": "eet", "310": "eet", "330": "eet", "619": "neet", "810": "not_known"}
OUTCOMES = ("230", "310", "619", "810", "moved:other_la", "moved:abroad", "")
PHONES = (None, "07700900461", "07700900462", "01227700123")
NOTES = (None, "Left in July", "Living with an aunt in Margate", "Mum says college in September")
PLACES = ("Scotland", "Wales", "France")
STATE_WORDS = {"not_started": "Not started", "draft": "Draft", "contact_only": "Contact details given",
               "answered": "Answered"}

settings.register_profile("make-test", max_examples=int(os.environ.get("TEP_STATEFUL_EXAMPLES", "8")),
                          stateful_step_count=20, deadline=None, derandomize=True, database=None,
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


@dataclass
class Person:
    """One leaver, as the model knows them."""
    name: str
    school: int
    year_group: int
    person_id: int
    entry_id: int | None = None
    activities: list = field(default_factory=list)  # (code, ascertained on, by a school?)
    matched: bool = False  # an accepted enrolment match
    moved: bool = False
    disputed: bool = False  # a school's activity differs from an officer's recent one: a case to judge
    answer: dict | None = None  # what the school typed last: outcome, moved_to, provider_name, phone, intelligence
    answered: bool = False  # given as the answer (not a draft)
    notes: list = field(default_factory=list)  # what officers typed on the case

    def not_known(self, today: date) -> bool:
        if self.moved:
            return False
        if not self.activities:
            return not self.matched
        code, on, _school = self.activities[-1]
        return CODES[code] == "not_known" or lapses_on(on, CODES[code]) < today

    def neet(self, today: date) -> bool:
        if self.moved or not self.activities:
            return False
        code, on, _school = self.activities[-1]
        return CODES[code] == "neet" and lapses_on(on, CODES[code]) >= today

    def state(self) -> str:
        if self.answer is None:
            return "not_started"
        if not self.answered:
            return "draft"
        return "answered" if self.answer["outcome"] else "contact_only"


@dataclass
class School:
    name: str
    laestab: str
    establishment_id: int
    contacts: list
    people: list = field(default_factory=list)
    request_id: int | None = None
    submitted: bool = False
    chased_by_hand: int = 0


class Counter:
    examples = 0
    steps = 0
    done: dict = {}  # what the steps did, by rule: printed with the totals


class WholeService(RuleBasedStateMachine):
    """Set up as `WholeService.bind(app, db)` before running."""

    app = None
    db = None

    def __init__(self):
        super().__init__()
        Counter.examples += 1
        self.stack = ExitStack()
        self.stack.enter_context(example_savepoint(self.db))
        figures._CACHE.clear()
        self.traveller = self.stack.enter_context(time_machine.travel(moment(BUILT_ON, "day"), tick=False))
        self.today = BUILT_ON
        self.dirty_people: set[int] = set()
        self.dirty_schools: set[int] = set()
        self._dashboard = None
        self._build_county()

    def teardown(self):
        self.stack.close()

    # The county: three schools, a dozen leavers, one doubtful enrolment match.

    def _build_county(self):
        db, make = self.db, Factory(self.db)
        self.officer = make.staff("officer", name="Olive Officer")
        self.manager = make.staff("manager", name="Morgan Manager")
        self.admin = make.staff("admin", name="Ada Admin")
        college = make.establishment(type="college", contacts=0, name="Stour Valley College")
        forenames = ["Ava", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kit", "Lena"]
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
        self.collection_id = collection.id
        for entry in db.session.scalars(select(ListEntry).where(ListEntry.collection_id == collection.id)):
            person = next(p for p in self.people.values() if p.person_id == entry.young_person_id)
            person.entry_id = entry.id
            self.schools[person.school].people.append(person.name)
        for school in self.schools:
            school.people.sort()
        assert all(p.entry_id for p in self.people.values()), "every leaver is on a list (none has a certain match)"
        self.pair_pending = True
        while self.today < SENT_ON:
            self._next_day()
        for school in self.schools:
            school.request_id = db.session.scalar(select(SchoolRequest.id).where(
                SchoolRequest.collection_id == collection.id,
                SchoolRequest.establishment_id == school.establishment_id))
        self._sign_in_staff()

    def _next_day(self):
        self.today += timedelta(days=1)
        scheduler_day(self.app, self.traveller, self.today)

    def _sign_in_staff(self):
        self.officer_client = staff_client(self.app, self.officer)
        self.manager_client = staff_client(self.app, self.manager)
        self.admin_client = staff_client(self.app, self.admin)

    def _request(self, school: School) -> SchoolRequest:
        return self.db.session.scalar(select(SchoolRequest).where(SchoolRequest.id == school.request_id)
                                      .execution_options(populate_existing=True))

    def _open_schools(self) -> list[School]:
        """Schools whose list is out and whose link still works, not yet submitted."""
        open_ = []
        for school in self.schools:
            request = self._request(school)
            if request.status != "not_sent" and not school.submitted and self.today <= request.due_on + timedelta(13):
                open_.append(school)
        return open_

    def _step(self):
        """Each step is another person's action, a minute after the last."""
        Counter.steps += 1
        self._dashboard = None
        self.traveller.shift(60)

    def _did(self, what: str):
        Counter.done[what] = Counter.done.get(what, 0) + 1

    def dashboard(self):
        """The manager's dashboard as it stands after this step (read once a step)."""
        if self._dashboard is None:
            self._dashboard = read_dashboard(self.manager_client, self.collection_id)
        return self._dashboard

    # The clock.

    @rule(days=st.integers(min_value=1, max_value=6))
    def days_pass(self, days):
        self._step()
        for _ in range(days):
            self._next_day()
        self._sign_in_staff()  # a staff session lasts a working day at most
        self._did("days passed")
        self.dirty_schools.update(range(len(self.schools)))

    # Schools.

    @precondition(lambda self: self._open_schools())
    @rule(pick=st.integers(0, 9), which=st.integers(0, 9), outcome=st.sampled_from(OUTCOMES),
          phone=st.sampled_from(PHONES), note=st.sampled_from(NOTES), place=st.sampled_from(PLACES),
          draft=st.booleans(), colleague=st.booleans())
    def school_answers_on_the_form(self, pick, which, outcome, phone, note, place, draft, colleague):
        self._step()
        schools = self._open_schools()
        school = schools[pick % len(schools)]
        person = self.people[school.people[which % len(school.people)]]
        contact = school.contacts[1 if colleague else 0]
        client = school_client(self.app, self._request(school), contact)
        shown = read_answer_form(client, person.entry_id)
        typed = {"outcome": outcome, "moved_to": place if outcome.startswith("moved:") else "",
                 "provider_name": "", "phone": phone or "", "intelligence": note or ""}
        data = {**typed, "parent_phone": "", "email": "", "version": shown["version"]}
        data["save_draft" if draft else "save"] = "Save as draft" if draft else "Save answer"
        response = client.post(f"/school/young-people/{person.entry_id}", data=data)
        if not draft and not (outcome or phone or note):
            assert response.status_code == 200 and "Select a destination, or tell us what you know" in \
                response.get_data(as_text=True)
            return
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        person.answer, person.answered = typed, not draft
        self._did("colleague's draft" if colleague and draft else "draft" if draft else "answer on the form")
        self.dirty_people.add(person.person_id)
        self.dirty_schools.add(person.school)

    @precondition(lambda self: self._open_schools())
    @rule(pick=st.integers(0, 9),
          changes=st.lists(st.tuples(st.integers(0, 9), st.sampled_from((None, *OUTCOMES[:-1])),
                                     st.sampled_from(PHONES)), min_size=1, max_size=3, unique_by=lambda c: c[0]))
    def school_uploads_its_list(self, pick, changes):
        """The school downloads its list, fills in a few rows and uploads it."""
        self._step()
        schools = self._open_schools()
        school = schools[pick % len(schools)]
        client = school_client(self.app, self._request(school), school.contacts[0])
        download = client.get("/school/young-people.xlsx")
        assert download.status_code == 200
        workbook, sheet, header_row, headers = read_sheet(download.data)
        column = {name: headers.index(name) + 1 for name in ("Reference", "Destination", "Young person's phone")}
        rows = {sheet.cell(row=r, column=column["Reference"]).value: r
                for r in range(header_row + 1, sheet.max_row + 1)
                if sheet.cell(row=r, column=column["Reference"]).value not in (None, "")}
        words = outcome_words("leavers")
        changed = {}
        for which, outcome, phone in changes:
            person = self.people[school.people[which % len(school.people)]]
            if person.person_id in changed:
                continue
            before = person.answer or {"outcome": "", "moved_to": "", "provider_name": "", "phone": "",
                                       "intelligence": ""}
            after = dict(before)
            if outcome is not None:
                after["outcome"] = outcome
            if phone is not None:
                after["phone"] = phone
            if after["outcome"] == before["outcome"] and after["phone"] == before["phone"]:
                continue  # nothing new typed on this row
            if not after["outcome"].startswith("moved:"):
                after["moved_to"] = ""
            row = rows[int(person.entry_id)] if int(person.entry_id) in rows else rows[str(person.entry_id)]
            sheet.cell(row=row, column=column["Destination"]).value = words[after["outcome"]] if after["outcome"] \
                else None
            sheet.cell(row=row, column=column["Young person's phone"]).value = after["phone"] or None
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
        self._did(f"upload of {len(changed)} rows")
        self.dirty_people.update(p.person_id for p in self.people.values() if p.school == self.schools.index(school))
        self.dirty_schools.add(self.schools.index(school))

    @precondition(lambda self: self._open_schools())
    @rule(pick=st.integers(0, 9))
    def school_submits(self, pick):
        self._step()
        schools = self._open_schools()
        school = schools[pick % len(schools)]
        client = school_client(self.app, self._request(school), school.contacts[0])
        response = client.post("/school/submit", data={})
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        school.submitted = True
        self._did("submit")
        for name in school.people:
            person = self.people[name]
            if not person.answered:
                continue
            outcome = person.answer["outcome"]
            if outcome.startswith("moved:"):
                person.moved = True
            elif outcome and CODES[outcome] != "not_known":
                held = [a for a in person.activities if not a[2] and a[1] >= self.today - timedelta(days=92)]
                person.disputed = bool(held) and held[-1][0] != outcome
                person.activities.append((outcome, self.today, True))
        self.dirty_people.update(self.people[name].person_id for name in school.people)
        self.dirty_schools.add(self.schools.index(school))

    # Officers.

    def _cases_open(self) -> bool:
        return bool(self.db.session.scalar(select(Case.id).where(Case.status == "open").limit(1)))

    def _case(self, pick: int) -> tuple[str, int] | None:
        queue = read_queue(self.officer_client)
        if not queue:
            self._did("officer found no case")
            return None
        name = sorted(queue)[pick % len(queue)]
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
        found = self._case(pick)
        if found is None:
            return
        name, case_id = found
        response = self.officer_client.post(f"/cases/{case_id}/attempts", data={
            "attempt-version": self._case_version(case_id, "attempt"), "attempt-channel": "phone",
            "attempt-used": "another", "attempt-other_value": "07700900999", "attempt-outcome": "no_answer",
            "attempt-notes": note})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.people[name].notes.append(note)
        self._did("attempt")
        self.dirty_people.add(self.people[name].person_id)

    @precondition(lambda self: self._cases_open())
    @rule(pick=st.integers(0, 20), code=st.sampled_from(sorted(CODES)))
    def officer_records_an_activity(self, pick, code):
        self._step()
        found = self._case(pick)
        if found is None:
            return
        name, case_id = found
        data = {"activity-version": self._case_version(case_id, "activity"), "activity-code": code,
                "activity-provider_name": "Ramsgate Bakery" if CODES[code] == "eet" else ""}
        if CODES[code] == "neet":
            data["activity-neet_start_date"] = [str(self.today.day), str(self.today.month), str(self.today.year)]
        response = self.officer_client.post(f"/cases/{case_id}/activity", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        person = self.people[name]
        person.activities.append((code, self.today, False))
        person.disputed = False
        self._did(f"officer activity {CODES[code]}")

    @precondition(lambda self: self._cases_open())
    @rule(pick=st.integers(0, 20), place=st.sampled_from(PLACES))
    def officer_records_a_move(self, pick, place):
        self._step()
        found = self._case(pick)
        if found is None:
            return
        name, case_id = found
        response = self.officer_client.post(f"/cases/{case_id}/moved", data={
            "moved-version": self._case_version(case_id, "moved"), "moved-moved": "abroad", "moved-moved_to": place})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        self.people[name].moved = True
        self._did("officer move")

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
        self._did("match accepted" if accept else "match rejected")

    @rule(pick=st.integers(0, 9))
    def manager_chases_a_school(self, pick):
        self._step()
        school = self.schools[pick % len(self.schools)]
        response = self.manager_client.post(f"/dashboard/requests/{school.request_id}/chase")
        assert response.status_code == 302
        page = self.manager_client.get(response.headers["Location"]).get_data(as_text=True)
        if "Chaser queued for" in page:
            school.chased_by_hand += 1
            self._did("chase")
        self.dirty_schools.add(self.schools.index(school))

    # What every page must say.

    def _story(self) -> str:
        """What the model holds for each young person, for a failure's message."""
        return "; ".join(f"{p.name}: {p.activities or ''}{' matched' if p.matched else ''}"
                         f"{' moved' if p.moved else ''}" for p in self.people.values()
                         if p.activities or p.matched or p.moved)

    def _not_known(self) -> set[str]:
        return {p.name for p in self.people.values() if p.not_known(self.today)}

    def _neet(self) -> set[str]:
        return {p.name for p in self.people.values() if p.neet(self.today)}

    @invariant()
    def figures_agree_with_the_model_everywhere(self):
        dashboard = self.dashboard()
        not_known, neet = self._not_known(), self._neet()
        assert (dashboard.not_known, dashboard.neet) == (len(not_known), len(neet)), (
            f"dashboard shows Not Known {dashboard.not_known}, NEET {dashboard.neet}; the model "
            f"{len(not_known)} {sorted(not_known)}, {len(neet)} {sorted(neet)}; by school "
            f"{dashboard.tables.get('Not Known and NEET by school')}; {self._story()}")
        for caption, rows in dashboard.tables.items():
            assert sum(r[1] for r in rows.values()) == dashboard.not_known, caption
            assert sum(r[2] for r in rows.values()) == dashboard.neet, caption
        by_school = dashboard.tables["Not Known and NEET by school"]
        for s, school in enumerate(self.schools):
            expected = sum(1 for name in not_known if self.people[name].school == s)
            shown = by_school.get(school.name, (0, 0, 0))  # a school all of whose leavers moved away has no row
            assert shown[1] == expected, (school.name, shown, expected)
        on_schools_page = read_schools_index(self.manager_client, YEAR)
        for s, school in enumerate(self.schools):
            expected = sum(1 for name in not_known if self.people[name].school == s)
            assert on_schools_page.get(school.laestab) == expected, (school.name, on_schools_page, expected)
        exported = {row["School"]: (row["Not Known"], row["NEET"])
                    for row in read_export(self.manager_client, "school-figures", self.collection_id)}
        assert exported == {label: (r[1], r[2]) for label, r in by_school.items()}

    @invariant()
    def every_open_case_is_for_someone_not_known(self):
        queue = read_queue(self.officer_client)
        not_known = self._not_known()
        disputed = {p.name for p in self.people.values() if p.disputed}
        assert set(queue) <= not_known | disputed, sorted(set(queue) - not_known - disputed)

    @invariant()
    def no_answer_typed_is_lost(self):
        """What a school typed is on its answer page until it submits, then on the officer's case
        page; what an officer typed is on the case page."""
        queue = read_queue(self.officer_client) if self.dirty_people else {}
        for person in self.people.values():
            if person.person_id not in self.dirty_people:
                continue
            school = self.schools[person.school]
            if person.answer is not None and not school.submitted:
                client = school_client(self.app, self._request(school), school.contacts[0])
                shown = read_answer_form(client, person.entry_id)
                for name, typed in person.answer.items():
                    assert shown[name] == typed, (person.name, name, shown[name], typed)
            if person.name not in queue:
                continue
            page = text_of(self.officer_client.get(f"/cases/{queue[person.name]}").get_data(as_text=True))
            typed = list(person.notes)
            if person.answer is not None and person.answered and school.submitted:
                typed += [person.answer[name] for name in ("phone", "intelligence") if person.answer[name]]
            for value in typed:
                assert value in page, (person.name, value)
        self.dirty_people.clear()

    @invariant()
    def each_young_person_is_in_one_state_on_the_school_list(self):
        for s in sorted(self.dirty_schools):
            school = self.schools[s]
            request = self._request(school)
            if self.today > request.due_on + timedelta(days=13):
                continue  # the school's link has expired: the staff pages' counts are checked below
            client = school_client(self.app, request, school.contacts[0])
            shown = read_portal_states(client)
            expected = {name: STATE_WORDS[self.people[name].state()] for name in school.people}
            assert shown == expected, (school.name, shown, expected)

    @invariant()
    def one_status_and_one_chase_count_everywhere(self):
        if not self.dirty_schools:
            return
        dashboard = self.dashboard()
        not_known = self._not_known()
        for s in sorted(self.dirty_schools):
            school = self.schools[s]
            row = dashboard.rows[school.request_id]
            request_page = read_request_page(self.manager_client, school.request_id)
            school_page, school_page_chasers = read_school_page_status(self.manager_client, school.laestab, YEAR)
            assert row["status"] == request_page["status"] == school_page, (school.name, row, request_page,
                                                                           school_page)
            assert school_page_chasers == row["chasers"], (school.name, row, school_page_chasers)
            due_on = self._request(school).due_on
            if school.submitted:
                assert row["status"] == "Submitted"
            elif self.today > due_on:
                assert row["status"] == "Overdue", (school.name, row, due_on)
            assert (row["reminders"], row["chasers"]) == (request_page["reminders"], request_page["chasers"])
            expected = sum(1 for name in not_known if self.people[name].school == s)
            assert request_page["not_known"] == expected, (school.name, request_page, expected)
            assert read_school_page_figure(self.manager_client, school.laestab, YEAR) == expected, school.name
            assert row["chasers"] >= school.chased_by_hand, (school.name, row, school.chased_by_hand)
            states = [self.people[name].state() for name in school.people]
            assert row["answered"] == states.count("answered"), (school.name, row, states)
            assert request_page["progress"] == (states.count("answered"), len(states), states.count("draft")), (
                school.name, request_page, states)
        self.dirty_schools.clear()


def play(app, db, profile: str, minutes: float = 0.0) -> tuple[int, int]:
    """Run the machine under a settings profile (for `minutes`, batch after batch, when given)."""
    WholeService.app, WholeService.db = app, db
    Counter.examples = Counter.steps = 0
    Counter.done = {}
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
    examples, steps = play(app, db, profile, minutes)
    with capsys.disabled():
        print(f"\nwhole service: {examples} examples, {steps} steps "
              f"({', '.join(f'{what} {n}' for what, n in sorted(Counter.done.items()))})")
    assert examples and steps
    assert db.session.scalar(select(Collection.id)) is None  # each example left nothing behind
    assert db.session.scalar(select(MatchResult.id)) is None
