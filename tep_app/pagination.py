"""Parameters for the GOV.UK pagination component: previous, next and a window of page numbers."""
from flask import url_for


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
