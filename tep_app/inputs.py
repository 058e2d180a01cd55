"""The one input boundary: every value that reaches a view from outside passes here first.

- `CleanRequest`, the app's request class: every query-string value, form field and uploaded
  file's name loses its control characters (all but tab, newline and carriage return:
  `validation.clean_text`), so the user's words are kept and no stored text can break a page, the
  database or a spreadsheet later; each value is cut at MAX_VALUE_CHARS, above every field's own
  limit, and the cut is remembered (`cut_values`) so the form refuses the value with a message
  rather than keep less than was typed. Invalid UTF-8 in a URL or a form is read with the
  replacement character (Werkzeug's default), never an error.
- URL converters: `int` takes ids from 1 to 2,147,483,647 (the database's integer) and nothing
  else; `string` and `path` refuse control characters. A value they refuse is the service's own
  "Page not found".
- A query string's values are cut at MAX_QUERY_CHARS (a URL holds no more). Its numbers are read
  by kind:
  - an id naming a record (`?collection=`, `?with=`, the case lists' `?school=`, `?officer=`,
    `?district=`, `?year_group=`): `requested_id`, or the filter form's drop-downs
    (`forms.offered_or_404`). A value that is not a whole number from 1 to 2,147,483,647 is the
    service's "Page not found", and so is one naming no record the page offers (the merge page
    says instead that no young person has the number typed), never a page that quietly shows
    everything;
  - `?page=`: `get("page", type=int)` takes a whole number from 1; one past MAX_PAGE (however long)
    is read as MAX_PAGE, so the list shows its last page; junk is no page (page 1);
  - any other number (`?year=`): `get(name, default, type=int)` takes a whole number from 1 to
    2,147,483,647 and gives the default for anything else; each page then decides what a year it
    does not hold means (the schools' pages: "Page not found", `requested_year`; the match review:
    its newest year).
"""
import re
from collections.abc import Callable

from flask import Flask, Request, abort, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from tep_app.validation import INT_MAX, clean_text, optional_id, whole_number

MAX_VALUE_CHARS = 100_000  # above every field's own limit: a longer value is cut, and its form refuses it
MAX_QUERY_CHARS = 1_000    # a search term or a filter in a URL
MAX_NAME_CHARS = 200       # a parameter's name, or an uploaded file's name
MAX_PATH_PART_CHARS = 500  # one part of a URL: a school's LAESTAB, a link token, a file name
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the academic years a page may be asked for
MAX_PAGE = 100_000         # `?page=`: its first row, page × rows a page, is well within the integer
_DIGITS = re.compile(r"\+?0*([0-9]+)")


def _clean_pair(key, value, most: int):
    key = clean_text(key)[:MAX_NAME_CHARS] if isinstance(key, str) else key
    if isinstance(value, str):
        return key, clean_text(value)[:most]
    if isinstance(value, FileStorage) and value.filename:
        value.filename = clean_text(value.filename)[:MAX_NAME_CHARS]
    return key, value


def _too_long(key, value, most: int) -> tuple[str, int] | None:
    """(name, length) of a text value longer than `most`, as cleaning leaves it."""
    if isinstance(key, str) and isinstance(value, str) and len(value) > most:
        length = len(clean_text(value))
        return (clean_text(key)[:MAX_NAME_CHARS], length) if length > most else None
    return None


def _pairs(mapping):
    if mapping is None:
        return ()
    if isinstance(mapping, MultiDict):
        return mapping.items(multi=True)
    if isinstance(mapping, dict):
        return ((key, item) for key, value in mapping.items()
                for item in (value if isinstance(value, (list, tuple)) else [value]))
    return mapping


class CleanMultiDict(ImmutableMultiDict):
    """The form or the files of a request, every text cleaned as it is read; `cut` holds the name
    and the length of each value cut at `most`."""

    most = MAX_VALUE_CHARS

    def __init__(self, mapping=None):
        pairs = list(_pairs(mapping))
        self.cut = dict(filter(None, (_too_long(key, value, self.most) for key, value in pairs)))
        super().__init__([_clean_pair(key, value, self.most) for key, value in pairs])


class CleanQuery(CleanMultiDict):
    """The query string: shorter values, `?page=` moved within MAX_PAGE, and other whole numbers
    (`type=int`) within the database's range."""

    most = MAX_QUERY_CHARS

    def get(self, key, default=None, type=None):  # noqa: A002 (MultiDict's name)
        if type is int:
            text = super().get(key, "")
            number = _page_number(text) if key == "page" else whole_number(text, minimum=1, maximum=INT_MAX)
            return default if number is None else number
        return super().get(key, default, type)


def _page_number(text: str) -> int | None:
    """A page from 1: a number past MAX_PAGE, however many digits, is MAX_PAGE (a list shows a page
    past its last as its last); anything but digits, or 0, is None."""
    match = _DIGITS.fullmatch(text.strip())
    if match is None or match.group(1).strip("0") == "":
        return None
    digits = match.group(1).lstrip("0")
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(int(digits), MAX_PAGE)


def cut_values(formdata) -> dict[str, int]:
    """The name and the length of each value of `formdata` (a request's form, its files and form
    together, or its query string) that the boundary cut."""
    parts = getattr(formdata, "dicts", None) or [formdata]
    return {name: length for part in parts for name, length in getattr(part, "cut", {}).items()}


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    @cached_property
    def args(self) -> CleanQuery:
        return CleanQuery(super().args)


class IdConverter(IntegerConverter):
    """<int:...>: a whole number from 1 to INT_MAX, or no match (a 404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=INT_MAX, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > len(str(INT_MAX)):
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """<name> and <string:name>: one part of a path, without control characters, of a sane length."""

    def to_python(self, value: str):
        if len(value) > MAX_PATH_PART_CHARS or clean_text(value) != value:
            raise ValidationError()
        return value


class CleanPathConverter(PathConverter):
    def to_python(self, value: str):
        if clean_text(value) != value:
            raise ValidationError()
        return value


def register_inputs(app: Flask) -> None:
    """Before any blueprint adds its routes: the request class and the bounded converters."""
    app.request_class = CleanRequest
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter,
                                  path=CleanPathConverter)


def requested_id(name: str) -> int | None:
    """`?<name>=` naming a record by its id: None when absent or blank; the service's "Page not
    found" for anything but a whole number from 1 to 2,147,483,647. The page then answers "Page not
    found" for an id naming no record it can show."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    number = optional_id(text)
    if number is None:
        abort(404)
    return number


def requested_year(default: Callable[[], int]) -> int:
    """`?year=` (an academic year by its first calendar year: 2022 is 2022-23), else `default()`; a
    year outside FIRST_YEAR to LAST_YEAR is the service's "Page not found"."""
    year = request.args.get("year", type=int)
    if year is None:
        return default()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year
