"""Accuracy bench: the matcher on several synthetic counties (seeds) at several noise levels.

Each county is matched in memory, as `flask tep match` does (leavers against enrolments, the roll
against offers), and the two lists are made the way the list builder makes them: a leaver is on the
leavers list unless matched as certain; a pupil is on the no-offer list unless matched as certain
to a row with an offer status. Each list's precision and recall are measured against the truth
without review, and again with the review band resolved by the truth (a reviewer accepts the pairs
that are one young person and rejects the others). The worst figures over the counties are the
ones compared with the targets.

    python -m bench --sections accuracy [--scale 0.2] [--counties 2022,7,11,1,2,3]
"""
import time
from collections.abc import Iterable
from dataclasses import dataclass

from tep_app.demo.generator import County, generate_county
from tep_app.matching import MatchOutcome, PersonRecord, match_records

SECTION = "accuracy"
ACADEMIC_YEAR = 2022
NOISE_LEVELS = (1.0, 2.0)
RECALL_TARGET, PRECISION_TARGET, BAND_TARGET = 0.999, 0.98, 0.005
OFFER_STATUSES = frozenset({"110", "114", "115"})


def places(county: County) -> dict[str, tuple[str, str]]:
    """Each establishment's LAESTAB and UKPRN -> (LAESTAB, district), as the import resolves a provider."""
    found = {}
    for establishment in county.establishments:
        place = (establishment.laestab, establishment.district)
        found[establishment.laestab] = place
        if establishment.ukprn:
            found[establishment.ukprn] = place
    return found


def school_people(rows: list[dict], where: dict | None = None) -> list[PersonRecord]:
    where = where or {}
    return [PersonRecord(n, None, r["upn"], r["uln"], r["forename"], r["middle_names"], r["surname"],
                         r["preferred_forename"], r["former_surname"], r["dob"], r["gender"], r["postcode"], 0,
                         where.get(r["laestab"])) for n, r in enumerate(rows)]


def candidate_people(rows: list[dict], offers: bool = False, where: dict | None = None) -> list[PersonRecord]:
    where = where or {}
    return [PersonRecord(n, f"row-{n}", r["upn"], r["uln"], r["forename"], None, r["surname"], None, None, r["dob"],
                         r.get("gender"), r["postcode"], int(r.get("status") in OFFER_STATUSES) if offers else 0,
                         where.get(r["provider"])) for n, r in enumerate(rows)]


@dataclass
class ListFigures:
    precision: float
    recall: float
    reviewed_precision: float
    reviewed_recall: float
    band: int
    listed: int
    belong: int


def _figures(truth: set, keys: list, listed: set[int], band: dict[int, bool]) -> ListFigures:
    """`listed`: record positions on the list; `band`: position -> whether the pair under review is right."""
    def measure(positions: Iterable[int]) -> tuple[float, float, int]:
        on = {keys[n] for n in positions}
        hits = len(on & truth)
        return (hits / len(on) if on else 1.0), (hits / len(truth) if truth else 1.0), len(on)

    precision, recall, count = measure(listed)
    reviewed = [n for n in listed if not band.get(n, False)]
    reviewed_precision, reviewed_recall, _ = measure(reviewed)
    return ListFigures(precision, recall, reviewed_precision, reviewed_recall, len(band), count, len(truth))


def list_figures(county: County, year: int, kind: str, outcomes: list[MatchOutcome]) -> ListFigures:
    records = county.leavers[year] if kind == "leavers" else county.roll[year]
    rows = county.enrolments[year] if kind == "leavers" else county.offers[year]
    truth = county.truth[year].not_enrolled if kind == "leavers" else county.truth[year].no_offer
    keys = [(r["laestab"], r["upn"]) for r in records]
    listed, band = set(), {}
    for outcome in outcomes:
        row = rows[outcome.candidate_id] if outcome.candidate_id is not None else None
        offered = row is not None and (kind == "leavers" or row.get("status") in OFFER_STATUSES)
        if outcome.outcome != "certain" or not offered:
            listed.add(outcome.record_id)
        if outcome.outcome == "possible":
            band[outcome.record_id] = row["person"] == records[outcome.record_id]["upn"] and offered
    return _figures(truth, keys, listed, band)


def run_county(seed: int, noise: float, scale: float) -> dict:
    county = generate_county(seed, ACADEMIC_YEAR, scale=scale, noise=noise)
    year = ACADEMIC_YEAR
    where = places(county)
    started = time.perf_counter()
    leavers = match_records(school_people(county.leavers[year], where),
                            candidate_people(county.enrolments[year], where=where))
    leavers_s = time.perf_counter() - started
    started = time.perf_counter()
    roll = match_records(school_people(county.roll[year], where),
                         candidate_people(county.offers[year], offers=True, where=where))
    roll_s = time.perf_counter() - started
    return {"seed": seed, "noise": noise, "records": len(leavers) + len(roll), "leavers_s": leavers_s,
            "roll_s": roll_s, "leavers": list_figures(county, year, "leavers", leavers),
            "no-offer": list_figures(county, year, "no-offer", roll)}


def run(report) -> None:
    results = []
    seeds = report.counties
    for noise in NOISE_LEVELS:
        for seed in seeds:
            result = run_county(seed, noise, report.scale)
            results.append(result)
            for kind in ("leavers", "no-offer"):
                f = result[kind]
                print(f"    seed {seed} noise {noise:g} {kind}: precision {f.precision:.4f} recall {f.recall:.4f} "
                      f"band {f.band} ({f.band / result['records']:.3%}); reviewed precision "
                      f"{f.reviewed_precision:.4f} recall {f.reviewed_recall:.4f}", flush=True)
    plural = "s" if len(seeds) != 1 else ""
    counties = f"worst of {len(seeds)} seed{plural} x noise {', '.join(f'{n:g}' for n in NOISE_LEVELS)}"
    for kind in ("leavers", "no-offer"):
        worst = min(results, key=lambda r: r[kind].precision)
        report.at_least(SECTION, f"{kind} precision, no review", worst[kind].precision, "", PRECISION_TARGET,
                        note=f"{counties}: seed {worst['seed']} noise {worst['noise']:g}")
        worst = min(results, key=lambda r: r[kind].recall)
        report.at_least(SECTION, f"{kind} recall, no review", worst[kind].recall, "", RECALL_TARGET,
                        note=f"{counties}: seed {worst['seed']} noise {worst['noise']:g}")
        worst = min(results, key=lambda r: r[kind].reviewed_precision)
        report.row(SECTION, f"{kind} precision, band reviewed", worst[kind].reviewed_precision,
                   note=f"{counties}: seed {worst['seed']} noise {worst['noise']:g}")
        worst = min(results, key=lambda r: r[kind].reviewed_recall)
        report.row(SECTION, f"{kind} recall, band reviewed", worst[kind].reviewed_recall,
                   note=f"{counties}: seed {worst['seed']} noise {worst['noise']:g}")
    worst = max(results, key=lambda r: (r["leavers"].band + r["no-offer"].band) / r["records"])
    share = (worst["leavers"].band + worst["no-offer"].band) / worst["records"]
    report.at_most(SECTION, "review band, share of records", share, "", BAND_TARGET,
                   note=f"{counties}: {worst['leavers'].band + worst['no-offer'].band:,} pairs of "
                        f"{worst['records']:,} records (seed {worst['seed']} noise {worst['noise']:g})")
    slowest = max(results, key=lambda r: r["leavers_s"] + r["roll_s"])
    report.row(SECTION, "matching both ways, in memory (slowest county)", slowest["leavers_s"] + slowest["roll_s"],
               "s", note=(f"leavers {slowest['leavers_s']:.2f}s, roll {slowest['roll_s']:.2f}s "
                          f"at scale {report.scale:g}"))
