"""Splink bench: a leading open-source Fellegi-Sunter linker on the same leavers and enrolments.

Splink (DuckDB backend, bench only: requirements-bench.txt) links the county's leavers to its
enrolment rows with the usual UK comparisons (exact UPN and ULN, forename and surname by
Jaro-Winkler, date of birth, postcode, gender, and the same provider evidence the project has: the
leaver's own school, or its district), trained the way its documentation trains a model:
u by random sampling, m by expectation-maximisation on two blockings. A leaver is on Splink's list
unless a pair reaches a match probability of THRESHOLD. Its precision, recall and time for the
leavers alone are set beside the project's figures on the same county: the project's time is the
whole county (five imports, both matchings, both lists) from the pipeline section when it ran, and
its matching in memory otherwise.
"""
import time

from bench.accuracy import ACADEMIC_YEAR, candidate_people, list_figures, places, school_people
from tep_app.demo.generator import generate_county
from tep_app.matching import match_records

SECTION = "splink"
THRESHOLD = 0.5
NOISE_LEVELS = (1.0, 2.0)
WHOLE_COUNTY = ("import establishments", "import leavers", "import roll", "import enrolments", "import offers",
                "matching both ways", "build leavers lists", "build no-offer lists")


def _frames(county, year):
    import pandas as pd

    where = places(county)

    def frame(rows, prefix, place_of):
        place = [where.get(place_of(r), (None, None)) for r in rows]
        return pd.DataFrame({
            "unique_id": [f"{prefix}{n}" for n in range(len(rows))],
            "upn": [r["upn"] or None for r in rows], "uln": [r["uln"] or None for r in rows],
            "forename": [(r["forename"] or "").strip().lower() or None for r in rows],
            "surname": [(r["surname"] or "").strip().lower() or None for r in rows],
            "dob": pd.to_datetime([r["dob"] for r in rows]),
            "gender": [r.get("gender") for r in rows],
            "postcode": [(r["postcode"] or "").upper() or None for r in rows],
            "establishment": [p[0] for p in place], "district": [p[1] for p in place],
        })

    return (frame(county.leavers[year], "l", lambda r: r["laestab"]),
            frame(county.enrolments[year], "e", lambda r: r["provider"]))


def run_splink(county, year) -> tuple[set[int], float]:
    """The positions of leavers Splink links to an enrolment row, and its seconds for the leavers."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    leavers, enrolments = _frames(county, year)
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.ExactMatch("upn"), cl.ExactMatch("uln"),
            cl.NameComparison("forename"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode"), cl.ExactMatch("gender"),
            cl.ExactMatch("establishment"), cl.ExactMatch("district"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob"), block_on("forename", "surname"), block_on("upn"), block_on("uln"),
            block_on("postcode"),
        ],
    )
    linker = Linker([leavers, enrolments], settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forename", "surname", "dob")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("forename", "surname"))
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    linked = set()
    for left, right in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=False):
        for value in (left, right):
            if str(value).startswith("l"):
                linked.add(int(str(value)[1:]))
    return linked, seconds


def _figures(county, year, linked: set[int]) -> tuple[float, float]:
    truth = county.truth[year].not_enrolled
    rows = county.leavers[year]
    listed = {(rows[n]["laestab"], rows[n]["upn"]) for n in range(len(rows)) if n not in linked}
    hits = len(listed & truth)
    return (hits / len(listed) if listed else 1.0), (hits / len(truth) if truth else 1.0)


def _project_seconds(report) -> tuple[float, str]:
    rows = {row.measure: row.value for row in report.rows if row.section == "pipeline/sqlite"}
    if all(isinstance(rows.get(name), float) for name in WHOLE_COUNTY):
        return sum(rows[name] for name in WHOLE_COUNTY), "the whole county on SQLite: five imports, both matchings, " \
                                                         "both lists"
    return float("nan"), ""


def run(report) -> None:
    year = ACADEMIC_YEAR
    whole, what = _project_seconds(report)
    for noise in NOISE_LEVELS:
        county = generate_county(report.seed, year, scale=report.scale, noise=noise)
        section = f"{SECTION}/noise {noise:g}"
        linked, splink_seconds = run_splink(county, year)
        precision, recall = _figures(county, year, linked)
        started = time.perf_counter()
        where = places(county)
        outcomes = match_records(school_people(county.leavers[year], where),
                                 candidate_people(county.enrolments[year], where=where))
        ours_leavers = time.perf_counter() - started
        ours = list_figures(county, year, "leavers", outcomes)
        report.row(section, "Splink leavers precision", precision, note=f"match probability >= {THRESHOLD}")
        report.row(section, "Splink leavers recall", recall)
        report.row(section, "TEP leavers precision", ours.precision, note="no review")
        report.row(section, "TEP leavers recall", ours.recall, note="no review")
        report.row(section, "Splink time, leavers alone", splink_seconds, "s", note="train and predict, DuckDB")
        report.row(section, "TEP time, leavers matching alone", ours_leavers, "s", note="in memory")
        if noise == NOISE_LEVELS[0] and what:
            report.at_most(section, "TEP whole county time / Splink leavers time", whole / splink_seconds, "", 1.0,
                           note=f"{whole:.1f}s for {what}; {splink_seconds:.1f}s for Splink")
        report.at_least(section, "TEP precision - Splink precision", ours.precision - precision, "", 0.0)
        report.at_least(section, "TEP recall - Splink recall", ours.recall - recall, "", 0.0)
