"""Search bench: "Find a young person" under 16 concurrent staff clients, on a three-year county.

On PostgreSQL (127.0.0.1:5432, user postgres) in a fresh database bench_pages_<pid>, built as the
page bench builds it (bench/pages.py: migrate, the demo loader's Kent-sized county with three
years of history, bench staff, gunicorn with 2 workers x 4 threads on 127.0.0.1). Each client
signs in and, with think time, searches again and again, each time one of four kinds of query
made from young people really held:

- name: a forename and surname as staff type them: as held, in the other order, with a slip (two
  letters swapped), or with the year of birth ("Chris Murphy 2006");
- upn, postcode and phone: a UPN, a postcode and a phone number as held (the phone with a space).

Each kind's p50 and p95 are reported, p95 against the target. Requests go only to 127.0.0.1.

    .venv/bin/python -m bench.search [--seconds 30]
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import pages

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("name", "upn", "postcode", "phone")
TARGET_P95_MS = 100
SAMPLE = 400


def _slip(word: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped inside the word, as a hurried typist does."""
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


def _queries(url: str, seed: int) -> dict[str, list[str]]:
    """Queries of each kind, made from a sample of the young people held."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        people = connection.execute(
            "SELECT forename, surname, date_of_birth, upn, postcode FROM young_person "
            "ORDER BY md5(id::text) LIMIT %s", (SAMPLE,)).fetchall()
        phones = [value for (value,) in connection.execute(
            "SELECT value FROM contact_detail WHERE kind = 'phone' ORDER BY md5(id::text) LIMIT %s", (SAMPLE,))]
    names = []
    for forename, surname, born, _upn, _postcode in people:
        shape = rng.randrange(4)
        if shape == 0:
            names.append(f"{forename} {surname}")
        elif shape == 1:
            names.append(f"{surname} {forename}")
        elif shape == 2:
            names.append(f"{forename} {_slip(surname, rng)}")
        else:
            names.append(f"{forename} {surname} {born.year}")
    return {
        "name": names,
        "upn": [upn for *_rest, upn, _postcode in people if upn],
        "postcode": [postcode for *_rest, postcode in people if postcode],
        "phone": [f"{value[:5]} {value[5:]}" for value in phones],
    }


def _plans(targets: dict, queries: dict[str, list[str]]) -> list:
    """(email, plan) per client: /healthz, then one search of each kind in a shuffled order."""
    emails = [email for email, _ids in targets["officers"]] + targets["managers"]
    plans = []
    for n in range(pages.CLIENTS):
        rng = random.Random(100 + n)

        def plan(rng=rng):
            steps = [("healthz", "/healthz")]
            for kind in rng.sample(KINDS, len(KINDS)):
                steps.append((kind, "/people/search?" + urlencode({"q": rng.choice(queries[kind])})))
            return steps
        plans.append((emails[n % len(emails)], plan))
    return plans


def measure(seconds: float = 30.0, scale: float = 1.0, seed: int = 2022) -> dict:
    from tep_app import create_app

    name = f"bench_pages_{os.getpid()}"
    url = pages._create_database(name)
    server = None
    try:
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        started = time.perf_counter()
        counts, loader = pages._load(app, url, scale, seed)
        load_seconds = time.perf_counter() - started
        counts["young_people"] = _count(url)
        targets = pages._targets(app, url)
        queries = _queries(url, seed)
        port = pages._free_port()
        env = {**os.environ, "TEP_DATABASE_URL": url, "TEP_ENV": "development", "TEP_SECRET_KEY": "bench-" + name}
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class",
             "gthread", "--keep-alive", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if pages._Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        errors: list[str] = []
        clients = []
        for email, plan in _plans(targets, queries):
            client = pages._prepare_client(port, email, plan, errors)
            if client is not None:
                clients.append((client, plan))
        run = pages._run_phase(clients, seconds, pages.THINK_SECONDS)
        return {"counts": counts, "loader": loader, "load_seconds": load_seconds, "timings": run["timings"],
                "seconds": run["seconds"], "errors": errors + run["errors"]}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        pages._drop_database(name)


def _count(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        return connection.execute("SELECT count(*) FROM young_person").fetchone()[0]


def run(report, seconds: float | None = None) -> dict:
    """The bench section: each kind of search's p50 and p95 under load, on PostgreSQL."""
    if not getattr(report, "postgres", True):
        report.row("search", "section", "not run", note="needs PostgreSQL: run with --postgres")
        return {}
    seconds = seconds or float(os.environ.get("BENCH_SEARCH_SECONDS", "30"))
    result = measure(seconds, scale=getattr(report, "scale", 1.0), seed=getattr(report, "seed", 2022))
    report.info("search: county", f"{result['loader']}; {result['counts']}; loaded in {result['load_seconds']:.1f} s")
    low, high = pages.THINK_SECONDS
    report.info("search: load", f"{pages.CLIENTS} staff clients, each pausing {low:g} to {high:g} s after every "
                f"search, for {result['seconds']:.0f} s; gunicorn 2 workers x 4 threads on 127.0.0.1")
    bare = result["timings"].get("healthz") or [float("nan")]
    bare95 = pages._percentile(bare, 0.95)
    for kind in KINDS:
        values = result["timings"].get(kind)
        if not values:
            report.row("search", kind, "not available", note="no successful searches")
            continue
        p50, p95 = pages._percentile(values, 0.5), pages._percentile(values, 0.95)
        report.row("search", f"{kind} p50", round(p50, 1), "ms", note=f"{len(values)} searches")
        report.at_most("search", f"{kind} p95", round(p95, 1), "ms", TARGET_P95_MS,
                       note=f"{p95 / bare95:.1f}x /healthz p95")
    if result["errors"]:
        report.error("search", f"{len(result['errors'])} failed requests, first: {result['errors'][:3]}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    run(pages._PrintReport(), seconds=args.seconds)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
