"""Returns bench: the month-end snapshot on a Kent-sized county with three years of history.

On PostgreSQL (127.0.0.1:5432, user postgres) in a fresh database bench_returns_<pid>, loaded as
the page bench loads it (bench/pages.py: migrate, then the demo loader's county with three years of
history). Times `take_snapshot` for the newest month end (one run: a month end is taken once), then
the measure read back from it; other steps on the same snapshot (the NCCIS return written from it)
add themselves to STEPS: each is `step(app, snapshot_id, report)`.

    .venv/bin/python -m bench.returns
"""
import argparse
import os
import sys
import time
from pathlib import Path

from bench import pages

ROOT = Path(__file__).resolve().parents[1]
TARGET_SNAPSHOT_SECONDS = 10.0
TARGET_RETURN_SECONDS = 10.0
STEPS: list = []


def _snapshot(app, report) -> int:
    from tep_app import clock
    from tep_app.extensions import db
    from tep_app.services.returns.measure import month_measure
    from tep_app.services.returns.snapshots import last_month_end, take_snapshot

    with app.app_context():
        as_of = last_month_end(clock.today())
        started = time.perf_counter()
        snapshot = take_snapshot(as_of)
        db.session.commit()
        seconds = time.perf_counter() - started
        counts = snapshot.counts
        report.at_most("returns", "take_snapshot", round(seconds, 2), "s", TARGET_SNAPSHOT_SECONDS,
                       note=f"{as_of}: {counts['rows']:,} rows; academic age 16-17: {counts['measure']['cohort']:,}")
        started = time.perf_counter()
        measure = month_measure(as_of)
        report.row("returns", "month's measure from the snapshot", round(time.perf_counter() - started, 3), "s",
                   note=f"NEET + Not Known {measure.total.combined_pct} %, with the five breakdowns")
        snapshot_id = snapshot.id
        db.session.remove()
    return snapshot_id


def _nccis_return(app, snapshot_id: int, report) -> None:
    """The month's NCCIS return: read and checked (the error report), written, checked against the XSD."""
    import tempfile

    from tep_app.extensions import db
    from tep_app.models import Snapshot
    from tep_app.services.returns.nccis_xml import build_return, validate_xml, write_xml

    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nccis.xml"
        started = time.perf_counter()
        nccis = build_return(db.session.get(Snapshot, snapshot_id))
        built = time.perf_counter()
        write_xml(nccis, str(path))
        written = time.perf_counter()
        failures = validate_xml(str(path))
        seconds = time.perf_counter() - started
        report.at_most("returns", "NCCIS return written", round(seconds, 2), "s", TARGET_RETURN_SECONDS,
                       note=f"{len(nccis.records):,} young people, {len(nccis.errors):,} errors, "
                            f"{path.stat().st_size / 1e6:.1f} MB; read and checked {built - started:.2f} s, written "
                            f"{written - built:.2f} s, XSD {seconds - (written - started):.2f} s")
        if failures:
            report.error("returns", f"the return does not follow its XSD: {failures[0]}"[:300])
        db.session.remove()


STEPS.append(_nccis_return)


def measure(report, scale: float = 1.0, seed: int = 2022) -> None:
    from tep_app import create_app

    name = f"bench_returns_{os.getpid()}"
    url = pages._create_database(name)
    try:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        started = time.perf_counter()
        counts, loader = pages._load(app, url, scale, seed)
        report.info("returns: county", f"{loader}; {counts}; loaded in {time.perf_counter() - started:.1f} s")
        snapshot_id = _snapshot(app, report)
        for step in STEPS:
            step(app, snapshot_id, report)
    finally:
        pages._drop_database(name)


def run(report) -> None:
    """The bench section: the snapshot's time on PostgreSQL."""
    if not getattr(report, "postgres", True):
        report.row("returns", "section", "not run", note="needs PostgreSQL: run with --postgres")
        return
    measure(report, scale=getattr(report, "scale", 1.0), seed=getattr(report, "seed", 2022))


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    run(pages._PrintReport())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
