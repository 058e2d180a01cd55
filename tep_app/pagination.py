"""Paging: every list's page sizes, the arithmetic of a page (`Page`), and the parameters for the
GOV.UK pagination component (previous, next and a window of page numbers).

The page number arrives bounded (`?page=` is cleaned by tep_app.inputs); a page past the last is
shown as the last.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from flask import request, url_for

# Rows a page, by kind of list: the one place a page size is set.
CASES_PER_PAGE = 25        # an officer's queue and the managers' case list
IMPORTS_PER_PAGE = 25      # import batches
MATCHES_PER_PAGE = 25      # pairs waiting for review
PEOPLE_PER_PAGE = 25       # young people found by a search
ROWS_PER_PAGE = 50         # every other list: schools, a school's list, requests, history, audit, outbox, mail


def requested_page() -> int:
    """The `?page=` asked for, 1 when none (tep_app.inputs has bounded it already)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of a list of `total` rows, `size` a page."""
    number: int
    size: int
    total: int

    @classmethod
    def of(cls, requested: int | None, total: int, size: int = ROWS_PER_PAGE) -> "Page":
        """The page asked for, moved into the list's pages (1 to the last, which may be empty)."""
        pages = max(1, -(-total // size))
        return cls(min(max(requested or 1, 1), pages), size, total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def rows(self, items: Sequence) -> list:
        """This page's rows of a list already in memory."""
        return list(items[self.offset:self.offset + self.size])

    def links(self, endpoint: str, **args) -> dict | None:
        return pagination(self.number, self.pages, endpoint, **args)


def pagination(page: int, pages: int, endpoint: str, **args) -> dict | None:
    """govukPagination parameters for page `page` of `pages`, or None when there is one page."""
    if pages <= 1:
        return None
    args = {key: value for key, value in args.items() if value is not None}

    def href(number: int) -> str:
        return url_for(endpoint, page=number, **args)

    items, previous = [], 0
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 2:
            if previous and number - previous > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": href(number), "current": number == page})
            previous = number
    params = {"items": items}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params
