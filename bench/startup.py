"""Start-up bench: how long a `flask tep ...` command takes from start to finish, as another tool
driving the command line sees it.

Two commands, each run 5 times in a new process, the median reported against 0.5 s: `flask tep
--help` (every command's module imported to list them) and `flask tep calendar show` (one command
that reads and writes the database), on a fresh SQLite database migrated first. The processes' CPU
time (user and system) is reported beside the wall time: on a busy machine the wall time grows
with the load, the CPU time much less.

Python runs from its bytecode cache, as an installed service does (pip compiles the packages it
installs): the cache is the bench's own, in its temporary folder, whatever PYTHONDONTWRITEBYTECODE
says, and filled by one run of each command before the timed ones. Without a cache every run
compiles every module it imports, and takes twice as long or more.

    .venv/bin/python -m bench.startup
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLASK = ROOT / ".venv" / "bin" / "flask"
COMMANDS = (("flask tep --help", ("tep", "--help")), ("flask tep calendar show", ("tep", "calendar", "show")))
RUNS = 5
TARGET_SECONDS = 0.5


def installed_env(bytecode: Path, **settings: str) -> dict[str, str]:
    """The environment a `flask` command runs in as an installed service: the app .flaskenv names
    (as a user's shell has it), and modules read from the compiled cache `bytecode`, whatever
    PYTHONDONTWRITEBYTECODE says; `settings` on top."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(bytecode), **settings}
    env.pop("FLASK_APP", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(arguments: tuple[str, ...], env: dict[str, str], runs: int = RUNS) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of `flask <arguments>` run `runs` times."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu_before, started = _children_cpu(), time.perf_counter()
        subprocess.run([str(FLASK), *arguments], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu_before)
    return statistics.median(walls), statistics.median(cpus)


def measure(runs: int = RUNS) -> dict[str, tuple[float, float]]:
    """{command: (median wall seconds, median CPU seconds)} on a fresh, migrated SQLite database, with
    a bytecode cache of the bench's own, filled first."""
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        env = installed_env(Path(folder) / "bytecode", TEP_ENV="development",
                            TEP_DATABASE_URL=f"sqlite:///{Path(folder) / 'startup.sqlite'}")
        subprocess.run([str(FLASK), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _name, arguments in COMMANDS:
            time_command(arguments, env, runs=1)  # fills the bytecode cache
        return {name: time_command(arguments, env, runs) for name, arguments in COMMANDS}


def run(report) -> None:
    load = os.getloadavg()[0]
    for name, (wall, cpu) in measure().items():
        report.at_most("startup", f"{name} (median of {RUNS})", wall, "s", TARGET_SECONDS,
                       note=f"CPU {cpu:.2f} s; load average {load:.1f}")


def main() -> int:
    results = measure()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, (wall, cpu) in results.items():
        print(f"{name}: median of {RUNS} {wall:.3f} s wall, {cpu:.3f} s CPU")
    return 0 if all(wall <= TARGET_SECONDS for wall, _cpu in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
