"""Rate limits on the pages where guessing could find a secret: signing in, the unlock link, a
school's emailed link, the choice of contact and the code.

A view declares its limit with `@limiter.limit("10 per minute")` (optionally for some methods only).
Each is counted per client address (`request.remote_addr`, after the trusted proxies) and page,
over a moving window (ten a minute means ten in any sixty seconds, not ten more as soon as the
first try's minute is up), in the store RATELIMIT_STORAGE_URI names: Redis in production, so that
every worker shares one count, memory in development. A request over its limit is refused with 429
("Too many attempts", tep_app/main/errors.py).

Built on the `limits` library, which an app loads only when it serves pages: a command neither
counts nor loads it. Each app holds its own counter (app.extensions): apps share counts only
through a store they share.

If the store does not answer, the request goes on and the failure is logged: the limits are a
second guard, after the sign-in throttle and the code's five tries, and an outage of the store must
not take the service down with it.
"""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, request

if TYPE_CHECKING:
    from limits import RateLimitItem

logger = logging.getLogger(__name__)

EXTENSION = "rate_limits"


@dataclass(frozen=True)
class Limit:
    item: "RateLimitItem"  # "10 per minute", as the `limits` library reads it
    methods: frozenset[str] | None  # None: every method


class _Counter:
    """An app's counts: its store and the strategy that counts in it."""

    def __init__(self, storage_uri: str, key_prefix: str):
        from limits.storage import storage_from_string  # noqa: PLC0415 -- only an app that serves pages counts
        from limits.strategies import MovingWindowRateLimiter  # noqa: PLC0415

        self.key_prefix = key_prefix
        # A store that stops answering holds a request up for a second at most, not until the
        # connection gives up.
        options = {"socket_connect_timeout": 1, "socket_timeout": 1} if storage_uri.startswith("redis") else {}
        self.strategy = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))

    def allows(self, limit: Limit, endpoint: str, address: str) -> bool:
        return self.strategy.hit(limit.item, self.key_prefix, endpoint, address)


class RateLimits:
    """The declared limits, and the check that applies them to an app's requests."""

    def limit(self, spec: str, methods: Iterable[str] | None = None) -> Callable:
        """Declare a limit on a view: `@limiter.limit("20 per minute", methods=["POST"])`."""
        from limits import parse  # noqa: PLC0415 -- read once, when the pages load

        # A spec the library cannot read fails here, not on the first request.
        wanted = Limit(parse(spec), frozenset(method.upper() for method in methods) if methods else None)

        def decorate(view: Callable) -> Callable:
            view.__dict__.setdefault("rate_limits", []).append(wanted)
            return view

        return decorate

    def init_app(self, app: Flask) -> None:
        if not app.config.get("RATELIMIT_ENABLED", True):
            return
        app.extensions[EXTENSION] = _Counter(app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
                                             app.config.get("RATELIMIT_KEY_PREFIX") or "tep")
        app.before_request(_check)


def _check() -> None:
    counter = current_app.extensions.get(EXTENSION)
    wanted = getattr(current_app.view_functions.get(request.endpoint), "rate_limits", ())
    if counter is None or not wanted:
        return
    address = request.remote_addr or "unknown"
    for limit in wanted:
        if limit.methods is not None and request.method not in limit.methods:
            continue
        try:
            allowed = counter.allows(limit, request.endpoint, address)
        except Exception:  # noqa: BLE001 -- any failure of the store: see the module's docstring
            logger.exception("Rate limit not counted: the store did not answer (%s)", request.endpoint)
            return
        if not allowed:
            abort(429)
