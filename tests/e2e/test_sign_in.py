"""The sign-in page in a real browser: it works, and it passes axe-core."""
from tests.support.browser import expect_title


def test_sign_in_page_is_accessible_and_signs_a_manager_in(page, axe, sign_in):
    page.goto("/sign-in")
    expect_title(page, "Sign in")
    axe(page)
    font_family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font_family and "GDS Transport" not in font_family
    sign_in(page, "manager")
    assert "/sign-in" not in page.url
    assert page.get_by_role("button", name="Sign out").is_visible()
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect_title(page, "Sign in")
    page.goto("/cases")
    assert "/sign-in" in page.url


def test_a_wrong_password_shows_the_error_summary(page, axe, make_staff):
    _id, email_address, _password = make_staff("officer")
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email_address)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect_title(page, "Error: Sign in")
    assert "Enter a correct email address and password" in page.locator(".govuk-error-summary").inner_text()
    axe(page)
