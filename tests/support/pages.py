"""A page helper in the manner of notifications-admin's client_request: every page a test
visits is checked for the status it expects and the house page rules."""
from collections import Counter

from bs4 import BeautifulSoup


class PageError(AssertionError):
    pass


def check_page_rules(html: str, url: str = "") -> BeautifulSoup:
    page = BeautifulSoup(html, "html.parser")
    h1s = page.find_all("h1")
    if len(h1s) != 1:
        raise PageError(f"{url}: expected one h1, found {len(h1s)}")
    title = page.title.get_text(" ", strip=True) if page.title else ""
    heading = " ".join(h1s[0].get_text(" ", strip=True).split())
    bare_title = title.removeprefix("Error: ")
    if not bare_title.startswith(heading):
        raise PageError(f"{url}: title {title!r} does not start with the h1 {heading!r}")
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageError(f"{url}: duplicate ids {duplicates}")
    for form in page.find_all("form"):
        if (form.get("method") or "get").lower() == "post" and form.get("novalidate") is None:
            raise PageError(f"{url}: a form without novalidate")
    if page.select(".govuk-error-summary") and not title.startswith("Error: "):
        raise PageError(f"{url}: an error summary without 'Error: ' in the title")
    return page


class PageChecker:
    def __init__(self, client):
        self.client = client

    def _check(self, response, status: int, url: str):
        if response.status_code != status:
            raise PageError(f"{url}: expected {status}, got {response.status_code}\n"
                            f"{response.get_data(as_text=True)[:2000]}")
        if response.mimetype == "text/html" and status != 302:
            response.page = check_page_rules(response.get_data(as_text=True), url)
        return response

    def get(self, url: str, status: int = 200, **kwargs):
        return self._check(self.client.get(url, **kwargs), status, url)

    def post(self, url: str, data=None, status: int = 200, **kwargs):
        return self._check(self.client.post(url, data=data, **kwargs), status, url)

    def page(self, url: str, status: int = 200, **kwargs) -> BeautifulSoup:
        return self.get(url, status, **kwargs).page
