"""The privacy notice: anyone can read it, every school page and every email links to it."""
from pathlib import Path

import pytest

from tep_app.services.messaging.email_texts import CODE, DEFAULTS, LINK, SAMPLE_VALUES, render_email
from tests.support.portal_support import seed_request, sign_school_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _privacy_link(page) -> str | None:
    link = page.select_one("footer a#privacy-link, .govuk-footer a#privacy-link")
    return link["href"] if link else None


def test_the_notice_is_there_for_anyone_signed_out(pages):
    page = pages.page("/privacy")
    text = " ".join(page.get_text(" ", strip=True).split())
    assert page.h1.get_text(strip=True) == "How TEP Follow-up uses personal data"
    for words in ("Education and Skills Act 2008", "National Client Caseload Information System (NCCIS)",
                  "16 and 17 year olds", "in which they turn 20", "in which they turn 26",
                  "Education, Health and Care Plan", "contact with a young person or their family: 6 years",
                  "who looked at or changed what: 7 years", "a subject access request",
                  "data.protection@tep-follow-up.example.org", "a school sees only its own list"):
        assert words in text, words
    assert _privacy_link(page) == "/privacy"


def test_every_school_page_links_to_the_notice(app, db, make, client, pages):
    seeded = seed_request(make, db)
    opened = {"/school/start/no-such-link": pages.get("/school/start/no-such-link", status=404).page}
    sign_school_in(client, seeded)
    for url in ("/school/young-people", f"/school/young-people/{seeded.entries[0].id}", "/school/check",
                "/school/upload"):
        opened[url] = pages.page(url)
    assert {url: _privacy_link(page) for url, page in opened.items()} == dict.fromkeys(opened, "/privacy")


def test_every_school_template_is_drawn_in_the_layout_that_carries_the_link():
    portal = sorted((TEMPLATES / "portal").glob("*.html"))
    pages = [path.name for path in portal if not path.name.startswith("_")]
    assert pages and all('{% extends "base.html" %}' in (TEMPLATES / "portal" / name).read_text() for name in pages)
    assert "url_for('main.privacy')" in (TEMPLATES / "base.html").read_text()


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_kind_of_email_ends_with_the_link(app, db, key):
    values = {name: SAMPLE_VALUES[name] for name in DEFAULTS[key].placeholders}
    values.update({name: mark for name, mark in (("link", LINK), ("code", CODE)) if name in values})
    _subject, body = render_email(key, **values)
    assert body.endswith(f"\n\nHow we use personal data: {app.config['BASE_URL']}/privacy")
