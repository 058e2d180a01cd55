"""`flask tep match`: (re)match leavers against enrolments and pupils on roll against offers."""
import time

import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.extensions import db
from tep_app.services.match_runs import KINDS, MatchingError, list_match_years, run_matching


def _parse_year(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        fail(f"--year {value!r} is not an academic year: give its start, like 2022 for 2022-23")
    return int(text)


def format_counts(counts: dict[str, dict[str, int]]) -> list[str]:
    """One aligned line per kind: "leavers vs enrolments:  33,950 certain  210 possible  840 none"."""
    words = {kind: KINDS[kind][2] + ":" for kind in counts}
    width = max(len(w) for w in words.values())
    columns = ("certain", "possible", "none", "reviewed-accepted", "reviewed-rejected")
    widths = {name: max(len(f"{c.get(name, 0):,}") for c in counts.values()) for name in columns}
    lines = []
    for kind, tally in counts.items():
        parts = [f"{tally.get(name, 0):>{widths[name]},} {name}" for name in columns[:3]]
        reviewed = [f"{tally[name]:,} {name}" for name in columns[3:] if tally.get(name)]
        lines.append(f"{words[kind]:<{width}}  " + ",  ".join(parts) + ("  (" + ", ".join(reviewed) + ")"
                                                                         if reviewed else ""))
    return lines


@tep.command("match")
@click.option("--year", "year", default=None, metavar="YYYY",
              help="The academic year's start (2022 means 2022-23); every year when left out.")
def match_command(year):
    """Match leavers against enrolments and pupils on roll against offers; print the counts."""
    academic_year = _parse_year(year)
    years = list_match_years()
    if academic_year is not None and academic_year not in years:
        fail(f"There are no leavers or pupils on roll for {academic_year}-{(academic_year + 1) % 100:02d}: "
             f"import them first")
    if not years:
        fail("There are no leavers or pupils on roll to match: import them first")
    started = time.perf_counter()
    try:
        counts = run_matching(academic_year)
    except MatchingError as error:
        fail(error.message)
    db.session.commit()
    label = (f"{academic_year}-{(academic_year + 1) % 100:02d}" if academic_year is not None
             else ", ".join(f"{y}-{(y + 1) % 100:02d}" for y in sorted(years)))
    click.echo(f"Matched {label} in {time.perf_counter() - started:.1f} s")
    for line in format_counts(counts):
        click.echo(line)
