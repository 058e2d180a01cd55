"""Helpers for the stateful test of the whole service: a small county, the people who use it
signed in through the web layer, the scheduler's day, and readers for what each page and export
shows (the HTML and the .xlsx the users see)."""
import html
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from io import BytesIO
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tep_app.jobs import tasks

LONDON = ZoneInfo("Europe/London")
SCHEDULE = {"night": clock_time(1, 0), "send": clock_time(7, 0), "follow_up": clock_time(8, 0),
            "day": clock_time(11, 0)}


def moment(day: date, part: str) -> datetime:
    """A moment of a London day, as UTC."""
    return datetime.combine(day, SCHEDULE[part], tzinfo=LONDON).astimezone(UTC)


@contextmanager
def example_savepoint(db):
    """Everything one example writes, rolled back when it ends (the test's own transaction holds
    the schema and nothing else)."""
    connection = db.session.get_bind()
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        if savepoint.is_active:
            savepoint.rollback()


def scheduler_day(app, traveller, day: date) -> None:
    """The scheduler's jobs for one day, each at its hour, as the scheduler runs them."""
    traveller.move_to(moment(day, "night"))
    tasks.run_open_lapsed_cases(app)
    traveller.move_to(moment(day, "send"))
    tasks.run_send_due_collections(app)
    traveller.move_to(moment(day, "follow_up"))
    tasks.run_reminders(app)
    tasks.run_chasers(app)
    tasks.run_deliver_outbox(app, limit=1000)
    traveller.move_to(moment(day, "day"))


def school_client(app, school_request, contact_email: str):
    """A school's browser with a confirmed session for its request (the code journey has tests
    of its own)."""
    from tep_app.auth.sessions import SCHOOL_KEY, record_session
    from tep_app.extensions import db
    from tep_app.services.school_requests.links import link_fingerprint

    client = app.test_client()
    with client.session_transaction() as session:
        session["school_request_id"] = school_request.id
        session["school_contact_email"] = contact_email
        session["school_link"] = link_fingerprint(school_request)
        session["school_seen_at"] = int(time.time())
        session[SCHOOL_KEY] = record_session("school", school_request_id=school_request.id,
                                             contact_email=contact_email)
    db.session.commit()
    return client


# What the pages show.

def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


@dataclass
class DashboardView:
    not_known: int
    neet: int
    no_offer: int
    tables: dict  # caption -> {label: (leavers, not known, neet)}
    rows: dict  # request id -> {"status": label, "reminders": n, "chasers": n, "answered": n}
    exports: dict = field(default_factory=dict)


TAG = re.compile(r"<[^>]+>")
CELL = re.compile(r"<t([hd])[^>]*>(.*?)</t[hd]>", re.S)


def text_of(fragment: str) -> str:
    """A fragment of HTML as the words a user reads."""
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def read_dashboard(client, collection_id: int) -> DashboardView:
    """The manager's dashboard (read with patterns: it is the largest page, read after every step)."""
    page = client.get(f"/dashboard/?collection={collection_id}").get_data(as_text=True)
    figure = dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)<', page))
    tables = {}
    for table in re.findall(r"<table.*?</table>", page, re.S):
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S)
        caption = text_of(caption.group(1)) if caption else ""
        if not caption.startswith("Not Known and NEET by"):
            continue
        rows = {}
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody", 1)[1], re.S):
            cells = [text_of(cell) for _kind, cell in CELL.findall(row)]
            if len(cells) == 6:
                rows[cells[0]] = (int(cells[1]), int(cells[2]), int(cells[4]))
        tables[caption] = rows
    requests = {}
    for request_id, row in re.findall(r'<tr[^>]*data-school-request="(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        cells = [text_of(cell) for kind, cell in CELL.findall(row) if kind == "d"]
        reminders, chasers = (int(part) for part in cells[3].split(","))
        requests[int(request_id)] = {"status": cells[0], "reminders": reminders, "chasers": chasers,
                                     "answered": int(cells[4].split(" of ")[0])}
    return DashboardView(int(figure["not-known"]), int(figure["neet"]), int(figure["no-offer"]), tables, requests)


def read_export(client, table: str, collection_id: int) -> list[dict]:
    """A dashboard export as the manager opens it: one dict per row, keyed by the header."""
    response = client.get(f"/dashboard/export?table={table}&collection={collection_id}")
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and any(row))
    headers = [str(h) for h in rows[header_at]]
    return [dict(zip(headers, row, strict=False)) for row in rows[header_at + 1:] if row and any(row)]


DAY_WORDS = r"\d{1,2} [A-Z][a-z]+ \d{4}"


def read_day(words_shown: str) -> date:
    """A day as the pages write it, "31 October 2023"."""
    return datetime.strptime(words_shown, "%d %B %Y").date()


def read_request_page(client, request_id: int) -> dict:
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    status = text_of(re.search(r'<strong[^>]*id="request-status"[^>]*>(.*?)</strong>', page, re.S).group(1))
    found = re.search(r"(\d+) reminders?, (\d+) chasers?", text_of(page))
    not_known = re.search(r'data-figure="not-known">(\d+)<', page)
    no_offer = re.search(r'data-figure="no-offer">(\d+)<', page)
    progress = re.search(r"(\d+) of (\d+) young (?:person|people) answered(?:, (\d+) drafts?)?", text_of(page))
    deadline = re.search(rf"Deadline ({DAY_WORDS})", text_of(page))
    sent = re.search(rf"Sent ({DAY_WORDS})", text_of(page))
    return {"progress": (int(progress.group(1)), int(progress.group(2)), int(progress.group(3) or 0)),
            "deadline": read_day(deadline.group(1)) if deadline else None,
            "sent": read_day(sent.group(1)) if sent else None,
            "status": status, "reminders": int(found.group(1)) if found else None,
            "chasers": int(found.group(2)) if found else None,
            "not_known": int(not_known.group(1)) if not_known else None,
            "no_offer": int(no_offer.group(1)) if no_offer else None}


def read_schools_index(client, year: int) -> dict[str, tuple[int, int]]:
    """The Schools page: each school's Not Known and no-offer figures, by LAESTAB."""
    page = client.get(f"/schools/?year={year}").get_data(as_text=True)
    found = {}
    for laestab, row in re.findall(r'<tr[^>]*data-laestab="(\d+)"[^>]*>(.*?)</tr>', page, re.S):
        figure = dict(re.findall(r'data-figure="([a-z-]+)">(.*?)</td>', row, re.S))
        found[laestab] = tuple(int(text_of(figure[name]).replace(",", "")) for name in ("not-known", "no-offer"))
    return found


def read_school_page_figure(client, laestab: str, year: int) -> tuple[int, int]:
    """The Not Known and no-offer figures on one school's page."""
    page = client.get(f"/schools/{laestab}?year={year}").get_data(as_text=True)
    return tuple(int(re.search(rf'id="school-figures".*?data-figure="{name}">(\d+)<', page, re.S).group(1))
                 for name in ("not-known", "no-offer"))


def read_school_page_status(client, laestab: str, year: int, kind: str = "leavers") -> tuple[str, int | None]:
    """The status of one of the school's lists on its Schools page, and the chasers it shows."""
    page = soup(client.get(f"/schools/{laestab}?year={year}"))
    for row in page.select("tbody tr"):
        if row.select_one(f'td[data-count="{kind}"]') is None:
            continue
        cell = row.find_all("td")[4]
        chasers = cell.select_one("[data-chasers]")
        count = int(words(chasers).split()[0]) if chasers is not None else 0
        if chasers is not None:
            chasers.decompose()
        return words(cell), count
    raise AssertionError(f"no {kind} row on the page of school {laestab}")


def read_queue(client) -> dict[str, int]:
    """The open cases in the officer's queue: name -> case id (every page)."""
    cases, page_number = {}, 1
    while True:
        html = client.get(f"/cases?status=open&page={page_number}").get_data(as_text=True)
        found = re.findall(r'href="/cases/(\d+)">([^<]+)</a>', html)
        cases.update({name: int(case_id) for case_id, name in found})
        if f"page={page_number + 1}" not in html:
            return cases
        page_number += 1


def read_portal_list(client) -> tuple[dict[str, str], date | None, bool]:
    """The school's own list: young person's name -> the state shown; the reply-by date it gives, and
    whether it says the reply is late."""
    page = soup(client.get("/school/young-people"))
    reply_by = re.search(rf"(submit by|was due on) ({DAY_WORDS})", words(page.select_one("main") or page))
    states = {}
    for row in page.select("tbody tr"):
        first = row.find(["th", "td"])
        tag = row.select_one(".govuk-tag")
        if first is None or tag is None:
            continue
        for hidden in first.select(".govuk-visually-hidden"):
            hidden.decompose()
        states[words(first)] = words(tag)
    if reply_by is None:
        return states, None, False
    return states, read_day(reply_by.group(2)), reply_by.group(1) == "was due on"


def read_answer_form(client, entry_id: int) -> dict:
    """The values the school's answer page shows for one young person."""
    page = soup(client.get(f"/school/young-people/{entry_id}"))
    values = {}
    for name in ("moved_to", "provider_name", "phone", "parent_phone", "email"):
        node = page.find("input", attrs={"name": name})
        values[name] = (node.get("value") or "") if node is not None else ""
    area = page.find("textarea", attrs={"name": "intelligence"})
    values["intelligence"] = area.get_text().strip() if area is not None else ""
    chosen = page.select_one('select[name="outcome"] option[selected]')
    values["outcome"] = chosen.get("value", "") if chosen is not None else ""
    parts = [node.get("value") or "" for node in page.find_all("input", attrs={"name": "start_date"})]
    values["start_date"] = "/".join(str(int(part)) if part.isdigit() else part for part in parts) \
        if any(parts) else ""
    version = page.find("input", attrs={"name": "version"})
    values["version"] = version.get("value", "0") if version is not None else "0"
    return values


def read_sheet(data: bytes) -> tuple:
    """The school's downloaded list: (workbook, sheet, header row number, headers)."""
    workbook = load_workbook(BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=10):
            headers = [cell.value for cell in row]
            if "Reference" in headers:
                return workbook, sheet, row[0].row, headers
    raise AssertionError("the downloaded list has no header row")


def read_calendar_warnings(client, year: int) -> set[str]:
    """The dates the admin's calendar page marks as falling when schools may not read their email."""
    page = client.get(f"/admin/calendar?year={year}").get_data(as_text=True)
    return set(re.findall(r'id="warning-([a-z_]+)"', page))
