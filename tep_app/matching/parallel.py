"""Matching jobs in forked child processes, so the caller can load the next job and store the last
one's results while a child matches.

A child is forked once its job is loaded, so it sees the job in memory (nothing is copied to it)
and sends back only the outcomes. A job's people may be given as functions that make them from
plain rows: the child then makes them, not this process. At most `workers` children run at once.
A child that fails or dies has its job matched again in this process, where a real error is
raised as usual.
"""
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from multiprocessing.connection import wait
from typing import Any

from tep_app.matching.block import PersonRecord
from tep_app.matching.decide import MatchOutcome, match_records

logger = logging.getLogger(__name__)


People = Sequence[PersonRecord] | Callable[[], Sequence[PersonRecord]]


def _made(people: People) -> Sequence[PersonRecord]:
    return people() if callable(people) else people


def _child(records, candidates, decisions, connection) -> None:
    try:
        outcomes = [tuple(outcome) for outcome in match_records(_made(records), _made(candidates), decisions)]
        connection.send(("ok", outcomes))
    except BaseException as error:  # noqa: BLE001 -- reported to the parent, which matches again
        connection.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


class Matcher:
    """Hands back (tag, outcomes) for each job given to `add`, from `add` or from `finish`."""

    def __init__(self, workers: int | None = None, min_records: int = 0):
        available = "fork" in multiprocessing.get_all_start_methods()
        self.workers = (workers or os.cpu_count() or 1) if available else 1
        self.min_records = min_records
        self.running: deque = deque()

    def add(self, tag: Hashable, records: People, candidates: People, decisions: Mapping | None,
            size: int) -> list[tuple[Any, list[MatchOutcome]]]:
        """Start matching a job of `size` school records; returns the jobs finished meanwhile (this
        one, when it is small enough to match here)."""
        if self.workers < 2 or size < self.min_records:
            return [(tag, match_records(_made(records), _made(candidates), decisions))]
        done = []
        while len(self.running) >= self.workers:
            done.append(self._collect(self.running.popleft()))
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(records, candidates, decisions, sender), daemon=True)
        process.start()
        sender.close()
        self.running.append((tag, records, candidates, decisions, process, receiver))
        return done

    def finish(self) -> Iterator[tuple[Any, list[MatchOutcome]]]:
        """Wait for every running job, handing back each as soon as it has ended, whichever ends first,
        so the caller can store one job's results while the others are still being matched."""
        while self.running:
            ready = set(wait([receiver for *_rest, receiver in self.running]))
            for running in [running for running in self.running if running[-1] in ready]:
                self.running.remove(running)
                yield self._collect(running)

    def cancel(self) -> None:
        """Stop every running job and forget it: its outcomes are no longer wanted."""
        while self.running:
            _tag, _records, _candidates, _decisions, process, receiver = self.running.popleft()
            process.terminate()
            process.join()
            receiver.close()

    def _collect(self, running) -> tuple[Any, list[MatchOutcome]]:
        tag, records, candidates, decisions, process, receiver = running
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            status, payload = "failed", "the process ended without an answer"
        finally:
            receiver.close()
            process.join()
        if status == "ok":
            return tag, [MatchOutcome(*outcome) for outcome in payload]
        logger.warning("matching in a child process failed (%s): matching in this process", payload)
        return tag, match_records(_made(records), _made(candidates), decisions)
