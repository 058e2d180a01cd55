"""Every page a user can reach speaks in words: no bare NCCIS activity code or September Guarantee
status, no Python list, dict or None, no rule or column identifier.

The demo county is loaded as a newcomer would on 29 November, then each staff role and a school
walk every page they can reach from the service's navigation (a few pages of each kind), and the
text a user reads is searched.
"""
import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urljoin, urlparse

import pytest
import time_machine
from bs4 import BeautifulSoup
from sqlalchemy import select

from tep_app.models import ActivityCode, GuaranteeStatus, SchoolRequest, StaffUser
from tests.support.pages import check_page_rules
from tests.support.staff_support import staff_client

PER_KIND = 3  # pages of each kind (same route, other ids) to read
SKIP = re.compile(r"(sign-out|logout|\.xlsx|/export|/download|/assets/|/static/|/healthz|/school/start/)")
PYTHON = re.compile(r"(\[\s*'|\{\s*'|'\s*:\s|\bNone\b|\bTrue\b|\bFalse\b|<tep_app|object at 0x)")
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:upn|uln|fn|sn|dob|pc)(?:[+-][a-z]+)+\b|\bno-match\b")
# Numbers that are counts, dates, pages or identifiers, not codes.
COUNT_AFTER = re.compile(r"^\s*(young|of|pupils?|schools?|rows?|records?|people|cases?|emails?|answered|events?|"
                         r"new|updated|\d|working|days?|%|,\d|\.\d)")


# A number after these words counts or names a record ("Case 260", "closes case 550", "of 230", an
# audit row's "Letters and visits 440"), not an activity.
RECORD_NUMBER = re.compile(r"((of|page|Page|and|to)|(Rows|Created|Updated|Skipped|Count)\s+(was|now)|"
                           r"([Cc]ase|Patch|account|Import|request|person|Email|Activity|Match|details|attempt|"
                           r"text|setting|list|visits))\s*$")


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", urlparse(path).path)


def _visible_text(page: BeautifulSoup) -> str:
    for tag in page(["script", "style", "noscript"]):
        tag.decompose()
    return " ".join(page.get_text(" ").split())


def _bare_codes(text: str, codes: set[str]) -> list[str]:
    found = []
    for match in re.finditer(r"(?<![\d(£/.:-])\b(\d{3})\b(?![\d)/:.-])", text):
        if match.group(1) not in codes:
            continue
        before, after = text[max(0, match.start() - 12):match.start()], text[match.end():match.end() + 12]
        if COUNT_AFTER.match(after) or RECORD_NUMBER.search(before):
            continue
        found.append(f"…{before}{match.group(1)}{after}…")
    return found


def crawl(client, start: list[str], codes: set[str], problems: list[str], seen: set[str]) -> int:
    kinds, queue, read = Counter(), list(start), 0
    while queue:
        url = queue.pop(0)
        path = urlparse(url).path + (("?" + urlparse(url).query) if urlparse(url).query else "")
        if path in seen or SKIP.search(path) or kinds[_kind(path)] >= PER_KIND:
            continue
        seen.add(path)
        kinds[_kind(path)] += 1
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read += 1
        html = response.get_data(as_text=True)
        page = check_page_rules(html, path)
        for link in page.select("a[href]"):
            target = urljoin(path, link["href"])
            if urlparse(target).netloc in ("", "localhost") and target.startswith("/"):
                queue.append(target)
        # An email text's ((placeholders)) are the admin's own syntax, as in GOV.UK Notify.
        text = re.sub(r"\(\([^()]*\)\)", "", _visible_text(BeautifulSoup(html, "html.parser")))
        for bad in PYTHON.findall(text):
            problems.append(f"{path}: Python value {bad!r}")
        for bad in IDENTIFIER.findall(text):
            problems.append(f"{path}: identifier {bad!r}")
        for bad in _bare_codes(text, codes):
            problems.append(f"{path}: bare code {bad}")
    return read


@pytest.fixture
def demo(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_LOGINS_PATH", str(tmp_path / "logins.txt"))
    with time_machine.travel(datetime(2026, 11, 29, 10, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["tep", "demo", "--scale", "0.01"])
        assert result.exit_code == 0, result.output
        yield


def _staff_client(app, db, role):
    user = db.session.scalar(select(StaffUser).where(StaffUser.role == role).order_by(StaffUser.id))
    user.must_change_password = False
    return staff_client(app, user)


def _school_client(app, db, school_request):
    from tests.support.portal_support import Seeded, sign_school_in

    client = app.test_client()
    seeded = Seeded(school_request, "", [], school_request.establishment, school_request.collection)
    sign_school_in(client, seeded)
    return client


def test_no_page_shows_a_bare_code_a_python_value_or_an_identifier(app, db, demo):
    codes = set(db.session.scalars(select(ActivityCode.code))) | set(db.session.scalars(select(GuaranteeStatus.code)))
    problems, read = [], 0
    with time_machine.travel(datetime(2026, 11, 29, 10, tzinfo=UTC), tick=False):
        for role in ("officer", "manager", "admin"):
            read += crawl(_staff_client(app, db, role), ["/", "/cases", "/dashboard/", "/schools/", "/admin/"],
                          codes, problems, set())
        submitted = db.session.scalar(select(SchoolRequest).where(SchoolRequest.status == "submitted"))
        in_progress = db.session.scalar(select(SchoolRequest).where(
            SchoolRequest.status.in_(("in_progress", "opened", "sent"))).order_by(SchoolRequest.status.desc()))
        for school_request in (submitted, in_progress):
            read += crawl(_school_client(app, db, school_request), ["/school/young-people", "/school/check"],
                          codes, problems, set())
    assert read > 40, f"only {read} pages read"
    assert not problems, "\n".join(sorted(set(problems))[:60])
