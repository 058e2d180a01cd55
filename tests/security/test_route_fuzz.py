"""Hostile input at every route, as every role: never a server error, never a traceback in the log, and
every page the service's own.

The test walks the route map (as tests/security/test_permissions.py does, with its sample world)
and, for each route and role, first asks the route plainly while recording which query parameters
and form fields the view reads (a role the route refuses reads none). Then it sends each hostile
value in each URL argument (for the roles the route lets in: routing is the same for all), in every
parameter the view read and in every form field on POST, all at once and then one at a time (a
form's other fields as its page fills them in, so the value reaches the service). The values: NUL,
other control characters, a 100 kB string, numbers past the database's integer, a negative, 1e999,
digits that are not 0-9 (a superscript two, Arabic-Indic digits), impossible and far-off dates (as
text and as a date input's three parts), invalid UTF-8 and a right-to-left override. Every request
also comes through the proxy (TEP_PROXY_COUNT=1) with a hostile forwarded address, user agent and
referrer: the address is what sign-in limits and the audit write down.
"""
import logging
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import ImmutableMultiDict

from tep_app.auth.roles import PUBLIC
from tep_app.factory import register_proxy
from tests.security import test_permissions as permissions
from tests.security.test_permissions import ROLES, _sign_in_as, _url

world = permissions.world  # the route map's sample world, as a fixture here too

TEXTS = (
    "a\x00b", "a\x01\x08\x0b\x0c\x1b\x7f\x85\x9fb", "x" * 100_000, "2147483647", "2147483648",
    "99999999999999999999", "-1", "1e999", "\u00b2", "\u0661\u0662",
    "0000-00-00", "9999-12-31", "2027-02-29", "\u202egnp.exe",
    b"ab\xff\xfe\xc3(",
)
DATE_PARTS = (("0", "0", "0000"), ("31", "12", "9999"), ("29", "2", "2027"), ("1", "1", "99999999999999999999"),
              ("99999999999999999999", "1", "2020"))
IN_PATHS = {
    "int": ("2147483648", "99999999999999999999", "0", "-1", "1e999", "9" * 5000),
    "default": ("a%00b", "a%0Bb", "%FF%FE", "%E2%80%AE", "x" * 100_000),
}
SERVICE_PAGE = "– TEP Follow-up</title>"
HEADERS = ({"X-Forwarded-For": "203.0.\x00113.9", "User-Agent": "a\x00b", "Referer": "http://localhost/\x0b"},
           {"X-Forwarded-For": "2001:db8::" + "f" * 300, "User-Agent": "x" * 10_000, "Referer": "\u202e"},
           {"X-Forwarded-For": "\x1b[31m, 198.51.100.\x7f", "User-Agent": "\x85\x9f", "Referer": "%00"})


def _encoded(value) -> str:
    return quote_from_bytes(value) if isinstance(value, bytes) else quote(value, safe="")


def _query(pairs) -> str:
    return "&".join(f"{quote(name, safe='')}={_encoded(value)}" for name, value in pairs)


class _Reads(ImmutableMultiDict):
    """A query string or form that notes the names a view asks it for."""

    names: set

    def __contains__(self, key):
        self.names.add(key)
        return super().__contains__(key)

    def get(self, key, *args, **kwargs):
        self.names.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        self.names.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        self.names.add(key)
        return super().__getitem__(key)


@pytest.fixture
def recording(app):
    """The names of the parameters the views read, per method, while this fixture is in use."""
    seen = {"GET": set(), "POST": set()}
    plain = app.request_class

    def reads(request, values):
        if isinstance(values, _Reads):  # Werkzeug's form property reads itself once more
            return values
        names = seen["POST" if request.method == "POST" else "GET"]
        return type("Reads", (_Reads, type(values)), {"names": names})(values)

    class Recording(plain):
        @property
        def args(self):
            return reads(self, super().args)

        @property
        def form(self):
            return reads(self, super().form)

    app.request_class = Recording
    yield seen
    app.request_class = plain


class Sender:
    def __init__(self, client, db, world, caplog):
        self.client, self.db, self.world, self.caplog = client, db, world, caplog
        self.sent, self.problems, self.signed_in = 0, [], None

    def send(self, role, method, url, query="", body=None):
        if self.signed_in != role:
            _sign_in_as(self.client, role, self.world)
        self.caplog.clear()
        target = f"{url}?{query}" if query else url
        self.sent += 1
        try:
            response = self.client.open(target, method=method, data=body, headers=HEADERS[self.sent % len(HEADERS)],
                                        content_type="application/x-www-form-urlencoded")
        except Exception as error:  # a server error: report it with the rest
            self.db.session.rollback()
            self.problems.append(f"{method} {target[:200]} as {role}: raised {error!r}"[:400])
            return None
        problem = self._problem(response)
        if problem:
            self.problems.append(f"{method} {target[:200]} as {role}: {problem}"[:400])
        # Sign in afresh after anything that may have changed the session or the users.
        self.signed_in = role if method == "GET" and response.status_code == 200 else None
        if method == "POST":
            self._restore()
        return response

    def _problem(self, response) -> str | None:
        if response.status_code >= 500:
            return f"answered {response.status_code}"
        errors = [record for record in self.caplog.records if record.levelno >= logging.ERROR]
        if errors:
            return f"logged {errors[0].getMessage()[:200]}"
        redirect = response.status_code in (301, 302, 303, 307, 308)
        if not redirect and response.mimetype == "text/html" and SERVICE_PAGE not in response.get_data(as_text=True):
            return f"answered {response.status_code} with a page that is not the service's own"
        return None

    def _restore(self):
        """Keep the signed-in users usable for the next request (a route may sign one out)."""
        for user in self.world.staff.values():
            self.db.session.refresh(user)
            if not user.active or user.must_change_password:
                user.active, user.must_change_password = True, False
        self.db.session.commit()


def _path_variants(app, rule, ids):
    """The route's URL with one argument at a time replaced by each hostile value."""
    for name, converter in (rule._converters or {}).items():
        kind = "int" if type(converter).__name__ in ("IdConverter", "IntegerConverter") else "default"
        marker = "987654321" if kind == "int" else f"__{name}__"
        url = _url(app, rule, {**ids, name: marker})
        for value in IN_PATHS[kind]:
            yield url.replace(marker, value)


def _filled_forms(url: str, html: str) -> dict[str, list[tuple[str, str]]]:
    """Each POST form on a page, by the address it posts to, with the simplest values a person
    could send: what the page filled in, the first of each radio group and drop-down."""
    forms = {}
    for form in BeautifulSoup(html, "html.parser").select("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        pairs, seen = [], set()
        for tag in form.select("input[name], select[name], textarea[name]"):
            name, kind = tag["name"], tag.get("type", "text")
            if kind in ("checkbox", "submit", "file") or (kind == "radio" and name in seen):
                continue
            seen.add(name)
            if tag.name == "select":
                value = next((o.get("value", "") for o in tag.select("option") if o.get("value")), "")
            else:
                value = tag.get_text() if tag.name == "textarea" else tag.get("value", "")
            pairs.append((name, value))
        forms.setdefault(urlsplit(form.get("action") or url).path, pairs)
    return forms


def _values():
    for value in TEXTS:
        yield [value]
    for parts in DATE_PARTS:
        yield list(parts)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_fails_on_hostile_input(app, client, db, world, role, recording, caplog, monkeypatch):
    caplog.set_level(logging.ERROR)
    monkeypatch.setitem(app.config, "PROXY_COUNT", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    register_proxy(app)
    sender = Sender(client, db, world, caplog)
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))
    filled = {}  # the forms of every page this role may see: the rest of a form when one field is hostile
    for rule in rules:
        if "GET" in (rule.methods or ()) and rule.endpoint not in ("static", "main.assets", "auth.logout"):
            url = _url(app, rule, world.ids)
            response = sender.send(role, "GET", url)
            if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                filled.update(_filled_forms(url, response.get_data(as_text=True)))
    for rule in rules:
        if rule.endpoint in ("static", "main.assets"):
            continue
        declared = getattr(app.view_functions[rule.endpoint], "allowed_roles", ())
        allowed = role in declared or PUBLIC in declared
        url = _url(app, rule, world.ids)
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        # Routing comes before the role check: a value in the path is for the roles the view lets in.
        for variant in _path_variants(app, rule, world.ids) if allowed else ():
            for method in methods:
                sender.send(role, method, variant)
        for method in methods:
            recording["GET"].clear(), recording["POST"].clear()
            # A form is read only when something was posted: post a field no form has.
            sender.send(role, method, url, body="unread=1" if method == "POST" else None)
            query_names = sorted(recording["GET"] - {"csrf_token"})
            form_names = sorted(recording["POST"] - {"csrf_token", "unread"})
            for values in _values():
                if query_names:
                    everything = [(name, value) for name in query_names for value in values]
                    sender.send(role, method, url, _query(everything))
                if method == "POST" and form_names:
                    fields = [(name, value) for name in form_names for value in values]
                    sender.send(role, method, url, body=_query(fields))
                if not allowed:
                    continue
                for name in query_names if len(query_names) > 1 else ():
                    sender.send(role, method, url, _query([(name, value) for value in values]))
                for name in form_names if method == "POST" else ():
                    rest = [(other, value) for other, value in filled.get(url, []) if other != name]
                    sender.send(role, method, url, body=_query(rest + [(name, value) for value in values]))
    print(f"\nroute fuzz as {role}: {sender.sent} requests")
    assert sender.problems == [], "\n".join(sender.problems)
    assert sender.sent > 100
