"""Page sizes and page arithmetic live in tep_app/pagination.py: a search of the product's source
finds no other page size (PER_PAGE, PAGE_SIZE, a number as a list's rows a page, limit(25) or
limit(50)), no other page arithmetic ((page - 1) * ..., a count divided by the rows a page) and no
other reading of `?page=`. A module with one such line added is caught, so the search cannot pass by
finding nothing. `Page` itself is checked at its edges."""
import re

import pytest

from tep_app.pagination import CASES_PER_PAGE, ROWS_PER_PAGE, Page
from tests.support.one_home import PACKAGE, TEMPLATES, found_outside

HOME = PACKAGE / "pagination.py"

SECOND_PAGING = {
    "a page size": re.compile(r"\b\w*(PER_PAGE|PAGE_SIZE)\s*=|per_page\s*:\s*int\s*=\s*\d|\.limit\((25|50|100)\)"),
    "page arithmetic": re.compile(r"\(\s*page\s*-\s*1\s*\)|/\s*per_page\b|/\s*[A-Z_]*PAGE\w*\b"),
    "a reading of ?page=": re.compile(r"""args\.get\(\s*["']page["']"""),
}


def second_paging(source: str) -> list[str]:
    return [f"{number}: {what}" for number, line in enumerate(source.splitlines(), 1)
            for what, pattern in SECOND_PAGING.items() if pattern.search(line)]


def test_page_sizes_and_arithmetic_are_in_one_place():
    found = found_outside([*PACKAGE.rglob("*.py"), *TEMPLATES.rglob("*.html")], second_paging, HOME)
    assert found == {}


@pytest.mark.parametrize(("line", "what"), [
    ("PER_PAGE = 25", "a page size"),
    ("HISTORY_PAGE_SIZE = 50", "a page size"),
    ("def list_things(page: int = 1, per_page: int = 50):", "a page size"),
    ("rows = query.limit(25).all()", "a page size"),
    ("start = (page - 1) * size", "page arithmetic"),
    ("pages = max(1, -(-total // per_page))", "page arithmetic"),
    ("pages = math.ceil(total / PER_PAGE)", "page arithmetic"),
    ('page = request.args.get("page", 1, type=int)', "a reading of ?page="),
])
def test_a_second_page_size_or_sum_is_caught(line, what):
    assert second_paging(f"x = 1\n{line}\n") == [f"2: {what}"]


def test_the_pagination_module_holds_them():
    assert second_paging(HOME.read_text(encoding="utf-8"))


def test_a_page_past_the_last_is_the_last_and_before_the_first_is_the_first():
    assert Page.of(9, 120, 50) == Page(3, 50, 120)
    assert Page.of(0, 120, 50).number == 1
    assert Page.of(None, 120, 50).number == 1
    assert Page.of(4, 0, 50) == Page(1, 50, 0)


def test_a_page_knows_its_pages_offset_and_rows():
    page = Page.of(2, 101, 50)
    assert (page.pages, page.offset) == (3, 50)
    assert Page.of(3, 101, 50).rows(list(range(101))) == [100]
    assert Page.of(2, 100, 50).pages == 2
    assert page.rows(list(range(101))) == list(range(50, 100))
    assert Page.of(1, 0).size == ROWS_PER_PAGE and CASES_PER_PAGE < ROWS_PER_PAGE
