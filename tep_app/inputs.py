"""The one input boundary: every value that reaches a view from outside passes here first.

- `CleanRequest`, the app's request class: every query-string value, form field and uploaded
  file's name loses its control characters (all but tab, newline and carriage return:
  `validation.clean_text`), so the user's words are kept and no stored text can break a page, the
  database or a spreadsheet later; each value is cut at MAX_VALUE_CHARS. Invalid UTF-8 in a URL or
  a form is read with the replacement character (Werkzeug's default), never an error.
- URL converters: `int` takes ids from 1 to 2,147,483,647 (the database's integer) and nothing
  else; `string` and `path` refuse control characters. A value they refuse is the service's own
  "Page not found".
- A query string's `get(name, default, type=int)` takes a whole number from 1 to 2,147,483,647
  (`page` to MAX_PAGE) and gives the default for anything else (junk, a sign, a fraction, 1e999, a number past the
  database's integer), so `?page=`, `?year=` or `?collection=` can never reach the database out of
  range; each value of a query string is cut at MAX_QUERY_CHARS (a URL holds no more).
"""
from collections.abc import Callable

from flask import Flask, Request, abort, request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from tep_app.validation import INT_MAX, clean_text, whole_number

MAX_VALUE_CHARS = 50_000   # longer than any form takes: a longer value is cut, the form says it is too long
MAX_QUERY_CHARS = 1_000    # a search term or a filter in a URL
MAX_NAME_CHARS = 200       # a parameter's name, or an uploaded file's name
MAX_PATH_PART_CHARS = 500  # one part of a URL: a school's LAESTAB, a link token, a file name
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the academic years a page may be asked for
MAX_PAGE = 100_000         # `?page=`: its first row, page × rows a page, is well within the integer


def _clean_pair(key, value, most: int):
    key = clean_text(key)[:MAX_NAME_CHARS] if isinstance(key, str) else key
    if isinstance(value, str):
        return key, clean_text(value)[:most]
    if isinstance(value, FileStorage) and value.filename:
        value.filename = clean_text(value.filename)[:MAX_NAME_CHARS]
    return key, value


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
    """The form or the files of a request, every text cleaned as it is read."""

    most = MAX_VALUE_CHARS

    def __init__(self, mapping=None):
        super().__init__([_clean_pair(key, value, self.most) for key, value in _pairs(mapping)])


class CleanQuery(CleanMultiDict):
    """The query string: shorter values, and whole numbers (`type=int`) within the database's range."""

    most = MAX_QUERY_CHARS

    def get(self, key, default=None, type=None):  # noqa: A002 (MultiDict's name)
        if type is int:
            most = MAX_PAGE if key == "page" else INT_MAX  # a page's rows must start within the integer too
            number = whole_number(super().get(key, ""), minimum=1, maximum=most)
            return default if number is None else number
        return super().get(key, default, type)


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


def requested_year(default: Callable[[], int]) -> int:
    """`?year=` (an academic year by its first calendar year: 2022 is 2022-23), else `default()`; a
    year outside FIRST_YEAR to LAST_YEAR is the service's "Page not found"."""
    year = request.args.get("year", type=int)
    if year is None:
        return default()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year
