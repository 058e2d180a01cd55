"""Matching bench: the synthetic county (tep_app/demo/generator.py) through the matching engine.

Prints, for each way (leavers vs enrolments, roll vs offers), the time and the precision and
recall of the resulting lists against the generator's truth, and lists the mistakes with
--show. With --database URL it also loads the county into that (empty, migrated) database and
times run_matching() end to end, loading and storing included.

    .venv/bin/python scripts/bench_matching.py [--scale 1.0] [--seed 7] [--show 20] [--database sqlite]
"""
import argparse
import collections
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tep_app.demo.generator import generate_county  # noqa: E402
from tep_app.matching import PersonRecord, match_records  # noqa: E402
from tep_app.reference_data import GUARANTEE_STATUSES  # noqa: E402

OFFER_CODES = {code for code, _d, is_offer, _y in GUARANTEE_STATUSES if is_offer}
YEAR = 2022


def school_records(rows) -> list[PersonRecord]:
    return [PersonRecord(n, None, r["upn"], r["uln"], r["forename"], r["middle_names"], r["surname"],
                         r["preferred_forename"], r["former_surname"], r["dob"], r["gender"], r["postcode"])
            for n, r in enumerate(rows)]


def candidate_rows(rows, offers: bool) -> list[PersonRecord]:
    return [PersonRecord(n, f"row-{n}", r["upn"], r["uln"], r["forename"], None, r["surname"], None, None, r["dob"],
                         r.get("gender"), r["postcode"], 1 if offers and r["status"] in OFFER_CODES else 0)
            for n, r in enumerate(rows)]


def figures(name, school_rows, rows, outcomes, truth_keys, offers: bool, show: int):
    on_list = set()
    for outcome in outcomes:
        found = outcome.outcome == "certain"
        if found and offers:
            found = rows[outcome.candidate_id]["status"] in OFFER_CODES
        if not found:
            on_list.add(outcome.record_id)
    belongs = {n for n, r in enumerate(school_rows) if (r["laestab"], r["upn"]) in truth_keys}
    hits = len(on_list & belongs)
    recall = hits / len(belongs) if belongs else 1.0
    precision = hits / len(on_list) if on_list else 1.0
    by_rule = collections.Counter(o.outcome for o in outcomes)
    print(f"{name}: {len(school_rows):,} records, {len(rows):,} candidates; {dict(by_rule)}")
    print(f"  list {len(on_list):,}, belong {len(belongs):,}: recall {recall:.4f}, precision {precision:.4f}")
    missed = [o for o in outcomes if o.record_id in belongs and o.record_id not in on_list]
    extra = [o for o in outcomes if o.record_id in on_list and o.record_id not in belongs]
    print(f"  false found: {len(missed)} {collections.Counter(o.rule for o in missed).most_common(8)}")
    print(f"  wrongly listed: {len(extra)} {collections.Counter((o.outcome, o.rule) for o in extra).most_common(8)}")
    for o in (missed + extra)[:show]:
        r = school_rows[o.record_id]
        print("   ", o.outcome, o.rule, o.score, "|", r["forename"], r["preferred_forename"], r["surname"],
              r["former_surname"], r["dob"], r["gender"], r["postcode"], r["upn"], r["uln"])
        if o.candidate_id is not None:
            c = rows[o.candidate_id]
            print("      ->", c["forename"], c["surname"], c["dob"], c.get("gender"), c["postcode"], c["upn"],
                  c["uln"], c.get("status"), "person", c["person"])
        else:
            own = [c for c in rows if c["person"] == r["upn"]]
            for c in own[:2]:
                print("      own", c["forename"], c["surname"], c["dob"], c.get("gender"), c["postcode"], c["upn"],
                      c["uln"], c.get("status"))


def load_county(county) -> None:
    """Insert the county's establishments, people, school records, enrolments and offers in bulk."""
    from sqlalchemy import insert

    from tep_app.extensions import db
    from tep_app.models import Enrolment, Establishment, Offer, SchoolRecord, YoungPerson

    establishments = {e.laestab: n + 1 for n, e in enumerate(county.establishments)}
    by_ukprn = {e.ukprn: establishments[e.laestab] for e in county.establishments if e.ukprn}
    db.session.execute(insert(Establishment), [
        {"id": establishments[e.laestab], "laestab": e.laestab, "ukprn": e.ukprn, "name": e.name, "type": e.type}
        for e in county.establishments])
    people, records, person_ids = [], [], {}
    for kind, rows in (("leaver", county.leavers[YEAR]), ("roll", county.roll[YEAR])):
        for r in rows:
            if r["upn"] not in person_ids:
                person_ids[r["upn"]] = len(person_ids) + 1
                people.append({"id": person_ids[r["upn"]], "upn": r["upn"], "uln": r["uln"], "forename": r["forename"],
                               "middle_names": r["middle_names"], "surname": r["surname"],
                               "preferred_forename": r["preferred_forename"], "former_surname": r["former_surname"],
                               "date_of_birth": r["dob"], "gender": r["gender"], "postcode": r["postcode"]})
            records.append({"young_person_id": person_ids[r["upn"]], "establishment_id": establishments[r["laestab"]],
                            "academic_year": YEAR, "kind": kind, "year_group": r["year_group"]})
    db.session.execute(insert(YoungPerson), people)
    db.session.execute(insert(SchoolRecord), records)

    def provider(code):
        return by_ukprn.get(code) or establishments[code]

    db.session.execute(insert(Enrolment), [
        {"provider_id": provider(r["provider"]), "academic_year": YEAR, "upn": r["upn"], "uln": r["uln"],
         "forename": r["forename"], "surname": r["surname"], "date_of_birth": r["dob"], "gender": r["gender"],
         "postcode": r["postcode"], "row_key": f"e{n}"} for n, r in enumerate(county.enrolments[YEAR])])
    db.session.execute(insert(Offer), [
        {"provider_id": provider(r["provider"]), "academic_year": YEAR, "upn": r["upn"], "uln": r["uln"],
         "forename": r["forename"], "surname": r["surname"], "date_of_birth": r["dob"], "postcode": r["postcode"],
         "status": r["status"], "row_key": f"o{n}"} for n, r in enumerate(county.offers[YEAR])])
    db.session.commit()


def database_bench(county, url: str) -> None:
    """run_matching() end to end on a fresh database at `url`, twice (the second replaces the first)."""
    from flask_migrate import upgrade

    from tep_app import create_app
    from tep_app.extensions import db
    from tep_app.services.match_runs import run_matching

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        load_county(county)
        print(f"database loaded in {time.perf_counter() - started:.1f} s")
        logging.getLogger("tep_app.services.match_runs").setLevel(logging.INFO)
        for attempt in (1, 2):
            started = time.perf_counter()
            counts = run_matching(YEAR)
            db.session.commit()
            print(f"run_matching both ways, run {attempt}: {time.perf_counter() - started:.2f} s {counts}")
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--database", help="an empty database URL, or 'sqlite' for a temporary file")
    args = parser.parse_args()
    started = time.perf_counter()
    county = generate_county(args.seed, YEAR, scale=args.scale)
    print(f"county generated in {time.perf_counter() - started:.1f} s")
    if args.database:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite" if args.database == "sqlite" else args.database
            database_bench(county, url)
        return
    truth = county.truth[YEAR]
    for name, school_rows, rows, keys, offers in (
        ("leavers vs enrolments", county.leavers[YEAR], county.enrolments[YEAR], truth.not_enrolled, False),
        ("roll vs offers", county.roll[YEAR], county.offers[YEAR], truth.no_offer, True),
    ):
        records, candidates = school_records(school_rows), candidate_rows(rows, offers)
        started = time.perf_counter()
        outcomes = match_records(records, candidates)
        print(f"{name}: matched in {time.perf_counter() - started:.2f} s (engine only, one core)")
        figures(name, school_rows, rows, outcomes, keys, offers, args.show)


if __name__ == "__main__":
    main()
