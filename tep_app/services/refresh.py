"""The whole county in one go: import a folder of the five files, match both ways, build both sets of
lists, in one transaction, timing each stage.

The folder holds one file of each kind, named for its kind, with or without the year:
establishments.csv (or .xlsx), leavers.xlsx or leavers_2022.xlsx, roll, enrolments and offers the
same way. A file with an error stops the refresh and nothing of it is kept; warnings do not stop it.
The caller commits.
"""
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tep_app.services.imports import IMPORT_KINDS, ImportFailed, import_file, plural, read_soon
from tep_app.services.lists import ListsError, build_lists_with_summary
from tep_app.services.match_runs import MatchRun

FILE_TYPES = (".csv", ".xlsx")
LIST_KINDS = ("leavers", "no-offer")
# Each kind of matching, after the import that brings in the last of the files it reads.
MATCH_AFTER = {"enrolments": ("leaver_enrolment",), "offers": ("roll_offer",)}


class RefreshError(Exception):
    """The refresh cannot run or stopped; nothing was kept. `problems` lists a file's errors."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass
class Stage:
    name: str
    seconds: float
    outcome: str


@dataclass
class Refreshed:
    stages: list[Stage] = field(default_factory=list)
    warnings: int = 0

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def expected_names(kind: str, year: int) -> list[str]:
    return [f"{stem}{suffix}" for stem in (kind, f"{kind}_{year}") for suffix in FILE_TYPES]


def find_files(folder: Path, year: int) -> dict[str, Path]:
    """The file of each kind in `folder`; a missing or doubled kind stops the refresh before it starts."""
    if not folder.is_dir():
        raise RefreshError(f"There is no folder at {folder}")
    files, missing = {}, []
    for kind in IMPORT_KINDS:
        found = [folder / name for name in expected_names(kind, year) if (folder / name).is_file()]
        if len(found) > 1:
            raise RefreshError(f"{folder} has {' and '.join(p.name for p in found)}: keep one {kind} file")
        if found:
            files[kind] = found[0]
        else:
            missing.append(f"{kind}.csv or .xlsx")
    if missing:
        raise RefreshError(f"{folder} has no {', no '.join(missing)}")
    return files


def refresh_county(folder: Path, year: int, report: Callable[[Stage], None] = lambda stage: None) -> Refreshed:
    """Import the five files, match, build both sets of lists; `report` hears of each stage as it ends.
    Flushes, never commits: the caller commits, or rolls back on RefreshError."""
    files = find_files(folder, year)
    done = Refreshed()

    def stage(name: str, work: Callable[[], str], before: float = 0.0) -> None:
        """Time a stage; `before` is time spent on it earlier, between other stages."""
        started = time.perf_counter()
        outcome = work()
        done.stages.append(Stage(name, before + time.perf_counter() - started, outcome))
        report(done.stages[-1])

    # Each file is read in its child while the one before it is checked and written. A kind of
    # matching begins as soon as the files it reads are in (the leavers' once the roll, which may
    # update a leaver's details, and the enrolments are): the leavers are matched in a child while
    # the offers are imported.
    matching = MatchRun()
    begun_seconds = 0.0
    readings = {}
    kinds = list(files)
    try:
        for number, (kind, path) in enumerate(files.items()):
            def load(kind=kind, path=path, number=number) -> str:
                reading = readings.pop(kind, None) or read_soon(path, path.name)
                if number + 1 < len(kinds):
                    following = kinds[number + 1]
                    readings[following] = read_soon(files[following], files[following].name)
                try:
                    batch = import_file(kind, path, path.name, year, reading=reading)
                except ImportFailed as error:
                    raise RefreshError(f"{path.name}: {error.message}", error.problems) from None
                done.warnings += batch.warning_count
                return batch.summary
            stage(f"import {kind}", load)
            for match_kind in MATCH_AFTER.get(kind, ()):
                begun = time.perf_counter()
                matching.begin(year, match_kind)
                begun_seconds += time.perf_counter() - begun

        def match() -> str:
            counts = matching.finish()
            return "; ".join(f"{kind}: {tally.get('certain', 0):,} certain, {tally.get('possible', 0):,} possible, "
                             f"{tally.get('none', 0):,} none" for kind, tally in counts.items())
        stage("match", match, before=begun_seconds)
    except BaseException:
        matching.cancel()
        raise

    for kind in LIST_KINDS:
        def build(kind=kind) -> str:
            try:
                summary = build_lists_with_summary(kind, year)[1]
            except ListsError as error:
                raise RefreshError(error.message) from None
            people = "young person" if summary.people == 1 else "young people"
            return f"{summary.people:,} {people} at {plural(summary.schools, 'school')}"
        stage(f"build {kind} lists", build)
    return done
