"""Matching puts a job in a child only when other work leaves a core idle now: judged from how many
processes are running at this moment (three looks, the middle one), not from the last minute's
load average, which still counts work that has just ended."""
import os
import time
from functools import partial

import pytest

from tep_app.matching.parallel import Matcher
from tep_app.services import match_runs


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    monkeypatch.setattr(match_runs.time, "sleep", lambda _seconds: None)


def _running(monkeypatch, *counts):
    looks = iter(counts)
    monkeypatch.setattr(match_runs, "_running_now", lambda: next(looks))


@pytest.mark.parametrize(("counts", "workers"), [
    ((1, 1, 1), 2),  # only this process: the other core is idle
    ((2, 2, 2), 1),  # another process is using the other core
    ((1, 4, 1), 2),  # a passing burst in one look does not count
    ((3, 2, 3), 1),
])
def test_a_child_only_when_a_core_is_idle_now(monkeypatch, two_cores, counts, workers):
    _running(monkeypatch, *counts)
    monkeypatch.setattr(os, "getloadavg", lambda: (6.0, 6.0, 6.0))  # a busy last minute does not decide
    assert match_runs._workers() == workers


@pytest.mark.parametrize(("load", "workers"), [(0.3, 2), (0.9, 2), (1.2, 1), (7.0, 1)])
def test_without_a_count_of_running_processes_the_last_minute_decides(monkeypatch, two_cores, load, workers):
    _running(monkeypatch, None)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert match_runs._workers() == workers


def test_with_nothing_to_judge_by_both_cores_are_used(monkeypatch, two_cores):
    _running(monkeypatch, None)

    def unknown():
        raise OSError("no load average here")

    monkeypatch.setattr(os, "getloadavg", unknown)
    assert match_runs._workers() == 2


def test_one_core_never_has_a_child(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    _running(monkeypatch, 1, 1, 1)
    assert match_runs._workers() == 1


def _slow_people(seconds):
    time.sleep(seconds)
    return []


def test_the_job_that_ends_first_is_handed_back_first():
    """A refresh stores the roll's results, and records its pupils' statuses, while the leavers are
    still being matched: the jobs come back in the order they end, not the order they began."""
    matcher = Matcher(workers=2)
    assert matcher.add("slow", partial(_slow_people, 1.5), [], {}, size=1) == []
    assert matcher.add("quick", partial(_slow_people, 0), [], {}, size=1) == []
    assert [tag for tag, _outcomes in matcher.finish()] == ["quick", "slow"]


def _dies_in_a_child(parent: int):
    if os.getpid() != parent:
        os._exit(3)  # a child killed (out of memory, say) before it answers
    return []


def test_a_child_that_dies_has_its_job_matched_here_and_the_others_still_come_back(caplog):
    matcher = Matcher(workers=2)
    matcher.add("dies", partial(_dies_in_a_child, os.getpid()), [], {}, size=1)
    matcher.add("lives", partial(_slow_people, 0.5), [], {}, size=1)
    assert sorted(tag for tag, outcomes in matcher.finish() if outcomes == []) == ["dies", "lives"]
    assert "the process ended without an answer" in caplog.text
