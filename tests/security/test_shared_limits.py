"""Limits hold across worker processes: the sixth wrong code for a link is refused whichever worker
answers; with the counts in Redis, the eleventh link tried in a minute from one address is refused
whichever worker answers it, while counts kept in each worker's memory let the same client through
more often. Production refuses to start without a shared store."""
import os
import re
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from tep_app import create_app
from tests.support.live_server import gunicorn

REDIS_URL = os.environ.get("TEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LINK_LIMIT = 10  # the school link page allows ten tries a minute from one address
TRIES = 40


@contextmanager
def _two_workers(live, storage: str):
    """Two worker processes, each with its own memory, sharing the database and the limit store, as
    workers behind one address do. Requests are dealt between them in turn, so that both answer
    whatever the operating system would have chosen. Yields their two base addresses."""
    options = ("--workers", "1", "--worker-class", "sync", "--timeout", "60")
    limits = {"TEP_RATELIMIT_STORAGE_URL": storage, "TEP_RATELIMIT_KEY_PREFIX": f"tep-shared-limits-{uuid.uuid4().hex}"}
    with gunicorn(live, *options, **limits) as first, gunicorn(live, *options, **limits) as second:
        yield first.base, second.base


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _try_links(workers: tuple[str, str]) -> dict[str, list[int]]:
    """Forty wrong links from one address, four at a time, dealt to the two workers in turn.
    Returns {worker: [status of each link it answered]}."""
    urls = [f"{workers[n % 2]}/school/start/not-a-real-link-{n}" for n in range(TRIES)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(_status, urls))
    return {worker: statuses[n::2] for n, worker in enumerate(workers)}


def test_the_eleventh_link_in_a_minute_is_refused_whichever_worker_answers(live):
    with _two_workers(live, REDIS_URL) as workers:
        answered = _try_links(workers)
    statuses = [status for worker in workers for status in answered[worker]]
    # Between them the two workers let exactly the limit through: one shared count.
    assert statuses.count(404) == LINK_LIMIT
    assert statuses.count(429) == TRIES - LINK_LIMIT
    # Each worker refused links it had never seen before, because the other had used up the count.
    assert all(answered[worker].count(404) < LINK_LIMIT for worker in workers), answered


def test_counts_kept_in_each_workers_memory_let_the_same_client_through_more_often(live):
    with _two_workers(live, "memory://") as workers:
        answered = _try_links(workers)
    # Each worker counts only what it answered, so the same client gets the limit through each one.
    assert [answered[worker].count(404) for worker in workers] == [LINK_LIMIT, LINK_LIMIT]


@pytest.mark.parametrize("storage", [None, "", "memory://"])
def test_production_will_not_start_without_a_shared_store_for_rate_limits(monkeypatch, tmp_path, storage):
    monkeypatch.setenv("TEP_SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("TEP_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    if storage is None:
        monkeypatch.delenv("TEP_RATELIMIT_STORAGE_URL", raising=False)
    else:
        monkeypatch.setenv("TEP_RATELIMIT_STORAGE_URL", storage)
    with pytest.raises(RuntimeError, match="TEP_RATELIMIT_STORAGE_URL"):
        create_app("production")


def test_production_counts_in_the_redis_it_is_given(monkeypatch, tmp_path):
    monkeypatch.setenv("TEP_SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("TEP_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.setenv("TEP_RATELIMIT_STORAGE_URL", REDIS_URL)
    production = create_app("production")
    assert production.config["RATELIMIT_STORAGE_URI"] == REDIS_URL


def _seed_link(live) -> tuple[str, int]:
    """A school's request with a working link in the live database: (raw token, first contact's id)."""
    from tep_app.extensions import db
    from tests.support.factories import Factory
    from tests.support.portal_support import seed_request

    with live.app.app_context():
        seeded = seed_request(Factory(db), db, entries=1)
        return seeded.token, seeded.establishment.contacts[0].id


def _browser():
    """A school's browser: cookies kept, redirects not followed, each request on a new connection."""
    import http.cookiejar

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)


def _open(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    from urllib.parse import urlencode

    body = urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _a_wrong_code(live) -> str:
    """Six digits that are not the code just emailed."""
    from tep_app.extensions import db
    from tep_app.models import AccessCode
    from tep_app.services.messaging.email_secrets import access_code_value

    with live.app.app_context():
        code = access_code_value(db.session.scalar(select(AccessCode).order_by(AccessCode.id.desc()).limit(1)))
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_the_sixth_wrong_code_for_a_link_is_refused_whichever_worker_answers(live):
    token, contact_id = _seed_link(live)
    with _two_workers(live, REDIS_URL) as workers:
        school = _browser()
        first = workers[0]
        status, page = _open(school, f"{first}/school/start/{token}")
        assert _open(school, f"{first}/school/start/{token}", {"csrf_token": _csrf(page)})[0] == 302
        status, page = _open(school, f"{first}/school/confirm")
        confirm = {"contact": str(contact_id), "csrf_token": _csrf(page)}
        assert _open(school, f"{first}/school/confirm", confirm)[0] == 302
        status, page = _open(school, f"{first}/school/code")
        form = {"code": _a_wrong_code(live), "csrf_token": _csrf(page)}
        # Twelve wrong codes, two at a time, dealt to the two workers in turn.
        with ThreadPoolExecutor(max_workers=2) as pool:
            pages = list(pool.map(lambda n: _open(school, f"{workers[n % 2]}/school/code", form), range(12)))
    assert {status for status, _page in pages} == {200}
    left = sorted(int(m.group(1)) for _s, p in pages for m in [re.search(r"You have (\d) tr(?:y|ies) left", p)] if m)
    locked = [n for n, (_s, p) in enumerate(pages) if "You have entered the wrong code too many times" in p]
    assert left == [1, 2, 3, 4]  # the first four wrong codes each say how many tries are left
    # The fifth locks the code; the sixth and every one after it are refused, by both workers.
    assert len(locked) == 8
    assert {n % 2 for n in locked} == {0, 1}
