"""The service's own brand: TEP Follow-up is not on GOV.UK, so its pages carry no crown, no royal
arms, no GOV.UK logo or icons, and its styles use a system font rather than GDS Transport."""
import re

import pytest

from tests.support.portal_support import seed_request, sign_school_in

GOVUK_CLASSES = (
    "govuk-header__logotype", "govuk-logo", "govuk-footer__crown", "govuk-footer__licence-logo",
    "govuk-footer__copyright-logo",
)
# The opening of the Tudor crown's path and of the Open Government Licence logo's, as GOV.UK
# Frontend draws them.
GOVUK_DRAWINGS = ("M33.1,9.8c", "M421.5 142.8")
GOVUK_ICONS = re.compile(r"/assets/(images/(favicon|govuk-)|manifest\.json)")
GDS_TRANSPORT_FILES = re.compile(r"/assets/fonts/|(light|bold)-[0-9a-f]{10}-v2\.woff")


@pytest.fixture
def staff_page(pages, login):
    login("manager")
    return pages.page("/dashboard/")


@pytest.fixture
def school_page(pages, make, db, client):
    sign_school_in(client, seed_request(make, db, entries=1))
    return pages.page("/school/young-people")


@pytest.fixture(params=["staff", "school"])
def page(request, pages):
    """Either page; it names `pages` so the PostgreSQL run, which keeps only the tests that reach the
    database (tests/conftest.py), sees that it does."""
    return request.getfixturevalue(f"{request.param}_page")


def test_no_crown_royal_arms_or_govuk_logo_on_the_page(page):
    for class_name in GOVUK_CLASSES:
        assert page.select(f".{class_name}") == [], class_name
    for svg in page.find_all("svg"):
        markup = str(svg)
        assert not any(drawing in markup for drawing in GOVUK_DRAWINGS), markup[:200]
        assert not re.search(r"crown|royal arms|GOV\.UK", markup, re.IGNORECASE), markup[:200]


def test_the_icons_and_theme_are_the_service_own(page, client):
    head = page.head
    for tag in head.find_all(["link", "meta"]):
        for value in (tag.get("href"), tag.get("content")):
            assert not (value and GOVUK_ICONS.search(value)), str(tag)
    assert head.find("meta", property="og:image") is None
    assert head.find("meta", attrs={"name": "theme-color"})["content"].lower() != "#1d70b8"
    icon = head.find("link", rel="icon")
    response = client.get(icon["href"])
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "<title>TEP Follow-up</title>" in response.get_data(as_text=True)
    response.close()


def test_the_footer_names_the_education_people_and_kent_county_council(page):
    footer = page.select_one("footer .govuk-footer")
    assert footer is not None, "no footer landmark"
    text = " ".join(footer.get_text(" ", strip=True).split())
    assert "The Education People" in text
    assert "Kent County Council" in text
    assert "Crown copyright" not in text and "Open Government Licence" not in text


def test_the_stylesheets_use_no_gds_transport_and_their_images_load(staff_page, client):
    hrefs = [link["href"] for link in staff_page.head.find_all("link", rel="stylesheet")]
    assert "/static/build/app.css" in hrefs
    assert not any("govuk-frontend.min.css" in href for href in hrefs)
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200 and response.mimetype == "text/css", href
        css = response.get_data(as_text=True)
        response.close()
        assert "GDS Transport" not in css, href
        assert not GDS_TRANSPORT_FILES.search(css), href
        for url in set(re.findall(r"url\(\"?([^\")]+)\"?\)", css)):
            image = client.get(url)
            assert image.status_code == 200, url
            image.close()
    built = client.get("/static/build/app.css")
    css = built.get_data(as_text=True)
    built.close()
    assert ".govuk-button{" in css  # GOV.UK Frontend's components, compiled
    assert 'font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif' in css
