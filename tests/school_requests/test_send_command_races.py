"""Two `flask tep send` at once: each school is sent its list once, and a command that loses the
race exits with a one-line reason, never a traceback."""
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.messaging_support import seed_county

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
SCHOOLS = 30


def _env(live, **extra):
    return {**os.environ, "TEP_DATABASE_URL": live.url, "TEP_ENV": "development",
            "FLASK_APP": "tep_app:create_app", **extra}


def _send(live, **extra) -> subprocess.Popen:
    return subprocess.Popen([FLASK, "tep", "send", "leavers", "--year", "2022", "--force"], cwd=ROOT,
                            env=_env(live, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _seed(live):
    from tep_app.extensions import db

    with live.app.app_context():
        seed_county(db.session, schools=SCHOOLS, contacts=1)
        db.session.commit()


def _assert_one_line_if_lost(process, out, err):
    if process.returncode != 0:
        assert process.returncode == 1
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert err.startswith("Error: another command or user was changing the same data at the same time")


def test_two_sends_at_once_send_once_and_a_loser_says_why_in_one_line(live):
    _seed(live)
    processes = [_send(live) for _ in range(2)]
    outputs = [process.communicate(timeout=180) for process in processes]
    sent = 0
    for process, (out, err) in zip(processes, outputs, strict=False):
        _assert_one_line_if_lost(process, out, err)
        if process.returncode == 0:
            sent += int(re.search(r"Sent (\d+) school requests", out).group(1))
    last = _send(live)
    out, err = last.communicate(timeout=180)
    assert last.returncode == 0, err
    sent += int(re.search(r"Sent (\d+) school requests", out).group(1))
    assert sent == SCHOOLS


def test_a_send_that_cannot_get_the_lock_exits_with_one_line(live):
    _seed(live)
    if live.postgres:
        holder = create_engine(live.url).connect()
        holder.execute(text("LOCK TABLE school_request IN ACCESS EXCLUSIVE MODE"))
        extra = {"PGOPTIONS": "-c lock_timeout=2000"}
    else:
        holder = sqlite3.connect(live.url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        extra = {}
    try:
        process = _send(live, **extra)
        out, err = process.communicate(timeout=180)
    finally:
        holder.rollback() if live.postgres else holder.execute("ROLLBACK")
        holder.close()
    assert process.returncode == 1, (out, err)
    _assert_one_line_if_lost(process, out, err)
