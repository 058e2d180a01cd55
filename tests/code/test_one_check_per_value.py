"""Each kind of value is checked by its one function in tep_app/validation.py (check_email,
check_phone, check_length...): a search of the product's source finds no second email pattern or
"@" test, no second wording of the email or phone message, no length check raising its own message,
and no other name for a check. A line of each kind added to a module is caught, so the search cannot
pass by finding nothing."""
import re

import pytest

from tests.support.one_home import PACKAGE, found_outside

HOME = PACKAGE / "validation.py"

SECOND_CHECKS = {
    "an email pattern": re.compile(r"re\.compile\(.*@"),
    'an "@" test': re.compile(r"""["']@["']\s+(not\s+)?in\b"""),
    "an email or phone message": re.compile(r"(correct format|phone number), like"),
    "a length message": re.compile(r"raise\s+\w+\(.*characters or fewer"),
    "another name for a check": re.compile(r"from tep_app\.validation import .*\bas\b"),
}


def second_checks(source: str) -> list[str]:
    return [f"{number}: {what}" for number, line in enumerate(source.splitlines(), 1)
            for what, pattern in SECOND_CHECKS.items() if pattern.search(line)]


def test_no_check_is_written_twice():
    found = found_outside(PACKAGE.rglob("*.py"), second_checks, HOME)
    assert found == {}


@pytest.mark.parametrize(("line", "what"), [
    ('EMAIL = re.compile(r"^[^@]+@[^@]+$")', "an email pattern"),
    ('if "@" not in email:', 'an "@" test'),
    ('raise ValidationError("Enter a UK phone number, like 01632 960 001")', "an email or phone message"),
    ('raise AnswerError(f"Must be {limit} characters or fewer")', "a length message"),
    ("from tep_app.validation import check_phone as normalise_phone", "another name for a check"),
])
def test_a_second_check_is_caught(line, what):
    assert second_checks(f"x = 1\n{line}\n") == [f"2: {what}"]


def test_the_validation_module_holds_the_checks():
    source = HOME.read_text(encoding="utf-8")
    assert "def check_email" in source and "def check_phone" in source and "def check_length" in source
    assert second_checks(source)
