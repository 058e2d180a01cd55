"""Pipeline bench: a Kent-sized county with known truth, through imports, matching,
lists and exports, timed stage by stage; then each list's precision and recall against the truth.

Runs on a fresh SQLite database built with the migrations, and with --postgres (or
BENCH_POSTGRES=1) also on a fresh PostgreSQL database bench_<pid> at 127.0.0.1:5432, dropped after.
Misses and false entries are written to bench/out/accuracy_<database>.json for tuning.
"""
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from tep_app.demo.files import write_files
from tep_app.demo.generator import County, generate_county

SECTION = "pipeline"
ACADEMIC_YEAR = 2022
PIPELINE_TARGET_S, MATCHING_TARGET_S = 20.0, 5.0
RECALL_TARGET, PRECISION_TARGET = 0.998, 0.98
KINDS = ("establishments", "leavers", "roll", "enrolments", "offers")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
OUT = Path(__file__).resolve().parent / "out"


def _sqlite_database(folder: str):
    return f"sqlite:///{folder}/bench.sqlite", lambda: None


def _postgres_database():
    from sqlalchemy import create_engine, text

    name = f"bench_{os.getpid()}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def _timer():
    started = time.perf_counter()
    return lambda: time.perf_counter() - started


def _list_keys(kind: str, academic_year: int) -> set[tuple[str, str]]:
    from sqlalchemy import select

    from tep_app.extensions import db
    from tep_app.models import Collection, Establishment, ListEntry, YoungPerson

    rows = db.session.execute(
        select(Establishment.laestab, YoungPerson.upn)
        .join(ListEntry, ListEntry.establishment_id == Establishment.id)
        .join(YoungPerson, YoungPerson.id == ListEntry.young_person_id)
        .join(Collection, Collection.id == ListEntry.collection_id)
        .where(Collection.kind == kind, Collection.academic_year == academic_year))
    return {(laestab, upn) for laestab, upn in rows}


def _match_results(kind: str, year: int, upns: set[str]) -> dict[str, list]:
    """What matching said about these young people: upn -> [(outcome, rule, score)]."""
    from sqlalchemy import select

    from tep_app.extensions import db
    from tep_app.models import MatchResult, SchoolRecord, YoungPerson

    school_kind = "leaver" if kind == "leavers" else "roll"
    rows = db.session.execute(
        select(YoungPerson.upn, MatchResult.outcome, MatchResult.rule, MatchResult.score)
        .join(SchoolRecord, SchoolRecord.id == MatchResult.school_record_id)
        .join(YoungPerson, YoungPerson.id == SchoolRecord.young_person_id)
        .where(SchoolRecord.kind == school_kind, SchoolRecord.academic_year == year, YoungPerson.upn.in_(upns)))
    found: dict[str, list] = {}
    for upn, outcome, rule, score in rows:
        found.setdefault(upn, []).append((outcome, rule, score))
    return found


def _explain(county: County, year: int, kind: str, keys: list[tuple[str, str]]) -> list[dict]:
    """Each young person's school row, the rows generated for them, and what matching said."""
    people = {(r["laestab"], r["upn"]): r for r in (county.leavers if kind == "leavers" else county.roll)[year]}
    candidates = county.enrolments[year] if kind == "leavers" else county.offers[year]
    wanted = {upn for _, upn in keys}
    theirs: dict[str, list] = {}
    for row in candidates:
        if row["person"] in wanted or row["upn"] in wanted:
            theirs.setdefault(row["person"], []).append(row)
            if row["upn"] in wanted and row["person"] != row["upn"]:
                theirs.setdefault(row["upn"], []).append({**row, "note": "carries this UPN"})
    results = _match_results(kind, year, wanted)
    return [{"school_row": people.get(key), "generated_rows": theirs.get(key[1], []),
             "matching": results.get(key[1], [])} for key in keys]


def _accuracy(report, section: str, county: County, year: int, database: str) -> None:
    details = {}
    for kind, truth in (("leavers", county.truth[year].not_enrolled), ("no-offer", county.truth[year].no_offer)):
        listed = _list_keys(kind, year)
        hits = len(listed & truth)
        recall = hits / len(truth) if truth else 1.0
        precision = hits / len(listed) if listed else 1.0
        missed, extra = sorted(truth - listed), sorted(listed - truth)
        report.at_least(section, f"{kind} list recall", recall, "", RECALL_TARGET,
                        note=f"{len(missed)} of {len(truth):,} missed")
        report.at_least(section, f"{kind} list precision", precision, "", PRECISION_TARGET,
                        note=f"{len(extra)} of {len(listed):,} not truly missing")
        details[kind] = {"missed": _explain(county, year, kind, missed), "extra": _explain(county, year, kind, extra)}
    OUT.mkdir(exist_ok=True)
    (OUT / f"accuracy_{database}.json").write_text(json.dumps(details, indent=1, default=str), encoding="utf-8")


def _run_pipeline(report, county: County, files: dict, url: str, database: str) -> None:
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db

    section = f"{SECTION}/{database}"
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    logging.getLogger("tep_app").setLevel(logging.WARNING)
    year = ACADEMIC_YEAR
    with app.app_context():
        upgrade()
        logging.getLogger("tep_app").setLevel(logging.WARNING)
        dialect = db.engine.dialect
        report.info(f"database ({database})", f"{dialect.name} {'.'.join(map(str, dialect.server_version_info or ()))}")
        from tep_app.services.imports import import_file
        from tep_app.services.list_sheets import export_lists
        from tep_app.services.lists import build_lists
        from tep_app.services.match_runs import run_matching

        total = 0.0
        rows = {}
        for kind in KINDS:
            key = kind if kind == "establishments" else f"{kind}_{year}"
            elapsed = _timer()
            batch = import_file(kind, files[key], files[key].name, year)
            db.session.commit()
            seconds = elapsed()
            total += seconds
            rows[kind] = batch.row_count
            report.row(section, f"import {kind}", seconds, "s", note=f"{batch.row_count:,} rows, "
                       f"{batch.row_count / seconds:,.0f} rows/s")
        elapsed = _timer()
        outcome = run_matching(academic_year=None)
        db.session.commit()
        seconds = elapsed()
        total += seconds
        matched_rows = rows["leavers"] + rows["roll"] + rows["enrolments"] + rows["offers"]
        report.at_most(section, "matching both ways", seconds, "s", MATCHING_TARGET_S,
                       note=f"{matched_rows / seconds:,.0f} rows/s; {outcome}"[:200])
        for kind in ("leavers", "no-offer"):
            elapsed = _timer()
            build_lists(kind, year)
            db.session.commit()
            seconds = elapsed()
            total += seconds
            report.row(section, f"build {kind} lists", seconds, "s")
        with tempfile.TemporaryDirectory(prefix="bench-export-") as out_dir:
            for kind in ("leavers", "no-offer"):
                elapsed = _timer()
                paths = export_lists(kind, year, Path(out_dir) / kind)
                seconds = elapsed()
                total += seconds
                report.row(section, f"export {kind} lists", seconds, "s", note=f"{len(paths)} files")
        report.at_most(section, "pipeline total", total, "s", PIPELINE_TARGET_S,
                       note="import all five, match both, build and export both")
        _accuracy(report, section, county, year, database)
        db.session.remove()
        db.engine.dispose()


def run(report) -> None:
    elapsed = _timer()
    county = generate_county(report.seed, ACADEMIC_YEAR, years=1, scale=report.scale)
    report.row(SECTION, "generate county", elapsed(), "s",
               note=f"{len(county.leavers[ACADEMIC_YEAR]):,} leavers, {len(county.enrolments[ACADEMIC_YEAR]):,} "
                    f"enrolments, {len(county.offers[ACADEMIC_YEAR]):,} offers; not in the pipeline total")
    with tempfile.TemporaryDirectory(prefix="bench-county-") as folder:
        elapsed = _timer()
        files = write_files(county, Path(folder) / "files")
        report.row(SECTION, "write import files", elapsed(), "s", note="not in the pipeline total")
        databases = [("sqlite", lambda: _sqlite_database(folder))]
        if report.postgres:
            databases.append(("postgresql", _postgres_database))
        for database, make in databases:
            try:
                url, drop = make()
            except Exception as error:  # noqa: BLE001 -- the other database still runs
                report.error(f"{SECTION}/{database}", f"no database: {error}"[:300])
                continue
            try:
                _run_pipeline(report, county, files, url, database)
            except Exception as error:  # noqa: BLE001 -- shown in the table, the other database still runs
                logging.getLogger(__name__).exception("pipeline on %s failed", database)
                report.error(f"{SECTION}/{database}", f"{type(error).__name__}: {error}"[:300])
            finally:
                drop()
