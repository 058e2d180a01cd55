"""Templates ask about a member of staff's role through one helper, has_role('admin') (backed by
tep_app/auth/roles.py), and show a role in words through role_words: a search of the templates finds
no role compared with text. A comparison added to a template is caught, so the search cannot pass by
finding nothing."""
import re

import pytest
from flask import render_template
from flask_login import login_user

from tep_app.auth.roles import ROLE_WORDS, STAFF, has_role, role_words
from tests.support.one_home import TEMPLATES, found_outside

COMPARISONS = (
    re.compile(r"\brole\s*(==|!=|\bin\b|\bnot\s+in\b)"),                        # user.role == 'admin', role in (...)
    re.compile(r"""["'](public|school|officer|manager|admin)["']\s*(==|!=)"""),  # 'admin' == user.role
)


def role_comparisons(source: str) -> list[str]:
    return [f"{number}: {line.strip()}" for number, line in enumerate(source.splitlines(), 1)
            if any(pattern.search(line) for pattern in COMPARISONS)]


def test_no_template_compares_a_role_as_text():
    found = found_outside(TEMPLATES.rglob("*.html"), role_comparisons)

    assert found == {}


@pytest.mark.parametrize("line", [
    "{% if current_user.role == 'admin' %}",
    "{% if current_user.role != \"officer\" %}",
    "{% if current_user.role in ('officer', 'manager') %}",
    "{% if user.role not in ['admin'] %}",
    "{% if 'manager' == current_user.role %}",
])
def test_a_comparison_added_to_a_template_is_found(line):
    source = (TEMPLATES / "main" / "home.html").read_text(encoding="utf-8")

    assert len(role_comparisons(f"{source}\n{line}\n")) == 1


def test_the_helpers_name_each_staff_role_and_refuse_an_unknown_one(app):
    assert [role_words(role) for role in STAFF] == ["Officer", "Manager", "Admin"]
    assert set(ROLE_WORDS) == set(STAFF)
    with app.test_request_context():
        assert has_role("admin") is False  # no one is signed in
        with pytest.raises(ValueError):
            has_role("administrator")



@pytest.mark.parametrize(("role", "words"), [("officer", "Officer"), ("manager", "Manager"), ("admin", "Admin")])
def test_the_home_page_names_the_role_in_words(app, make, role, words):
    """The page a member of staff sees when their role has no page of its own to go to."""
    user = make.staff(role, name="Robin Example")
    with app.test_request_context("/"):
        login_user(user)
        text = " ".join(render_template("main/home.html").split())

    assert f"Signed in as Robin Example ({words})." in text
