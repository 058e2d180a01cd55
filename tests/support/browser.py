"""Small steps the browser tests share: each waits for the page instead of reading it at once."""
import re

from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


def expect_title(page, start: str) -> None:
    """Wait until the page's title starts with `start` (a GOV.UK title ends "– TEP Follow-up")."""
    expect(page).to_have_title(re.compile("^" + re.escape(start)))


def sign_in_with(page, email_address: str, password: str) -> None:
    """Sign in through the form and wait until the page it leads to has loaded: a navigation started
    before that could race its session cookie against the next page's."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email_address)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url, wait_until="load")
