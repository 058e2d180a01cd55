"""The rate limits as a client meets them: counted per address and page over a moving window, for
the methods a page names; a store that does not answer lets the page through and is logged, never
a server error."""
import logging
import os
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine

from tep_app import create_app
from tep_app.extensions import limiter

REDIS_URL = os.environ.get("TEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LINK_LIMIT = 10  # the school link page: ten a minute from one address
SIGN_IN_LIMIT = 20  # posts to the sign-in page: twenty a minute from one address


@contextmanager
def _limited(app, **settings):
    """A second app on the test database with its rate limits on."""
    limited = create_app("test", RATELIMIT_ENABLED=True, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         **settings)
    try:
        yield limited
    finally:
        with limited.app_context():
            from tep_app.extensions import db

            db.engine.dispose()


def _links(client, count: int, address: str) -> list[int]:
    return [client.get(f"/school/start/not-a-real-link-{n}", environ_base={"REMOTE_ADDR": address}).status_code
            for n in range(count)]


def test_each_address_has_its_own_count(app):
    with _limited(app) as limited:
        client = limited.test_client()
        assert _links(client, LINK_LIMIT + 1, "192.0.2.1") == [404] * LINK_LIMIT + [429]
        assert _links(client, 1, "192.0.2.2") == [404]
        assert _links(client, 1, "192.0.2.1") == [429]


@pytest.mark.parametrize("storage", ["memory://", REDIS_URL])
def test_ten_a_minute_means_ten_in_any_sixty_seconds(app, storage):
    # One link, nine more a minute later: a count that began again once its minute was up would let
    # ten more through at once, nineteen in two seconds.
    address = f"192.0.2.{10 + len(storage)}"

    def links_at(minute: int, second: int, count: int) -> list[int]:
        with time_machine.travel(datetime(2026, 12, 7, 9, minute, second, tzinfo=UTC), tick=False):
            return _links(client, count, address)

    with _limited(app, RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=f"tep-window-{uuid.uuid4().hex}") as limited:
        client = limited.test_client()
        assert links_at(0, 0, 1) == [404]
        assert links_at(0, 59, LINK_LIMIT - 1) == [404] * (LINK_LIMIT - 1)
        assert links_at(1, 1, 2) == [404, 429]  # the first link's minute is up: one more, not ten
        assert links_at(2, 0, 2) == [404] * 2  # the nine's minute is up too


def test_a_limit_on_posts_leaves_the_page_open_to_read(app):
    with _limited(app) as limited:
        client = limited.test_client()
        posts = [client.post("/sign-in", data={"email": "", "password": ""}).status_code
                 for _ in range(SIGN_IN_LIMIT + 1)]
        assert posts == [200] * SIGN_IN_LIMIT + [429]
        refused = client.post("/sign-in", data={"email": "", "password": ""})
        assert "Too many attempts" in refused.get_data(as_text=True)
        assert client.get("/sign-in").status_code == 200


def test_each_app_keeps_its_own_counts_in_memory(app):
    # Two apps sharing one Redis share its counts (tests/security/test_shared_limits.py); in memory,
    # each has its own.
    with _limited(app, RATELIMIT_STORAGE_URI="memory://") as first, \
            _limited(app, RATELIMIT_STORAGE_URI="memory://") as second:
        assert _links(first.test_client(), LINK_LIMIT + 1, "192.0.2.3")[-1] == 429
        assert _links(second.test_client(), 1, "192.0.2.3") == [404]


def test_an_app_with_the_limits_off_never_counts(client):
    assert set(_links(client, LINK_LIMIT * 2, "192.0.2.4")) == {404}


def test_a_store_that_does_not_answer_lets_the_page_through_and_is_logged(app, caplog):
    with _limited(app, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0") as limited, \
            caplog.at_level(logging.ERROR, logger="tep_app.rate_limits"):
        assert _links(limited.test_client(), LINK_LIMIT + 2, "192.0.2.5") == [404] * (LINK_LIMIT + 2)
    missed = [record for record in caplog.records if record.name == "tep_app.rate_limits"]
    assert len(missed) == LINK_LIMIT + 2
    assert missed[0].getMessage() == "Rate limit not counted: the store did not answer (portal.start)"


@pytest.mark.parametrize("spec", ["ten a minute", "10 per fortnight", ""])
def test_a_limit_the_library_cannot_read_fails_when_it_is_declared(spec):
    with pytest.raises(ValueError):
        limiter.limit(spec)
