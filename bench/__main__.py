"""`make bench`: run the bench sections and print one table (also bench/out/results.json).

    .venv/bin/python -m bench [--scale 1.0] [--sections pipeline,send,pages] [--postgres]
                              [--counties 2022,7,11]   # the accuracy section's seeds

Each section is a module `bench/<name>.py` with `run(report)`. A missing section is noted; a
section that fails is shown with its error and the others still run; the exit status is non-zero
when any section failed or any target was missed.
"""
import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback
from pathlib import Path

from bench.report import Report

SECTIONS = ("accuracy", "pipeline", "splink", "refresh", "send", "pages", "search", "returns", "startup")
OUT = Path(__file__).resolve().parent / "out" / "results.json"


def _calibrate() -> float:
    """Seconds for a fixed pure-Python loop: compare runs, and see when the machine is busy."""
    started = time.perf_counter()
    sum(i * i for i in range(2_000_000))
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="TEP Follow-up bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is Kent-sized (default)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated: " + ",".join(SECTIONS))
    parser.add_argument("--postgres", action="store_true", default=os.environ.get("BENCH_POSTGRES") == "1",
                        help="also run on PostgreSQL at 127.0.0.1:5432 (or set BENCH_POSTGRES=1)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--counties", default="2022,7,11",
                        help="comma-separated seeds of the synthetic counties the accuracy section measures")
    args = parser.parse_args(argv)
    try:
        counties = tuple(int(seed) for seed in args.counties.split(",") if seed.strip())
    except ValueError:
        parser.error(f"--counties takes whole numbers separated by commas, not {args.counties!r}")
    report = Report(scale=args.scale, postgres=args.postgres, seed=args.seed, counties=counties or (args.seed,))
    machine = report.machine()
    print(f"Machine: {machine['cores']} cores ({machine['usable_cores']} usable), Python {machine['python']}, "
          f"{machine['platform']}; load average {machine['load_average_1m']}", flush=True)
    report.row("machine", "calibration loop", _calibrate(), "s",
               note=f"a fixed loop; higher means a busier machine (load average {machine['load_average_1m']})")
    for name in [s.strip() for s in args.sections.split(",") if s.strip()]:
        print(f"== {name}", flush=True)
        if importlib.util.find_spec(f"bench.{name}") is None:
            report.row(name, "section", "not available", note=f"bench/{name}.py does not exist yet")
            continue
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            module.run(report)
        except Exception as error:  # noqa: BLE001 -- one failing section must not stop the others
            traceback.print_exc()
            report.error(name, f"{type(error).__name__}: {error}"[:300])
        report.row(name, "section time", time.perf_counter() - started, "s")
    print()
    report.info("load average at the end (1 min)", report.machine()["load_average_1m"])
    for key, value in report.infos.items():
        print(f"{key}: {value}")
    print(report.table())
    path = report.write_json(OUT)
    print(f"\nWritten to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    errors = sum(1 for row in report.rows if row.measure == "error")
    if errors or report.failed:
        missed = sum(1 for row in report.failed if row.measure != "error")
        print(f"{errors} error(s), {missed} target(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
