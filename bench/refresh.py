"""Refresh bench: `flask tep refresh` as a new process beside Splink linking the leavers alone, on the
same county in the same run, on SQLite and (with --postgres) on PostgreSQL, for the bench's seed
and a second one.

For each county the files are written once; Splink reads the leavers (.xlsx) and enrolment (.csv)
files with pandas and links them (train and predict, as bench/splink.py does); then, for each
database, a fresh database is migrated (not timed) and `flask tep refresh --year 2022 --dir DIR` is
run as its own process, as an installed service runs it (the app .flaskenv names, the modules
compiled beforehand): its wall time (start-up included), the peak resident memory of the largest
of it and its children, each import's rows a second (from the stage lines it prints), and how many
of the machine's cores were busy until its imports ended and then until its matching ended. The
ratio line is the refresh's wall time over Splink's read and link; the lists the refresh built are
held to the county's truth, so a faster refresh cannot hide a worse one.

    python -m bench --sections refresh [--postgres] [--seed 2022]
"""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.accuracy import ACADEMIC_YEAR
from bench.pipeline import PRECISION_TARGET, RECALL_TARGET, _list_keys, _postgres_database
from bench.splink import run_splink
from bench.startup import installed_env
from tep_app.demo.files import write_files
from tep_app.demo.generator import generate_county

SECTION = "refresh"
RATIO_TARGET = 0.34
SECOND_SEED = 7
ROOT = Path(__file__).resolve().parent.parent
STAGE = re.compile(r"^import (\w+): ([0-9.]+) s\. Imported ([0-9,]+) ")
STAGE_ANY = re.compile(r"^(import \w+|match|build [\w-]+ lists): ([0-9.]+) s\.")


def _flask(url: str, bytecode: Path, *args: str, timed: bool = False) -> subprocess.Popen:
    """`flask` as an installed service runs it (bench.startup.installed_env): the app .flaskenv names,
    without pages for `flask tep`, and the modules compiled in `bytecode`."""
    env = installed_env(bytecode, TEP_DATABASE_URL=url)
    command = [str(Path(sys.executable).with_name("flask")), *args]
    if timed:
        command = [sys.executable, "-c", _TIMED, *command]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _migrate(url: str, bytecode: Path) -> None:
    process = _flask(url, bytecode, "db", "upgrade")
    output = process.communicate()[0]
    if process.returncode:
        raise RuntimeError(f"flask db upgrade failed: {output[-300:]}")


# Started from this process, which holds Splink and DuckDB, a child's peak memory would start at
# this process's own: a small Python process starts the refresh and reports its time and peak.
_TIMED = ("import os, subprocess, sys, time\n"
          "started = time.perf_counter()\n"
          "process = subprocess.Popen(sys.argv[1:])\n"
          "_pid, status, usage = os.wait4(process.pid, 0)\n"
          "print(f'timed: {time.perf_counter() - started:.3f} s, {usage.ru_maxrss} KB', flush=True)\n"
          "sys.exit(os.waitstatus_to_exitcode(status))\n")
TIMED = re.compile(r"^timed: ([0-9.]+) s, ([0-9]+) KB$", re.MULTILINE)


def _refresh(url: str, folder: Path, bytecode: Path) -> tuple[float, float, str, dict[str, float]]:
    """Wall seconds, peak resident MB (the largest of the process and its children), its output, and
    how many of the machine's cores were busy in each phase (CoreUse)."""
    process = _flask(url, bytecode, "tep", "refresh", "--year", str(ACADEMIC_YEAR), "--dir", str(folder),
                     timed=True)
    cores, lines = CoreUse(), []
    for line in process.stdout:
        lines.append(line)
        cores.mark(line)
    process.wait()
    output = "".join(lines)
    timed = TIMED.search(output)
    if process.returncode or not timed:
        raise RuntimeError(f"flask tep refresh failed: {output[-300:]}")
    return float(timed[1]), int(timed[2]) / 1024, output, cores.phases()


class CoreUse:
    """The machine's busy cores (from /proc/stat, so anything else running counts too) from when it
    is made, at the refresh's start, to the end of its imports, and from then to the end of its
    matching: the imports run in one process with the files read ahead in children, the matching
    in two."""

    PHASES = (("imports", "import offers:"), ("matching", "match:"))

    def __init__(self):
        self.marks: dict[str, tuple[int, int]] = {"start": self._ticks()}

    @staticmethod
    def _ticks() -> tuple[int, int]:
        """(busy, all) jiffies of every core since boot."""
        with open("/proc/stat") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
        return sum(values) - values[3] - values[4], sum(values)

    def mark(self, line: str) -> None:
        for phase, prefix in self.PHASES:
            if line.startswith(prefix):
                self.marks[phase] = self._ticks()

    def phases(self) -> dict[str, float]:
        cores = os.cpu_count() or 1
        used, before = {}, self.marks["start"]
        for phase, _prefix in self.PHASES:
            if phase in self.marks:
                after = self.marks[phase]
                used[phase] = cores * (after[0] - before[0]) / max(after[1] - before[1], 1)
                before = after
        return used


def _splink_read_and_link(county, files: dict) -> tuple[float, float]:
    """Seconds for Splink's read of the two files and its link, and for its link alone."""
    import pandas as pd

    started = time.perf_counter()
    pd.read_excel(files[f"leavers_{ACADEMIC_YEAR}"], engine="calamine")
    pd.read_csv(files[f"enrolments_{ACADEMIC_YEAR}"], dtype=str)
    read = time.perf_counter() - started
    _linked, link = run_splink(county, ACADEMIC_YEAR)
    return read + link, link


def _lists_against_truth(report, section: str, county, url: str) -> None:
    from tep_app import create_app
    from tep_app.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        truth = county.truth[ACADEMIC_YEAR]
        for kind, belong in (("leavers", truth.not_enrolled), ("no-offer", truth.no_offer)):
            listed = _list_keys(kind, ACADEMIC_YEAR)
            hits = len(listed & belong)
            report.at_least(section, f"{kind} list recall", hits / len(belong) if belong else 1.0, "",
                            RECALL_TARGET, note=f"{len(belong) - hits} of {len(belong):,} missed")
            report.at_least(section, f"{kind} list precision", hits / len(listed) if listed else 1.0, "",
                            PRECISION_TARGET, note=f"{len(listed) - hits} of {len(listed):,} not truly missing")
        db.session.remove()
        db.engine.dispose()


def _one_database(report, section: str, county, folder: Path, url: str, splink_seconds: float,
                  link_seconds: float, bytecode: Path) -> None:
    _migrate(url, bytecode)
    seconds, peak_mb, output, cores = _refresh(url, folder, bytecode)
    stages = {match[1]: float(match[2]) for match in map(STAGE_ANY.match, output.splitlines()) if match}
    for line in output.splitlines():
        found = STAGE.match(line)
        if found:
            kind, stage_seconds, rows = found[1], float(found[2]), int(found[3].replace(",", ""))
            report.row(section, f"import {kind}", rows / max(stage_seconds, 0.05), "rows/s",
                       note=f"{rows:,} rows in {stage_seconds:.1f} s (whole import: read, check, write)")
    for name in ("match", "build leavers lists", "build no-offer lists"):
        if name in stages:
            report.row(section, name, stages[name], "s")
    report.row(section, "refresh peak memory", peak_mb, "MB", note="largest of the process and its children")
    for phase, busy in cores.items():
        report.row(section, f"cores busy during the {phase}", busy, f"of {os.cpu_count()}",
                   note="the whole machine's, from /proc/stat: how much of it this phase keeps at work")
    report.at_most(section, "flask tep refresh / Splink leavers alone", seconds / splink_seconds, "", RATIO_TARGET,
                   note=f"{seconds:.1f} s for a new process (start-up, five imports, both matchings, both lists) "
                        f"/ {splink_seconds:.1f} s for Splink's read and link of the leavers "
                        f"({seconds / link_seconds:.2f} against its link alone, {link_seconds:.1f} s)")
    _lists_against_truth(report, section, county, url)


def _compiled(bytecode: Path) -> None:
    """The app's modules compiled into `bytecode` first, as installing the service leaves them."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "tep_app"], cwd=ROOT, env=installed_env(bytecode),
                   check=True, stdout=subprocess.DEVNULL)


def run(report) -> None:
    seeds = [report.seed] + ([SECOND_SEED] if report.seed != SECOND_SEED else [])
    with tempfile.TemporaryDirectory(prefix="bench-refresh-bytecode-") as bytecode:
        _compiled(Path(bytecode))
        for seed in seeds:
            _one_county(report, seed, Path(bytecode))


def _one_county(report, seed: int, bytecode: Path) -> None:
    county = generate_county(seed, ACADEMIC_YEAR, years=1, scale=report.scale)
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as folder:
        files = write_files(county, Path(folder) / "files")
        splink_seconds, link_seconds = _splink_read_and_link(county, files)
        report.row(f"{SECTION}/seed {seed}", "Splink leavers alone, read and link", splink_seconds, "s",
                   note=f"link alone {link_seconds:.1f} s; {len(county.leavers[ACADEMIC_YEAR]):,} leavers, "
                        f"{len(county.enrolments[ACADEMIC_YEAR]):,} enrolments")
        databases = [("sqlite", lambda folder=folder: (f"sqlite:///{folder}/refresh.sqlite", lambda: None))]
        if report.postgres:
            databases.append(("postgresql", _postgres_database))
        for database, make in databases:
            section = f"{SECTION}/seed {seed}/{database}"
            try:
                url, drop = make()
            except Exception as error:  # noqa: BLE001 -- the other database still runs
                report.error(section, f"no database: {error}"[:300])
                continue
            try:
                _one_database(report, section, county, files["establishments"].parent, url, splink_seconds,
                              link_seconds, bytecode)
            except Exception as error:  # noqa: BLE001 -- shown in the table, the other database still runs
                report.error(section, f"{type(error).__name__}: {error}"[:300])
            finally:
                drop()
